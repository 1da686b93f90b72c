// bench_connections: memory per idle authenticated WebSocket connection, and start-up time.
//
// 1. Start-up: time from spawning `plenary serve --seed seed/forum.json` on a fresh database to
//    the first 200 on /healthz (migrations + seed load), and the same on the existing database
//    (a restart: the seed is already there and is skipped). Repeated --starts times; median.
// 2. For each N (default 1000 and 10000), on a fresh server: RSS before; N connections (Beast
//    async clients in one io_context) each send hello, log in with the reusable drafting badge
//    code and wait for ok, then stay idle with a read pending; wait for quiescence (RSS stable);
//    RSS after. Reports (after - before) / N in KiB.
//
// usage: bench_connections [--n 1000,10000] [--starts 3] [--parallel 200] [--no-spread]
#include "bench_common.hpp"

#include <memory>
#include <netinet/in.h>

using namespace bench;

namespace {

struct Conn : std::enable_shared_from_this<Conn> {
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buf;
  int step = 0;  // 0 hello sent, 1 login sent, 2 idle
  explicit Conn(net::io_context& ioc) : ws(ioc) {}
};

struct Fleet {
  net::io_context& ioc;
  tcp::endpoint server;
  std::int64_t forum;
  std::size_t total, parallel;
  bool spread;
  std::vector<std::shared_ptr<Conn>> conns;
  std::size_t launched = 0, in_progress = 0, ready = 0, failed = 0;
  std::string first_error;
  std::string hello = json{{"type", "hello"}, {"id", 1}, {"protocol", 1}}.dump();
  std::string login;

  Fleet(net::io_context& i, tcp::endpoint ep, std::int64_t f, std::size_t n, std::size_t par, bool spr)
      : ioc(i), server(ep), forum(f), total(n), parallel(par), spread(spr) {
    login = json{{"type", "login"}, {"id", 2}, {"forum", forum}, {"code", kDraftingCode}}.dump();
  }

  void fail(const std::string& what, beast::error_code ec) {
    ++failed;
    --in_progress;
    if (first_error.empty()) first_error = what + ": " + ec.message();
    launch_more();
  }

  void launch_more() {
    while (launched < total && in_progress < parallel) {
      std::size_t i = launched++;
      ++in_progress;
      auto c = std::make_shared<Conn>(ioc);
      conns.push_back(c);
      beast::error_code ec;
      auto& sock = c->ws.next_layer().socket();
      if (spread) open_spread(sock, i, ec);  // source addresses 127.0.0.2 .. 127.0.0.201
      else sock.open(tcp::v4(), ec);
      if (ec) {
        fail("socket", ec);
        continue;
      }
      sock.async_connect(server, [this, c](beast::error_code ec) {
        if (ec) return fail("connect", ec);
        c->ws.async_handshake("127.0.0.1:" + std::to_string(server.port()), "/ws", [this, c](beast::error_code ec) {
          if (ec) return fail("handshake", ec);
          c->ws.async_write(net::buffer(hello), [this, c](beast::error_code ec, std::size_t) {
            if (ec) return fail("write hello", ec);
            read(c);
          });
        });
      });
    }
  }

