// Integration test harness: runs the real `plenary` binary and talks to it over WebSocket.
//
// ServerProcess spawns `plenary serve` on port 0 with a fresh temporary directory (database,
// web root with an index.html, port file), waits until it listens, and can SIGKILL, SIGTERM and
// restart it on the same database. WsClient is a synchronous WebSocket client (Boost.Beast;
// its socket is driven by one I/O thread of its own) with request/reply matching by id, a
// queue of pushes, raw and binary frames, timeouts and the close code of a server close; it
// speaks ws, or wss with the server's certificate verified (TlsTrust), as do the HTTP helpers.
//
// When PLENARY_REPLIES names a file, every frame received by a recording client is appended
// to it as {"sent": <client message or null>, "received": <server message>} (one JSON line);
// tests/contract validates it against the JSON Schemas.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace it {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Root of the source tree and path of the plenary binary (compile definitions).
std::string source_dir();
// PLENARY_IT_BINARY in the environment overrides the binary under test.
std::string plenary_binary();

// Milliseconds scaled for slow builds (PLENARY_IT_SLOW=N multiplies timeouts).
std::chrono::milliseconds scaled(std::chrono::milliseconds ms);

class ServerProcess {
public:
  // `extra` are additional `serve` options (e.g. {"--max-msg-rate", "5"}).
  explicit ServerProcess(std::vector<std::string> extra = {}, bool seed = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start();           // spawns and waits for the port file (throws on failure)
  void kill();            // SIGKILL, then reaps the process
  int terminate();        // SIGTERM, waits for the exit; returns the exit status (or -signal)
  void restart() { if (running()) terminate(); start(); }
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& db() const { return db_; }
  const std::string& web() const { return web_; }
  std::string log() const;  // the server's stderr/stdout so far
  std::vector<std::string>& extra_args() { return extra_; }

private:
  std::vector<std::string> extra_;
  bool seed_;
  std::string dir_, db_, web_, port_file_, log_file_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// Runs a CLI command (the plenary binary with args) to completion; returns its stdout.
// Throws if it exits non-zero.
std::string run_cli(const std::vector<std::string>& args);

// Runs the plenary binary with args to completion (SIGKILLed past `timeout`, status -1).
struct CliResult {
  int status = -1;  // the exit status
  std::string out, err;
};
CliResult run_cli_result(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 60s);

// What a TLS client trusts: the PEM certificate(s) in `ca_file`, for the name `host` (an IP
// address is checked against the certificate's IP subjectAltNames). The peer is always verified.
struct TlsTrust {
  std::string ca_file;
  std::string host = "127.0.0.1";
};

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string disposition, challenge, cache_control, retry_after, hsts;  // the response's headers (hsts: Strict-Transport-Security)
};
HttpResult http_get(std::uint16_t port, const std::string& target);
// A GET (or HEAD) with an optional Authorization header.
HttpResult http_request(std::uint16_t port, const std::string& target, const std::optional<std::string>& authorization,
                        bool head = false);
// A GET with extra request headers (e.g. the X-Forwarded-For a reverse proxy adds).
HttpResult http_get_with(std::uint16_t port, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers);
// The same over https (throws when the TLS handshake or the certificate check fails).
HttpResult https_request(std::uint16_t port, const std::string& target, const TlsTrust& tls,
                         const std::optional<std::string>& authorization = std::nullopt, bool head = false);

// The HTTP status of a WebSocket upgrade request with the given Origin (101 when accepted).
int try_upgrade(std::uint16_t port, const std::optional<std::string>& origin);

class WsClient {
public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects to ws://127.0.0.1:PORT/ws (throws on failure, e.g. a refused upgrade).
  void connect(std::uint16_t port, const std::optional<std::string>& origin = std::nullopt);
  // Connects to wss://HOST:PORT/ws (TCP to 127.0.0.1), verifying the server's certificate.
  void connect_tls(std::uint16_t port, const TlsTrust& tls, const std::optional<std::string>& origin = std::nullopt);

  // Sends `msg` with a fresh id (unless it has one) and returns the ok/error reply whose `re`
  // matches; other frames stay queued for wait_push/read_any. Throws on timeout or close.
  json request(json msg, std::chrono::milliseconds timeout = 20s);
  // Sends without waiting; returns the id used.
  json send(json msg);
  // The reply to an id sent earlier with send().
  json wait_reply(const json& id, std::chrono::milliseconds timeout = 20s);

  void send_raw(std::string text);      // a text frame, not recorded as "sent"
  void send_binary(std::string bytes);  // a binary frame
  // A masked text frame written straight to the TCP socket in one go (for frames the server
  // refuses by closing: a failed write must not tear down the client's reading side).
  void send_frame_unmanaged(const std::string& payload);
  // Many text frames in one TCP write, bypassing Beast's writer (bulk traffic; do not mix with
  // send()/request() until their replies have arrived).
  void send_frames_unmanaged(const std::vector<std::string>& payloads);
  // Raw mode: frames are queued as text, unparsed and unrecorded, for read_texts().
  void set_raw(bool on);
  // Moves every queued raw frame into `out`, waiting up to `timeout` for at least one.
  std::size_t read_texts(std::vector<std::string>& out, std::chrono::milliseconds timeout = 5s);

  // The next queued frame (in arrival order), or nullopt on timeout / closed connection.
  std::optional<json> read_any(std::chrono::milliseconds timeout = 5s);
  // The first queued frame of this type (removed from the queue), waiting up to timeout.
  std::optional<json> wait_push(const std::string& type, std::chrono::milliseconds timeout = 5s);
  // Removes and returns all queued frames of this type currently queued.
  std::vector<json> take_all(const std::string& type);
  std::size_t queued();

  // Waits for the connection to end; returns true if it did.
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  bool closed();
  // The close code the server sent (0 while open, -1 if it ended without a close frame).
  int close_code();
  // The error that ended the connection ("" while open).
  std::string close_error();

  void close();  // a normal close handshake
  void cut();    // drops the TCP connection after queued frames are written, no close frame

  // Recording to PLENARY_REPLIES (on by default; off for bulk traffic).
  void set_record(bool on) { record_ = on; }

  // Handshake status of the last connect (101 on success).
  int handshake_status() const { return handshake_status_; }

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool record_ = true;
  int handshake_status_ = 0;
  friend struct Impl;
};

// Convenience: connect, hello, login with a badge code on forum `forum`; returns the login reply.
json login_code(WsClient& c, std::int64_t forum, const std::string& code);
json login_password(WsClient& c, std::int64_t forum, const std::string& email, const std::string& password);

// Demo logins of seed/forum.json.
namespace demo {
inline const char* kOrganiser = "BF56-ULJP-J34U";
inline const char* kDrafting = "HNZ9-DZKW-K6Q3";
inline const char* kTranslator = "YGDX-UGYK-6DKP";
inline const char* kDelegate = "D873-5BBA-RJJ9";
inline const char* kObserver = "LZQC-56H8-Y4JA";
inline const char* kDelegate2 = "SND5-VFNM-STEQ";
}  // namespace demo

}  // namespace it
