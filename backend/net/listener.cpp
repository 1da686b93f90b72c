#include "net/listener.hpp"

namespace plenary::net {

Listener::Listener(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, OnAccept on_accept)
    : ioc_(ioc), acceptor_(boost::asio::make_strand(ioc)), on_accept_(std::move(on_accept)) {
  boost::asio::ip::tcp::endpoint ep{boost::asio::ip::make_address(host), port};
  acceptor_.open(ep.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  do_accept();
}

void Listener::stop() {
  boost::asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(boost::asio::make_strand(ioc_), [this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      s.set_option(boost::asio::ip::tcp::no_delay(true), ec);
      on_accept_(std::move(s));
    }
    do_accept();
  });
}

}  // namespace plenary::net
