// Live editing of one document over WebSocket: concurrent OT clients, resubmission, bad ops,
// cut sockets, crashes, and the replay of real editing traces.
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "common.hpp"
#include "core/ot/text_op.hpp"

using namespace it;
namespace ot = plenary::ot;

namespace {

struct Doc {
  ServerProcess srv;
  std::int64_t forum = 0, declaration = 0, doc = 0, clause = 0;
  std::unique_ptr<WsClient> drafter;
  explicit Doc(std::vector<std::string> extra = {}, const std::string& text = "") : srv(std::move(extra)) {
    forum = forum_of(srv);
    drafter = logged_in(srv, forum, demo::kDrafting);
    declaration = seeded_declaration(*drafter, forum);
    json ins = {{"type", "clause.insert"}, {"declaration", declaration}};
    if (!text.empty()) ins["text"] = text;
    json r = drafter->request(ins);
    if (code_of(r) != "ok") throw std::runtime_error("clause.insert: " + r.dump());
    clause = r["clause"];
    doc = r["docs"]["en"];
  }
  json open(WsClient& c, std::optional<std::int64_t> since = std::nullopt) {
    json m = {{"type", "doc.open"}, {"doc", doc}};
    if (since) m["since"] = *since;
    return c.request(m);
  }
};

// A small OT client (one op in flight, the rest buffered), as a browser would run it.
struct OtClient {
  WsClient& ws;
  std::int64_t doc;
  std::string name;
  std::string text;
  std::int64_t rev = 0;
  std::optional<ot::Op> inflight, buffer;
  json inflight_id;
  int next_opid = 0;
  std::vector<std::string> problems;

  OtClient(WsClient& ws, std::int64_t doc, std::string name) : ws(ws), doc(doc), name(std::move(name)) {}

  void open() {
    json r = ws.request({{"type", "doc.open"}, {"doc", doc}});
    if (code_of(r) != "ok") throw std::runtime_error("doc.open: " + r.dump());
    text = r["text"];
    rev = r["rev"];
  }
  void local(const ot::Op& op) {
    text = ot::apply(text, op);
    if (!inflight) send(op);
    else buffer = buffer ? ot::compose(*buffer, op) : op;
  }
  void send(const ot::Op& op) {
    inflight = op;
    inflight_id = ws.send({{"type", "doc.op"}, {"doc", doc}, {"rev", rev}, {"op", ot::to_json(op)},
                           {"opid", name + "-" + std::to_string(++next_opid)}});
  }
  void handle(const json& m) {
    std::string type = m.value("type", "");
    if ((type == "ok" || type == "error") && inflight && m["re"] == inflight_id) {
      if (type != "ok") {
        problems.push_back("op refused: " + m.dump());
        inflight.reset();
        return;
      }
      std::int64_t r = m["rev"];
      if (r != rev + 1) problems.push_back(name + ": ack rev " + std::to_string(r) + " after rev " + std::to_string(rev));
      rev = r;
      inflight.reset();
      if (buffer) {
        auto b = *buffer;
        buffer.reset();
        send(b);
      }
      return;
    }
    if (type == "doc.ops" && m["doc"] == doc) {
      for (auto& e : m["ops"]) {
        std::int64_t r = e["rev"];
        if (r != rev + 1) problems.push_back(name + ": pushed rev " + std::to_string(r) + " after rev " + std::to_string(rev));
        rev = r;
        ot::Op s = ot::parse(e["op"]);
        if (inflight) {
          ot::Op a2 = ot::transform(*inflight, s, ot::Side::Left);
          s = ot::transform(s, *inflight, ot::Side::Right);
          inflight = a2;
        }
        if (buffer) {
          ot::Op b2 = ot::transform(*buffer, s, ot::Side::Left);
          s = ot::transform(s, *buffer, ot::Side::Right);
          buffer = b2;
        }
        text = ot::apply(text, s);
      }
    }
  }
  // Processes frames for up to `ms`.
  void pump(std::chrono::milliseconds ms) {
    auto until = std::chrono::steady_clock::now() + ms;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      auto m = ws.read_any(left);
      if (!m) return;
      handle(*m);
    }
  }
  bool idle() const { return !inflight && !buffer; }
};

