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
#include "bench_drafting.hpp"

#include <charconv>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>

#include <poll.h>
#include <sys/syscall.h>

using namespace bench;

namespace {

struct Options {
  std::string scenario = "mixed";
  int connections = -1, authors = -1, voters = -1;
  double rate = 5, spread = 5, seconds = -1;
  int per_worker = 5000, parallel = 100;
  std::string out;
  // Worker only.
  int worker = -1, workers = 1;
  unsigned short port = 0;
  std::int64_t forum = 0, room = 0, doc = 0;
};

const char* kUsage =
    "usage: bench_load [--scenario idle|vote|drafting|mixed] [--connections N] [--authors 400] [--rate 5]\n"
    "                  [--voters 5000] [--spread 5] [--seconds 30] [--per-worker 5000] [--parallel 100] [--out DIR]\n";

std::int64_t now_ns() { return Clock::now().time_since_epoch().count(); }

void write_line(int fd, const std::string& s) {
  std::string l = s + "\n";
  const char* p = l.data();
  size_t left = l.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the other side is gone; it notices on its own
    p += w;
    left -= static_cast<size_t>(w);
  }
}

// Latencies per second of arrival (whole seconds of the monotonic clock, the same in every
// process), in 1 ms buckets up to 5 s: enough for a p95 per second, small enough to send.
struct Timeline {
  static constexpr size_t kBins = 5000;
  std::map<std::int64_t, std::vector<std::uint32_t>> per_s;
  void add(double ms, std::int64_t at_ns) {
    auto& v = per_s[at_ns / 1000000000];
    if (v.empty()) v.resize(kBins);
    ++v[std::min(kBins - 1, static_cast<size_t>(std::max(0.0, ms)))];
  }
  json to_json() const {
    json out = json::array();
    for (auto& [sec, v] : per_s) {
      json b = json::array();
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i]) b.push_back({i, v[i]});
      out.push_back({sec, b});
    }
    return out;
  }
  void add_json(const json& j) {
    for (auto& e : j) {
      auto& v = per_s[e[0].get<std::int64_t>()];
      if (v.empty()) v.resize(kBins);
      for (auto& b : e[1]) v[std::min(kBins - 1, b[0].get<size_t>())] += b[1].get<std::uint32_t>();
    }
  }
  // (second, p95 in ms) for every second with at least one sample.
  std::vector<std::pair<std::int64_t, double>> p95() const {
    std::vector<std::pair<std::int64_t, double>> out;
    for (auto& [sec, v] : per_s) {
      std::uint64_t n = 0, acc = 0;
      for (auto c : v) n += c;
      std::uint64_t want = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(0.95 * double(n))));
      for (size_t i = 0; i < v.size(); ++i)
        if ((acc += v[i]) >= want) {
          out.emplace_back(sec, double(i) + 0.5);
          break;
        }
    }
    return out;
  }
};

// ------------------------------------------------------------------------------------------
// Worker
// ------------------------------------------------------------------------------------------

struct Conn {
  int index = 0;       // global connection index
  bool author = false;
  int delegate = 0;    // 1-based delegate number (delegates only)
  bool voter = false;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  std::deque<std::shared_ptr<std::string>> outq;
  bool writing = false, ready = false, closed = false;
  int setup = 0;  // setup replies received (hello, login, join/open)
  std::int64_t ballot_sent = 0;
  bool ballot_acked = false;
  Jupiter j;
  std::int64_t inflight_at = 0, n_sent = 0, next_id = 1000;
  std::unique_ptr<net::steady_timer> timer;
};

