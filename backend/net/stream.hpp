// The two transports a connection runs over: plain TCP, or TLS over TCP (`--tls-cert`/`--tls-key`).
// HttpSession and WsSession are templates on one of these and are instantiated for both in
// their .cpp files, so every check (Origin, limits, rate, timeouts) is the same code on both.
// Invariant: the lowest layer is always a beast::tcp_stream, whose deadline bounds every read,
// write and TLS handshake.
#pragma once
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace plenary::net {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream> inline constexpr bool is_tls = false;
template <> inline constexpr bool is_tls<TlsStream> = true;

}  // namespace plenary::net
