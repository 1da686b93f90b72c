#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "app/log.hpp"

namespace plenary::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites: ECDHE key exchange (forward secrecy) and AEAD only (Mozilla "intermediate").
// TLS 1.3 keeps OpenSSL's defaults, which are all of that kind.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void must_read(const char* option, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(std::string("cannot read ") + option + " " + path + ": " + std::strerror(errno));
  std::fclose(f);
}

std::string not_after(const X509* cert) {
  std::tm tm{};
  if (!cert || ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return "?";
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace

std::shared_ptr<ssl::context> load_tls(const Config& config) {
  const std::string &cert = config.tls_cert, &key = config.tls_key;
  if (cert.empty() && key.empty()) return nullptr;
  if (cert.empty()) throw std::runtime_error("--tls-key needs --tls-cert too (both, or neither for plain HTTP)");
  if (key.empty()) throw std::runtime_error("--tls-cert needs --tls-key too (both, or neither for plain HTTP)");
  must_read("--tls-cert", cert);
  must_read("--tls-key", key);

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                   ssl::context::no_compression);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) throw std::runtime_error("TLS: cipher list refused");
  // An encrypted key would make OpenSSL prompt on the terminal: answer with no passphrase, so
  // loading fails with a message instead.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) throw std::runtime_error("--tls-cert " + cert + " is not a PEM certificate chain: " + ec.message());
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  bool mismatch = ec && ec.category() == boost::asio::error::get_ssl_category() &&
                  ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (ec && !mismatch)
    throw std::runtime_error("--tls-key " + key + " is not an unencrypted PEM private key: " + ec.message());
  if (mismatch || SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("--tls-key " + key + " does not match the certificate in --tls-cert " + cert);

  const X509* leaf = SSL_CTX_get0_certificate(native);
  app::log::info("tls", {{"cert", cert}, {"expires", not_after(leaf)}});
  if (leaf && X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0)
    app::log::warn("tls.cert_expired", {{"cert", cert}, {"expires", not_after(leaf)}});
  struct stat st{};
  if (::stat(key.c_str(), &st) == 0 && (st.st_mode & S_IRWXO))
    app::log::warn("tls.key_readable", {{"key", key}, {"message", "the private key is readable by every user: chmod 600 (or 640 with the service's group)"}});
  return ctx;
}

}  // namespace plenary::net