struct Worker {
  Options o;
  net::io_context ioc{1};
  std::vector<std::unique_ptr<Conn>> conns;
  size_t launched = 0, in_progress = 0, ready = 0, failed = 0, dropped = 0;
  std::uint64_t frames_in = 0, frames_out = 0, errors = 0, edits = 0, ops_sent = 0, composed = 0, slow_parse = 0;
  std::string first_error, first_drop;
  std::unique_ptr<Histogram> peer, ack;
  Timeline peer_t, ack_t, ballot_t;
  std::vector<double> ballot_ms;
  std::int64_t first_ballot_ns = 0, last_ack_ns = 0;
  bool typing = false, finishing = false, ready_sent = false;
  std::int64_t last_doc_ops_ns = 0;
  Clock::time_point t_start;
  double connect_s = 0;
  std::mt19937_64 rng;
  std::vector<Entry> scratch;
  std::unique_ptr<net::posix::stream_descriptor> in;
  net::streambuf inbuf;
  net::steady_timer tick{ioc};
  std::string hello = json{{"type", "hello"}, {"id", 1}, {"protocol", 1}}.dump();

  void error(const std::string& e) {
    ++errors;
    if (first_error.empty()) first_error = e.substr(0, 300);
  }

  void write(Conn& c, std::string f) {
    c.outq.push_back(std::make_shared<std::string>(std::move(f)));
    pump(c);
  }
  void pump(Conn& c) {
    if (c.writing || c.outq.empty() || c.closed) return;
    c.writing = true;
    auto f = c.outq.front();
    c.ws->async_write(net::buffer(*f), [this, &c, f](beast::error_code ec, std::size_t) {
      c.writing = false;
      if (ec) return lost(c, "write: " + ec.message());
      ++frames_out;
      c.outq.pop_front();
      pump(c);
    });
  }

  void setup_failed(Conn& c, const std::string& why) {
    if (c.closed) return;
    c.closed = true;
    ++failed;
    --in_progress;
    if (first_error.empty()) first_error = why.substr(0, 300);
    beast::error_code ec;
    c.ws->next_layer().socket().close(ec);
    launch_more();
  }
  void lost(Conn& c, const std::string& why) {
    if (c.closed) return;
    if (!c.ready) return setup_failed(c, why);
    c.closed = true;
    if (finishing) return;
    ++dropped;
    if (first_drop.empty()) first_drop = why;
  }

  void launch_more() {
    tcp::endpoint server(net::ip::make_address("127.0.0.1"), o.port);
    while (launched < conns.size() && in_progress < static_cast<size_t>(o.parallel)) {
      Conn& c = *conns[launched++];
      ++in_progress;
      c.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(ioc);
      c.ws->read_message_max(64 << 20);
      beast::error_code ec;
      open_spread(c.ws->next_layer().socket(), static_cast<std::size_t>(c.index), ec);
      if (ec) {
        setup_failed(c, "socket: " + ec.message());
        continue;
      }
      c.ws->next_layer().socket().async_connect(server, [this, &c](beast::error_code ec) {
        if (ec) return setup_failed(c, "connect: " + ec.message());
        beast::error_code ig;
        c.ws->next_layer().socket().set_option(tcp::no_delay(true), ig);
        c.ws->async_handshake("127.0.0.1:" + std::to_string(o.port), "/ws", [this, &c](beast::error_code ec) {
          if (ec) return setup_failed(c, "handshake: " + ec.message());
          read(c);
          write(c, hello);
          std::string code = c.author ? kDraftingCode : delegate_code(c.delegate);
          write(c, json{{"type", "login"}, {"id", 2}, {"forum", o.forum}, {"code", code}}.dump());
          if (c.author) write(c, json{{"type", "doc.open"}, {"id", 3}, {"doc", o.doc}}.dump());
          else write(c, json{{"type", "room.join"}, {"id", 3}, {"room", o.room}}.dump());
        });
      });
    }
  }

  void read(Conn& c) {
    c.ws->async_read(c.buf, [this, &c](beast::error_code ec, std::size_t) {
      if (ec) return lost(c, "read: " + ec.message());
      ++frames_in;
      std::string_view s(static_cast<const char*>(c.buf.data().data()), c.buf.size());
      on_frame(c, s);
      c.buf.consume(c.buf.size());
      if (!c.closed) read(c);
    });
  }

