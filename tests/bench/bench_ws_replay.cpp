// bench_ws_replay: one client replays the automerge-paper editing trace (259,778 patches) into
// one clause document of the real server over WebSocket, as pipelined doc.op messages with a
// window of unacknowledged ops; an op counts when its ok (durable: after the group commit)
// arrives. Reports ops/s per window and checks the final text against the trace's endContent.
//
// usage: bench_ws_replay [--windows 256,1024,4096] [--limit N] [--trace PATH] [--timeout S]
#include "bench_common.hpp"

#include <deque>

using namespace bench;

namespace {

struct Patch {
  std::size_t pos, del;
  std::string ins;
};

struct Trace {
  std::string start, end;
  std::vector<Patch> patches;
};

Trace load_trace(const std::string& path) {
  json j = json::parse(gunzip(path));
  Trace t;
  t.start = j["startContent"].get<std::string>();
  t.end = j["endContent"].get<std::string>();
  for (auto& tx : j["txns"])
    for (auto& p : tx["patches"])
      t.patches.push_back({p[0].get<std::size_t>(), p[1].get<std::size_t>(), p[2].get<std::string>()});
  return t;
}

struct Result {
  std::size_t window = 0, ops = 0;
  double seconds = 0, ops_per_s = 0, server_cpu = 0, client_cpu = 0, server_wait = 0;
  long server_rss_kib = 0;
  bool text_ok = false;
  std::string error;
};

// Pipelined sender/receiver on one async WebSocket.
class Replayer {
 public:
  Replayer(net::io_context& ioc, websocket::stream<beast::tcp_stream>& ws, std::vector<std::string>& frames,
           std::size_t window)
      : ioc_(ioc), ws_(ws), frames_(frames), window_(window) {}

  void run() {
    pump();
    read();
  }
  bool done() const { return acked_ == frames_.size() || !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t acked() const { return acked_; }

 private:
  void pump() {
    if (writing_ || !error_.empty()) return;
    if (next_ < frames_.size() && next_ - acked_ < window_) {
      writing_ = true;
      ws_.async_write(net::buffer(frames_[next_]), [this](beast::error_code ec, std::size_t) {
        writing_ = false;
        if (ec) {
          error_ = "write: " + ec.message();
          ioc_.stop();
          return;
        }
        ++next_;
        pump();
      });
    }
  }
  void read() {
    ws_.async_read(buf_, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        error_ = "read: " + ec.message();
        ioc_.stop();
        return;
      }
      std::string_view s(static_cast<const char*>(buf_.data().data()), buf_.size());
      // Acks are {"type":"ok","re":N,"rev":R}; anything else is an error or a push.
      if (s.rfind("{\"type\":\"ok\"", 0) == 0) {
        ++acked_;
      } else if (s.find("\"type\":\"error\"") != std::string_view::npos) {
        error_ = std::string(s.substr(0, 400));
        ioc_.stop();
        return;
      }
      buf_.consume(buf_.size());
      if (acked_ == frames_.size()) {
        ioc_.stop();
        return;
      }
      pump();
      read();
    });
  }

  net::io_context& ioc_;
  websocket::stream<beast::tcp_stream>& ws_;
  std::vector<std::string>& frames_;
  std::size_t window_;
  std::size_t next_ = 0, acked_ = 0;
  bool writing_ = false;
  beast::flat_buffer buf_;
  std::string error_;
};

