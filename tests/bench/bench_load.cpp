// bench_load: N delegate connections held by several load-generator processes while scenarios
// run: idle plenary, plenary vote, drafting, or all of them at once (mixed).
//
// Coordinator (run normally): writes a seed (the demo forum plus the bench delegates with badge
// codes), starts the real `plenary serve` (bench_common's Server), creates the clause document
// the authors type into, then forks and execs itself as ceil(N / --per-worker) workers (one
// process cannot hold more than ~20,000 descriptors here). Connection i goes to worker
// i % workers; i < --authors is an author (drafting badge code, doc.open of the clause), the
// others are delegates 1.. (their own badge code, room.join of the plenary), the first --voters
// of them vote. Sockets are bound to 127.0.0.2-201 (open_spread), so the ephemeral ports of one
// source address never run out. Coordinator and workers talk over pipes in JSON lines: commands
// down (vote, type, finish), events up (tick every 250 ms, ready, result with latency samples
// and sparse histograms).
//
// Each worker: one io_context on one thread, async Beast WebSockets, --parallel set-ups in
// flight. Voters send one ballot.cast at t0 + spread * (k - 1) / voters (the server acks after
// the commit); the ack latency is send -> ok. Authors are Jupiter clients (bench_drafting.hpp)
// typing one-character inserts at --rate per second; the op id carries the send time on the
// system-wide monotonic clock, so the edit -> peer latency is measured at every other author, in
// whichever process. Measured: connect rate, connections held and dropped, ballot and edit
// latency percentiles, frames/s in and out, the server's RSS and CPU time (/proc), load average,
// and convergence (every author's text equals the server's); per second of arrival, the p95 of
// each latency (1 ms buckets, merged across workers). Targets are checked and printed
// ("target met"/"target missed"); the exit code is non-zero only when the run itself failed.
//
// usage: bench_load [--scenario idle|vote|drafting|mixed] [--connections N] [--authors 400]
//                   [--rate 5] [--voters 5000] [--spread 5] [--seconds 30] [--per-worker 5000]
//                   (--seconds: the measured window; default spread + 5 for vote, else 30)
//                   [--parallel 100] [--out DIR]
// Writes DIR/bench_load.json and DIR/bench_load.svg and prints "bench_load: metric = value" lines.
#include "bench_load_svg.hpp"
#include "bench_load_worker.hpp"

#include <poll.h>

using namespace bench;
using namespace bench::load;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

struct WorkerProc {
  pid_t pid = -1;
  int to = -1, from = -1;  // its stdin, its stdout
  std::string partial;
  json tick, ready, result;
  bool eof = false;
};

// The worker processes: forked and exec'd; killed (SIGKILL) and reaped by the destructor if
// they did not finish on their own.
class Workers {
 public:
  std::vector<WorkerProc> w;