  void on_setup_reply(Conn& c, std::string_view s) {
    json r = json::parse(s, nullptr, false);
    if (!r.is_object() || !r.contains("re")) return;  // a push during set-up
    if (r.value("type", "") != "ok") return setup_failed(c, std::string(s.substr(0, 300)));
    if (r["re"] == 3 && c.author) {
      c.j.rev = r["rev"].get<std::int64_t>();
      c.j.text = Rope(r["text"].get<std::string>());
    }
    if (++c.setup == 3) {
      c.ready = true;
      ++ready;
      --in_progress;
      launch_more();
      check_ready();
    }
  }

  void check_ready() {
    if (ready_sent || ready + failed < conns.size()) return;
    ready_sent = true;
    connect_s = seconds_since(t_start);
    write_line(1, json{{"ev", "ready"}, {"ready", ready}, {"failed", failed}, {"connect_s", connect_s},
                       {"first_error", first_error}}
                      .dump());
  }

  void on_frame(Conn& c, std::string_view s) {
    if (!c.ready) return on_setup_reply(c, s);
    if (c.author) return on_author_frame(c, s);
    if (s.find("\"re\":") == std::string_view::npos) return;  // presence, poll.count, ...: counted only
    json r = json::parse(s, nullptr, false);
    if (!r.is_object() || !r.contains("re")) return;
    if (r["re"] == 100 && !c.ballot_acked) {
      if (r.value("type", "") != "ok") return error("ballot: " + std::string(s.substr(0, 300)));
      std::int64_t t = now_ns();
      c.ballot_acked = true;
      ballot_ms.push_back(double(t - c.ballot_sent) / 1e6);
      ballot_t.add(ballot_ms.back(), t);
      last_ack_ns = std::max(last_ack_ns, t);
    } else if (r.value("type", "") != "ok") {
      error(std::string(s.substr(0, 300)));
    }
  }

  void on_author_frame(Conn& c, std::string_view s) {
    std::int64_t now = now_ns();
    if (s.rfind("{\"type\":\"doc.ops\"", 0) == 0) {
      last_doc_ops_ns = now;
      scratch.clear();
      if (parse_doc_ops(s, scratch)) {
        for (auto& e : scratch) incoming(c, e.rev, std::move(e.op), e.opid, now);
        return;
      }
      ++slow_parse;
      json j = json::parse(s);
      for (auto& e : j["ops"]) {
        std::string opid = e["opid"].get<std::string>();
        incoming(c, e["rev"].get<std::int64_t>(), ot::parse(e["op"]), opid, now);
      }
    } else if (s.rfind("{\"type\":\"ok\"", 0) == 0) {
      auto k = s.find("\"rev\":");
      if (k == std::string_view::npos || !c.j.inflight) return error("unexpected ok: " + std::string(s.substr(0, 200)));
      Scan sc{s, k + 6};
      ack->add(double(now - c.inflight_at) / 1e6);
      ack_t.add(double(now - c.inflight_at) / 1e6, now);
      if (c.j.ack(sc.num())) send_op(c);
    } else if (s.find("\"type\":\"doc.cursors\"") != std::string_view::npos) {
      // others' cursors: ignored
    } else {
      error(std::string(s.substr(0, 300)));
    }
  }

  // Op ids are "a<author>-<k>-<send time in ns on the monotonic clock>".
  void incoming(Conn& c, std::int64_t rev, ot::Op op, std::string_view opid, std::int64_t now) {
    auto dash = opid.rfind('-');
    std::int64_t sent = 0;
    if (dash != std::string_view::npos &&
        std::from_chars(opid.data() + dash + 1, opid.data() + opid.size(), sent).ec == std::errc() && sent > 0) {
      peer->add(double(now - sent) / 1e6);
      peer_t.add(double(now - sent) / 1e6, now);
    }
    std::int64_t had = c.j.rev;
    if (!c.j.remote(rev, std::move(op))) error("revision gap: have " + std::to_string(had) + ", got " + std::to_string(rev));
  }

