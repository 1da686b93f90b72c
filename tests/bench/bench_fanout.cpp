// bench_fanout: A authors type into one clause document at once; edit-to-peer latency.
//
// For each A (default 100, 200, 400), on a fresh server: A WebSocket connections log in with
// the reusable drafting badge code and doc.open the same new clause document. Each author is
// a Jupiter client (one op in flight, later edits composed into a buffer, incoming doc.ops
// transformed against in-flight and buffer with plenary's OT library) and types 5 one-character
// inserts per second at random positions for D seconds. Latency: from the moment an author
// sends a doc.op to the arrival, at each other author, of the doc.ops frame holding that op
// (matched by opid); p50/p95/p99 over all deliveries. Also the ack latency (send -> ok), the
// server's CPU time (utime+stime from /proc/PID/stat) and RSS, the load generator's own CPU
// time, and convergence: after typing stops and all acks and ops arrived, every author's text
// equals the server's (doc.open on a fresh connection).
//
// The load generator runs --threads threads (default 2), each with its own io_context and a
// share of the authors, and shares the machine with the server.
//
// usage: bench_fanout [--authors 100,200,400] [--seconds 60] [--rate 5] [--threads 2]
#include "bench_drafting.hpp"

#include <deque>
#include <memory>
#include <random>
#include <atomic>
#include <charconv>
#include <climits>

using namespace bench;

namespace {

struct Run;

struct Author {
  Run* run = nullptr;
  int index = 0;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  std::unique_ptr<net::steady_timer> timer;
  Jupiter j;
  Clock::time_point inflight_at;
  // Send times (steady clock, ns) by op sequence number (the k in opid "a<i>-<k>"), read by
  // the other authors' threads; 0 = not sent yet.
  std::unique_ptr<std::atomic<std::int64_t>[]> sent_ns;
  std::int64_t sent_cap = 0, n_sent = 0;
  FrameQueue out;
  std::int64_t next_id = 100;
};

// One load-generator thread: its io_context, its authors and its own counters.
struct Run {
  net::io_context& ioc;
  std::int64_t doc = 0;
  const std::vector<std::unique_ptr<Author>>* all = nullptr;  // every author (for send times)
  std::vector<Author*> mine;
  const std::atomic<bool>* typing_flag = nullptr;
  std::atomic<bool> idle{false};
  std::atomic<std::int64_t> min_rev{0}, max_rev{0};
  std::atomic<std::uint64_t> sent_pub{0};
  Histogram peer, ack;
  std::uint64_t deliveries = 0, sent = 0, edits = 0, composed = 0, errors = 0, resets = 0, slow_parse = 0;
  std::string first_error;
  std::chrono::milliseconds period{200};
  std::mt19937_64 rng{42};
  std::vector<Entry> scratch;

  explicit Run(net::io_context& i) : ioc(i) {}

  void error(const std::string& e) {
    ++errors;
    if (first_error.empty()) first_error = e.substr(0, 400);
  }

  void write(Author& a, std::string frame) {
    a.out.push(*a.ws, std::move(frame), [this](beast::error_code ec) {
      if (ec) error("write: " + ec.message());
      return !ec;
    });
  }

  // Sends the op in flight.
  void send_op(Author& a) {
    std::int64_t k = a.n_sent++;
    a.inflight_at = Clock::now();
    if (k < a.sent_cap) a.sent_ns[k].store(a.inflight_at.time_since_epoch().count(), std::memory_order_release);
    ++sent;
    std::string f = "{\"type\":\"doc.op\",\"id\":" + std::to_string(a.next_id++) + ",\"doc\":" + std::to_string(doc) +
                    ",\"rev\":" + std::to_string(a.j.rev) + ",\"op\":" + ot::to_json(*a.j.inflight).dump() +
                    ",\"opid\":\"a" + std::to_string(a.index) + "-" + std::to_string(k) + "\"}";
    write(a, std::move(f));
  }

