#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <variant>

extern char** environ;

namespace it {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string source_dir() { return PLENARY_SOURCE_DIR; }
std::string plenary_binary() {
  if (const char* b = std::getenv("PLENARY_IT_BINARY"); b && *b) return b;
  return PLENARY_BINARY;
}

std::chrono::milliseconds scaled(std::chrono::milliseconds ms) {
  static int factor = [] {
    const char* s = std::getenv("PLENARY_IT_SLOW");
    int f = s ? std::atoi(s) : 1;
    return f < 1 ? 1 : f;
  }();
  return ms * factor;
}

namespace {

std::string make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "plenary-it-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

std::vector<std::string> child_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    if (s.rfind("PLENARY_ARGON2_PROFILE=", 0) == 0) continue;
    env.push_back(s);
  }
  env.push_back("PLENARY_ARGON2_PROFILE=min");
  return env;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& out_file, const std::string& err_file) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto env_s = child_env();
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("posix_spawn " + args[0] + " failed: " + std::to_string(rc));
  return pid;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A client context that trusts only `tls.ca_file` and verifies the peer.
std::unique_ptr<ssl::context> client_context(const TlsTrust& tls) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->load_verify_file(tls.ca_file);
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

// The client side of the TLS handshake: SNI for a host name, and the certificate checked for
// `tls.host` (its IP subjectAltName for an address).
template <class SslStream>
void client_handshake(SslStream& stream, const TlsTrust& tls) {
  stream.set_verify_callback(ssl::host_name_verification(tls.host));
  boost::system::error_code ec;
  asio::ip::make_address(tls.host, ec);
  if (ec) SSL_set_tlsext_host_name(stream.native_handle(), tls.host.c_str());
  stream.handshake(ssl::stream_base::client);
}

