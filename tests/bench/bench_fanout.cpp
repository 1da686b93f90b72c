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
#include "bench_common.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <atomic>
#include <charconv>
#include <climits>

#include "core/ot/text_op.hpp"

using namespace bench;
namespace ot = plenary::ot;

namespace {

// Latency histogram with 0.05 ms buckets up to 120 s.
struct Histogram {
  static constexpr double kBucketMs = 0.05;
  std::vector<std::uint64_t> b = std::vector<std::uint64_t>(static_cast<size_t>(120000 / kBucketMs) + 1);
  std::uint64_t n = 0;
  double max_ms = 0, sum_ms = 0;
  void add(double ms) {
    size_t i = std::min(b.size() - 1, static_cast<size_t>(std::max(0.0, ms) / kBucketMs));
    ++b[i];
    ++n;
    sum_ms += ms;
    max_ms = std::max(max_ms, ms);
  }
  double pct(double p) const {
    if (!n) return 0;
    std::uint64_t want = static_cast<std::uint64_t>(std::ceil(p / 100.0 * double(n)));
    if (want == 0) want = 1;
    std::uint64_t acc = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      acc += b[i];
      if (acc >= want) return (double(i) + 0.5) * kBucketMs;
    }
    return max_ms;
  }
};

// --- A small parser for the server's doc.ops frames (the fan-out hot path) -----------------
// Frames look like {"type":"doc.ops","seq":N,"doc":D,"ops":[{"by":B,"op":[...],"opid":"..","rev":R},...]}.
// Handles what this benchmark's traffic contains (integers, strings without escapes, op
// arrays); anything else returns false and the caller falls back to nlohmann::json.
struct Entry {
  std::int64_t rev = 0;
  ot::Op op;
  std::string_view opid;
};

struct Scan {
  std::string_view s;
  size_t i = 0;
  bool ok = true;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  std::string_view str() {
    ws();
    if (i >= s.size() || s[i] != '"') return ok = false, std::string_view{};
    size_t j = ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') return ok = false, std::string_view{};
      ++i;
    }
    if (i >= s.size()) return ok = false, std::string_view{};
    return s.substr(j, i++ - j);
  }
  std::int64_t num() {
    ws();
    std::int64_t v = 0;
    size_t j = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i == j) ok = false;
    return v;
  }
  ot::Op op() {
    ot::Op o;
    if (!eat('[')) return ok = false, o;
    if (eat(']')) return o;
    do {
      ws();
      if (i >= s.size()) return ok = false, o;
      char c = s[i];
      if (c >= '0' && c <= '9') {
        o.push_back(ot::Component::skip(static_cast<size_t>(num())));
      } else if (c == '"') {
        o.push_back(ot::Component::insert(std::string(str())));
      } else if (c == '{') {
        ++i;
        if (str() != "d" || !eat(':')) return ok = false, o;
        ws();
        if (i < s.size() && s[i] == '"')
          o.push_back(ot::Component::del_text(std::string(str())));
        else
          o.push_back(ot::Component::del(static_cast<size_t>(num())));
        if (!eat('}')) return ok = false, o;
      } else {
        return ok = false, o;
      }
      if (!ok) return o;
    } while (eat(','));
    if (!eat(']')) ok = false;
    return o;
  }
};

bool parse_doc_ops(std::string_view frame, std::vector<Entry>& out) {
  auto k = frame.find("\"ops\":[");
  if (k == std::string_view::npos) return false;
  Scan sc{frame, k + 7};
  if (sc.eat(']')) return true;
  do {
    if (!sc.eat('{')) return false;
    Entry e;
    do {
      auto key = sc.str();
      if (!sc.ok || !sc.eat(':')) return false;
      if (key == "rev") e.rev = sc.num();
      else if (key == "op") e.op = sc.op();
      else if (key == "opid") e.opid = sc.str();
      else if (key == "by") sc.num();
      else return false;
      if (!sc.ok) return false;
    } while (sc.eat(','));
    if (!sc.eat('}')) return false;
    out.push_back(std::move(e));
  } while (sc.eat(','));
  return sc.eat(']');
}

// --- Authors -------------------------------------------------------------------------------

// The text of one author: ASCII (code points are bytes) in blocks of at most 4 KiB, so an
// insert moves at most a few KiB and allocates rarely (a rope or one big string was the load
// generator's bottleneck at 100+ authors).
class BlockText {
 public:
  explicit BlockText(const std::string& s = {}) {
    for (size_t i = 0; i < s.size(); i += kMax / 2) blocks_.push_back(s.substr(i, kMax / 2));
    if (blocks_.empty()) blocks_.emplace_back();
    size_ = s.size();
  }
  size_t size() const { return size_; }
  void insert(size_t pos, std::string_view t) {
    if (pos > size_) throw std::runtime_error("insert past the end of the text");
    auto [b, off] = find(pos, true);
    blocks_[b].insert(off, t);
    size_ += t.size();
    if (blocks_[b].size() > kMax) {
      std::string tail = blocks_[b].substr(blocks_[b].size() / 2);
      blocks_[b].resize(blocks_[b].size() / 2);
      blocks_.insert(blocks_.begin() + static_cast<long>(b) + 1, std::move(tail));
    }
  }
  void erase(size_t pos, size_t n) {
    if (pos + n > size_) throw std::runtime_error("delete past the end of the text");
    while (n > 0) {
      auto [b, off] = find(pos, false);
      size_t k = std::min(n, blocks_[b].size() - off);
      blocks_[b].erase(off, k);
      n -= k;
      size_ -= k;
      if (blocks_[b].empty() && blocks_.size() > 1) blocks_.erase(blocks_.begin() + static_cast<long>(b));
    }
  }
  std::string str() const {
    std::string out;
    out.reserve(size_);
    for (auto& b : blocks_) out += b;
    return out;
  }

