#include "net/redirect.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace plenary::net {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

bool host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// A Host header without its port: a host name or IPv4 address, or an IPv6 address in brackets.
std::optional<std::string> host_only(std::string_view host) {
  if (host.empty() || host.size() > 255) return std::nullopt;
  std::string_view name = host, port;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(host.substr(1, close - 1)), ec);
    if (ec) return std::nullopt;
    name = host.substr(0, close + 1);
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return std::nullopt;
  } else {
    auto colon = host.find(':');
    name = host.substr(0, colon);
    if (colon != std::string_view::npos) port = host.substr(colon);
    if (name.empty()) return std::nullopt;
    for (char c : name)
      if (!host_name_char(c)) return std::nullopt;
  }
  if (!port.empty()) {
    if (port.size() == 1 || port.size() > 6) return std::nullopt;
    for (char c : port.substr(1))
      if (c < '0' || c > '9') return std::nullopt;
  }
  return std::string(name);
}

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr auto kDeadline = std::chrono::seconds(10);

class RedirectSession : public std::enable_shared_from_this<RedirectSession> {
public:
  RedirectSession(boost::asio::ip::tcp::socket s, std::uint16_t tls_port) : stream_(std::move(s)), tls_port_(tls_port) {}
  void run() {
    parser_.header_limit(kHeaderLimit);
    parser_.body_limit(0);
    stream_.expires_after(kDeadline);
    http::async_read_header(stream_, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->answer();
    });
  }

private:
  void answer() {
    const auto& req = parser_.get();
    auto location = https_location(req[http::field::host], req.target(), tls_port_);
    res_ = http::response<http::string_body>{location ? http::status::permanent_redirect : http::status::bad_request,
                                             req.version()};
    res_.set(http::field::server, "plenary");
    res_.set(http::field::content_type, "text/plain; charset=utf-8");
    if (location) {
      res_.set(http::field::location, *location);
      res_.body() = "This forum is served over https: " + *location + "\n";
    } else {
      res_.body() = "This forum is served over https; the request named no valid Host.\n";
    }
    res_.keep_alive(false);
    res_.prepare_payload();
    if (req.method() == http::verb::head) res_.body().clear();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ec;
      self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> res_;
  std::uint16_t tls_port_;
};

}  // namespace

std::optional<std::string> https_location(std::string_view host, std::string_view target, std::uint16_t tls_port) {
  auto name = host_only(host);
  if (!name) return std::nullopt;
  std::string url = "https://" + *name;
  if (tls_port != 443) url += ":" + std::to_string(tls_port);
  // An origin-form target only ("/path?query"); an absolute or asterisk form goes to "/".
  url += (!target.empty() && target.front() == '/' && (target.size() < 2 || target[1] != '/')) ? std::string(target) : "/";
  return url;
}

HttpsRedirect::HttpsRedirect(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, std::uint16_t tls_port)
    : listener_(ioc, host, port, [tls_port](boost::asio::ip::tcp::socket s) {
        std::make_shared<RedirectSession>(std::move(s), tls_port)->run();
      }) {}

}  // namespace plenary::net