  void send_op(Conn& c) {
    c.inflight_at = now_ns();
    ++ops_sent;
    std::string f = "{\"type\":\"doc.op\",\"id\":" + std::to_string(c.next_id++) + ",\"doc\":" + std::to_string(o.doc) +
                    ",\"rev\":" + std::to_string(c.j.rev) + ",\"op\":" + ot::to_json(*c.j.inflight).dump() +
                    ",\"opid\":\"a" + std::to_string(c.index) + "-" + std::to_string(c.n_sent++) + "-" +
                    std::to_string(c.inflight_at) + "\"}";
    write(c, std::move(f));
  }

  void type_one(Conn& c) {
    size_t pos = std::uniform_int_distribution<size_t>(0, c.j.text.size())(rng);
    char ch = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
    ++edits;
    bool comp = false;
    if (c.j.edit(ot::from_patch(pos, 0, std::string_view(&ch, 1)), &comp)) send_op(c);
    composed += comp;
  }

  void schedule_typing(Conn& c, Clock::time_point at, Clock::time_point end, Clock::duration period) {
    c.timer->expires_at(at);
    c.timer->async_wait([this, &c, at, end, period](beast::error_code ec) {
      if (ec || c.closed || !typing) return;
      if (Clock::now() >= end) return;
      type_one(c);
      schedule_typing(c, at + period, end, period);
    });
  }

