// One HTTP connection, plain or TLS (net/stream.hpp): static files of the browser client,
// /healthz, /metrics, the downloads (participation CSV, exports; exports render on the export
// pool, off the IO threads), and the upgrade of /ws to a WebSocket after the Origin check.
// Invariants: every read, and the TLS handshake, has a deadline (slow clients are cut); request
// heads and bodies are size-limited; a WebSocket upgrade from an Origin not on the allowlist is
// refused with 403; a failed TLS handshake (e.g. plain HTTP on a TLS port) is logged and the
// connection dropped without an answer.
#pragma once
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "net/config.hpp"
#include "net/report_http.hpp"
#include "net/stream.hpp"

namespace plenary::app { class Hub; }

namespace plenary::net {

namespace beast = boost::beast;
namespace http = beast::http;

// True when a browser's Origin may open a WebSocket: on the allowlist, or (with an empty
// allowlist) the same host as the request, over https when the server itself serves TLS (any
// scheme otherwise: behind a TLS-terminating proxy the page's origin is https). Requests
// without an Origin come from non-browser clients and are allowed.
bool origin_allowed(const Config& config, std::string_view origin, std::string_view host);

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
public:
  HttpSession(Stream&& stream, app::Hub& hub, const Config& config);
  void run();

private:
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  template <class Response> void write(Response&& res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t);
  // Writes a download's answer (status, type, disposition, caching, challenge).
  void write_answer(HttpAnswer answer, unsigned version, bool keep_alive, bool head);
  // Ends the connection after what was written: TCP half-close, or TLS close_notify.
  void finish();

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  app::Hub& hub_;
  const Config& config_;
  std::string remote_;
  std::shared_ptr<void> pending_;
};

}  // namespace plenary::net
