// Shared helpers of the benchmarks: spawn the real `plenary serve` on port 0 with a temp
// database, seed files of N bench delegates with badge codes, read its RSS and CPU time from
// /proc, probe /healthz, and a small synchronous WebSocket client for setup steps (hello,
// login, declaration.list, clause.insert, doc.open).
// Header only: CMake builds every tests/bench/*.cpp into its own executable.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

inline constexpr const char* kDraftingCode = "HNZ9-DZKW-K6Q3";
inline constexpr const char* kOrganiserCode = "BF56-ULJP-J34U";

// The frames waiting to go out on one async WebSocket: Beast allows one write in flight, so
// they leave one at a time, in order. After each write `done(ec)` runs and says whether to go
// on (false: the connection failed or is being dropped; the rest stays queued).
struct FrameQueue {
  std::deque<std::shared_ptr<std::string>> frames;
  bool writing = false;

  template <class Ws, class Done>
  void push(Ws& ws, std::string frame, Done done) {
    frames.push_back(std::make_shared<std::string>(std::move(frame)));
    pump(ws, std::move(done));
  }

 private:
  template <class Ws, class Done>
  void pump(Ws& ws, Done done) {
    if (writing || frames.empty()) return;
    writing = true;
    auto f = frames.front();
    ws.async_write(net::buffer(*f), [this, &ws, f, done](beast::error_code ec, std::size_t) mutable {
      writing = false;
      if (!ec) frames.pop_front();
      if (done(ec)) pump(ws, std::move(done));
    });
  }
};

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Raises RLIMIT_NOFILE as far as allowed (first the hard limit itself if we may, e.g. as root
// with CAP_SYS_RESOURCE, then the soft limit to the hard one). Returns the soft limit in force.
inline rlim_t raise_nofile(rlim_t want = 1 << 20) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_max < want) {
    rlimit up{want, want};
    if (setrlimit(RLIMIT_NOFILE, &up) == 0) return want;
  }
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

// Opens `sock` bound to the source address 127.0.0.(2 + i % 200), the port chosen at connect
// time (IP_BIND_ADDRESS_NO_PORT): the ephemeral port range is then per (source, destination)
// pair, so many connections, and sockets of an earlier run in TIME_WAIT, never exhaust it.
inline void open_spread(tcp::socket& sock, std::size_t i, beast::error_code& ec) {
  sock.open(tcp::v4(), ec);
  if (ec) return;
  int one = 1;
  setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  auto addr = net::ip::address_v4((127u << 24) | (2u + static_cast<unsigned>(i % 200)));
  sock.bind(tcp::endpoint(addr, 0), ec);
}

// The 1-minute load average (from /proc/loadavg), to report with timings.
inline double loadavg1() {
  std::ifstream in("/proc/loadavg");
  double l = -1;
  in >> l;
  return l;
}

inline long proc_status_kib(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::atol(line.c_str() + n + 1);
  return -1;
}
inline long rss_kib(pid_t pid) { return proc_status_kib(pid, "VmRSS"); }

// utime + stime of a process, in seconds.
inline double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = s.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(s.substr(close + 2));
  std::string f;
  // Fields after the command: state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15; ++i) {
    rest >> f;
    if (i == 14) ut = std::stoull(f);
    if (i == 15) st = std::stoull(f);
  }
  return double(ut + st) / double(sysconf(_SC_CLK_TCK));
}

// Seconds the threads of a process (now alive) spent runnable but waiting for a CPU (the
// second field of /proc/PID/task/TID/schedstat): how much the machine's other load delayed it.
inline double runq_wait_seconds(pid_t pid) {
  double total = 0;
  std::error_code ec;
  for (const auto& t : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(t.path() / "schedstat");
    unsigned long long run = 0, wait = 0;
    if (in >> run >> wait) total += double(wait) / 1e9;
  }
  return total;
}

inline double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

inline std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/plenary-bench-" + tag + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

// The badge code of seeded bench delegate i (1-based): BNCH-0000-0001, ...
inline std::string delegate_code(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "BNCH-%04d-%04d", i / 10000, i % 10000);
  return buf;
}

// Writes a seed file: the demo forum (seed/forum.json) plus n accredited voting delegates
// bench_1..bench_n with badge codes delegate_code(1..n), spread over the seeded organisations.
inline void write_delegate_seed(const std::string& path, int n) {
  std::ifstream in(std::string(PLENARY_SOURCE_DIR) + "/seed/forum.json");
  json seed = json::parse(in);
  std::vector<std::string> orgs;
  for (auto& o : seed["organisations"]) orgs.push_back(o["key"]);
  for (int i = 1; i <= n; ++i)
    seed["delegates"].push_back({{"key", "bench_" + std::to_string(i)}, {"name", "Bench Delegate " + std::to_string(i)},
                                 {"organisation", orgs[static_cast<size_t>(i) % orgs.size()]}, {"country", "MX"},
                                 {"languages", {"es"}}, {"roles", {"delegate"}}, {"status", "accredited"},
                                 {"code", delegate_code(i)}});
  std::ofstream(path) << seed.dump();
}

