// A listening TCP socket and its accept loop: each accepted connection (TCP_NODELAY set, on a
// strand of its own) is handed to `on_accept`. Shared by the main port and the http→https
// redirect port.
// Invariants: stop() closes the socket on its own executor; no connection is handed over after
// it; an accept error other than the close is skipped and accepting goes on.
#pragma once
#include <boost/asio.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace plenary::net {

class Listener {
public:
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket)>;
  // Binds host:port (port 0: any free one) and starts accepting at once.
  Listener(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, OnAccept on_accept);
  std::uint16_t port() const { return port_; }
  void stop();

private:
  void do_accept();
  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  OnAccept on_accept_;
  std::uint16_t port_ = 0;
};

}  // namespace plenary::net