Result replay(Server& server, const Trace& trace, std::size_t limit, std::size_t window, double timeout_s,
              const std::string& expected_end) {
  Result res;
  res.window = window;
  SyncClient setup(server.port());
  setup.login(kDraftingCode);
  json decl = setup.first_declaration();
  std::int64_t doc = setup.new_clause_doc(decl);

  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  ws.next_layer().socket().set_option(tcp::no_delay(true));
  ws.read_message_max(64 << 20);
  ws.handshake("127.0.0.1:" + std::to_string(server.port()), "/ws");
  auto sync_req = [&](json m) {
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
  sync_req({{"type", "hello"}, {"id", "h"}, {"protocol", 1}});
  sync_req({{"type", "login"}, {"id", "l"}, {"forum", setup.first_forum()}, {"code", kDraftingCode}});
  json opened = sync_req({{"type", "doc.open"}, {"id", "o"}, {"doc", doc}});
  std::int64_t rev0 = opened["rev"].get<std::int64_t>();
  if (opened["text"].get<std::string>() != trace.start) throw std::runtime_error("new clause is not empty");

  // Every frame is built before the clock starts.
  std::size_t n = std::min(limit, trace.patches.size());
  std::vector<std::string> frames;
  frames.reserve(n);
  std::string tag = "w" + std::to_string(window) + "-";
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = trace.patches[i];
    json op = json::array();
    if (p.pos) op.push_back(p.pos);
    if (p.del) op.push_back({{"d", p.del}});
    if (!p.ins.empty()) op.push_back(p.ins);
    json m = {{"type", "doc.op"}, {"id", i}, {"doc", doc}, {"rev", rev0 + static_cast<std::int64_t>(i)},
              {"op", op}, {"opid", tag + std::to_string(i)}};
    frames.push_back(m.dump());
  }

  double scpu0 = cpu_seconds(server.pid()), ccpu0 = self_cpu_seconds(), swait0 = runq_wait_seconds(server.pid());
  auto t0 = Clock::now();
  Replayer r(ioc, ws, frames, window);
  r.run();
  ioc.run_for(std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
  res.seconds = seconds_since(t0);
  res.server_cpu = cpu_seconds(server.pid()) - scpu0;
  res.client_cpu = self_cpu_seconds() - ccpu0;
  res.server_wait = runq_wait_seconds(server.pid()) - swait0;
  res.server_rss_kib = rss_kib(server.pid());
  res.ops = r.acked();
  res.ops_per_s = res.ops / res.seconds;
  if (!r.error().empty())
    res.error = r.error();
  else if (r.acked() < frames.size())
    res.error = "timeout after " + std::to_string(timeout_s) + " s with " + std::to_string(r.acked()) + " acks";

  // Final text, read back with a fresh doc.open on another connection.
  SyncClient check(server.port());
  check.login(kDraftingCode);
  json fin = check.ok({{"type", "doc.open"}, {"doc", doc}});
  std::string text = fin["text"].get<std::string>();
  res.text_ok = res.error.empty() && text == expected_end &&
                fin["rev"].get<std::int64_t>() == rev0 + static_cast<std::int64_t>(n);
  if (res.error.empty() && !res.text_ok)
    res.error = "final text differs (got " + std::to_string(text.size()) + " bytes, want " +
                std::to_string(expected_end.size()) + "; rev " + fin["rev"].dump() + ")";
  beast::error_code ec;
  ws.close(websocket::close_code::normal, ec);
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> windows = {256, 1024, 4096};
  std::size_t limit = SIZE_MAX;
  double timeout_s = 300;
  std::string trace_path = std::string(PLENARY_SOURCE_DIR) + "/../shared/traces/automerge-paper.json.gz";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--windows") {
      windows.clear();
      std::stringstream ss(next());
      std::string w;
      while (std::getline(ss, w, ',')) windows.push_back(std::stoul(w));
    } else if (a == "--limit") {
      limit = std::stoul(next());
    } else if (a == "--trace") {
      trace_path = next();
    } else if (a == "--timeout") {
      timeout_s = std::stod(next());
    } else {
      std::cerr << "usage: bench_ws_replay [--windows 256,1024,4096] [--limit N] [--trace PATH] [--timeout S]\n";
      return 2;
    }
  }
  try {
    Trace trace = load_trace(trace_path);
    std::size_t n = std::min(limit, trace.patches.size());
    std::string expected = trace.start;
    if (n == trace.patches.size()) {
      expected = trace.end;
    } else {
      // A prefix of the trace: compute the expected text here (byte = code point for ASCII-only
      // prefixes; the full trace is checked against endContent).
      for (std::size_t i = 0; i < n; ++i) {
        const auto& p = trace.patches[i];
        expected.replace(p.pos, p.del, p.ins);
      }
    }
    std::cout << "bench_ws_replay: trace " << trace_path << ": " << trace.patches.size() << " patches, replaying "
              << n << "; final text " << expected.size() << " bytes\n";
    Server server("replay");
    server.start();
    std::cout << "bench_ws_replay: server pid " << server.pid() << " port " << server.port() << "\n";
    json all = json::array();
    bool ok = true;
    for (auto w : windows) {
      Result r = replay(server, trace, n, w, timeout_s, expected);
      std::printf("bench_ws_replay: window = %zu ops: %zu ops in %.3f s = %.0f ops/s (server CPU %.2f s = %.1f us/op, "
                  "client CPU %.2f s, server threads waiting for a CPU %.2f s, server RSS %ld KiB) final text %s\n",
                  w, r.ops, r.seconds, r.ops_per_s, r.server_cpu, 1e6 * r.server_cpu / std::max<std::size_t>(1, r.ops),
                  r.client_cpu, r.server_wait, r.server_rss_kib,
                  r.text_ok ? "matches endContent" : ("MISMATCH: " + r.error).c_str());
      std::fflush(stdout);
      ok = ok && r.text_ok;
      all.push_back({{"window", w}, {"ops", r.ops}, {"seconds", r.seconds}, {"ops_per_s", r.ops_per_s},
                     {"server_cpu_s", r.server_cpu}, {"client_cpu_s", r.client_cpu}, {"server_runq_wait_s", r.server_wait},
                     {"server_rss_kib", r.server_rss_kib}, {"text_ok", r.text_ok}, {"error", r.error}});
    }
    json out = {{"bench", "ws_replay"}, {"at", utc_now()}, {"trace", "automerge-paper"}, {"patches", n},
                {"target_ops_per_s", 50000}, {"runs", all}};
    std::cout << out.dump() << std::endl;
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_ws_replay: error: " << e.what() << std::endl;
    return 1;
  }
}
