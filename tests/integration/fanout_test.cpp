// The document fan-out under load: pipelined ops from two connections (acks and pushes in
// revision order across commit batches and ticks), and a subscriber that stops reading (cut
// with a reason while the room goes on).
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <set>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

#include "common.hpp"

using namespace it;

namespace {

struct Clause {
  ServerProcess srv{{"--max-msg-rate", "0"}};
  std::int64_t forum = 0, doc = 0;
  std::unique_ptr<WsClient> drafter;
  Clause() {
    forum = forum_of(srv);
    drafter = logged_in(srv, forum, demo::kDrafting);
    json r = drafter->request({{"type", "clause.insert"}, {"declaration", seeded_declaration(*drafter, forum)}});
    if (code_of(r) != "ok") throw std::runtime_error("clause.insert: " + r.dump());
    doc = r["docs"]["en"];
  }
};

std::string op_frame(const std::string& id, std::int64_t doc, std::int64_t base, const json& op, const std::string& opid) {
  return json{{"type", "doc.op"}, {"id", id}, {"doc", doc}, {"rev", base}, {"op", op}, {"opid", opid}}.dump();
}

// What one connection saw of the document: every revision once, in order, each either pushed
// (another connection's op) or acknowledged (its own).
struct Seen {
  std::int64_t rev = 0;
  std::size_t acks = 0, pushed = 0;
  std::vector<std::string> problems;
  void frame(const std::string& text, const std::string& own_prefix) {
    json m = json::parse(text);
    std::string type = m.value("type", "");
    if (type == "ok") {
      std::int64_t r = m["rev"];
      if (r != rev + 1) problems.push_back("ack of rev " + std::to_string(r) + " after rev " + std::to_string(rev));
      rev = r;
      ++acks;
    } else if (type == "doc.ops") {
      for (auto& e : m["ops"]) {
        std::int64_t r = e["rev"];
        if (r != rev + 1) problems.push_back("pushed rev " + std::to_string(r) + " after rev " + std::to_string(rev));
        if (e["opid"].get<std::string>().rfind(own_prefix, 0) == 0) problems.push_back("own op pushed: " + e.dump());
        rev = r;
        ++pushed;
      }
    } else if (type != "doc.cursors") {
      problems.push_back("unexpected frame: " + text.substr(0, 300));
    }
  }
};

}  // namespace

TEST(Fanout, PipelinedOpsOfTwoConnectionsArriveInRevisionOrder) {
  Clause t;
  auto a = logged_in(t.srv, t.forum, demo::kDrafting);
  auto b = logged_in(t.srv, t.forum, demo::kDrafting);
  json oa = a->request({{"type", "doc.open"}, {"doc", t.doc}});
  json ob = b->request({{"type", "doc.open"}, {"doc", t.doc}});
  ASSERT_OK(oa);
  ASSERT_OK(ob);
  const std::int64_t rev0 = oa["rev"];
  ASSERT_EQ(ob["rev"], rev0);
  // Each connection pipelines K inserts at the start, all based on rev0 (the server transforms
  // each past the ops before it), in bursts, so that commit batches and ticks cut through them.
  constexpr int K = 400;
  auto frames = [&](const std::string& who) {
    std::vector<std::string> f;
    for (int i = 0; i < K; ++i)
      f.push_back(op_frame(who + std::to_string(i), t.doc, rev0, json::array({"<" + who + std::to_string(i) + ">"}),
                           who + "-" + std::to_string(i)));
    return f;
  };
  std::vector<std::string> fa = frames("a"), fb = frames("b");
  Seen sa, sb;
  sa.rev = sb.rev = rev0;
  auto run = [&](WsClient& c, const std::vector<std::string>& f, Seen& seen, const std::string& who) {
    c.set_record(false);
    c.set_raw(true);
    for (std::size_t i = 0; i < f.size(); i += 50) {
      c.send_frames_unmanaged(std::vector<std::string>(f.begin() + i, f.begin() + std::min(f.size(), i + 50)));
      std::this_thread::sleep_for(std::chrono::milliseconds(i % 150 == 0 ? 7 : 0));
    }
    std::vector<std::string> in;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (seen.rev < rev0 + 2 * K && std::chrono::steady_clock::now() < deadline) {
      in.clear();
      c.read_texts(in, 2s);
      for (auto& text : in) seen.frame(text, who + "-");
    }
  };
  std::thread ta([&] { run(*a, fa, sa, "a"); });
  std::thread tb([&] { run(*b, fb, sb, "b"); });
  ta.join();
  tb.join();
  for (auto& p : sa.problems) ADD_FAILURE() << "a: " << p;
  for (auto& p : sb.problems) ADD_FAILURE() << "b: " << p;
  EXPECT_EQ(sa.acks, static_cast<std::size_t>(K));
  EXPECT_EQ(sb.acks, static_cast<std::size_t>(K));
  EXPECT_EQ(sa.pushed, static_cast<std::size_t>(K));  // every op of the other, none of its own
  EXPECT_EQ(sb.pushed, static_cast<std::size_t>(K));
  EXPECT_EQ(sa.rev, rev0 + 2 * K);
  EXPECT_EQ(sb.rev, rev0 + 2 * K);
  json fin = t.drafter->request({{"type", "doc.open"}, {"doc", t.doc}});
  ASSERT_OK(fin);
  EXPECT_EQ(fin["rev"], rev0 + 2 * K);
  std::string text = fin["text"];
  for (const char* who : {"a", "b"})
    for (int i = 0; i < K; ++i) {
      std::string tok = "<" + std::string(who) + std::to_string(i) + ">";
      auto at = text.find(tok);
      EXPECT_NE(at, std::string::npos) << tok;
      if (at != std::string::npos) EXPECT_EQ(text.find(tok, at + 1), std::string::npos) << tok << " twice";
    }
}

