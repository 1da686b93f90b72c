// bench_load's worker process: holds its share of the delegate connections on one io_context
// (async Beast WebSockets bound over 127.0.0.x), joins the plenary or opens the clause, and on
// the coordinator's commands casts ballots or types as Jupiter authors; reports ticks, ready and
// a result (latency samples and histograms) as JSON lines on stdout.
#pragma once

#include "bench_load_wire.hpp"

#include <charconv>
#include <deque>
#include <memory>
#include <random>
#include <set>

#include <poll.h>
#include <sys/syscall.h>

namespace bench::load {

struct Conn {
  int index = 0;       // global connection index
  bool author = false;
  int delegate = 0;    // 1-based delegate number (delegates only)
  bool voter = false;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  FrameQueue out;
  bool ready = false, closed = false;
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
    if (c.closed) return;
    c.out.push(*c.ws, std::move(f), [this, &c](beast::error_code ec) {
      if (ec) {
        lost(c, "write: " + ec.message());
        return false;
      }
      ++frames_out;
      return !c.closed;
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

}  // namespace bench::load