  void schedule(Author& a, Clock::duration first) {
    a.timer->expires_after(first);
    a.timer->async_wait([this, &a](beast::error_code ec) {
      if (ec || !typing_flag->load()) return;
      type_one(a);
      schedule(a, period);
    });
  }

  void type_one(Author& a) {
    size_t len = a.j.text.size();
    size_t pos = std::uniform_int_distribution<size_t>(0, len)(rng);
    char ch = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
    ot::Op op = ot::from_patch(pos, 0, std::string_view(&ch, 1));
    ++edits;
    bool comp = false;
    if (a.j.edit(std::move(op), &comp)) send_op(a);
    composed += comp;
  }

  void read(Author& a) {
    a.ws->async_read(a.buf, [this, &a](beast::error_code ec, std::size_t) {
      if (ec) {
        if (ec != net::error::operation_aborted) error("read: " + ec.message());
        return;
      }
      std::string_view s(static_cast<const char*>(a.buf.data().data()), a.buf.size());
      on_frame(a, s);
      a.buf.consume(a.buf.size());
      read(a);
    });
  }

  void on_frame(Author& a, std::string_view s) {
    auto now = Clock::now();
    if (s.rfind("{\"type\":\"doc.ops\"", 0) == 0) {
      scratch.clear();
      if (!parse_doc_ops(s, scratch)) {
        ++slow_parse;
        scratch.clear();
        json j = json::parse(s);
        for (auto& e : j["ops"]) {
          Entry en;
          en.rev = e["rev"].get<std::int64_t>();
          en.op = ot::parse(e["op"]);
          static thread_local std::string keep;
          keep = e["opid"].get<std::string>();
          en.opid = keep;
          incoming(a, en, now);
        }
        return;
      }
      for (auto& e : scratch) incoming(a, e, now);
    } else if (s.rfind("{\"type\":\"ok\"", 0) == 0) {
      // The ack of the in-flight op (the only request in flight after setup).
      auto k = s.find("\"rev\":");
      if (k == std::string_view::npos || !a.j.inflight) return error("unexpected ok: " + std::string(s));
      Scan sc{s, k + 6};
      ack.add(std::chrono::duration<double, std::milli>(now - a.inflight_at).count());
      if (a.j.ack(sc.num())) send_op(a);
    } else if (s.find("\"type\":\"doc.cursors\"") != std::string_view::npos) {
      // others' cursors (sent on doc.open): ignored
    } else if (s.find("\"doc.reset\"") != std::string_view::npos) {
      ++resets;
      error("doc.reset: " + std::string(s.substr(0, 200)));
    } else {
      error(std::string(s));
    }
  }

  void incoming(Author& a, Entry& e, Clock::time_point now) {
    // Latency by opid "a<i>-<k>".
    if (e.opid.size() > 1 && e.opid[0] == 'a') {
      const char* p = e.opid.data();
      const char* end = p + e.opid.size();
      int who = -1;
      long k = -1;
      auto r = std::from_chars(p + 1, end, who);
      if (r.ec == std::errc() && r.ptr < end && *r.ptr == '-') std::from_chars(r.ptr + 1, end, k);
      if (who >= 0 && who < static_cast<int>(all->size()) && k >= 0 && k < (*all)[who]->sent_cap) {
        std::int64_t t = (*all)[who]->sent_ns[k].load(std::memory_order_acquire);
        if (t) {
          peer.add(double(now.time_since_epoch().count() - t) / 1e6);
          ++deliveries;
        }
      }
    }
    std::int64_t had = a.j.rev;
    if (!a.j.remote(e.rev, std::move(e.op)))
      error("revision gap: have " + std::to_string(had) + ", got " + std::to_string(e.rev));
  }