  void command(const json& m) {
    std::string cmd = m["cmd"];
    if (cmd == "vote") {
      std::int64_t poll = m["poll"];
      Clock::time_point t0{Clock::duration(m["t0_ns"].get<std::int64_t>())};
      double spread = m["spread"];
      const char* votes[] = {"yes", "no", "abstain", "yes"};
      for (auto& cp : conns) {
        Conn& c = *cp;
        if (!c.voter || !c.ready) continue;
        auto at = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(spread * 1e9 * (c.delegate - 1) / o.voters));
        auto timer = std::make_shared<net::steady_timer>(ioc, at);
        timer->async_wait([this, &c, timer, poll, vote = votes[c.delegate % 4]](beast::error_code) {
          if (c.closed) return;
          c.ballot_sent = now_ns();
          if (!first_ballot_ns || c.ballot_sent < first_ballot_ns) first_ballot_ns = c.ballot_sent;
          write(c, "{\"type\":\"ballot.cast\",\"id\":100,\"poll\":" + std::to_string(poll) + ",\"choice\":{\"vote\":\"" +
                       vote + "\"}}");
        });
      }
    } else if (cmd == "type") {
      Clock::time_point t0{Clock::duration(m["t0_ns"].get<std::int64_t>())};
      auto end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m["seconds"].get<double>()));
      auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / m["rate"].get<double>()));
      typing = true;
      std::uniform_int_distribution<std::int64_t> phase(0, period.count() - 1);
      for (auto& cp : conns)
        if (cp->author && cp->ready) schedule_typing(*cp, t0 + Clock::duration(phase(rng)), end, period);
    } else if (cmd == "finish") {
      finishing = true;
      typing = false;
      send_result();
      for (auto& cp : conns) {
        beast::error_code ec;
        if (cp->ws) cp->ws->next_layer().socket().close(ec);
        cp->closed = true;
      }
      tick.cancel();
      in->close();
    }
  }

  void send_result() {
    json r = {{"ev", "result"},          {"ready", ready},         {"failed", failed},
              {"dropped", dropped},      {"held", held()},         {"frames_in", frames_in},
              {"frames_out", frames_out}, {"errors", errors},      {"first_error", first_error},
              {"first_drop", first_drop}, {"ballot_ms", ballot_ms}, {"first_ballot_ns", first_ballot_ns},
              {"last_ack_ns", last_ack_ns}, {"edits", edits},      {"ops_sent", ops_sent},
              {"composed", composed},    {"slow_parse", slow_parse}, {"cpu_s", self_cpu_seconds()},
              {"ballot_t", ballot_t.to_json()}, {"ack_t", ack_t.to_json()}, {"peer_t", peer_t.to_json()}};
    if (peer) {
      r["peer"] = peer->to_json();
      r["ack"] = ack->to_json();
    }
    // The distinct texts (by hash) and revisions of this worker's authors.
    std::map<std::string, std::pair<std::size_t, int>> texts;
    std::set<std::int64_t> revs;
    for (auto& cp : conns)
      if (cp->author && cp->ready) {
        std::string t = cp->j.text.str();
        auto& e = texts[std::to_string(std::hash<std::string>{}(t))];
        e.first = t.size();
        ++e.second;
        revs.insert(cp->j.rev);
      }
    json tj = json::array();
    for (auto& [h, e] : texts) tj.push_back({{"hash", h}, {"len", e.first}, {"authors", e.second}});
    r["texts"] = tj;
    r["revs"] = revs;
    write_line(1, r.dump());
  }

  size_t held() const {
    size_t h = 0;
    for (auto& c : conns) h += c->ready && !c->closed;
    return h;
  }

  void on_tick() {
    tick.expires_after(std::chrono::milliseconds(250));
    tick.async_wait([this](beast::error_code ec) {
      if (ec || finishing) return;
      size_t busy = 0, acked = 0;
      std::int64_t lo = INT64_MAX, hi = 0;
      for (auto& c : conns) {
        if (c->author && c->ready) {
          busy += c->j.busy();
          lo = std::min(lo, c->j.rev);
          hi = std::max(hi, c->j.rev);
        }
        acked += c->ballot_acked;
      }
      write_line(1, json{{"ev", "tick"}, {"ready", ready}, {"failed", failed}, {"dropped", dropped},
                         {"in", frames_in}, {"out", frames_out}, {"busy", busy}, {"acked", acked},
                         {"cpu_ms", static_cast<std::uint64_t>(self_cpu_seconds() * 1000)},
                         {"rev_min", lo == INT64_MAX ? 0 : lo}, {"rev_max", hi},
                         {"ops_quiet_ms", last_doc_ops_ns ? (now_ns() - last_doc_ops_ns) / 1000000 : -1}}
                        .dump());
      on_tick();
    });
  }

  void read_commands() {
    net::async_read_until(*in, inbuf, '\n', [this](beast::error_code ec, std::size_t n) {
      if (ec) {
        if (!finishing) {
          std::fprintf(stderr, "bench_load worker %d: coordinator gone (%s)\n", o.worker, ec.message().c_str());
          std::_Exit(1);
        }
        return;
      }
      std::string line(static_cast<const char*>(inbuf.data().data()), n);
      inbuf.consume(n);
      command(json::parse(line));
      if (!finishing) read_commands();
    });
  }

  int run() {
    rng.seed(1000 + static_cast<unsigned>(o.worker));
    int delegates_total = o.connections - o.authors;
    (void)delegates_total;
    for (int i = o.worker; i < o.connections; i += o.workers) {
      auto c = std::make_unique<Conn>();
      c->index = i;
      c->author = i < o.authors;
      if (!c->author) {
        c->delegate = i - o.authors + 1;
        c->voter = c->delegate <= o.voters;
      } else {
        c->timer = std::make_unique<net::steady_timer>(ioc);
      }
      conns.push_back(std::move(c));
    }
    if (o.authors > 0) {
      peer = std::make_unique<Histogram>();
      ack = std::make_unique<Histogram>();
    }
    in = std::make_unique<net::posix::stream_descriptor>(ioc, ::dup(0));
    read_commands();
    on_tick();
    t_start = Clock::now();
    launch_more();
    check_ready();
    ioc.run();
    return 0;
  }
};

// ------------------------------------------------------------------------------------------
// Coordinator
// ------------------------------------------------------------------------------------------

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