// The recorder: one file shared by every client of the process.
class Recorder {
public:
  static Recorder& get() {
    static Recorder r;
    return r;
  }
  bool enabled() const { return fd_ >= 0; }
  void write(const json& sent, const json& received) {
    if (fd_ < 0) return;
    std::string line = json{{"sent", sent}, {"received", received}}.dump(-1, ' ', false, json::error_handler_t::replace);
    line += '\n';
    std::lock_guard lock(mu_);
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

private:
  Recorder() {
    if (const char* f = std::getenv("PLENARY_REPLIES"); f && *f) fd_ = ::open(f, O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  int fd_ = -1;
  std::mutex mu_;
};

}  // namespace

// ---- ServerProcess ------------------------------------------------------------------------

ServerProcess::ServerProcess(std::vector<std::string> extra, bool seed) : extra_(std::move(extra)), seed_(seed) {
  dir_ = make_temp_dir();
  db_ = dir_ + "/plenary.db";
  // `--db PATH` among the extra options puts the database elsewhere (e.g. on a small filesystem).
  for (std::size_t i = 0; i + 1 < extra_.size(); ++i)
    if (extra_[i] == "--db") {
      db_ = extra_[i + 1];
      extra_.erase(extra_.begin() + static_cast<std::ptrdiff_t>(i), extra_.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  web_ = dir_ + "/web";
  port_file_ = dir_ + "/port";
  log_file_ = dir_ + "/server.log";
  fs::create_directories(web_);
  std::ofstream(web_ + "/index.html") << "<!doctype html><title>Plenary test</title><p>plenary-it-index</p>\n";
  std::ofstream(web_ + "/style.css") << "body{color:black}\n";
  start();
}

ServerProcess::~ServerProcess() {
  if (running()) kill();
  // A sanitizer report (ASan/UBSan builds) in the server's log fails the test that ran it.
  std::string l = log();
  for (const char* marker : {"ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"})
    if (l.find(marker) != std::string::npos) ADD_FAILURE() << "sanitizer report in the server log:\n" << l;
  if (!std::getenv("PLENARY_IT_KEEP")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void ServerProcess::start() {
  if (running()) throw std::runtime_error("server already running");
  std::error_code ec;
  fs::remove(port_file_, ec);
  std::vector<std::string> args = {plenary_binary(), "serve", "--listen", "127.0.0.1:0", "--db", db_,
                                   "--web", web_, "--port-file", port_file_};
  if (seed_) {
    args.push_back("--seed");
    args.push_back(source_dir() + "/seed/forum.json");
  }
  for (auto& a : extra_) args.push_back(a);
  pid_ = spawn(args, log_file_, log_file_);
  auto deadline = std::chrono::steady_clock::now() + scaled(60s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(port_file_)) {
      std::ifstream in(port_file_);
      int p = 0;
      if (in >> p && p > 0) {
        port_ = static_cast<std::uint16_t>(p);
        return;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("plenary serve exited before listening:\n" + log());
    }
    std::this_thread::sleep_for(20ms);
  }
  kill();
  throw std::runtime_error("plenary serve did not write its port file in time:\n" + log());
}

void ServerProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate() {
  if (!running()) return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + scaled(20s);
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return -WTERMSIG(status);
      return -1000;
    }
    std::this_thread::sleep_for(20ms);
  }
  kill();
  return -2000;  // did not stop on SIGTERM
}

std::string ServerProcess::log() const { return read_file(log_file_); }

CliResult run_cli_result(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::string dir = make_temp_dir();
  std::vector<std::string> full = {plenary_binary()};
  full.insert(full.end(), args.begin(), args.end());
  pid_t pid = spawn(full, dir + "/out", dir + "/err");
  int status = 0;
  CliResult r;
  auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  r.out = read_file(dir + "/out");
  r.err = read_file(dir + "/err");
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

std::string run_cli(const std::vector<std::string>& args) {
  CliResult r = run_cli_result(args, 24h);
  if (r.status != 0)
    throw std::runtime_error("plenary " + (args.empty() ? std::string() : args[0]) + " failed: " + r.err + r.out);
  return r.out;
}

HttpResult http_get(std::uint16_t port, const std::string& target) { return http_request(port, target, std::nullopt); }

namespace {
// One GET/HEAD with Connection: close over an open stream (plain or TLS).
template <class Stream>
HttpResult exchange(Stream& stream, std::uint16_t port, const std::string& target,
                    const std::optional<std::string>& authorization, bool head,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  http::request<http::empty_body> req{head ? http::verb::head : http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::connection, "close");
  if (authorization) req.set(http::field::authorization, *authorization);
  for (auto& [name, value] : headers) req.set(name, value);
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head);
  http::read(stream, buf, parser);
  auto res = parser.release();
  HttpResult r;
  r.status = static_cast<int>(res.result_int());
  r.content_type = std::string(res[http::field::content_type]);
  r.body = res.body();
  r.disposition = std::string(res[http::field::content_disposition]);
  r.challenge = std::string(res[http::field::www_authenticate]);
  r.cache_control = std::string(res[http::field::cache_control]);
  r.retry_after = std::string(res[http::field::retry_after]);
  r.hsts = std::string(res[http::field::strict_transport_security]);
  return r;
}

HttpResult plain_exchange(std::uint16_t port, const std::string& target, const std::optional<std::string>& authorization,
                          bool head, const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(scaled(60s));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  HttpResult r = exchange(stream, port, target, authorization, head, headers);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}
}  // namespace

HttpResult http_request(std::uint16_t port, const std::string& target, const std::optional<std::string>& authorization,
                        bool head) {
  return plain_exchange(port, target, authorization, head, {});
}

HttpResult http_get_with(std::uint16_t port, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  return plain_exchange(port, target, std::nullopt, false, headers);
}

HttpResult https_request(std::uint16_t port, const std::string& target, const TlsTrust& tls,
                         const std::optional<std::string>& authorization, bool head) {
  asio::io_context ioc;
  auto ctx = client_context(tls);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, *ctx);
  beast::get_lowest_layer(stream).expires_after(scaled(60s));
  beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  client_handshake(stream, tls);
  HttpResult r = exchange(stream, port, target, authorization, head);
  beast::error_code ec;
  stream.shutdown(ec);  // close_notify both ways; the server may already have sent its own
  return r;
}

int try_upgrade(std::uint16_t port, const std::optional<std::string>& origin) {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (origin) req.set(http::field::origin, *origin);
  }));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/ws", ec);
  int status = static_cast<int>(res.result_int());
  if (!ec) ws.close(websocket::close_code::normal, ec);
  return status;
}

// ---- WsClient -----------------------------------------------------------------------------

struct WsClient::Impl {
  using PlainWs = websocket::stream<tcp::socket>;
  using TlsWs = websocket::stream<beast::ssl_stream<tcp::socket>>;

  explicit Impl(WsClient* owner)
      : owner(owner), ws(std::in_place_type<PlainWs>, ioc), guard(asio::make_work_guard(ioc)) {}

