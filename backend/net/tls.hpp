// The server's TLS context, from `plenary serve --tls-cert FILE --tls-key FILE`.
// Invariants: both options or neither; loaded once at startup (a new certificate takes a
// restart); the key must match the certificate's public key; TLS 1.2 is the oldest version
// offered, with forward-secret AEAD ciphers only for 1.2; an encrypted key is refused (there is
// no one to type a passphrase) instead of prompting on the terminal.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "net/config.hpp"

namespace plenary::net {

// nullptr when neither option is given. Throws std::runtime_error with a message naming the
// option and the file when only one is given, a file cannot be read, is not PEM, or the key
// does not match the certificate.
std::shared_ptr<boost::asio::ssl::context> load_tls(const Config& config);

}  // namespace plenary::net
