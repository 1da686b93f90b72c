// The listening socket and the threads that run the io_context.
// Invariants: stop() stops accepting, lets the Hub finish pending commits, then joins threads;
// with a TLS context every accepted connection is TLS (no plain fallback on the same port).
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/config.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

// Opens, binds and listens `acceptor` on host:port (port 0: any free one); returns the port.
std::uint16_t listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port);

class Server {
public:
  // `tls` (net/tls.hpp's load_tls) makes the port https/wss only; nullptr serves plain http/ws.
  Server(boost::asio::io_context& ioc, app::Hub& hub, const Config& config,
         std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  std::uint16_t port() const { return port_; }
  void stop();

private:
  void do_accept();
  boost::asio::io_context& ioc_;
  app::Hub& hub_;
  const Config& config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace plenary::net