  WsClient* owner;
  asio::io_context ioc;
  std::unique_ptr<ssl::context> tls_ctx;  // wss only; outlives the stream
  std::variant<PlainWs, TlsWs> ws;        // chosen by connect() or connect_tls()
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  std::thread io;
  beast::flat_buffer buffer;

  // Runs f(stream) on the WebSocket stream, whichever transport it is over.
  template <class F> decltype(auto) on_ws(F&& f) { return std::visit(std::forward<F>(f), ws); }

  // Shared with the test thread.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<json> inbox;
  bool raw = false;
  std::deque<std::string> raw_inbox;
  std::map<std::string, json> sent_by_id;  // id (dumped) → the message, for the recorder
  bool is_closed = false;
  int code = 0;
  std::string error;

  // I/O thread only.
  std::deque<std::pair<std::string, bool>> outq;  // (frame, binary)
  bool writing = false;
  bool cut_after_drain = false;
  bool close_after_drain = false;
  std::deque<std::shared_ptr<std::string>> rawq;  // unmanaged bytes for the TCP socket
  bool raw_writing = false;

  void raw_enqueue(std::shared_ptr<std::string> bytes) {
    asio::post(ioc, [this, bytes = std::move(bytes)]() mutable {
      rawq.push_back(std::move(bytes));
      if (!raw_writing) raw_next();
    });
  }
  void raw_next() {
    if (rawq.empty()) return;
    raw_writing = true;
    auto done = [this](beast::error_code ec, std::size_t) {
      raw_writing = false;
      if (ec) {
        rawq.clear();
        return;
      }
      rawq.pop_front();
      raw_next();
    };
    on_ws([&](auto& w) { asio::async_write(w.next_layer(), asio::buffer(*rawq.front()), done); });
  }

  void start_io() {
    io = std::thread([this] { ioc.run(); });
    asio::post(ioc, [this] { do_read(); });
  }

  void do_read() {
    on_ws([this](auto& w) { w.async_read(buffer, [this, &w](beast::error_code ec, std::size_t) { on_read(w, ec); }); });
  }

  template <class Ws>
  void on_read(Ws& ws, beast::error_code ec) {
    if (ec) {
      std::lock_guard lock(mu);
      is_closed = true;
      error = ec.message();
      // A close frame may have arrived even when the connection then failed (e.g. reset).
      if (ws.reason().code != websocket::close_code::none) code = static_cast<int>(ws.reason().code);
      else if (code == 0) code = -1;
      cv.notify_all();
      return;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    {
      std::unique_lock lock(mu);
      if (raw) {
        raw_inbox.push_back(std::move(text));
        lock.unlock();
        cv.notify_all();
        do_read();
        return;
      }
    }
    json msg;
    try {
      msg = json::parse(text);
    } catch (...) {
      msg = json{{"type", "__unparsable"}, {"raw", text}};
    }
    {
      std::lock_guard lock(mu);
      if (owner->record_ && Recorder::get().enabled()) {
        json sent = nullptr;
        std::string type = msg.value("type", "");
        if ((type == "ok" || type == "error") && msg.contains("re") && !msg["re"].is_null()) {
          auto it = sent_by_id.find(msg["re"].dump());
          if (it != sent_by_id.end()) {
            sent = it->second;
            sent_by_id.erase(it);
          }
        }
        Recorder::get().write(sent, msg);
      }
      inbox.push_back(std::move(msg));
    }
    cv.notify_all();
    do_read();
  }

  void enqueue(std::string frame, bool binary) {
    asio::post(ioc, [this, frame = std::move(frame), binary]() mutable {
      outq.emplace_back(std::move(frame), binary);
      if (!writing) write_next();
    });
  }

  void write_next() {
    if (outq.empty()) {
      if (cut_after_drain) do_cut();
      else if (close_after_drain) do_close();
      return;
    }
    writing = true;
    auto done = [this](beast::error_code ec, std::size_t) {
      writing = false;
      if (ec) {
        outq.clear();
        if (cut_after_drain) do_cut();
        return;
      }
      outq.pop_front();
      write_next();
    };
    on_ws([&](auto& w) {
      w.binary(outq.front().second);
      w.async_write(asio::buffer(outq.front().first), done);
    });
  }

  void do_cut() {
    on_ws([](auto& w) {
      beast::error_code ec;
      beast::get_lowest_layer(w).shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(w).close(ec);
    });
  }

  void do_close() {
    on_ws([](auto& w) { w.async_close(websocket::close_code::normal, [](beast::error_code) {}); });
  }

  // The WebSocket handshake on a connected stream (TLS already established for wss); sets
  // `status` to the HTTP status of the answer, throws when the upgrade failed.
  template <class Ws>
  void handshake(Ws& w, const std::string& host, const std::optional<std::string>& origin, int& status) {
    w.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
      if (origin) req.set(http::field::origin, *origin);
    }));
    w.auto_fragment(false);
    w.read_message_max(64 * 1024 * 1024);
    websocket::response_type res;
    beast::error_code ec;
    w.handshake(res, host, "/ws", ec);
    status = static_cast<int>(res.result_int());
    if (ec) throw std::runtime_error("WebSocket handshake failed (HTTP " + std::to_string(status) + "): " + ec.message());
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>(this)) {}

