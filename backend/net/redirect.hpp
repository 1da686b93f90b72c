// `--redirect-http HOST:PORT` beside direct TLS: a plain-HTTP listener that answers every
// request with 308 Permanent Redirect to the same path on https, so a delegate who types the
// forum's address without https:// still arrives. It serves nothing else: no pages, no
// WebSocket, no /metrics.
// Invariants: one request per connection, then close; the request head is size-limited (8 KiB)
// and must arrive within 10 s; the Location is built only from a Host that is a plain host name,
// IPv4 or bracketed IPv6 address (anything else is answered 400), and the TLS port is named in
// it unless it is 443.
#pragma once
#include <boost/asio.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "net/listener.hpp"

namespace plenary::net {

// The https URL for a request to `target` with Host header `host`, on TLS port `tls_port`;
// nullopt when the Host is missing or not a host name or address (with or without a port).
std::optional<std::string> https_location(std::string_view host, std::string_view target, std::uint16_t tls_port);

class HttpsRedirect {
public:
  HttpsRedirect(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, std::uint16_t tls_port);
  std::uint16_t port() const { return listener_.port(); }
  void stop() { listener_.stop(); }

private:
  Listener listener_;
};

}  // namespace plenary::net
