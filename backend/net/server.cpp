#include "net/server.hpp"

#include "net/http_session.hpp"

namespace plenary::net {

Server::Server(boost::asio::io_context& ioc, app::Hub& hub, const Config& config,
               std::shared_ptr<boost::asio::ssl::context> tls)
    : listener_(ioc, config.host, config.port, [&hub, &config, tls](boost::asio::ip::tcp::socket s) {
        if (tls)
          std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(s), *tls), hub, config)->run();
        else
          std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(s)), hub, config)->run();
      }) {}

}  // namespace plenary::net
