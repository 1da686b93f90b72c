// The main listening port: every connection becomes an HttpSession (static files, downloads,
// /healthz, /metrics, the upgrade to a WebSocket).
// Invariants: stop() stops accepting (the Hub and the Committer are drained by the caller);
// with a TLS context every accepted connection is TLS (no plain fallback on the same port).
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "net/config.hpp"
#include "net/listener.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

class Server {
public:
  // `tls` (net/tls.hpp's load_tls) makes the port https/wss only; nullptr serves plain http/ws.
  Server(boost::asio::io_context& ioc, app::Hub& hub, const Config& config,
         std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  std::uint16_t port() const { return listener_.port(); }
  void stop() { listener_.stop(); }

private:
  Listener listener_;
};

}  // namespace plenary::net