  void read(std::shared_ptr<Conn> c) {
    c->ws.async_read(c->buf, [this, c](beast::error_code ec, std::size_t) {
      if (ec) {
        if (c->step < 2) return fail("read", ec);
        return;  // closed at the end (or by the server: counted by the caller via RSS only)
      }
      std::string s = beast::buffers_to_string(c->buf.data());
      c->buf.consume(c->buf.size());
      if (c->step < 2) {
        json r = json::parse(s, nullptr, false);
        bool ok = r.is_object() && r.value("type", "") == "ok";
        bool reply = r.is_object() && r.contains("re");
        if (reply && !ok) {
          ++failed;
          --in_progress;
          if (first_error.empty()) first_error = s.substr(0, 300);
          launch_more();
          return;
        }
        if (reply && c->step == 0) {
          c->step = 1;
          c->ws.async_write(net::buffer(login), [this, c](beast::error_code ec, std::size_t) {
            if (ec) fail("write login", ec);
          });
        } else if (reply && c->step == 1) {
          c->step = 2;
          ++ready;
          --in_progress;
          launch_more();
        }
      }
      read(c);
    });
  }
};

struct IdleResult {
  std::size_t n = 0, ready = 0, failed = 0;
  long rss_before = 0, rss_after = 0;
  double per_conn_kib = 0, connect_seconds = 0;
  std::string error;
};

IdleResult idle_connections(std::size_t n, std::size_t parallel, bool spread) {
  IdleResult res;
  res.n = n;
  Server server("conn");
  server.start();
  std::int64_t forum;
  {
    SyncClient probe(server.port());
    forum = probe.first_forum();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  res.rss_before = rss_kib(server.pid());

  net::io_context ioc;
  Fleet fleet(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()), forum, n, parallel, spread);
  auto t0 = Clock::now();
  fleet.launch_more();
  while (fleet.ready + fleet.failed < n && seconds_since(t0) < 300) ioc.run_for(std::chrono::milliseconds(100));
  res.connect_seconds = seconds_since(t0);
  res.ready = fleet.ready;
  res.failed = fleet.failed;
  res.error = fleet.first_error;

  // Quiescence: keep serving the clients (pings) while RSS settles: two samples 500 ms apart
  // within 0.5 %, after at least 2 s; at most 20 s.
  auto q0 = Clock::now();
  long prev = -1, cur = rss_kib(server.pid());
  while (seconds_since(q0) < 20) {
    ioc.run_for(std::chrono::milliseconds(500));
    prev = cur;
    cur = rss_kib(server.pid());
    if (seconds_since(q0) >= 2 && std::labs(cur - prev) * 200 <= cur) break;
  }
  res.rss_after = cur;
  res.per_conn_kib = res.ready ? double(res.rss_after - res.rss_before) / double(res.ready) : 0;
  for (auto& c : fleet.conns) {
    beast::error_code ec;
    c->ws.next_layer().socket().close(ec);
  }
  ioc.run_for(std::chrono::milliseconds(200));
  server.stop();
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> ns = {1000, 10000};
  int starts = 3;
  std::size_t parallel = 200;
  bool spread = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--n") {
      ns.clear();
      std::stringstream ss(next());
      std::string w;
      while (std::getline(ss, w, ',')) ns.push_back(std::stoul(w));
    } else if (a == "--starts") {
      starts = std::stoi(next());
    } else if (a == "--parallel") {
      parallel = std::stoul(next());
    } else if (a == "--no-spread") {
      spread = false;
    } else {
      std::cerr << "usage: bench_connections [--n 1000,10000] [--starts 3] [--parallel 200] [--no-spread]\n";
      return 2;
    }
  }
  try {
    rlimit hard{};
    getrlimit(RLIMIT_NOFILE, &hard);
    rlim_t hard_before = hard.rlim_max;
    rlim_t nofile = raise_nofile();
    std::printf("bench_connections: RLIMIT_NOFILE = %llu (hard limit was %llu; the server inherits it)\n",
                (unsigned long long)nofile, (unsigned long long)hard_before);
    json out = {{"bench", "connections"}, {"at", utc_now()}, {"nofile", nofile}};

    // Start-up times.
    std::vector<double> fresh, restart;
    for (int k = 0; k < starts; ++k) {
      Server s("start");
      fresh.push_back(s.start(true));
      s.stop();
      restart.push_back(s.start(true));
      s.stop();
    }
    std::sort(fresh.begin(), fresh.end());
    std::sort(restart.begin(), restart.end());
    double fresh_med = fresh[fresh.size() / 2] * 1000, restart_med = restart[restart.size() / 2] * 1000;
    std::printf("bench_connections: startup_fresh_db_with_seed = %.1f ms (median of %d; min %.1f, max %.1f)\n",
                fresh_med, starts, fresh.front() * 1000, fresh.back() * 1000);
    std::printf("bench_connections: startup_existing_db = %.1f ms (median of %d; min %.1f, max %.1f)\n", restart_med,
                starts, restart.front() * 1000, restart.back() * 1000);
    std::fflush(stdout);
    out["startup_fresh_ms"] = fresh_med;
    out["startup_restart_ms"] = restart_med;

    json idle = json::array();
    for (auto n : ns) {
      if (n + 64 > nofile) {
        std::printf("bench_connections: N = %zu needs more than RLIMIT_NOFILE %llu descriptors in this process "
                    "(and as many in the server); capping\n",
                    n, (unsigned long long)nofile);
        n = nofile - 64;
      }
      IdleResult r = idle_connections(n, parallel, spread);
      std::printf("bench_connections: N = %zu: %zu logged in, %zu failed in %.2f s; RSS %ld -> %ld KiB; "
                  "per_idle_connection = %.2f KiB (target < 20)%s%s\n",
                  r.n, r.ready, r.failed, r.connect_seconds, r.rss_before, r.rss_after, r.per_conn_kib,
                  r.error.empty() ? "" : "; first error: ", r.error.c_str());
      std::fflush(stdout);
      idle.push_back({{"n", r.n}, {"ready", r.ready}, {"failed", r.failed}, {"connect_s", r.connect_seconds},
                      {"rss_before_kib", r.rss_before}, {"rss_after_kib", r.rss_after},
                      {"kib_per_connection", r.per_conn_kib}, {"error", r.error}});
    }
    out["idle"] = idle;
    std::cout << out.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_connections: error: " << e.what() << std::endl;
    return 1;
  }
}