// One GET /healthz; true on HTTP 200.
inline bool healthz(unsigned short port) {
  try {
    net::io_context ioc;
    beast::tcp_stream s(ioc);
    s.expires_after(std::chrono::seconds(2));
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    beast::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_both, ec);
    return res.result() == http::status::ok;
  } catch (...) {
    return false;
  }
}

// The real server as a child process: `plenary serve --listen 127.0.0.1:0` on a database in a
// temp dir (kept across restart() so a restart reuses it), PLENARY_ARGON2_PROFILE=min. The
// child gets SIGKILL if the benchmark dies first.
class Server {
 public:
  explicit Server(std::string tag, std::vector<std::string> extra = {}) : extra_(std::move(extra)) {
    dir_ = make_temp_dir(tag);
  }
  ~Server() {
    stop();
    if (!keep_dir_) std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Spawns the server and waits for the port file and a 200 on /healthz. Returns the seconds
  // from fork to that first successful /healthz.
  double start(bool seed = true, double timeout_s = 120) {
    std::string port_file = dir_ + "/port";
    ::unlink(port_file.c_str());
    std::vector<std::string> args = {PLENARY_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", dir_ + "/plenary.db",
                                     "--web", dir_, "--port-file", port_file, "--max-msg-rate", "0", "--tick-ms", "20"};
    if (seed) {
      args.push_back("--seed");
      args.push_back(std::string(PLENARY_SOURCE_DIR) + "/seed/forum.json");
    }
    for (auto& e : extra_) args.push_back(e);
    auto t0 = Clock::now();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int fd = ::open((dir_ + "/server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the benchmark, however it ends
      setenv("PLENARY_ARGON2_PROFILE", "min", 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    // Port file, then /healthz.
    while (true) {
      if (seconds_since(t0) > timeout_s) throw std::runtime_error("server did not start; see " + dir_ + "/server.log");
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        keep_dir_ = true;
        throw std::runtime_error("server exited at start; see " + dir_ + "/server.log");
      }
      std::ifstream pf(port_file);
      unsigned p = 0;
      if (pf >> p && p > 0) {
        port_ = static_cast<unsigned short>(p);
        if (healthz(port_)) return seconds_since(t0);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }

  // SIGTERM, then SIGKILL after a grace period.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto t0 = Clock::now();
    int status;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (seconds_since(t0) > 15) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

  pid_t pid() const { return pid_; }
  unsigned short port() const { return port_; }
  const std::string& dir() const { return dir_; }
  void keep_dir() { keep_dir_ = true; }

 private:
  std::vector<std::string> extra_;
  std::string dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  bool keep_dir_ = false;
};

// A blocking WebSocket client for setup: request() sends a message with a fresh id and
// returns the reply with that `re`, skipping pushed events (kept in `pushed`).
class SyncClient {
 public:
  explicit SyncClient(unsigned short port) : ws_(ioc_) {
    ws_.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws_.read_message_max(64 << 20);
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  }
  ~SyncClient() {
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
  }

  json request(json m) {
    m["id"] = next_id_++;
    ws_.write(net::buffer(m.dump()));
    while (true) {
      beast::flat_buffer b;
      ws_.read(b);
      json r = json::parse(beast::buffers_to_string(b.data()));
      if (r.contains("re") && r["re"] == m["id"]) return r;
      pushed.push_back(std::move(r));
    }
  }
  // request() that throws unless the reply is ok.
  json ok(json m) {
    std::string type = m.value("type", "");
    json r = request(std::move(m));
    if (r.value("type", "") != "ok") throw std::runtime_error(type + " failed: " + r.dump());
    return r;
  }

  // hello + login with a badge code in the first forum; returns the login reply.
  json login(const std::string& code) {
    ok({{"type", "hello"}, {"protocol", 1}});
    std::int64_t forum = first_forum();
    return ok({{"type", "login"}, {"forum", forum}, {"code", code}});
  }
  std::int64_t first_forum() {
    if (forum_ == 0) forum_ = ok({{"type", "forum.list"}})["forums"].at(0)["id"].get<std::int64_t>();
    return forum_;
  }
  // The first declaration of the forum (the seeded one, in phase drafting).
  json first_declaration() {
    auto r = ok({{"type", "declaration.list"}, {"forum", first_forum()}});
    for (auto& d : r["declarations"])
      if (d.value("phase", "") == "drafting") return d;
    return r["declarations"].at(0);
  }
  // Inserts an empty clause at the end; returns the id of its original-language document.
  std::int64_t new_clause_doc(const json& declaration) {
    auto r = ok({{"type", "clause.insert"}, {"declaration", declaration["id"]}});
    std::string orig = declaration["original"].get<std::string>();
    return r["docs"][orig].get<std::int64_t>();
  }

  std::vector<json> pushed;

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
  std::int64_t next_id_ = 1;
  std::int64_t forum_ = 0;
};

inline std::string gunzip(const std::string& path) {
  std::string cmd = "gzip -dc '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) throw std::runtime_error("gzip -dc failed for " + path);
  return out;
}

inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

inline std::string utc_now() {
  char buf[64];
  time_t t = time(nullptr);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

}  // namespace bench
