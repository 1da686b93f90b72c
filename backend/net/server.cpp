#include "net/server.hpp"

#include "net/http_session.hpp"

namespace plenary::net {

Server::Server(boost::asio::io_context& ioc, app::Hub& hub, const Config& config,
               std::shared_ptr<boost::asio::ssl::context> tls)
    : ioc_(ioc), hub_(hub), config_(config), tls_(std::move(tls)), acceptor_(boost::asio::make_strand(ioc)) {
  port_ = listen_on(acceptor_, config.host, config.port);
  do_accept();
}

std::uint16_t listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port) {
  boost::asio::ip::tcp::endpoint ep{boost::asio::ip::make_address(host), port};
  acceptor.open(ep.protocol());
  acceptor.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(boost::asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

void Server::stop() {
  boost::asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

void Server::do_accept() {
  acceptor_.async_accept(boost::asio::make_strand(ioc_), [this](beast::error_code ec, boost::asio::ip::tcp::socket s) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      s.set_option(boost::asio::ip::tcp::no_delay(true), ec);
      if (tls_)
        std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(s), *tls_), hub_, config_)->run();
      else
        std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(s)), hub_, config_)->run();
    }
    do_accept();
  });
}

}  // namespace plenary::net
