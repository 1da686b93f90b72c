// One WebSocket client connection (Beast's one-session-per-connection shape).
// Invariants: all of the session's state is touched only on its own strand; frames are written
// one at a time in the order send() was called; at most Config::max_queue bytes wait for a slow
// reader, past which the socket is closed with a reason; every inbound frame reaches the Hub
// as exactly one call (a message, or a frame-level error), so every frame gets one answer.
#pragma once
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>

#include "app/connection.hpp"
#include "net/config.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

class WsSession : public app::Connection, public std::enable_shared_from_this<WsSession> {
public:
  WsSession(beast::tcp_stream&& stream, app::Hub& hub, const Config& config, std::string remote);
  ~WsSession() override;
  void run(http::request<http::string_body> req);

  std::uint64_t id() const override { return id_; }
  const std::string& remote() const override { return remote_; }
  void send(std::shared_ptr<const std::string> frame) override;
  void close(int code, std::string reason) override;

private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t n);
  void write_next();
  void on_write(beast::error_code ec, std::size_t n);
  void start_close();
  bool take_token();

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  app::Hub& hub_;
  const Config& config_;
  std::string remote_;
  std::uint64_t id_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool open_ = false;
  bool closing_ = false;
  bool closed_ = false;
  websocket::close_reason close_reason_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_refill_;
};

}  // namespace plenary::net