  // Publishes this thread's drain state for the main thread.
  void publish() {
    bool id = true;
    std::int64_t lo = INT64_MAX, hi = 0;
    for (auto* a : mine) {
      if (a->j.busy()) id = false;
      lo = std::min(lo, a->j.rev);
      hi = std::max(hi, a->j.rev);
    }
    min_rev = mine.empty() ? 0 : lo;
    max_rev = hi;
    sent_pub = sent;
    idle = id;
  }
};

struct FanResult {
  int authors = 0;
  double seconds = 0;
  Histogram* peer = nullptr;
  Histogram* ack = nullptr;
  std::uint64_t deliveries = 0, sent = 0, edits = 0, composed = 0, errors = 0, resets = 0;
  double server_cpu = 0, client_cpu = 0, server_wait = 0, client_wait = 0;
  long server_rss_kib = 0, server_rss_before_kib = 0;
  bool converged = false;
  std::size_t final_len = 0;
  std::int64_t final_rev = 0;
  std::string error;
};

json run_fanout(int n_authors, double seconds, double rate, int threads) {
  Server server("fanout");
  server.start();
  std::int64_t doc;
  std::int64_t forum;
  {
    SyncClient setup(server.port());
    setup.login(kDraftingCode);
    forum = setup.first_forum();
    doc = setup.new_clause_doc(setup.first_declaration());
  }
  // io_contexts first: they must outlive the authors' sockets.
  std::vector<std::unique_ptr<net::io_context>> iocs;
  std::vector<std::unique_ptr<Run>> runs;
  std::vector<std::unique_ptr<Author>> authors;
  std::atomic<bool> typing{true}, stop{false};
  std::chrono::milliseconds period(static_cast<long>(1000.0 / rate));
  for (int t = 0; t < threads; ++t) {
    iocs.push_back(std::make_unique<net::io_context>(1));
    auto r = std::make_unique<Run>(*iocs.back());
    r->doc = doc;
    r->period = period;
    r->all = &authors;
    r->typing_flag = &typing;
    r->rng.seed(42 + t);
    runs.push_back(std::move(r));
  }
  std::int64_t cap = static_cast<std::int64_t>(rate * seconds * 1.5) + 1000;
  auto t_setup = Clock::now();
  for (int i = 0; i < n_authors; ++i) {
    auto a = std::make_unique<Author>();
    Run& run = *runs[i % threads];
    a->run = &run;
    a->index = i;
    a->sent_cap = cap;
    a->sent_ns = std::make_unique<std::atomic<std::int64_t>[]>(cap);
    for (std::int64_t k = 0; k < cap; ++k) a->sent_ns[k].store(0, std::memory_order_relaxed);
    a->ws = std::make_unique<websocket::stream<beast::tcp_stream>>(run.ioc);
    a->timer = std::make_unique<net::steady_timer>(run.ioc);
    auto& ws = *a->ws;
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    ws.next_layer().socket().set_option(tcp::no_delay(true));
    ws.read_message_max(64 << 20);
    ws.handshake("127.0.0.1:" + std::to_string(server.port()), "/ws");
    auto req = [&](json m) {
      ws.write(net::buffer(m.dump()));
      while (true) {
        beast::flat_buffer b;
        ws.read(b);
        json r = json::parse(beast::buffers_to_string(b.data()));
        if (r.contains("re") && r["re"] == m["id"]) {
          if (r["type"] != "ok") throw std::runtime_error(m["type"].get<std::string>() + ": " + r.dump());
          return r;
        }
      }
    };
    req({{"type", "hello"}, {"id", 1}, {"protocol", 1}});
    req({{"type", "login"}, {"id", 2}, {"forum", forum}, {"code", kDraftingCode}});
    json o = req({{"type", "doc.open"}, {"id", 3}, {"doc", doc}});
    a->j.rev = o["rev"].get<std::int64_t>();
    a->j.text = Rope(o["text"].get<std::string>());
    run.mine.push_back(a.get());
    authors.push_back(std::move(a));
  }
  double setup_s = seconds_since(t_setup);
  for (auto& r : runs)
    for (auto* a : r->mine) r->read(*a);
  // Let the open-time pushes (doc.cursors) drain before typing.
  for (auto& io : iocs) io->run_for(std::chrono::milliseconds(300));

  FanResult res;
  res.authors = n_authors;
  res.server_rss_before_kib = rss_kib(server.pid());
  double scpu0 = cpu_seconds(server.pid()), ccpu0 = self_cpu_seconds();
  double swait0 = runq_wait_seconds(server.pid()), cwait0 = runq_wait_seconds(getpid());
  {
    std::mt19937_64 prng(7);
    std::uniform_int_distribution<long> phase(0, period.count() * 1000 - 1);
    for (auto& r : runs)
      for (auto* a : r->mine) r->schedule(*a, std::chrono::microseconds(phase(prng)));
  }
  std::vector<std::thread> workers;
  for (auto& r : runs)
    workers.emplace_back([&stop, r = r.get()] {
      while (!stop.load()) {
        r->ioc.run_for(std::chrono::milliseconds(50));
        r->publish();
      }
    });
  auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  typing = false;
  res.seconds = seconds_since(t0);
  res.server_cpu = cpu_seconds(server.pid()) - scpu0;
  res.client_cpu = self_cpu_seconds() - ccpu0;
  res.server_wait = runq_wait_seconds(server.pid()) - swait0;
  res.client_wait = runq_wait_seconds(getpid()) - cwait0;
  res.server_rss_kib = rss_kib(server.pid());

  // Drain: every op acknowledged and every author at the final revision.
  auto d0 = Clock::now();
  bool drained = false;
  while (seconds_since(d0) < 60) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    if (seconds_since(d0) < 0.3) continue;  // the timers' last ticks
    bool idle = true;
    std::int64_t lo = INT64_MAX, hi = 0;
    std::uint64_t sent = 0;
    for (auto& r : runs) {
      idle = idle && r->idle.load();
      lo = std::min(lo, r->min_rev.load());
      hi = std::max(hi, r->max_rev.load());
      sent += r->sent_pub.load();
    }
    if (idle && lo == hi && hi == static_cast<std::int64_t>(sent)) {
      drained = true;
      break;
    }
  }
  stop = true;
  for (auto& w : workers) w.join();
  // Merged figures of all threads.
  Run run(*iocs[0]);
  for (auto& r : runs) {
    run.peer.merge(r->peer);
    run.ack.merge(r->ack);
    run.deliveries += r->deliveries;
    run.sent += r->sent;
    run.edits += r->edits;
    run.composed += r->composed;
    run.errors += r->errors;
    run.resets += r->resets;
    run.slow_parse += r->slow_parse;
    if (run.first_error.empty()) run.first_error = r->first_error;
  }
  double drain_s = seconds_since(d0);
  {
    SyncClient check(server.port());
    check.login(kDraftingCode);
    json fin = check.ok({{"type", "doc.open"}, {"doc", doc}});
    std::string text = fin["text"].get<std::string>();
    res.final_rev = fin["rev"].get<std::int64_t>();
    res.final_len = text.size();
    res.converged = true;
    int bad = 0;
    for (auto& a : authors) {
      std::string mine = a->j.text.str();
      if (mine != text || a->j.rev != res.final_rev) {
        res.converged = false;
        ++bad;
      }
    }
    if (bad) res.error = std::to_string(bad) + " authors differ from the server";
    if (!drained) res.error += " (not drained: acks or ops still outstanding 60 s after typing stopped)";
  }
  for (auto& a : authors) {
    beast::error_code ec;
    a->ws->next_layer().socket().close(ec);
  }
  for (auto& io : iocs) io->run_for(std::chrono::milliseconds(50));
  server.stop();