  void spawn(const std::vector<std::string>& args) {
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(down[0], 0);
      dup2(up[1], 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(down[0]);
    ::close(up[1]);
    WorkerProc p;
    p.pid = pid;
    p.to = down[1];
    p.from = up[0];
    w.push_back(std::move(p));
  }
  void send_all(const json& m) {
    for (auto& p : w) write_line(p.to, m.dump());
  }
  ~Workers() {
    for (auto& p : w) {
      if (p.to >= 0) ::close(p.to);
      if (p.from >= 0) ::close(p.from);
    }
    auto t0 = Clock::now();
    for (auto& p : w) {
      int st;
      while (p.pid > 0 && waitpid(p.pid, &st, WNOHANG) != p.pid) {
        if (seconds_since(t0) > 5) {
          kill(p.pid, SIGKILL);
          waitpid(p.pid, &st, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
};


struct Coordinator {
  Options o;
  Server* server = nullptr;
  Workers workers;
  Clock::time_point t_origin = Clock::now();
  std::vector<Sample> samples;
  Clock::time_point last_sample{};
  std::vector<std::pair<double, std::string>> marks;

  void mark(const std::string& what) { marks.emplace_back(seconds_since(t_origin), what); }

  std::uint64_t sum_tick(const char* k) const {
    std::uint64_t s = 0;
    for (auto& p : workers.w)
      if (p.tick.contains(k)) s += p.tick[k].get<std::uint64_t>();
    return s;
  }
  std::uint64_t held_now() const { return sum_tick("ready") - sum_tick("dropped"); }

  void sample() {
    double rss = rss_kib(server->pid()) / 1024.0;
    if (rss < 0) server->keep_dir();  // for its log
    if (rss < 0) throw std::runtime_error("the server is gone; see " + server->dir() + "/server.log");
    samples.push_back({seconds_since(t_origin), rss, cpu_seconds(server->pid()), held_now(), sum_tick("in"),
                       sum_tick("out")});
    last_sample = Clock::now();
  }

  // Reads what the workers wrote, for up to `timeout_s`, and samples the server every 0.5 s.
  void pump(double timeout_s) {
    auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    do {
      if (g_interrupted) throw std::runtime_error("interrupted");
      std::vector<pollfd> fds;
      for (auto& p : workers.w)
        if (!p.eof) fds.push_back({p.from, POLLIN, 0});
      double left_ms = std::chrono::duration<double, std::milli>(until - Clock::now()).count();
      int wait = static_cast<int>(std::clamp(left_ms, 0.0, 100.0));
      if (fds.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      else ::poll(fds.data(), fds.size(), wait);
      for (auto& p : workers.w) {
        if (p.eof) continue;
        pollfd q{p.from, POLLIN, 0};
        if (::poll(&q, 1, 0) <= 0) continue;
        char buf[1 << 16];
        ssize_t n = ::read(p.from, buf, sizeof buf);
        if (n <= 0) {
          p.eof = true;
          if (p.result.is_null()) throw std::runtime_error("a worker exited before its result");
          continue;
        }
        p.partial.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = p.partial.find('\n')) != std::string::npos) {
          json m = json::parse(p.partial.substr(0, nl));
          p.partial.erase(0, nl + 1);
          std::string ev = m["ev"];
          if (ev == "tick") p.tick = std::move(m);
          else if (ev == "ready") p.ready = std::move(m);
          else if (ev == "result") p.result = std::move(m);
        }
      }
      if (Clock::now() - last_sample >= std::chrono::milliseconds(500)) sample();
    } while (Clock::now() < until);
  }

  // pump() until pred() holds; false on timeout.
  template <class F>
  bool pump_until(F pred, double timeout_s) {
    auto t0 = Clock::now();
    while (!pred()) {
      if (seconds_since(t0) > timeout_s) return false;
      pump(0.05);
    }
    return true;
  }
};

double pct(std::vector<double> v, double p) { return percentile(v, p); }


int coordinate(Options& o, const std::string& self) {
  rlim_t nofile = raise_nofile();
  // A worker holds its connections plus a few descriptors; the server (which inherits the
  // limit) holds all of them.
  o.per_worker = std::min<int>(o.per_worker, static_cast<int>(nofile) - 200);
  if (static_cast<rlim_t>(o.connections) + 200 > nofile)
    std::printf("bench_load: warning: %d connections need more descriptors in the server than RLIMIT_NOFILE %llu\n",
                o.connections, (unsigned long long)nofile);
  const bool with_vote = o.voters > 0, with_typing = o.authors > 0;
  int delegates = o.connections - o.authors;
  int n_workers = std::max(1, (o.connections + o.per_worker - 1) / o.per_worker);
  if (o.out.empty()) o.out = make_temp_dir("load-out");
  std::filesystem::create_directories(o.out);

  std::string seed_dir = make_temp_dir("load-seed");
  struct RmDir {
    std::string d;
    ~RmDir() { std::system(("rm -rf '" + d + "'").c_str()); }
  } rm_seed{seed_dir};
  std::string seed_path = seed_dir + "/seed.json";
  write_delegate_seed(seed_path, delegates);
  Server server("load", {"--seed", seed_path});
  double startup = server.start(false, 600);
  std::printf("bench_load: scenario = %s, connections = %d (%d delegates in the plenary, %d voting; %d authors), "
              "%d worker processes\n",
              o.scenario.c_str(), o.connections, delegates, o.voters, o.authors, n_workers);
  std::printf("bench_load: server_start_with_seed = %.2f s (%d delegates)\n", startup, delegates);
  std::fflush(stdout);

  std::int64_t forum, room, doc = 0;
  {
    SyncClient org(server.port());
    org.login(kOrganiserCode);
    forum = org.first_forum();
    room = org.ok({{"type", "forum.get"}, {"forum", forum}})["plenary"];
  }
  if (with_typing) {
    SyncClient d(server.port());
    d.login(kDraftingCode);
    doc = d.new_clause_doc(d.first_declaration());
  }

  Coordinator co;
  co.o = o;
  co.server = &server;
  co.t_origin = Clock::now();
  co.sample();
  for (int w = 0; w < n_workers; ++w)
    co.workers.spawn({self, "--worker", std::to_string(w), "--workers", std::to_string(n_workers), "--port",
                      std::to_string(server.port()), "--forum", std::to_string(forum), "--room", std::to_string(room),
                      "--doc", std::to_string(doc), "--connections", std::to_string(o.connections), "--authors",
                      std::to_string(o.authors), "--voters", std::to_string(o.voters), "--parallel",
                      std::to_string(o.parallel)});
  auto t_conn = Clock::now();
  co.mark("connecting");
  auto all_ready = [&] {
    for (auto& p : co.workers.w)
      if (p.ready.is_null()) return false;
    return true;
  };
  if (!co.pump_until(all_ready, 900)) throw std::runtime_error("the connections were not set up within 900 s");
  double connect_s = seconds_since(t_conn);
  std::uint64_t connected = 0, failed = 0;
  std::string setup_error;
  for (auto& p : co.workers.w) {
    connected += p.ready["ready"].get<std::uint64_t>();
    failed += p.ready["failed"].get<std::uint64_t>();
    if (setup_error.empty()) setup_error = p.ready["first_error"].get<std::string>();
  }
  co.mark("connected");
  std::printf("bench_load: connected = %llu of %d in %.2f s: connect_rate = %.0f connections/s "
              "(connect, handshake, hello, login, join); failed %llu%s%s\n",
              (unsigned long long)connected, o.connections, connect_s, connected / connect_s,
              (unsigned long long)failed, setup_error.empty() ? "" : "; first error: ", setup_error.c_str());
  std::fflush(stdout);
  if (connected == 0) throw std::runtime_error("no connection was set up: " + setup_error);
  // Let the join flood (presence) drain.
  {
    std::uint64_t before = UINT64_MAX;
    for (int k = 0; k < 40; ++k) {
      co.pump(0.5);
      if (co.sum_tick("in") == before) break;
      before = co.sum_tick("in");
    }
  }
  long rss_connected = rss_kib(server.pid());

  // The measured window.
  double cpu0 = cpu_seconds(server.pid()), load0 = loadavg1(), wait0 = runq_wait_seconds(server.pid());
  std::uint64_t in0 = co.sum_tick("in"), out0 = co.sum_tick("out"), gen0 = co.sum_tick("cpu_ms");
  auto w0 = Clock::now();
  double vote_at = with_typing ? std::min(5.0, o.seconds / 4) : 0;
  std::int64_t poll_id = 0, poll_voters = 0;
  auto t0 = Clock::now() + std::chrono::milliseconds(300);
  if (with_typing) {
    co.workers.send_all({{"cmd", "type"}, {"t0_ns", t0.time_since_epoch().count()}, {"seconds", o.seconds},
                         {"rate", o.rate}});
    co.mark("typing");
  }
  if (with_vote) {
    co.pump(std::max(0.0, std::chrono::duration<double>(t0 - Clock::now()).count() + vote_at - 0.3));
    // The organiser connects only now (a blocking client idle for long would miss the pings).
    SyncClient org(server.port());
    org.login(kOrganiserCode);
    json poll = org.ok({{"type", "poll.create"}, {"room", room}, {"method", "yes_no_abstain"}, {"secret", true},
                        {"threshold", "simple_majority"}, {"question", "Adopt the declaration?"}})["poll"];
    poll_id = poll["id"];
    json opened = org.ok({{"type", "poll.open"}, {"poll", poll_id}})["poll"];
    poll_voters = opened["voters"];
    auto tv = Clock::now() + std::chrono::milliseconds(300);
    co.workers.send_all({{"cmd", "vote"}, {"poll", poll_id}, {"t0_ns", tv.time_since_epoch().count()},
                         {"spread", o.spread}});
    co.mark("vote");
  }
  // Hold until the window ends and, with a vote, until every ballot is acknowledged (or 60 s
  // after the spread).
  auto window_end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  co.pump(std::max(0.0, std::chrono::duration<double>(window_end - Clock::now()).count()));
  if (with_vote) co.pump_until([&] { return co.sum_tick("acked") >= static_cast<std::uint64_t>(o.voters); }, o.spread + 60);
  double window_s = seconds_since(w0);
  double cpu1 = cpu_seconds(server.pid()), load1 = loadavg1(), wait1 = runq_wait_seconds(server.pid());
  std::uint64_t in1 = co.sum_tick("in"), out1 = co.sum_tick("out"), gen1 = co.sum_tick("cpu_ms");
  double gen_window_cpu = double(gen1 - gen0) / 1000;
  long rss_end = rss_kib(server.pid()), rss_peak = proc_status_kib(server.pid(), "VmHWM");
  co.mark("end");

  // Drain the drafting: every author idle, all at one revision, no doc.ops for 300 ms.
  bool drained = true;
  if (with_typing) {
    drained = co.pump_until(
        [&] {
          std::int64_t lo = INT64_MAX, hi = 0;
          for (auto& p : co.workers.w) {
            if (p.tick.is_null() || p.tick["busy"] != 0) return false;
            auto q = p.tick["ops_quiet_ms"].get<std::int64_t>();
            if (q >= 0 && q < 300) return false;
            lo = std::min(lo, p.tick["rev_min"].get<std::int64_t>());
            hi = std::max(hi, p.tick["rev_max"].get<std::int64_t>());
          }
          return lo == hi;
        },
        60);
  }
  std::int64_t counted = -1;
  if (with_vote) {
    SyncClient org(server.port());
    org.login(kOrganiserCode);
    counted = org.ok({{"type", "poll.close"}, {"poll", poll_id}})["poll"]["result"]["ballots"];
  }
  std::string server_hash;
  std::size_t server_len = 0;
  std::int64_t server_rev = 0;
  if (with_typing) {
    SyncClient d(server.port());
    d.login(kDraftingCode);
    json fin = d.ok({{"type", "doc.open"}, {"doc", doc}});
    std::string text = fin["text"].get<std::string>();
    server_hash = std::to_string(std::hash<std::string>{}(text));
    server_len = text.size();
    server_rev = fin["rev"].get<std::int64_t>();
  }
  co.sample();
  co.workers.send_all({{"cmd", "finish"}});
  if (!co.pump_until(
          [&] {
            for (auto& p : co.workers.w)
              if (p.result.is_null()) return false;
            return true;
          },
          120))
    throw std::runtime_error("the workers did not report within 120 s");

  // Merge.
  std::vector<double> ballots;
  Histogram peer, ack;
  Timeline ballot_t, ack_t, peer_t;
  std::uint64_t held = 0, dropped = 0, errors = 0, edits = 0, ops_sent = 0, composed = 0;
  std::int64_t first_ballot = INT64_MAX, last_ack = 0;
  double gen_cpu = 0;
  std::string first_error, first_drop;
  bool converged = with_typing;
  int authors_checked = 0;
  for (auto& p : co.workers.w) {
    auto& r = p.result;
    for (auto& v : r["ballot_ms"]) ballots.push_back(v.get<double>());
    ballot_t.add_json(r["ballot_t"]);
    ack_t.add_json(r["ack_t"]);
    peer_t.add_json(r["peer_t"]);
    if (r.contains("peer")) {
      peer.add_json(r["peer"]);
      ack.add_json(r["ack"]);
    }
    held += r["held"].get<std::uint64_t>();
    dropped += r["dropped"].get<std::uint64_t>();
    errors += r["errors"].get<std::uint64_t>();
    edits += r["edits"].get<std::uint64_t>();
    ops_sent += r["ops_sent"].get<std::uint64_t>();
    composed += r["composed"].get<std::uint64_t>();
    gen_cpu += r["cpu_s"].get<double>();
    if (auto f = r["first_ballot_ns"].get<std::int64_t>(); f > 0) first_ballot = std::min(first_ballot, f);
    last_ack = std::max(last_ack, r["last_ack_ns"].get<std::int64_t>());
    if (first_error.empty()) first_error = r["first_error"].get<std::string>();
    if (first_drop.empty()) first_drop = r["first_drop"].get<std::string>();
    for (auto& t : r["texts"]) {
      authors_checked += t["authors"].get<int>();
      if (t["hash"] != server_hash) converged = false;
    }
    for (auto& rv : r["revs"])
      if (rv != server_rev) converged = false;
  }
  if (with_typing && authors_checked != o.authors) converged = false;
  double vote_window = last_ack > 0 && first_ballot < INT64_MAX ? (last_ack - first_ballot) / 1e9 : 0;

  // Report.
  double cpu_s = cpu1 - cpu0;
  double in_rate = (in1 - in0) / window_s, out_rate = (out1 - out0) / window_s;
  // Below a target's size, the verdict says so (the figures are still printed).
  auto verdict = [](bool met, bool at_size) {
    return !at_size ? "not checked (run below the target's size)" : met ? "target met" : "target missed";
  };
  std::printf("bench_load: connections_held_at_end = %llu of %d (dropped %llu%s%s)\n", (unsigned long long)held,
              o.connections, (unsigned long long)dropped, first_drop.empty() ? "" : "; first: ", first_drop.c_str());
  std::printf("bench_load: window = %.1f s; messages_in = %.0f /s (server -> clients), messages_out = %.0f /s "
              "(clients -> server)\n",
              window_s, in_rate, out_rate);
  std::printf("bench_load: server_rss = %.1f MiB after the connections, %.1f MiB at the end, peak %.1f MiB\n",
              rss_connected / 1024.0, rss_end / 1024.0, rss_peak / 1024.0);
  std::printf("bench_load: server_cpu = %.2f s in the window (%.0f %% of one core, %.0f %% of the machine); waited "
              "for a CPU %.2f s; load generator CPU %.2f s in the window (%.2f s in all); load average %.2f -> %.2f\n",
              cpu_s, 100 * cpu_s / window_s, 50 * cpu_s / window_s, wait1 - wait0, gen_window_cpu, gen_cpu, load0, load1);
  bool conn_met = held >= 15000 && rss_peak < 1024 * 1024 && dropped == 0;
  std::printf("bench_load: target 15,000 connections held, server RSS < 1 GiB: %s (%llu held, peak %.0f MiB)\n",
              verdict(conn_met, o.connections >= 15000), (unsigned long long)held, rss_peak / 1024.0);
  json out = {{"bench", "load"}, {"at", utc_now()}, {"scenario", o.scenario}, {"connections", o.connections},
              {"delegates", delegates}, {"authors", o.authors}, {"voters", o.voters}, {"rate", o.rate},
              {"spread_s", o.spread}, {"seconds", o.seconds}, {"workers", n_workers},
              {"server_start_s", startup}, {"connected", connected}, {"connect_failed", failed},
              {"connect_s", connect_s}, {"connect_rate_per_s", connected / connect_s}, {"held_at_end", held},
              {"dropped", dropped}, {"window_s", window_s}, {"messages_in_per_s", in_rate},
              {"messages_out_per_s", out_rate}, {"server_rss_connected_mib", rss_connected / 1024.0},
              {"server_rss_end_mib", rss_end / 1024.0}, {"server_rss_peak_mib", rss_peak / 1024.0},
              {"server_cpu_s", cpu_s}, {"server_cpu_util_one_core", cpu_s / window_s},
              {"server_runq_wait_s", wait1 - wait0}, {"load_generator_cpu_s", gen_window_cpu}, {"load_generator_cpu_total_s", gen_cpu}, {"loadavg_start", load0},
              {"loadavg_end", load1}, {"errors", errors}, {"first_error", first_error},
              {"target_connections_met", conn_met}, {"target_connections_at_size", o.connections >= 15000}};
  std::vector<std::tuple<std::string, double, double, double, double>> lat;
  bool vote_met = true, draft_met = true;
  if (with_vote) {
    double p50 = pct(ballots, 50), p95 = pct(ballots, 95), p99 = pct(ballots, 99), mx = pct(ballots, 100);
    vote_met = ballots.size() == static_cast<size_t>(o.voters) && counted == static_cast<std::int64_t>(ballots.size()) &&
               p99 < 250 && vote_window <= 5.25;
    std::printf("bench_load: ballots_acknowledged = %zu of %d (roll %lld, counted at close %lld), %.2f s from the "
                "first send to the last ack\n",
                ballots.size(), o.voters, (long long)poll_voters, (long long)counted, vote_window);
    std::printf("bench_load: ballot_ack_latency p50 = %.1f ms, p95 = %.1f ms, p99 = %.1f ms, max = %.1f ms\n", p50, p95,
                p99, mx);
    std::printf("bench_load: target 5,000 durable ballots within 5 s, p99 < 250 ms: %s\n",
                verdict(vote_met, o.voters >= 5000 && o.spread <= 5));
    out["ballots"] = {{"acked", ballots.size()}, {"roll", poll_voters}, {"counted", counted},
                      {"first_send_to_last_ack_s", vote_window}, {"p50_ms", p50}, {"p95_ms", p95},
                      {"p99_ms", p99}, {"max_ms", mx}, {"target_met", vote_met},
                      {"target_at_size", o.voters >= 5000 && o.spread <= 5}};
    lat.emplace_back("ballot ack", p50, p95, p99, 250);
  }
  if (with_typing) {
    draft_met = ack.pct(95) < 100 && peer.pct(95) < 100 && converged;
    std::printf("bench_load: edits = %llu, doc.ops sent = %llu (%llu composed), server rev %lld, text %zu chars, "
                "converged = %s%s\n",
                (unsigned long long)edits, (unsigned long long)ops_sent, (unsigned long long)composed,
                (long long)server_rev, server_len, converged ? "yes" : "NO", drained ? "" : " (not drained in 60 s)");
    std::printf("bench_load: edit_ack_latency p50 = %.1f ms, p95 = %.1f ms, p99 = %.1f ms\n", ack.pct(50), ack.pct(95),
                ack.pct(99));
    std::printf("bench_load: edit_to_peer_latency p50 = %.1f ms, p95 = %.1f ms, p99 = %.1f ms, max = %.1f ms over "
                "%llu deliveries\n",
                peer.pct(50), peer.pct(95), peer.pct(99), peer.max_ms, (unsigned long long)peer.n);
    std::printf("bench_load: target 400 authors at 5 edits/s, p95 edit-to-ack and fan-out < 100 ms: %s\n",
                verdict(draft_met, o.authors >= 400 && o.rate >= 5));
    out["drafting"] = {{"edits", edits}, {"ops_sent", ops_sent}, {"composed", composed}, {"server_rev", server_rev},
                       {"converged", converged}, {"drained", drained}, {"ack_p50_ms", ack.pct(50)},
                       {"ack_p95_ms", ack.pct(95)}, {"ack_p99_ms", ack.pct(99)}, {"peer_p50_ms", peer.pct(50)},
                       {"peer_p95_ms", peer.pct(95)}, {"peer_p99_ms", peer.pct(99)}, {"peer_max_ms", peer.max_ms},
                       {"deliveries", peer.n}, {"target_met", draft_met},
                       {"target_at_size", o.authors >= 400 && o.rate >= 5}};
    lat.emplace_back("edit ack", ack.pct(50), ack.pct(95), ack.pct(99), 100);
    lat.emplace_back("edit to peer", peer.pct(50), peer.pct(95), peer.pct(99), 100);
  }
  if (errors) std::printf("bench_load: errors = %llu; first: %s\n", (unsigned long long)errors, first_error.c_str());
  json series = json::array();
  for (auto& s : co.samples) series.push_back({s.t, s.held, s.rss_mib, s.cpu_s, s.in, s.out});
  out["series_columns"] = {"t_s", "held", "server_rss_mib", "server_cpu_s", "frames_in", "frames_out"};
  out["series"] = series;
  json mk = json::array();
  for (auto& [t, what] : co.marks) mk.push_back({t, what});
  out["marks"] = mk;
  std::string json_path = o.out + "/bench_load.json", svg_path = o.out + "/bench_load.svg";
  std::vector<std::pair<std::string, Series>> lat_t;
  auto to_series = [&](const Timeline& tl) {
    Series ser;
    double origin = double(co.t_origin.time_since_epoch().count()) / 1e9;
    for (auto& [sec, p] : tl.p95()) ser.emplace_back(double(sec) + 0.5 - origin, p);
    return ser;
  };
  if (with_vote) lat_t.emplace_back("ballot ack", to_series(ballot_t));
  if (with_typing) {
    lat_t.emplace_back("edit ack", to_series(ack_t));
    lat_t.emplace_back("edit to peer", to_series(peer_t));
  }
  json lat_json = json::object();
  for (auto& [name, ser] : lat_t) lat_json[name] = ser;
  out["latency_p95_per_s"] = lat_json;  // [t s since the start, p95 ms] per second of arrival
  std::ofstream(json_path) << out.dump(1) << "\n";
  std::ofstream(svg_path) << svg_plot(co.samples, co.marks, lat, lat_t,
                                      "bench_load " + o.scenario + ": " + std::to_string(o.connections) +
                                          " connections, " + std::to_string(o.voters) + " voters, " +
                                          std::to_string(o.authors) + " authors (" + utc_now() + ")");
  std::printf("bench_load: json = %s\nbench_load: svg = %s\n", json_path.c_str(), svg_path.c_str());
  std::fflush(stdout);
  server.stop();
  // Wrong results (not slow ones) make the run fail.
  bool ok = (!with_vote || counted == static_cast<std::int64_t>(ballots.size())) && (!with_typing || converged);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool worker = false;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--scenario") o.scenario = next();
      else if (a == "--connections") o.connections = std::stoi(next());
      else if (a == "--authors") o.authors = std::stoi(next());
      else if (a == "--voters") o.voters = std::stoi(next());
      else if (a == "--rate") o.rate = std::stod(next());
      else if (a == "--spread") o.spread = std::stod(next());
      else if (a == "--seconds") o.seconds = std::stod(next());
      else if (a == "--per-worker") o.per_worker = std::max(1, std::stoi(next()));
      else if (a == "--parallel") o.parallel = std::max(1, std::stoi(next()));
      else if (a == "--out") o.out = next();
      else if (a == "--worker") worker = true, o.worker = std::stoi(next());
      else if (a == "--workers") o.workers = std::stoi(next());
      else if (a == "--port") o.port = static_cast<unsigned short>(std::stoi(next()));
      else if (a == "--forum") o.forum = std::stoll(next());
      else if (a == "--room") o.room = std::stoll(next());
      else if (a == "--doc") o.doc = std::stoll(next());
      else throw std::runtime_error("unknown argument " + a);
    }
    if (worker) {
      if (o.authors < 0) o.authors = 0;
      if (o.voters < 0) o.voters = 0;
      Worker w;
      w.o = o;
      return w.run();
    }
    const std::string& s = o.scenario;
    if (s != "idle" && s != "vote" && s != "drafting" && s != "mixed") throw std::runtime_error("unknown scenario " + s);
    if (o.authors < 0) o.authors = (s == "drafting" || s == "mixed") ? 400 : 0;
    if (o.voters < 0) o.voters = (s == "vote" || s == "mixed") ? 5000 : 0;
    if (s == "idle" || s == "vote") o.authors = 0;
    if (s == "idle" || s == "drafting") o.voters = 0;
    if (o.connections < 0) o.connections = s == "vote" ? o.voters : s == "drafting" ? o.authors : 15000;
    if (o.connections < o.authors + o.voters)
      throw std::runtime_error("--connections must be at least --authors + --voters");
    if (o.seconds < 0) o.seconds = s == "vote" ? o.spread + 5 : 30;
    if (o.rate <= 0 || o.seconds <= 0 || o.spread < 0) throw std::runtime_error("--rate and --seconds must be > 0");
  } catch (const std::exception& e) {
    std::cerr << "bench_load: " << e.what() << "\n" << kUsage;
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    // The workers exec this very binary (by its real path, so that they show as bench_load).
    std::error_code ec;
    std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    return coordinate(o, ec ? std::string(argv[0]) : self);
  } catch (const std::exception& e) {
    std::cerr << "bench_load: error: " << e.what() << std::endl;
    return 1;
  }
}

