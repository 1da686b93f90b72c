#include "net/ws_session.hpp"

#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "app/hub.hpp"
#include "core/ot/utf8.hpp"

namespace plenary::net {

namespace {
std::atomic<std::uint64_t> next_id{1};
}  // namespace

template <class Stream>
WsSession<Stream>::WsSession(Stream&& stream, app::Hub& hub, const Config& config, std::string remote)
    : ws_(std::move(stream)), hub_(hub), config_(config), remote_(std::move(remote)), id_(next_id++) {
  tokens_ = config_.max_msg_rate * 4;
  last_refill_ = std::chrono::steady_clock::now();
}

template <class Stream>
WsSession<Stream>::~WsSession() = default;

template <class Stream>
void WsSession<Stream>::run(http::request<http::string_body> req) {
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(30);
  t.idle_timeout = std::chrono::seconds(config_.idle_timeout);
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "plenary"); }));
  ws_.read_message_max(config_.max_frame * 4);
  ws_.auto_fragment(false);
  ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void WsSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) return;
  open_ = true;
  hub_.connection_opened(this->shared_from_this());
  do_read();
}

template <class Stream>
void WsSession<Stream>::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, this->shared_from_this()));
}

template <class Stream>
bool WsSession<Stream>::take_token() {
  if (config_.max_msg_rate <= 0) return true;
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(config_.max_msg_rate * 4, tokens_ + dt * config_.max_msg_rate);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

template <class Stream>
void WsSession<Stream>::on_read(beast::error_code ec, std::size_t n) {
  if (ec) {
    // Beast has already answered protocol violations with the right close code
    // (1009 for a frame over the hard limit, 1007 for invalid UTF-8 in a text frame).
    if (!closed_) {
      closed_ = true;
      hub_.connection_closed(id_);
    }
    return;
  }
  bool text = ws_.got_text();
  std::string frame = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > 8192) buffer_.shrink_to_fit();
  if (n > config_.max_frame) {
    hub_.frame_rejected(id_, "too_large",
                        "frame of " + std::to_string(n) + " bytes is over the limit of " +
                            std::to_string(config_.max_frame));
  } else if (!text) {
    if (!ot::valid_utf8(frame))
      hub_.frame_rejected(id_, "bad_utf8", "binary frame is not valid UTF-8; send JSON as text frames");
    else
      hub_.frame_rejected(id_, "bad_message", "binary frames are not part of the protocol; send text frames");
  } else if (!take_token()) {
    hub_.frame_rejected(id_, "rate_limited", "more than the allowed messages per second; slow down");
  } else {
    hub_.frame_received(id_, std::move(frame));
  }
  if (!closing_) do_read();
}

template <class Stream>
void WsSession<Stream>::send(std::shared_ptr<const std::string> frame) {
  // One post per burst: whoever finds the outbox empty posts the handler that empties it.
  bool post;
  {
    std::lock_guard lock(outbox_mu_);
    post = outbox_.empty();
    outbox_.push_back(std::move(frame));
  }
  if (post) boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->take_outbox(); });
}

template <class Stream>
void WsSession<Stream>::take_outbox() {
  // The two vectors trade places, so both keep their capacity.
  thread_local std::vector<std::shared_ptr<const std::string>> frames;
  {
    std::lock_guard lock(outbox_mu_);
    frames.swap(outbox_);
  }
  for (auto& f : frames) {
    if (closing_ || closed_) break;
    queued_bytes_ += f->size();
    queue_.push_back(std::move(f));
  }
  frames.clear();
  if (closing_ || closed_) return;
  if (queued_bytes_ > config_.max_queue) {
    // Drop what waits, but not the frame being written: its buffer must outlive the write.
    if (writing_) {
      queue_.erase(queue_.begin() + 1, queue_.end());
      queued_bytes_ = queue_.front()->size();
    } else {
      queue_.clear();
      queued_bytes_ = 0;
    }
    close_reason_ = websocket::close_reason(websocket::close_code::policy_error, "slow_consumer");
    closing_ = true;
    if (!writing_) start_close();
    return;
  }
  if (!writing_) write_next();
}

template <class Stream>
void WsSession<Stream>::close(int code, std::string reason) {
  boost::asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_ || self->closed_) return;
    self->closing_ = true;
    self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!self->writing_) self->start_close();
  });
}

template <class Stream>
void WsSession<Stream>::set_cork(bool on) {
#ifdef TCP_CORK
  int v = on ? 1 : 0;
  ::setsockopt(beast::get_lowest_layer(ws_).socket().native_handle(), IPPROTO_TCP, TCP_CORK, &v, sizeof v);
#endif
  corked_ = on;
}

template <class Stream>
void WsSession<Stream>::write_next() {
  if (queue_.empty()) {
    if (corked_) set_cork(false);  // with TCP_NODELAY, uncorking sends what is held at once
    if (closing_) start_close();
    return;
  }
  // A burst (more than one frame waiting) goes out corked: each write only fills the socket
  // buffer, and full segments leave instead of one segment (and one wake-up) per frame.
  if (!corked_ && queue_.size() > 1) set_cork(true);
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&WsSession::on_write, this->shared_from_this()));
}

template <class Stream>
void WsSession<Stream>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    queued_bytes_ = 0;
    return;
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  write_next();
}

template <class Stream>
void WsSession<Stream>::start_close() {
  if (closed_ || !open_) return;
  if (corked_) set_cork(false);  // the close frame must not wait for the cork's timer
  ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) {
    if (!self->closed_) {
      self->closed_ = true;
      self->hub_.connection_closed(self->id_);
    }
  });
}

template class WsSession<PlainStream>;
template class WsSession<TlsStream>;

}  // namespace plenary::net