WsClient::~WsClient() {
  if (impl_->io.joinable()) {
    asio::post(impl_->ioc, [this] { impl_->do_cut(); });
    impl_->guard.reset();
    // The read handler completes with an error once the socket is closed.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!closed() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    impl_->ioc.stop();
    impl_->io.join();
  }
}

void WsClient::connect(std::uint16_t port, const std::optional<std::string>& origin) {
  auto& ws = std::get<Impl::PlainWs>(impl_->ws);
  ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  impl_->handshake(ws, "127.0.0.1:" + std::to_string(port), origin, handshake_status_);
  impl_->start_io();
}

void WsClient::connect_tls(std::uint16_t port, const TlsTrust& tls, const std::optional<std::string>& origin) {
  impl_->tls_ctx = client_context(tls);
  auto& ws = impl_->ws.emplace<Impl::TlsWs>(impl_->ioc, *impl_->tls_ctx);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  client_handshake(ws.next_layer(), tls);
  impl_->handshake(ws, tls.host + ":" + std::to_string(port), origin, handshake_status_);
  impl_->start_io();
}

json WsClient::send(json msg) {
  static std::atomic<std::int64_t> next{1};
  if (!msg.contains("id")) msg["id"] = next++;
  json id = msg["id"];
  std::string text = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  if (record_) {
    std::lock_guard lock(impl_->mu);
    impl_->sent_by_id[id.dump()] = msg;
  }
  impl_->enqueue(std::move(text), false);
  return id;
}

json WsClient::wait_reply(const json& id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  for (;;) {
    for (auto it = impl_->inbox.begin(); it != impl_->inbox.end(); ++it) {
      std::string type = it->value("type", "");
      if ((type == "ok" || type == "error") && it->contains("re") && (*it)["re"] == id) {
        json r = std::move(*it);
        impl_->inbox.erase(it);
        return r;
      }
    }
    if (impl_->is_closed)
      throw std::runtime_error("connection closed (code " + std::to_string(impl_->code) + ") before the reply to id " + id.dump());
    if (impl_->cv.wait_until(lock, deadline) == std::cv_status::timeout) {
      bool again = false;
      for (auto& m : impl_->inbox) again |= m.contains("re") && m["re"] == id;
      if (!again) throw std::runtime_error("no reply to id " + id.dump() + " in time");
    }
  }
}

json WsClient::request(json msg, std::chrono::milliseconds timeout) { return wait_reply(send(std::move(msg)), timeout); }

void WsClient::send_raw(std::string text) { impl_->enqueue(std::move(text), false); }
void WsClient::send_binary(std::string bytes) { impl_->enqueue(std::move(bytes), true); }

namespace {
void append_masked_frame(std::string* frame, const std::string& payload) {
  frame->push_back(static_cast<char>(0x81));  // FIN, text
  std::uint64_t n = payload.size();
  if (n < 126) {
    frame->push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    frame->push_back(static_cast<char>(0x80 | 126));
    frame->push_back(static_cast<char>(n >> 8));
    frame->push_back(static_cast<char>(n & 0xFF));
  } else {
    frame->push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) frame->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  }
  const unsigned char key[4] = {0x12, 0x34, 0x56, 0x78};
  for (auto k : key) frame->push_back(static_cast<char>(k));
  std::size_t at = frame->size();
  frame->append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) (*frame)[at + i] = static_cast<char>(payload[i] ^ key[i & 3]);
}
}  // namespace

