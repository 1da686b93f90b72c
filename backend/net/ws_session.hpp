// One WebSocket client connection (Beast's one-session-per-connection shape), over plain TCP
// or TLS (net/stream.hpp: ws and wss run this same code).
// Invariants: all of the session's state is touched only on its own strand, except the outbox
// (guarded by its mutex), where send() leaves frames from any thread and which one posted
// handler at a time moves to the write queue; frames are written one at a time in the order
// send() was called, and a burst of queued frames is corked (TCP_CORK) so that it leaves in
// full segments, uncorked as soon as the queue is empty; at most Config::max_queue bytes wait
// for a slow reader, past which the socket is closed with a reason; every inbound frame reaches
// the Hub as exactly one call (a message, or a frame-level error), so every frame gets one answer.
#pragma once
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/connection.hpp"
#include "net/config.hpp"
#include "net/stream.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

template <class Stream>
class WsSession : public app::Connection, public std::enable_shared_from_this<WsSession<Stream>> {
public:
  WsSession(Stream&& stream, app::Hub& hub, const Config& config, std::string remote);
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
  void take_outbox();
  void write_next();
  void set_cork(bool on);
  void on_write(beast::error_code ec, std::size_t n);
  void start_close();
  bool take_token();

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  app::Hub& hub_;
  const Config& config_;
  std::string remote_;
  std::uint64_t id_;
  std::mutex outbox_mu_;
  std::vector<std::shared_ptr<const std::string>> outbox_;  // sent, not yet in queue_
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool corked_ = false;
  bool open_ = false;
  bool closing_ = false;
  bool closed_ = false;
  websocket::close_reason close_reason_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_refill_;
};

}  // namespace plenary::net
