// bench_ballots: N connected delegates (default 5,000) cast their ballots in one secret poll.
//
// Setup: a seed file = the demo forum plus N accredited delegates with badge codes; the real
// server (`plenary serve`, Release) on a temp database; N WebSocket clients (Beast, async, on
// --threads io_contexts, one thread each; sockets bound to source addresses 127.0.0.2-201)
// log in and join the plenary room (presence goes out once per tick per room, and a room of
// more than 100 carries only its count, so the joins cost O(N) frames per tick, not N²). An
// organiser creates and opens a secret yes/no/abstain poll: its roll is the N delegates
// present.
//
// Measured: every delegate sends one `ballot.cast`, at evenly spread times over --spread
// seconds (default 5; 0 = all at once). For each ballot the time from its send to its `ok`
// (the server acknowledges only after the group commit) gives p50/p95/p99/max ack latency;
// durable ballots/s = ballots acknowledged / (last ack - first send). `poll.count` pushes are
// counted per delegate: how many each received, and when every delegate had seen the final
// count (N). The server's RSS (VmRSS, VmHWM) is read from /proc. Finally the poll is closed and
// its result must count exactly N ballots (no acknowledged ballot lost).
//
// Also reported: the server's CPU time during the joins and during the ballots, the load
// generator's own CPU time, and the machine's load average (the 2 cores are shared).
//
// usage: bench_ballots [--delegates 5000] [--spread 5] [--threads 2] [--no-spread-addresses] [--perf FILE]
// Prints "bench_ballots: metric = value unit" lines and one JSON line.
#include "bench_common.hpp"

#include <atomic>
#include <deque>
#include <memory>

using namespace bench;

namespace {

struct Voter {
  int index = 0;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  FrameQueue out;
  std::atomic<int> setup_replies{0};
  std::atomic<bool> acked{false};
  std::atomic<std::int64_t> sent_ns{0}, ack_ns{0};
  std::atomic<std::int64_t> counts{0}, last_count{0}, final_count_ns{0};
  std::string error;
};

struct Loop {
  net::io_context ioc{1};
  std::vector<Voter*> mine;
  std::atomic<std::uint64_t> frames{0}, errors{0};
  std::int64_t n = 0;

  void write(Voter& v, std::string f) {
    v.out.push(*v.ws, std::move(f), [this](beast::error_code ec) {
      if (ec) ++errors;
      return !ec;
    });
  }
  void read(Voter& v) {
    v.ws->async_read(v.buf, [this, &v](beast::error_code ec, std::size_t) {
      if (ec) return;
      ++frames;
      std::string_view s(static_cast<const char*>(v.buf.data().data()), v.buf.size());
      on_frame(v, s);
      v.buf.consume(v.buf.size());
      read(v);
    });
  }
  void on_frame(Voter& v, std::string_view s) {
    if (s.find("\"presence\"") != std::string_view::npos) return;  // the join flood
    auto now = Clock::now().time_since_epoch().count();
    if (s.find("\"poll.count\"") != std::string_view::npos) {
      json j = json::parse(s);
      std::int64_t b = j["ballots"];
      v.counts++;
      v.last_count = b;
      if (b >= n && v.final_count_ns == 0) v.final_count_ns = now;
      return;
    }
    if (s.rfind("{\"re\":", 0) != 0 && s.find("\"re\":") == std::string_view::npos) return;
    json j = json::parse(s);
    if (!j.contains("re")) return;
    auto re = j["re"];
    if (j["type"] != "ok") {
      ++errors;
      if (v.error.empty()) v.error = std::string(s.substr(0, 300));
    }
    if (re == 100) {
      v.ack_ns = now;
      v.acked = true;
    } else {
      v.setup_replies++;
    }
  }
};

double pct(std::vector<double> v, double p) { return percentile(v, p); }

}  // namespace