struct Sample {
  double t, rss_mib, cpu_s;
  std::uint64_t held, in, out;
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

// A round axis step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to vmax.
double nice_step(double vmax, int ticks) {
  double raw = vmax / ticks, p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// A hand-written SVG: connections held, server RSS and server CPU over time (with the phase
// marks), and the latency percentiles against their targets.
using Series = std::vector<std::pair<double, double>>;  // (t s, value)

std::string svg_plot(const std::vector<Sample>& s, const std::vector<std::pair<double, std::string>>& marks,
                     const std::vector<std::tuple<std::string, double, double, double, double>>& lat,
                     const std::vector<std::pair<std::string, Series>>& lat_t, const std::string& title) {
  const int W = 900, PH = 170, L = 70, R = 20, top = 40;
  int n_panels = lat_t.empty() ? 3 : 4, lat_h = lat.empty() ? 0 : 220;
  int H = top + n_panels * (PH + 40) + lat_h + 20;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << L << "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">" << title << "</text>\n";
  double tmax = s.empty() ? 1 : std::max(1.0, s.back().t);
  std::vector<double> cpu_pct(s.size(), 0);
  for (size_t i = 1; i < s.size(); ++i)
    cpu_pct[i] = s[i].t > s[i - 1].t ? 100 * (s[i].cpu_s - s[i - 1].cpu_s) / (s[i].t - s[i - 1].t) : 0;
  struct Panel {
    std::string name;
    std::vector<std::pair<std::string, Series>> series;
    double limit = -1;
    std::string limit_label;
  };
  std::vector<Panel> panels(3);
  panels[0].name = "connections held";
  panels[1].name = "server RSS (MiB)";
  panels[1].limit = 1024;
  panels[1].limit_label = "1 GiB";
  panels[2].name = "server CPU (% of one core)";
  panels[2].limit = 200;
  panels[2].limit_label = "2 cores";
  for (auto& p : panels) p.series.resize(1);
  for (size_t i = 0; i < s.size(); ++i) {
    panels[0].series[0].second.emplace_back(s[i].t, double(s[i].held));
    panels[1].series[0].second.emplace_back(s[i].t, s[i].rss_mib);
    panels[2].series[0].second.emplace_back(s[i].t, cpu_pct[i]);
  }
  if (!lat_t.empty()) {
    panels.push_back({"p95 latency per second (ms)", lat_t, 100, "100 ms"});
  }
  const char* line_colours[] = {"#06c", "#c0392b", "#27ae60"};
  for (int p = 0; p < n_panels; ++p) {
    int y0 = top + p * (PH + 40) + 20;
    auto& P = panels[static_cast<size_t>(p)];
    double vmax = 1;
    for (auto& [label, ser] : P.series)
      for (auto& pt : ser) vmax = std::max(vmax, pt.second);
    if (P.limit > 0) vmax = std::max(vmax, P.limit);
    vmax *= 1.05;
    auto X = [&](double t) { return L + (W - L - R) * t / tmax; };
    auto Y = [&](double v) { return y0 + PH - PH * v / vmax; };
    o << "<text x=\"" << L << "\" y=\"" << y0 - 6 << "\" font-weight=\"bold\">" << P.name << "</text>\n";
    o << "<rect x=\"" << L << "\" y=\"" << y0 << "\" width=\"" << W - L - R << "\" height=\"" << PH
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (double v = 0, step = nice_step(vmax, 4); v <= vmax; v += step) {
      o << "<text x=\"" << L - 4 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">" << fmt("%.0f", v) << "</text>\n";
      o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << Y(v) << "\" y2=\"" << Y(v)
        << "\" stroke=\"#eee\"/>\n";
    }
    for (double t = 0, step = nice_step(tmax, 10); t <= tmax; t += step) {
      o << "<text x=\"" << X(t) << "\" y=\"" << y0 + PH + 13 << "\" text-anchor=\"middle\">" << fmt("%.0f s", t)
        << "</text>\n";
    }
    for (size_t k = 0; k < marks.size(); ++k) {
      auto& [t, what] = marks[k];
      o << "<line x1=\"" << X(t) << "\" x2=\"" << X(t) << "\" y1=\"" << y0 << "\" y2=\"" << y0 + PH
        << "\" stroke=\"#c60\" stroke-dasharray=\"3,3\"/>"
        << (p == 0 ? "<text x=\"" + fmt("%.1f", X(t) + 3) + "\" y=\"" + std::to_string(y0 + 12 + 12 * (k % 4)) +
                         "\" fill=\"#c60\">" + what + "</text>"
                   : "")
        << "\n";
    }
    if (P.limit > 0)
      o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << Y(P.limit) << "\" y2=\"" << Y(P.limit)
        << "\" stroke=\"#c00\" stroke-dasharray=\"6,3\"/><text x=\"" << W - R - 4 << "\" y=\"" << Y(P.limit) - 3
        << "\" text-anchor=\"end\" fill=\"#c00\">" << P.limit_label << "</text>\n";
    for (size_t k = 0; k < P.series.size(); ++k) {
      auto& [label, ser] = P.series[k];
      const char* colour = line_colours[k % 3];
      o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
      for (auto& pt : ser) o << fmt("%.1f", X(pt.first)) << "," << fmt("%.1f", Y(pt.second)) << " ";
      o << "\"/>\n";
      if (!label.empty())
        o << "<text x=\"" << W - R - 8 - 110 * static_cast<int>(k) << "\" y=\"" << y0 - 6 << "\" text-anchor=\"end\" fill=\""
          << colour << "\">" << label << "</text>\n";
    }
  }
  if (!lat.empty()) {
    int y0 = top + n_panels * (PH + 40) + 20, ph = lat_h - 50;
    double vmax = 1;
    for (auto& [name, p50, p95, p99, target] : lat) vmax = std::max({vmax, p99, target});
    vmax *= 1.1;
    auto Y = [&](double v) { return y0 + ph - ph * v / vmax; };
    o << "<text x=\"" << L << "\" y=\"" << y0 - 6 << "\" font-weight=\"bold\">latency (ms): p50 / p95 / p99, "
      << "dashed = target</text>\n";
    o << "<rect x=\"" << L << "\" y=\"" << y0 << "\" width=\"" << W - L - R << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (double v = 0, step = nice_step(vmax, 4); v <= vmax; v += step)
      o << "<text x=\"" << L - 4 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">" << fmt("%.0f", v)
        << "</text>\n";
    double gw = double(W - L - R) / double(lat.size());
    const char* colours[] = {"#7ab", "#37a", "#135"};
    for (size_t g = 0; g < lat.size(); ++g) {
      auto& [name, p50, p95, p99, target] = lat[g];
      double vals[] = {p50, p95, p99};
      double x = L + g * gw + gw * 0.2, bw = gw * 0.6 / 3;
      for (int k = 0; k < 3; ++k) {
        double bx = x + k * bw;
        o << "<rect x=\"" << fmt("%.1f", bx) << "\" y=\"" << fmt("%.1f", Y(vals[k])) << "\" width=\""
          << fmt("%.1f", bw - 2) << "\" height=\"" << fmt("%.1f", y0 + ph - Y(vals[k])) << "\" fill=\"" << colours[k]
          << "\"/><text x=\"" << fmt("%.1f", bx + bw / 2) << "\" y=\"" << fmt("%.1f", Y(vals[k]) - 3)
          << "\" text-anchor=\"middle\">" << fmt("%.1f", vals[k]) << "</text>\n";
      }
      if (target > 0)
        o << "<line x1=\"" << fmt("%.1f", L + g * gw + 4) << "\" x2=\"" << fmt("%.1f", L + (g + 1) * gw - 4)
          << "\" y1=\"" << Y(target) << "\" y2=\"" << Y(target) << "\" stroke=\"#c00\" stroke-dasharray=\"6,3\"/>\n";
      o << "<text x=\"" << fmt("%.1f", L + g * gw + gw / 2) << "\" y=\"" << y0 + ph + 14
        << "\" text-anchor=\"middle\">" << name << "</text>\n";
    }
  }
  o << "</svg>\n";
  return o.str();
}

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