TEST(Fanout, SubscriberThatStopsReadingIsCutAndTheRoomGoesOn) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  Clause t;
  // The slow subscriber: a plain socket with a small receive buffer that stops reading once
  // the document is open.
  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> slow(ioc);
  slow.next_layer().open(asio::ip::tcp::v4());
  slow.next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
  slow.next_layer().connect({asio::ip::make_address("127.0.0.1"), t.srv.port()});
  slow.handshake("127.0.0.1:" + std::to_string(t.srv.port()), "/ws");
  auto ask = [&](json m) {
    slow.write(asio::buffer(m.dump()));
    for (;;) {
      beast::flat_buffer b;
      slow.read(b);
      json r = json::parse(beast::buffers_to_string(b.data()));
      if (r.value("re", json()) == m["id"]) return r;
    }
  };
  ASSERT_OK(ask({{"type", "hello"}, {"id", 1}, {"protocol", 1}}));
  ASSERT_OK(ask({{"type", "login"}, {"id", 2}, {"forum", t.forum}, {"code", demo::kObserver}}));
  ASSERT_OK(ask({{"type", "doc.open"}, {"id", 3}, {"doc", t.doc}}));
  // A well-behaved subscriber, reading all the time.
  auto peer = logged_in(t.srv, t.forum, demo::kObserver);
  json po = peer->request({{"type", "doc.open"}, {"doc", t.doc}});
  ASSERT_OK(po);
  const std::int64_t rev0 = po["rev"];
  peer->set_record(false);
  peer->set_raw(true);

  // The drafter inserts and deletes 45,000 characters, over and over: about 18 MB of doc.ops
  // for the slow subscriber, far past its queue limit (4 MiB) plus the sockets' buffers (up to
  // 4 MiB more here).
  const std::string big(45000, 'x');
  constexpr int kPairs = 400;
  WsClient& w = *t.drafter;
  w.set_record(false);
  w.set_raw(true);
  std::int64_t rev = rev0;
  Seen peer_seen;
  peer_seen.rev = rev0;
  std::vector<std::string> in;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPairs; i += 10) {
    std::vector<std::string> f;
    for (int k = i; k < i + 10; ++k) {
      f.push_back(op_frame("i" + std::to_string(k), t.doc, rev++, json::array({big}), "big-" + std::to_string(k)));
      f.push_back(op_frame("d" + std::to_string(k), t.doc, rev++, json::array({json{{"d", 45000}}}), "del-" + std::to_string(k)));
    }
    w.send_frames_unmanaged(f);
    std::size_t acked = 0;
    while (acked < f.size()) {
      in.clear();
      ASSERT_GT(w.read_texts(in, 30s), 0u) << "the drafter got no ack: the room stalled at op " << i;
      for (auto& text : in) {
        ASSERT_NE(text.find("\"type\":\"ok\""), std::string::npos) << text.substr(0, 300);
        ++acked;
      }
    }
    in.clear();
    peer->read_texts(in, 0s);
    for (auto& text : in) peer_seen.frame(text, "none-");
  }
  auto took = std::chrono::steady_clock::now() - start;
  // The reading subscriber got every op, in order.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (peer_seen.rev < rev && std::chrono::steady_clock::now() < deadline) {
    in.clear();
    peer->read_texts(in, 1s);
    for (auto& text : in) peer_seen.frame(text, "none-");
  }
  for (auto& p : peer_seen.problems) ADD_FAILURE() << "peer: " << p;
  EXPECT_EQ(peer_seen.rev, rev);
  EXPECT_EQ(peer_seen.pushed, static_cast<std::size_t>(2 * kPairs));

  // The slow subscriber now reads what reached it: fewer ops than were made, then the close
  // frame with the reason.
  slow.next_layer().set_option(asio::socket_base::receive_buffer_size(1 << 20));
  timeval limit{20, 0};  // a read that waits this long ends the loop (and fails the test)
  ::setsockopt(slow.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::size_t ops = 0;
  beast::error_code ec;
  for (;;) {
    beast::flat_buffer b;
    slow.read(b, ec);
    if (ec) break;
    json m = json::parse(beast::buffers_to_string(b.data()));
    if (m.value("type", "") == "doc.ops") ops += m["ops"].size();
  }
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(slow.reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(std::string(slow.reason().reason.c_str()), "slow_consumer");
  EXPECT_LT(ops, static_cast<std::size_t>(2 * kPairs));
  std::printf("[ fanout   ] %d ops of 45,000 characters acknowledged in %.1f s; the cut subscriber got %zu ops\n",
              2 * kPairs, std::chrono::duration<double>(took).count(), ops);
  // The server still serves the document.
  w.set_raw(false);
  json fin = w.request({{"type", "doc.open"}, {"doc", t.doc}});
  ASSERT_OK(fin);
  EXPECT_EQ(fin["rev"], rev);
}