int main(int argc, char** argv) {
  int n = 5000, threads = 2;
  double spread = 5;
  bool spread_addresses = true;
  std::string perf_out;  // --perf FILE: `perf record` of the server during the ballots only
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--delegates") n = std::stoi(next());
    else if (a == "--spread") spread = std::stod(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--no-spread-addresses") spread_addresses = false;
    else if (a == "--perf") perf_out = next();
    else {
      std::cerr << "usage: bench_ballots [--delegates 5000] [--spread 5] [--threads 2] [--no-spread-addresses] [--perf FILE]\n";
      return 2;
    }
  }
  raise_nofile();
  // The seed: the demo forum plus n voting delegates with badge codes.
  std::string dir = make_temp_dir("ballots-seed");
  std::string seed_path = dir + "/seed.json";
  write_delegate_seed(seed_path, n);
  Server server("ballots", {"--seed", seed_path});
  double startup = server.start(false, 300);
  std::printf("bench_ballots: server_start_with_seed = %.2f s (%d delegates)\n", startup, n);
  std::fflush(stdout);

  std::int64_t forum = 0, room = 0;
  {
    SyncClient probe(server.port());
    probe.login(kOrganiserCode);
    forum = probe.first_forum();
    room = probe.ok({{"type", "forum.get"}, {"forum", forum}})["plenary"];
  }

  std::vector<std::unique_ptr<Loop>> loops;
  for (int t = 0; t < threads; ++t) {
    loops.push_back(std::make_unique<Loop>());
    loops.back()->n = n;
  }
  std::vector<std::unique_ptr<Voter>> voters;
  auto t_conn = Clock::now();
  for (int i = 1; i <= n; ++i) {
    auto v = std::make_unique<Voter>();
    v->index = i;
    Loop& l = *loops[static_cast<size_t>(i) % loops.size()];
    v->ws = std::make_unique<websocket::stream<beast::tcp_stream>>(l.ioc);
    if (spread_addresses) {
      beast::error_code ec;
      open_spread(v->ws->next_layer().socket(), static_cast<std::size_t>(i), ec);
      if (ec) {
        std::fprintf(stderr, "socket %d: %s\n", i, ec.message().c_str());
        return 1;
      }
    }
    v->ws->next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    v->ws->next_layer().socket().set_option(tcp::no_delay(true));
    v->ws->read_message_max(64 << 20);
    v->ws->handshake("127.0.0.1:" + std::to_string(server.port()), "/ws");
    l.mine.push_back(v.get());
    voters.push_back(std::move(v));
  }
  std::printf("bench_ballots: connect_and_handshake = %.2f s\n", seconds_since(t_conn));
  std::fflush(stdout);
  std::vector<std::thread> io;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& l : loops) guards.push_back(net::make_work_guard(l->ioc));
  for (auto& l : loops) io.emplace_back([&l] { l->ioc.run(); });
  auto t_join = Clock::now();
  double cpu_join0 = cpu_seconds(server.pid());
  for (auto& l : loops)
    for (Voter* v : l->mine)
      net::post(l->ioc, [&l = *l, v, forum, room] {
        l.read(*v);
        l.write(*v, json{{"type", "hello"}, {"id", 1}, {"protocol", 1}}.dump());
        l.write(*v, json{{"type", "login"}, {"id", 2}, {"forum", forum}, {"code", delegate_code(v->index)}}.dump());
        l.write(*v, json{{"type", "room.join"}, {"id", 3}, {"room", room}}.dump());
      });
  while (true) {
    int done = 0;
    for (auto& v : voters) done += v->setup_replies.load() >= 3;
    if (done == n) break;
    if (seconds_since(t_join) > 900) {
      std::fprintf(stderr, "setup timed out: %d of %d joined\n", done, n);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  double join_s = seconds_since(t_join), join_cpu = cpu_seconds(server.pid()) - cpu_join0;
  std::uint64_t join_frames = 0;
  for (auto& l : loops) join_frames += l->frames.load();
  std::printf("bench_ballots: login_and_join = %.2f s for %d logins and joins (server CPU %.2f s, %llu frames received)\n",
              join_s, n, join_cpu, static_cast<unsigned long long>(join_frames));
  std::fflush(stdout);
  std::uint64_t setup_errors = 0;
  for (auto& l : loops) setup_errors += l->errors.load();
  if (setup_errors) {
    for (auto& v : voters)
      if (!v->error.empty()) {
        std::fprintf(stderr, "setup error: %s\n", v->error.c_str());
        break;
      }
    return 1;
  }
  // Let the presence flood drain before the poll opens.
  for (std::uint64_t before = 0;;) {
    std::uint64_t f = 0;
    for (auto& l : loops) f += l->frames.load();
    if (f == before) break;
    before = f;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  long rss_before = rss_kib(server.pid());
  // The organiser connects only now: an idle blocking client would miss the server's pings
  // during a long join phase.
  SyncClient org(server.port());
  org.login(kOrganiserCode);

  json poll = org.ok({{"type", "poll.create"}, {"room", room}, {"method", "yes_no_abstain"}, {"secret", true},
                      {"threshold", "simple_majority"}, {"question", "Adopt the declaration?"}})["poll"];
  std::int64_t poll_id = poll["id"];
  json opened = org.ok({{"type", "poll.open"}, {"poll", poll_id}})["poll"];
  if (opened["voters"] != n) {
    std::fprintf(stderr, "roll has %s voters, expected %d\n", opened["voters"].dump().c_str(), n);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (auto& v : voters) v->counts = 0;
  pid_t perf = -1;
  if (!perf_out.empty()) {
    // Samples the server (with DWARF call stacks) from here until the last ballot is counted.
    perf = fork();
    if (perf == 0) {
      std::string pid = std::to_string(server.pid());
      execlp("perf", "perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,32768", "-p", pid.c_str(), "-o",
             perf_out.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  double cpu0 = cpu_seconds(server.pid()), self0 = self_cpu_seconds(), load0 = loadavg1();

  // The ballots: voter k sends at t0 + k * spread / n.
  auto t0 = Clock::now() + std::chrono::milliseconds(100);
  const char* votes[] = {"yes", "no", "abstain", "yes"};
  for (auto& l : loops)
    for (Voter* v : l->mine) {
      auto at = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(spread * 1e9 * (v->index - 1) / n));
      auto timer = std::make_shared<net::steady_timer>(l->ioc, at);
      timer->async_wait([&l = *l, v, timer, poll_id, vote = votes[v->index % 4]](beast::error_code) {
        v->sent_ns = Clock::now().time_since_epoch().count();
        l.write(*v, "{\"type\":\"ballot.cast\",\"id\":100,\"poll\":" + std::to_string(poll_id) +
                        ",\"choice\":{\"vote\":\"" + vote + "\"}}");
      });
    }
  auto deadline = t0 + std::chrono::duration<double>(spread + 120);
  while (Clock::now() < deadline) {
    int acked = 0, final_seen = 0;
    for (auto& v : voters) {
      acked += v->acked.load();
      final_seen += v->final_count_ns.load() != 0;
    }
    if (acked == n && final_seen == n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double cpu1 = cpu_seconds(server.pid()), self1 = self_cpu_seconds(), load1 = loadavg1();
  if (perf > 0) {
    kill(perf, SIGINT);
    int status;
    waitpid(perf, &status, 0);
  }
  long rss_after = rss_kib(server.pid()), hwm = proc_status_kib(server.pid(), "VmHWM");

  std::vector<double> lat;
  std::int64_t first_send = INT64_MAX, last_ack = 0, last_final = 0;
  int acked = 0, final_seen = 0;
  std::vector<double> counts;
  for (auto& v : voters) {
    if (v->acked) {
      ++acked;
      lat.push_back((v->ack_ns - v->sent_ns) / 1e6);
      last_ack = std::max<std::int64_t>(last_ack, v->ack_ns);
    }
    if (v->sent_ns) first_send = std::min<std::int64_t>(first_send, v->sent_ns);
    if (v->final_count_ns) {
      ++final_seen;
      last_final = std::max<std::int64_t>(last_final, v->final_count_ns);
    }
    counts.push_back(static_cast<double>(v->counts.load()));
  }
  std::uint64_t errors = 0;
  for (auto& l : loops) errors += l->errors.load();
  double window = (last_ack - first_send) / 1e9;
  double rate = window > 0 ? acked / window : 0;
  json closed = org.ok({{"type", "poll.close"}, {"poll", poll_id}})["poll"];
  std::int64_t counted = closed["result"]["ballots"];

  std::printf("bench_ballots: delegates = %d, spread = %.1f s, load threads = %d\n", n, spread, threads);
  std::printf("bench_ballots: ballots_acknowledged = %d of %d (errors %llu)\n", acked, n, static_cast<unsigned long long>(errors));
  std::printf("bench_ballots: durable_ballots_per_s = %.0f /s (%d acks between first send and last ack, %.3f s)\n", rate,
              acked, window);
  std::printf("bench_ballots: ack_latency p50 = %.1f ms, p95 = %.1f ms, p99 = %.1f ms, max = %.1f ms\n", pct(lat, 50),
              pct(lat, 95), pct(lat, 99), pct(lat, 100));
  std::printf("bench_ballots: poll_count pushes per delegate: min %.0f, median %.0f, max %.0f (while the %d ballots came in)\n",
              pct(counts, 0), pct(counts, 50), pct(counts, 100), n);
  std::printf("bench_ballots: final_count_reached = %d of %d delegates, %.1f ms after the last ack\n", final_seen, n,
              last_final > 0 ? (last_final - last_ack) / 1e6 : -1.0);
  std::printf("bench_ballots: server_rss = %.1f MiB before the poll, %.1f MiB after, peak %.1f MiB\n", rss_before / 1024.0,
              rss_after / 1024.0, hwm / 1024.0);
  std::printf("bench_ballots: server_cpu_during_ballots = %.2f s, load generator CPU %.2f s, load average %.2f -> %.2f\n",
              cpu1 - cpu0, self1 - self0, load0, load1);
  std::printf("bench_ballots: result_counted = %lld (must equal the acknowledged %d)\n", static_cast<long long>(counted), acked);
  json out = {{"bench", "ballots"}, {"delegates", n}, {"spread_s", spread}, {"acked", acked}, {"errors", errors},
              {"ballots_per_s", rate}, {"p50_ms", pct(lat, 50)}, {"p95_ms", pct(lat, 95)}, {"p99_ms", pct(lat, 99)},
              {"max_ms", pct(lat, 100)}, {"final_count_reached", final_seen},
              {"final_count_after_last_ack_ms", last_final > 0 ? (last_final - last_ack) / 1e6 : -1.0},
              {"final_count_fraction", n ? static_cast<double>(final_seen) / n : 0.0},
              {"count_pushes_median", pct(counts, 50)}, {"rss_mib", rss_after / 1024.0}, {"rss_peak_mib", hwm / 1024.0},
              {"rss_before_poll_mib", rss_before / 1024.0}, {"server_cpu_s", cpu1 - cpu0},
              {"load_generator_cpu_s", self1 - self0}, {"join_s", join_s}, {"join_server_cpu_s", join_cpu},
              {"loadavg", load1}, {"result_counted", counted}, {"at", utc_now()}};
  std::printf("%s\n", out.dump().c_str());
  std::fflush(stdout);
  for (auto& g : guards) g.reset();
  for (auto& l : loops) l->ioc.stop();
  for (auto& t : io) t.join();
  server.stop();
  std::system(("rm -rf '" + dir + "'").c_str());
  return counted == acked && acked == n ? 0 : 1;
}
