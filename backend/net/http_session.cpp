#include "net/http_session.hpp"

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>

#include "app/hub.hpp"
#include "app/log.hpp"
#include "net/export_http.hpp"
#include "net/http_auth.hpp"
#include "net/report_http.hpp"
#include "net/static_files.hpp"
#include "net/ws_session.hpp"

namespace plenary::net {

bool origin_allowed(const Config& config, std::string_view origin, std::string_view host) {
  if (origin.empty()) return true;
  if (!config.allowed_origins.empty()) {
    for (const auto& o : config.allowed_origins)
      if (o == origin) return true;
    return false;
  }
  auto scheme = origin.find("://");
  if (scheme == std::string_view::npos) return false;
  if (!config.tls_cert.empty() && origin.substr(0, scheme) != "https") return false;
  return origin.substr(scheme + 3) == host;
}

// Behind a reverse proxy on the same machine (nginx, deploy/nginx), the TCP peer is loopback and
// the client's address is the last one in X-Forwarded-For (the one the proxy appended): login
// throttling and the log then see each client, not the proxy. From any other peer the header is
// ignored, so clients cannot choose their own address.
namespace {
std::string client_address(const std::string& peer, std::string_view forwarded) {
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(peer, ec);
  if (ec || !addr.is_loopback() || forwarded.empty()) return peer;
  auto comma = forwarded.rfind(',');
  std::string last(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
  auto b = last.find_first_not_of(" \t"), e = last.find_last_not_of(" \t");
  if (b == std::string::npos) return peer;
  last = last.substr(b, e - b + 1);
  auto client = boost::asio::ip::make_address(last, ec);
  return ec ? peer : client.to_string();
}
// The operator's own scraper: loopback (Prometheus on the machine, or through an SSH tunnel) or
// an address named with --metrics-allow. A delegate's browser, through nginx or on a directly
// exposed TLS port, is refused.
bool metrics_allowed(const Config& config, const std::string& client) {
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(client, ec);
  if (ec) return false;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
  if (addr.is_loopback()) return true;
  return std::find(config.metrics_allow.begin(), config.metrics_allow.end(), addr.to_string()) != config.metrics_allow.end();
}
}  // namespace

// A request head (or a TLS handshake) must arrive within this; a client that sends nothing, or
// dribbles bytes, is cut when it passes.
constexpr auto kReadDeadline = std::chrono::seconds(20);

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, app::Hub& hub, const Config& config)
    : stream_(std::move(stream)), hub_(hub), config_(config) {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  remote_ = ec ? "?" : ep.address().to_string();
}

template <class Stream>
void HttpSession<Stream>::run() {
  auto self = this->shared_from_this();
  boost::asio::dispatch(stream_.get_executor(), [self] {
    if constexpr (is_tls<Stream>) {
      beast::get_lowest_layer(self->stream_).expires_after(kReadDeadline);
      self->stream_.async_handshake(boost::asio::ssl::stream_base::server,
                                    beast::bind_front_handler(&HttpSession::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    // Plain HTTP on the TLS port, an unknown protocol version, a client that distrusts the
    // certificate, or the deadline: the socket closes when this session is released.
    app::log::warn("tls.handshake_failed",
                   {{"remote", remote_}, {"error", ec == beast::error::timeout ? "timeout" : ec.message()}});
    return;
  }
  do_read();
}

template <class Stream>
void HttpSession<Stream>::do_read() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(64 * 1024);
  beast::get_lowest_layer(stream_).expires_after(kReadDeadline);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
template <class Response>
void HttpSession<Stream>::write(Response&& res) {
  auto sp = std::make_shared<std::decay_t<Response>>(std::forward<Response>(res));
  // Served over TLS by plenary itself: browsers are to keep using https for this host (they
  // ignore the header on a connection whose certificate they distrust).
  if constexpr (is_tls<Stream>) sp->set(http::field::strict_transport_security, "max-age=15552000");
  pending_ = sp;
  bool keep = sp->keep_alive();
  http::async_write(stream_, *sp, beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this(), keep));
}

template <class Stream>
void HttpSession<Stream>::finish() {
  if constexpr (is_tls<Stream>) {
    // close_notify, bounded: a peer that never answers it is cut at the deadline.
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
void HttpSession<Stream>::write_answer(HttpAnswer answer, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(answer.status), version};
  res.set(http::field::server, "plenary");
  res.set(http::field::content_type, answer.content_type);
  res.set(http::field::cache_control, answer.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  if (!answer.disposition.empty()) res.set(http::field::content_disposition, answer.disposition);
  if (answer.challenge) res.set(http::field::www_authenticate, "Bearer");
  if (answer.retry_after) res.set(http::field::retry_after, std::to_string(answer.retry_after));
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(answer.body.size());
  } else {
    res.body() = std::move(answer.body);
    res.prepare_payload();
  }
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
  write(std::move(res));
}

template <class Stream>
void HttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  pending_.reset();
  if (ec) return;
  if (!keep_alive) return finish();
  do_read();
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      http::response<http::string_body> res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error":"too_large","message":"request too large"})";
      res.keep_alive(false);
      res.prepare_payload();
      return write(std::move(res));
    }
    // Over TLS, close_notify answers only an orderly end (after a failed or timed-out read
    // the TLS session is unusable; the socket closes when this session is released).
    if (!is_tls<Stream> || ec == http::error::end_of_stream) finish();
    return;
  }
  auto req = parser_->release();
  std::string target(req.target());
  auto json_reply = [&](http::status st, std::string body, std::string_view type = "application/json") {
    http::response<http::string_body> res{st, req.version()};
    res.set(http::field::server, "plenary");
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    write(std::move(res));
  };

  if (boost::beast::websocket::is_upgrade(req)) {
    if (target != "/ws") return json_reply(http::status::not_found, R"({"error":"not_found"})");
    std::string_view origin = req[http::field::origin];
    std::string_view host = req[http::field::host];
    if (!origin_allowed(config_, origin, host)) {
      return json_reply(http::status::forbidden,
                        R"({"error":"not_allowed","message":"this Origin may not open a WebSocket"})");
    }
    std::string remote = client_address(remote_, req["X-Forwarded-For"]);
    std::make_shared<WsSession<Stream>>(std::move(stream_), hub_, config_, std::move(remote))->run(std::move(req));
    return;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return json_reply(http::status::method_not_allowed, R"({"error":"bad_message","message":"GET only"})");
  if (target == "/healthz") return json_reply(http::status::ok, hub_.health_json());
  if (target == "/metrics") {
    if (!metrics_allowed(config_, client_address(remote_, req["X-Forwarded-For"])))
      return json_reply(http::status::forbidden,
                        R"({"error":"not_allowed","message":"/metrics is answered to loopback and --metrics-allow addresses only"})");
    return json_reply(http::status::ok, hub_.metrics_text() + export_metrics_text(), "text/plain; version=0.0.4");
  }

  if (is_export_target(target)) {
    // Rendering (PDF, DOCX) can take a while: it runs on the export pool, and the answer is
    // written back on this connection's strand when it is ready.
    bool head = req.method() == http::verb::head, keep = req.keep_alive();
    unsigned version = req.version();
    auto self = this->shared_from_this();
    std::string auth(req[http::field::authorization]);
    bool queued = submit_export([self, target, auth] { return export_answer(self->config_, target, auth); },
                                [self, head, keep, version](HttpAnswer answer) {
                                  boost::asio::post(self->stream_.get_executor(),
                                                    [self, answer = std::move(answer), head, keep, version]() mutable {
                                                      self->write_answer(std::move(answer), version, keep, head);
                                                    });
                                });
    if (!queued) {
      auto busy = http_error(503, "unavailable", "too many exports are running; try again shortly");
      busy.retry_after = 2;
      write_answer(std::move(busy), version, keep, head);
    }
    return;
  }
  if (auto answer = report_csv(config_, target, req[http::field::authorization]))
    return write_answer(std::move(*answer), req.version(), req.keep_alive(), req.method() == http::verb::head);

  auto path = resolve_static(config_.web, target);
  if (!path) {
    // Client-side routes fall back to the app shell.
    if (target.find('.') == std::string::npos) path = resolve_static(config_.web, "/");
    if (!path) return json_reply(http::status::not_found, R"({"error":"not_found","message":"no such file"})");
  }
  // The web build writes x.js.gz beside x.js: send it to browsers that accept gzip.
  auto gz = gzip_sibling(*path, req[http::field::accept_encoding]);
  http::file_body::value_type body;
  body.open(gz ? gz->c_str() : path->c_str(), beast::file_mode::scan, ec);
  if (ec) return json_reply(http::status::not_found, R"({"error":"not_found"})");
  auto size = body.size();
  auto headers = [&](auto& res) {
    res.set(http::field::server, "plenary");
    res.set(http::field::content_type, mime_type(*path));
    res.set(http::field::cache_control, cache_control(*path));
    res.set(http::field::vary, "Accept-Encoding");
    if (gz) res.set(http::field::content_encoding, "gzip");
    res.set("X-Content-Type-Options", "nosniff");
  };
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    headers(res);
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    return write(std::move(res));
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  headers(res);
  res.content_length(size);
  res.keep_alive(req.keep_alive());
  write(std::move(res));
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace plenary::net