  std::printf("bench_fanout: authors = %d, %.1f s typing at %.1f edits/s each (setup %.1f s; %d load threads)\n",
              n_authors, res.seconds, rate, setup_s, threads);
  std::printf("bench_fanout:   edits = %llu, doc.ops sent = %llu (%llu edits composed into a buffered op), "
              "server rev %lld, text %zu chars\n",
              (unsigned long long)run.edits, (unsigned long long)run.sent, (unsigned long long)run.composed,
              (long long)res.final_rev, res.final_len);
  std::printf("bench_fanout:   edit_to_peer latency ms: p50 = %.2f, p95 = %.2f, p99 = %.2f, max = %.1f over %llu "
              "deliveries (target p95 < 100 at 400 authors)\n",
              run.peer.pct(50), run.peer.pct(95), run.peer.pct(99), run.peer.max_ms,
              (unsigned long long)run.peer.n);
  std::printf("bench_fanout:   ack latency ms: p50 = %.2f, p95 = %.2f, p99 = %.2f\n", run.ack.pct(50), run.ack.pct(95),
              run.ack.pct(99));
  std::printf("bench_fanout:   server CPU = %.2f s (%.0f %% of one core), server RSS = %ld KiB (before typing %ld); "
              "load generator CPU = %.2f s (%.0f %% of one core)\n",
              res.server_cpu, 100 * res.server_cpu / res.seconds, res.server_rss_kib, res.server_rss_before_kib,
              res.client_cpu, 100 * res.client_cpu / res.seconds);
  std::printf("bench_fanout:   waiting for a CPU while runnable (the machine's other load): server %.2f s, "
              "load generator %.2f s (summed over threads)\n",
              res.server_wait, res.client_wait);
  std::printf("bench_fanout:   drained in %.2f s after typing stopped%s\n", drain_s, drained ? "" : " (TIMEOUT)");
  std::printf("bench_fanout:   converged = %s; errors = %llu, doc.reset = %llu, slow parses = %llu%s%s\n",
              res.converged ? "yes" : "NO", (unsigned long long)run.errors, (unsigned long long)run.resets,
              (unsigned long long)run.slow_parse, run.first_error.empty() ? "" : "; first error: ",
              run.first_error.c_str());
  if (!res.error.empty()) std::printf("bench_fanout:   %s\n", res.error.c_str());
  std::fflush(stdout);
  return {{"authors", n_authors},
          {"load_threads", threads},
          {"seconds", res.seconds},
          {"rate_per_author", rate},
          {"edits", run.edits},
          {"ops_sent", run.sent},
          {"composed", run.composed},
          {"deliveries", run.peer.n},
          {"p50_ms", run.peer.pct(50)},
          {"p95_ms", run.peer.pct(95)},
          {"p99_ms", run.peer.pct(99)},
          {"max_ms", run.peer.max_ms},
          {"ack_p50_ms", run.ack.pct(50)},
          {"ack_p95_ms", run.ack.pct(95)},
          {"ack_p99_ms", run.ack.pct(99)},
          {"server_cpu_s", res.server_cpu},
          {"server_rss_kib", res.server_rss_kib},
          {"client_cpu_s", res.client_cpu},
          {"server_runq_wait_s", res.server_wait},
          {"client_runq_wait_s", res.client_wait},
          {"final_rev", res.final_rev},
          {"converged", res.converged},
          {"drained", drained},
          {"drain_s", drain_s},
          {"errors", run.errors},
          {"first_error", run.first_error}};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> counts = {100, 200, 400};
  double seconds = 60, rate = 5;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--authors") {
      counts.clear();
      std::stringstream ss(next());
      std::string w;
      while (std::getline(ss, w, ',')) counts.push_back(std::stoi(w));
    } else if (a == "--seconds") {
      seconds = std::stod(next());
    } else if (a == "--rate") {
      rate = std::stod(next());
    } else if (a == "--threads") {
      threads = std::max(1, std::stoi(next()));
    } else if (std::isdigit(static_cast<unsigned char>(a[0]))) {
      seconds = std::stod(a);  // bench_fanout 20
    } else {
      std::cerr << "usage: bench_fanout [--authors 100,200,400] [--seconds 60] [--rate 5] [--threads 2]\n";
      return 2;
    }
  }
  try {
    raise_nofile();
    json runs = json::array();
    bool ok = true;
    for (int n : counts) {
      json r = run_fanout(n, seconds, rate, threads);
      ok = ok && r["converged"].get<bool>();
      runs.push_back(r);
    }
    std::cout << json{{"bench", "fanout"}, {"at", utc_now()}, {"runs", runs}}.dump() << std::endl;
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_fanout: error: " << e.what() << std::endl;
    return 1;
  }
}
