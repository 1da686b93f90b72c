// The server's settings, from the command line of `plenary serve`.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plenary::net {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string db = "data/plenary.db";
  std::string web = "web/dist";
  std::vector<std::string> allowed_origins;   // empty: same origin as the Host header
  std::size_t max_frame = 64 * 1024;          // bytes; frames up to 4x are answered too_large
  double max_msg_rate = 50;                   // messages per second per connection; 0 = unlimited
  std::size_t max_queue = 4 * 1024 * 1024;    // bytes queued to one slow client before it is cut
  int threads = 2;
  std::string port_file;                      // write the bound port here once listening
  std::string seed;                           // load this seed file at start (idempotent)
  std::int64_t session_ttl = 7 * 24 * 3600;   // seconds
  int idle_timeout = 60;                      // seconds without a pong before a socket is closed
  int tick_ms = 20;                           // fan-out batching interval
  std::string tls_cert, tls_key;
  std::vector<std::string> metrics_allow;     // besides loopback, these client addresses may read /metrics
  std::string redirect_host;                  // with TLS: plain HTTP here answers 308 to https
  std::optional<std::uint16_t> redirect_port;
};

}  // namespace plenary::net