ot::Op random_edit(std::mt19937& rng, std::size_t len, const std::string& tag) {
  std::uniform_int_distribution<int> kind(0, 2);
  if (len == 0 || kind(rng) != 0) {
    std::size_t pos = std::uniform_int_distribution<std::size_t>(0, len)(rng);
    return ot::from_patch(pos, 0, tag);
  }
  std::size_t pos = std::uniform_int_distribution<std::size_t>(0, len - 1)(rng);
  std::size_t del = std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(4, len - pos))(rng);
  return ot::from_patch(pos, del, "");
}

std::size_t cp_len(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(Ops, ConcurrentClientsConverge) {
  Doc t({}, "Everyone has the right to move freely.");
  auto code = t.drafter->request({{"type", "access_code.create"}, {"forum", t.forum}, {"role", "drafting"}, {"name", "x"}});
  EXPECT_ERR(code, "not_allowed");  // drafting members do not create codes
  auto org = logged_in(t.srv, t.forum, demo::kOrganiser);
  json ac = org->request({{"type", "access_code.create"}, {"forum", t.forum}, {"role", "drafting"}, {"name", "Second Drafter"}});
  ASSERT_OK(ac);
  EXPECT_EQ(ac["delegate"]["status"], "accredited");
  auto w1 = logged_in(t.srv, t.forum, demo::kDrafting);
  auto w2 = logged_in(t.srv, t.forum, ac["code"]);
  OtClient a(*w1, t.doc, "a"), b(*w2, t.doc, "b");
  a.open();
  b.open();
  ASSERT_EQ(a.text, b.text);

  auto run = [](OtClient& c, unsigned seed, const std::string& tag) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay(0, 12);
    for (int i = 0; i < 60; ++i) {
      c.local(random_edit(rng, cp_len(c.text), tag));
      c.pump(std::chrono::milliseconds(delay(rng)));
    }
    for (int i = 0; i < 400 && !c.idle(); ++i) c.pump(20ms);
  };
  std::thread ta([&] { run(a, 1234, "[a]"); });
  std::thread tb([&] { run(b, 5678, "<b>"); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.idle() && b.idle()) << "ops left unacknowledged";

  WsClient judge;
  judge.connect(t.srv.port());
  login_code(judge, t.forum, demo::kObserver);
  json fin = t.open(judge);
  ASSERT_OK(fin);
  std::int64_t final_rev = fin["rev"];
  for (auto* c : {&a, &b})
    for (int i = 0; i < 200 && c->rev < final_rev; ++i) c->pump(20ms);
  for (auto& p : a.problems) ADD_FAILURE() << p;
  for (auto& p : b.problems) ADD_FAILURE() << p;
  EXPECT_EQ(a.rev, final_rev);
  EXPECT_EQ(b.rev, final_rev);
  EXPECT_EQ(a.text, fin["text"].get<std::string>());
  EXPECT_EQ(b.text, fin["text"].get<std::string>());
  EXPECT_EQ(final_rev, fin["rev"].get<std::int64_t>());
  EXPECT_GE(final_rev, 1 + 20);  // the inserted text, then the edits (buffered ones composed)
  // The replay of all ops since 0 gives the same text.
  json replay = t.open(judge, 0);
  ASSERT_OK(replay);
  std::string txt;
  for (auto& e : replay["ops"]) txt = ot::apply(txt, ot::parse(e["op"]));
  EXPECT_EQ(txt, fin["text"].get<std::string>());
}

TEST(Ops, DuplicateOpidIsAcknowledgedNotReapplied) {
  Doc t({}, "Hello");
  json o = t.open(*t.drafter);
  ASSERT_OK(o);
  std::int64_t rev = o["rev"];
  json first = t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", {5, " world"}}, {"opid", "dup-1"}});
  ASSERT_OK(first);
  EXPECT_EQ(first["rev"], rev + 1);
  EXPECT_FALSE(first.value("duplicate", false));
  json again = t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", {5, " world"}}, {"opid", "dup-1"}});
  ASSERT_OK(again);
  EXPECT_EQ(again["rev"], rev + 1);
  EXPECT_EQ(again.value("duplicate", false), true) << again.dump();
  json after = t.open(*t.drafter);
  EXPECT_EQ(after["text"], "Hello world");
  EXPECT_EQ(after["rev"], rev + 1);
  // From another connection of another drafter, with a newer base: still a duplicate.
  auto other = logged_in(t.srv, t.forum, demo::kDrafting);
  json third = other->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev + 1}, {"op", {5, " world"}}, {"opid", "dup-1"}});
  ASSERT_OK(third);
  EXPECT_EQ(third["rev"], rev + 1);
  EXPECT_EQ(t.open(*t.drafter)["text"], "Hello world");
}