void WsClient::send_frame_unmanaged(const std::string& payload) {
  auto frame = std::make_shared<std::string>();
  append_masked_frame(frame.get(), payload);
  impl_->raw_enqueue(std::move(frame));
}

void WsClient::send_frames_unmanaged(const std::vector<std::string>& payloads) {
  auto frames = std::make_shared<std::string>();
  std::size_t total = 0;
  for (auto& p : payloads) total += p.size() + 14;
  frames->reserve(total);
  for (auto& p : payloads) append_masked_frame(frames.get(), p);
  impl_->raw_enqueue(std::move(frames));
}

void WsClient::set_raw(bool on) {
  std::lock_guard lock(impl_->mu);
  impl_->raw = on;
}

std::size_t WsClient::read_texts(std::vector<std::string>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (impl_->raw_inbox.empty()) {
    if (impl_->is_closed) return 0;
    if (impl_->cv.wait_until(lock, deadline) == std::cv_status::timeout && impl_->raw_inbox.empty()) return 0;
  }
  std::size_t n = impl_->raw_inbox.size();
  for (auto& t : impl_->raw_inbox) out.push_back(std::move(t));
  impl_->raw_inbox.clear();
  return n;
}

std::optional<json> WsClient::read_any(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (impl_->inbox.empty()) {
    if (impl_->is_closed) return std::nullopt;
    if (impl_->cv.wait_until(lock, deadline) == std::cv_status::timeout && impl_->inbox.empty()) return std::nullopt;
  }
  json m = std::move(impl_->inbox.front());
  impl_->inbox.pop_front();
  return m;
}

std::optional<json> WsClient::wait_push(const std::string& type, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  for (;;) {
    for (auto it = impl_->inbox.begin(); it != impl_->inbox.end(); ++it) {
      if (it->value("type", "") == type) {
        json r = std::move(*it);
        impl_->inbox.erase(it);
        return r;
      }
    }
    if (impl_->is_closed) return std::nullopt;
    if (impl_->cv.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (auto it = impl_->inbox.begin(); it != impl_->inbox.end(); ++it)
        if (it->value("type", "") == type) {
          json r = std::move(*it);
          impl_->inbox.erase(it);
          return r;
        }
      return std::nullopt;
    }
  }
}

std::vector<json> WsClient::take_all(const std::string& type) {
  std::lock_guard lock(impl_->mu);
  std::vector<json> out;
  for (auto it = impl_->inbox.begin(); it != impl_->inbox.end();) {
    if (it->value("type", "") == type) {
      out.push_back(std::move(*it));
      it = impl_->inbox.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::size_t WsClient::queued() {
  std::lock_guard lock(impl_->mu);
  return impl_->inbox.size();
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, scaled(timeout), [this] { return impl_->is_closed; });
}

bool WsClient::closed() {
  std::lock_guard lock(impl_->mu);
  return impl_->is_closed;
}

int WsClient::close_code() {
  std::lock_guard lock(impl_->mu);
  return impl_->code;
}

std::string WsClient::close_error() {
  std::lock_guard lock(impl_->mu);
  return impl_->error;
}

void WsClient::close() {
  asio::post(impl_->ioc, [this] {
    if (impl_->writing || !impl_->outq.empty()) impl_->close_after_drain = true;
    else impl_->do_close();
  });
  wait_closed(5s);
}

void WsClient::cut() {
  asio::post(impl_->ioc, [this] {
    if (impl_->writing || !impl_->outq.empty()) impl_->cut_after_drain = true;
    else impl_->do_cut();
  });
  wait_closed(5s);
}

// ---- helpers ------------------------------------------------------------------------------

json login_code(WsClient& c, std::int64_t forum, const std::string& code) {
  json h = c.request({{"type", "hello"}, {"protocol", 1}});
  if (h.value("type", "") != "ok") throw std::runtime_error("hello failed: " + h.dump());
  return c.request({{"type", "login"}, {"forum", forum}, {"code", code}});
}

json login_password(WsClient& c, std::int64_t forum, const std::string& email, const std::string& password) {
  json h = c.request({{"type", "hello"}, {"protocol", 1}});
  if (h.value("type", "") != "ok") throw std::runtime_error("hello failed: " + h.dump());
  return c.request({{"type", "login"}, {"forum", forum}, {"email", email}, {"password", password}});
}

}  // namespace it