 private:
  static constexpr size_t kMax = 4096;
  // Block and offset of position pos; at a block boundary, inserts go to the end of the
  // earlier block, deletes to the start of the later one.
  std::pair<size_t, size_t> find(size_t pos, bool for_insert) const {
    for (size_t b = 0; b < blocks_.size(); ++b) {
      size_t n = blocks_[b].size();
      if (pos < n || (for_insert && pos == n)) return {b, pos};
      pos -= n;
    }
    return {blocks_.size() - 1, blocks_.back().size()};
  }
  std::vector<std::string> blocks_;
  size_t size_ = 0;
};
using Rope = BlockText;

// Applies an op to the text (this benchmark's text is ASCII, so code points are bytes).
void apply_rope(Rope& r, const ot::Op& op) {
  size_t pos = 0;
  for (const auto& c : op) {
    if (c.is_skip()) {
      pos += c.n;
    } else if (c.is_insert()) {
      r.insert(pos, c.text);
      pos += c.n;
    } else {
      r.erase(pos, c.n);
    }
  }
  if (pos > r.size()) throw std::runtime_error("op reaches past the end of the text");
}

struct Run;

struct Author {
  Run* run = nullptr;
  int index = 0;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  std::unique_ptr<net::steady_timer> timer;
  Rope text;
  std::int64_t rev = 0;
  std::optional<ot::Op> inflight, buffer;
  Clock::time_point inflight_at;
  // Send times (steady clock, ns) by op sequence number (the k in opid "a<i>-<k>"), read by
  // the other authors' threads; 0 = not sent yet.
  std::unique_ptr<std::atomic<std::int64_t>[]> sent_ns;
  std::int64_t sent_cap = 0, n_sent = 0;
  std::deque<std::shared_ptr<std::string>> outq;
  bool writing = false;
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
    a.outq.push_back(std::make_shared<std::string>(std::move(frame)));
    pump(a);
  }
  void pump(Author& a) {
    if (a.writing || a.outq.empty()) return;
    a.writing = true;
    auto f = a.outq.front();
    a.ws->async_write(net::buffer(*f), [this, &a, f](beast::error_code ec, std::size_t) {
      a.writing = false;
      if (ec) return error("write: " + ec.message());
      a.outq.pop_front();
      pump(a);
    });
  }

  void send_op(Author& a, ot::Op op) {
    std::int64_t k = a.n_sent++;
    a.inflight_at = Clock::now();
    if (k < a.sent_cap) a.sent_ns[k].store(a.inflight_at.time_since_epoch().count(), std::memory_order_release);
    a.inflight = std::move(op);
    ++sent;
    std::string f = "{\"type\":\"doc.op\",\"id\":" + std::to_string(a.next_id++) + ",\"doc\":" + std::to_string(doc) +
                    ",\"rev\":" + std::to_string(a.rev) + ",\"op\":" + ot::to_json(*a.inflight).dump() +
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
    size_t len = a.text.size();
    size_t pos = std::uniform_int_distribution<size_t>(0, len)(rng);
    char ch = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
    ot::Op op = ot::from_patch(pos, 0, std::string_view(&ch, 1));
    apply_rope(a.text, op);
    ++edits;
    if (!a.inflight) {
      send_op(a, std::move(op));
    } else if (a.buffer) {
      a.buffer = ot::compose(*a.buffer, op);
      ++composed;
    } else {
      a.buffer = std::move(op);
    }
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
      if (k == std::string_view::npos || !a.inflight) return error("unexpected ok: " + std::string(s));
      Scan sc{s, k + 6};
      a.rev = sc.num();
      ack.add(std::chrono::duration<double, std::milli>(now - a.inflight_at).count());
      a.inflight.reset();
      if (a.buffer) {
        ot::Op b = std::move(*a.buffer);
        a.buffer.reset();
        send_op(a, std::move(b));
      }
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
    if (e.rev != a.rev + 1) error("revision gap: have " + std::to_string(a.rev) + ", got " + std::to_string(e.rev));
    ot::Op o = std::move(e.op);
    if (a.inflight) {
      ot::Op o2 = ot::transform(o, *a.inflight, ot::Side::Right);
      a.inflight = ot::transform(*a.inflight, o, ot::Side::Left);
      o = std::move(o2);
    }
    if (a.buffer) {
      ot::Op o2 = ot::transform(o, *a.buffer, ot::Side::Right);
      a.buffer = ot::transform(*a.buffer, o, ot::Side::Left);
      o = std::move(o2);
    }
    apply_rope(a.text, o);
    a.rev = e.rev;
  }

  // Publishes this thread's drain state for the main thread.
  void publish() {
    bool id = true;
    std::int64_t lo = INT64_MAX, hi = 0;
    for (auto* a : mine) {
      if (a->inflight || a->buffer) id = false;
      lo = std::min(lo, a->rev);
      hi = std::max(hi, a->rev);
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
    a->rev = o["rev"].get<std::int64_t>();
    std::string t = o["text"].get<std::string>();
    a->text = Rope(t);
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
    for (size_t i = 0; i < run.peer.b.size(); ++i) {
      run.peer.b[i] += r->peer.b[i];
      run.ack.b[i] += r->ack.b[i];
    }
    run.peer.n += r->peer.n;
    run.ack.n += r->ack.n;
    run.peer.max_ms = std::max(run.peer.max_ms, r->peer.max_ms);
    run.ack.max_ms = std::max(run.ack.max_ms, r->ack.max_ms);
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
      std::string mine = a->text.str();
      if (mine != text || a->rev != res.final_rev) {
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