TEST(Ops, BadOpsAreRefused) {
  Doc t({}, "abcdef");
  json o = t.open(*t.drafter);
  ASSERT_OK(o);
  std::int64_t rev = o["rev"];
  auto op = [&](json opj, std::int64_t base, const std::string& opid) {
    return t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", base}, {"op", opj}, {"opid", opid}});
  };
  EXPECT_ERR(op(json::array({10, "x"}), rev, "b1"), "bad_op");               // past the end
  EXPECT_ERR(op(json::array({3, json{{"d", 10}}}), rev, "b2"), "bad_op");    // delete past the end
  EXPECT_ERR(op(json::array({0, "x"}), rev, "b3"), "bad_op");                // skip 0
  EXPECT_ERR(op(json::array({-2, "x"}), rev, "b4"), "bad_op");               // negative skip
  EXPECT_ERR(op(json::array({1, ""}), rev, "b5"), "bad_op");                 // empty insert
  EXPECT_ERR(op(json::array({json{{"d", 0}}}), rev, "b6"), "bad_op");        // delete 0
  EXPECT_ERR(op(json::array({json{{"d", "xyz"}}}), rev, "b7"), "bad_op");    // deleted text differs
  EXPECT_ERR(op(json::array({json{{"q", 1}}}), rev, "b8"), "bad_op");        // unknown component
  EXPECT_ERR(op(json::array({"x"}), rev + 5, "b9"), "bad_revision");         // base from the future
  EXPECT_ERR(t.drafter->request({{"type", "doc.op"}, {"doc", 999999}, {"rev", 0}, {"op", json::array({"x"})}, {"opid", "b10"}}),
             "not_found");
  EXPECT_ERR(t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", json::array({"x"})}}), "bad_message");
  EXPECT_ERR(t.drafter->request({{"type", "doc.open"}, {"doc", 999999}}), "not_found");
  EXPECT_ERR(t.drafter->request({{"type", "doc.open"}, {"doc", t.doc}, {"since", rev + 3}}), "bad_revision");
  // Nothing was applied.
  json after = t.open(*t.drafter);
  EXPECT_EQ(after["text"], "abcdef");
  EXPECT_EQ(after["rev"], rev);
  // A valid op on the same connection still works.
  json good = op(json::array({json{{"d", "abc"}}, "X"}), rev, "good");
  ASSERT_OK(good);
  EXPECT_EQ(t.open(*t.drafter)["text"], "Xdef");
}

TEST(Ops, EmptyOpIsRefused) {
  Doc t({}, "abcdef");
  json o = t.open(*t.drafter);
  ASSERT_OK(o);
  std::int64_t rev = o["rev"];
  EXPECT_ERR(t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", json::array()}, {"opid", "e1"}}),
             "bad_op");
  EXPECT_ERR(t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", json::array({3})}, {"opid", "e2"}}),
             "bad_op");
  EXPECT_EQ(t.open(*t.drafter)["rev"], rev) << "a no-op created a revision";
}

TEST(Ops, SocketCutMidEditAppliesOnce) {
  Doc t({}, "Base text.");
  for (int round = 0; round < 5; ++round) {
    auto w = logged_in(t.srv, t.forum, demo::kDrafting);
    json o = t.open(*w);
    ASSERT_OK(o);
    std::int64_t rev = o["rev"];
    std::string marker = "<cut" + std::to_string(round) + ">";
    json op = json::array({marker});
    std::string opid = "cut-op-" + std::to_string(round);
    w->send({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", op}, {"opid", opid}});
    if (round % 2) std::this_thread::sleep_for(std::chrono::milliseconds(round * 5));
    w->cut();
    w.reset();

    auto w2 = logged_in(t.srv, t.forum, demo::kDrafting);
    json resumed = t.open(*w2, rev);
    ASSERT_OK(resumed);
    ASSERT_TRUE(resumed.contains("ops")) << resumed.dump();
    bool seen = false;
    for (auto& e : resumed["ops"]) seen |= e["opid"] == opid;
    json re = w2->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", op}, {"opid", opid}});
    ASSERT_OK(re);
    if (seen) {
      EXPECT_EQ(re.value("duplicate", false), true) << re.dump();
    }
    json fin = t.open(*w2);
    EXPECT_EQ(count(fin["text"], marker), 1u) << fin["text"];
  }
  json fin = t.open(*t.drafter);
  EXPECT_EQ(fin["text"], "<cut4><cut3><cut2><cut1><cut0>Base text.");
}

TEST(Ops, AcknowledgedOpsSurviveSigkill) {
  Doc t({}, "Start.");
  json o = t.open(*t.drafter);
  ASSERT_OK(o);
  std::string text = o["text"];
  std::int64_t rev = o["rev"];
  std::mt19937 rng(42);
  for (int i = 0; i < 40; ++i) {
    ot::Op op = random_edit(rng, cp_len(text), "k" + std::to_string(i));
    json r = t.drafter->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev}, {"op", ot::to_json(op)},
                                 {"opid", "kill-" + std::to_string(i)}});
    ASSERT_OK(r);
    rev = r["rev"];
    text = ot::apply(text, op);
  }
  t.drafter.reset();
  t.srv.kill();
  t.srv.start();
  auto w = logged_in(t.srv, t.forum, demo::kDrafting);
  json after = t.open(*w);
  ASSERT_OK(after);
  EXPECT_EQ(after["rev"], rev);
  EXPECT_EQ(after["text"], text);
  // The stored ops replay to the same text, and the opids still deduplicate.
  json replay = t.open(*w, 0);
  ASSERT_OK(replay);
  std::string txt;
  for (auto& e : replay["ops"]) txt = ot::apply(txt, ot::parse(e["op"]));
  EXPECT_EQ(txt, text);
  json dup = w->request({{"type", "doc.op"}, {"doc", t.doc}, {"rev", rev - 1}, {"op", json::array({"zzz"})}, {"opid", "kill-39"}});
  ASSERT_OK(dup);
  EXPECT_EQ(dup["rev"], rev);
  EXPECT_EQ(dup.value("duplicate", false), true);
  EXPECT_EQ(t.open(*w)["text"], text);
}

