// The listening socket and the threads that run the io_context.
// Invariant: stop() stops accepting, lets the Hub finish pending commits, then joins threads.
#pragma once
#include <boost/asio.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "net/config.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

class Server {
public:
  Server(boost::asio::io_context& ioc, app::Hub& hub, const Config& config);
  std::uint16_t port() const { return port_; }
  void stop();

private:
  void do_accept();
  boost::asio::io_context& ioc_;
  app::Hub& hub_;
  const Config& config_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace plenary::net