// ---- Trace replay --------------------------------------------------------------------------

namespace {

json load_trace(const std::string& name) {
  std::string path = source_dir() + "/../shared/traces/" + name;
  if (!std::filesystem::exists(path)) throw std::runtime_error("trace file missing: " + path);
  std::string cmd = "gzip -dc '" + path + "'";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run " + cmd);
  std::string data;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  int rc = pclose(f);
  if (rc != 0) throw std::runtime_error(cmd + " failed");
  return json::parse(data);
}

void replay_trace(const std::string& name) {
  std::string path = source_dir() + "/../shared/traces/" + name;
  ASSERT_TRUE(std::filesystem::exists(path)) << "TRACE FILE MISSING: " << path;
  auto t0 = std::chrono::steady_clock::now();
  auto since = [&t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  json trace = load_trace(name);
  std::printf("[ trace    ] %s: loaded at %.1f s\n", name.c_str(), since());
  ASSERT_EQ(trace["startContent"], "") << "the replay assumes an empty start";
  std::vector<json> ops;
  for (auto& txn : trace["txns"])
    for (auto& p : txn["patches"]) {
      std::size_t pos = p[0], del = p[1];
      std::string ins = p[2];
      json op = json::array();
      if (pos > 0) op.push_back(pos);
      if (del > 0) op.push_back({{"d", del}});
      if (!ins.empty()) op.push_back(ins);
      if (del == 0 && ins.empty()) continue;
      ops.push_back(std::move(op));
    }
  ASSERT_GT(ops.size(), 1000u);

  Doc t({"--max-msg-rate", "0"});
  WsClient& c = *t.drafter;
  // The frames, made before the clock starts: only this client edits, so op i is based on
  // revision i (the one its predecessor produces).
  std::vector<std::string> frames;
  frames.reserve(ops.size());
  const std::string doc_s = std::to_string(t.doc);
  for (std::size_t i = 0; i < ops.size(); ++i)
    frames.push_back("{\"type\":\"doc.op\",\"id\":\"t" + std::to_string(i) + "\",\"doc\":" + doc_s +
                     ",\"rev\":" + std::to_string(i) + ",\"op\":" + ops[i].dump() + ",\"opid\":\"t" +
                     std::to_string(i) + "\"}");
  std::printf("[ trace    ] %s: server up, %zu frames ready at %.1f s\n", name.c_str(), frames.size(), since());
  c.set_record(false);
  c.set_raw(true);
  auto start = std::chrono::steady_clock::now();
  const std::size_t window = 500, batch = 100;
  std::size_t sent = 0, acked = 0;
  std::vector<std::string> in;
  while (acked < ops.size()) {
    if (sent < ops.size() && sent - acked + batch <= window) {
      std::size_t n = std::min(batch, ops.size() - sent);
      c.send_frames_unmanaged(std::vector<std::string>(frames.begin() + sent, frames.begin() + sent + n));
      sent += n;
      if (sent - acked + batch <= window) continue;
    }
    in.clear();
    ASSERT_GT(c.read_texts(in, 60s), 0u) << "no ack after " << acked << " of " << ops.size() << " ops";
    for (auto& text : in) {
      // The ack is {"type":"ok","re":"tN","rev":R}; anything else fails with the frame.
      auto r = text.find("\"rev\":");
      bool ok = text.find("\"type\":\"ok\"") != std::string::npos && r != std::string::npos;
      ASSERT_TRUE(ok) << "op " << acked << ": " << text << " op=" << ops[acked].dump();
      long long rev = std::atoll(text.c_str() + r + 6);
      ASSERT_EQ(rev, static_cast<long long>(acked + 1)) << text;
      ++acked;
    }
  }
  c.set_raw(false);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  c.set_record(true);
  json fin = c.request({{"type", "doc.open"}, {"doc", t.doc}}, 60s);
  ASSERT_OK(fin);
  EXPECT_EQ(fin["rev"], static_cast<std::int64_t>(ops.size()));
  EXPECT_TRUE(fin["text"] == trace["endContent"]) << "final text differs from endContent (lengths "
                                                  << fin["text"].get<std::string>().size() << " vs "
                                                  << trace["endContent"].get<std::string>().size() << ")";
  std::printf("[ trace    ] %s: %zu ops in %.1f s (%.0f ops/s)\n", name.c_str(), ops.size(), secs, ops.size() / secs);
  std::printf("[ trace    ] %s: checked at %.1f s\n", name.c_str(), since());
  // The text also survives a restart (snapshot + ops).
  t.drafter.reset();
  t.srv.kill();
  t.srv.start();
  auto w = logged_in(t.srv, t.forum, demo::kObserver);
  json again = w->request({{"type", "doc.open"}, {"doc", t.doc}}, 60s);
  ASSERT_OK(again);
  EXPECT_TRUE(again["text"] == trace["endContent"]) << "text after restart differs from endContent";
  std::printf("[ trace    ] %s: restart checked at %.1f s\n", name.c_str(), since());
}

}  // namespace

TEST(Trace, AutomergePaper) { replay_trace("automerge-paper.json.gz"); }
TEST(Trace, SephBlog1) { replay_trace("seph-blog1.json.gz"); }
