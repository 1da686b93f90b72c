// Crash safety: a mixed load (registrations, text ops on two documents by three writers,
// amendments, ballots) runs against the real server, which is killed with SIGKILL at a random
// moment, restarted on the same database, and loaded again, many times. Then:
// - every acknowledged registration, amendment and ballot is stored exactly once;
// - every acknowledged op is in its document's history exactly once, at the revision its ack
//   named, and an op re-sent after a crash (same opid) is never applied twice;
// - every document's text equals the replay of its stored history from the empty text.
// PLENARY_CRASH_KILLS (default 50) and PLENARY_CRASH_SEED (default 20261203) set the number of
// kills and the random seed; the seed is printed so a failing run can be repeated.
#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "common.hpp"
#include "core/ot/text_op.hpp"
#include "store/db.hpp"

using namespace it;

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

struct Acked {
  std::mutex mu;
  std::map<std::string, std::int64_t> ops;           // opid → revision in its ack
  std::map<std::string, std::int64_t> op_doc;        // opid → document
  std::set<std::string> emails, justifications;
  std::vector<std::pair<std::int64_t, std::size_t>> ballots;  // (poll, voter index)
  int duplicates_acked = 0;                          // re-sent ops answered duplicate: true
};

// One writer's op that was sent but not acknowledged before a crash: re-sent after restart.
struct Pending {
  json msg;
  bool has = false;
};

}  // namespace

TEST(Crash, SigkillUnderMixedLoadLosesAndDuplicatesNothing) {
  const int kills = env_int("PLENARY_CRASH_KILLS", 50);
  const unsigned seed = static_cast<unsigned>(env_int("PLENARY_CRASH_SEED", 20261203));
  std::cout << "crash harness: " << kills << " kills, seed " << seed << " (PLENARY_CRASH_SEED to repeat)\n";
  std::mt19937 rng(seed);

  ServerProcess srv({"--max-msg-rate", "0"});
  std::int64_t forum = forum_of(srv);
  std::int64_t plenary = 0, d_amend = 0, amend_clause = 0, org = 0;
  std::vector<std::int64_t> docs;
  std::string amender_code;
  std::vector<std::string> voter_codes, writer_codes;
  {
    auto org_c = logged_in(srv, forum, demo::kOrganiser);
    auto drafter = logged_in(srv, forum, demo::kDrafting);
    json f = org_c->request({{"type", "forum.get"}, {"forum", forum}});
    plenary = f["plenary"];
    org = f["organisations"][0]["id"];
    json d = org_c->request({{"type", "declaration.create"}, {"forum", forum}, {"title", {{"en", "Crash drafting"}}},
                             {"languages", {"en"}}, {"original", "en"}});
    ASSERT_OK(d);
    for (int i = 0; i < 2; ++i) {
      json c = drafter->request({{"type", "clause.insert"}, {"declaration", d["declaration"]["id"]}});
      ASSERT_OK(c);
      docs.push_back(c["docs"]["en"]);
    }
    json d2 = org_c->request({{"type", "declaration.create"}, {"forum", forum}, {"title", {{"en", "Crash amendments"}}},
                              {"languages", {"en"}}, {"original", "en"}});
    ASSERT_OK(d2);
    d_amend = d2["declaration"]["id"];
    json c2 = drafter->request({{"type", "clause.insert"}, {"declaration", d_amend}, {"text", "States shall protect."}});
    ASSERT_OK(c2);
    amend_clause = c2["clause"];
    ASSERT_OK(org_c->request({{"type", "declaration.phase"}, {"declaration", d_amend}, {"phase", "amendments"}}));
    auto code = [&](const std::string& role, const std::string& name) {
      json a = org_c->request({{"type", "access_code.create"}, {"forum", forum}, {"role", role}, {"name", name}, {"organisation", org}});
      if (code_of(a) != "ok") throw std::runtime_error(a.dump());
      return a["code"].get<std::string>();
    };
    amender_code = code("delegate", "Crash Amender");
    for (int i = 0; i < 3; ++i) writer_codes.push_back(code("drafting", "Crash Writer " + std::to_string(i)));
    for (int i = 0; i < 6; ++i) voter_codes.push_back(code("delegate", "Crash Voter " + std::to_string(i)));
  }

  Acked acked;
  Sessions sessions;
  std::vector<Pending> pending(writer_codes.size());
  std::vector<std::int64_t> polls;
  int registration_n = 0, amendment_n = 0, opid_n = 0;
  std::atomic<int> sent{0};

  for (int k = 0; k < kills; ++k) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> load;
    std::vector<std::unique_ptr<WsClient>> clients;
    try {
      auto organiser = logged_in(srv, forum, demo::kOrganiser);
      std::vector<std::unique_ptr<WsClient>> voters;
      for (auto& vc : voter_codes) {
        voters.push_back(sessions.open(srv, forum, vc));
        voters.back()->set_record(false);
        json j = voters.back()->request({{"type", "room.join"}, {"room", plenary}});
        if (code_of(j) != "ok") throw std::runtime_error("room.join: " + j.dump());
      }
      json p = organiser->request({{"type", "poll.create"}, {"room", plenary}, {"method", "yes_no_abstain"}, {"secret", k % 2 == 0},
                                   {"question", "Crash question " + std::to_string(k)}});
      if (code_of(p) != "ok") throw std::runtime_error("poll.create: " + p.dump());
      std::int64_t poll = p["poll"]["id"];
      polls.push_back(poll);
      json o = organiser->request({{"type", "poll.open"}, {"poll", poll}});
      if (code_of(o) != "ok") throw std::runtime_error("poll.open: " + o.dump());
      clients.push_back(std::move(organiser));

      // Writers: ops on the two documents (two writers share the first), one in flight each.
      for (std::size_t wi = 0; wi < writer_codes.size(); ++wi) {
        auto ws = sessions.open(srv, forum, writer_codes[wi]);
        ws->set_record(false);
        std::int64_t doc = docs[wi == 2 ? 1 : 0];
        json op = ws->request({{"type", "doc.open"}, {"doc", doc}});
        if (code_of(op) != "ok") throw std::runtime_error("doc.open: " + op.dump());
        std::int64_t rev = op["rev"];
        std::vector<std::string> opids;
        for (int i = 0; i < 400; ++i) opids.push_back("c" + std::to_string(wi) + "-" + std::to_string(opid_n++));
        WsClient* w = ws.get();
        clients.push_back(std::move(ws));
        load.emplace_back([&, w, wi, doc, rev, opids]() mutable {
          std::size_t next = 0;
          try {
            while (!stop) {
              json msg;
              bool resend = pending[wi].has;
              if (resend) {
                msg = pending[wi].msg;
              } else {
                if (next >= opids.size()) break;
                const std::string& id = opids[next++];
                msg = {{"type", "doc.op"}, {"doc", doc}, {"rev", rev}, {"op", {id + ";"}}, {"opid", id}};
                pending[wi] = {msg, true};
              }
              sent++;
              json r = w->request(msg, 10s);
              if (code_of(r) != "ok") throw std::runtime_error("doc.op refused: " + r.dump());
              std::lock_guard lock(acked.mu);
              std::string id = msg["opid"];
              acked.ops[id] = r["rev"];
              acked.op_doc[id] = doc;
              if (r.value("duplicate", false)) acked.duplicates_acked++;
              pending[wi].has = false;
              rev = std::max<std::int64_t>(rev, r["rev"]);
            }
          } catch (const std::exception&) {}  // the server went away
        });
      }
      // Amendments.
      {
        auto ws = sessions.open(srv, forum, amender_code);
        ws->set_record(false);
        WsClient* w = ws.get();
        clients.push_back(std::move(ws));
        int base = amendment_n;
        amendment_n += 1000;
        load.emplace_back([&, w, base]() {
          try {
            for (int i = 0; !stop; ++i) {
              std::string j = "crash amendment " + std::to_string(base + i);
              sent++;
              json r = w->request({{"type", "amendment.table"}, {"declaration", d_amend}, {"kind", "delete"}, {"clause", amend_clause},
                                   {"lang", "en"}, {"justification", j}}, 10s);
              if (code_of(r) != "ok") throw std::runtime_error("amendment.table refused: " + r.dump());
              std::lock_guard lock(acked.mu);
              acked.justifications.insert(j);
            }
          } catch (const std::exception&) {}
        });
      }
      // Registrations, each on a connection of its own.
      {
        int base = registration_n;
        registration_n += 1000;
        std::uint16_t port = srv.port();
        load.emplace_back([&, base, port]() {
          try {
            for (int i = 0; !stop; ++i) {
              WsClient c;
              c.set_record(false);
              c.connect(port);
              c.request({{"type", "hello"}, {"protocol", 1}}, 10s);
              std::string email = "crash" + std::to_string(base + i) + "@example.org";
              sent++;
              json r = c.request(registration(forum, email, "Crash Registrant"), 10s);
              if (code_of(r) != "ok") throw std::runtime_error("register refused: " + r.dump());
              std::lock_guard lock(acked.mu);
              acked.emails.insert(email);
            }
          } catch (const std::exception&) {}
        });
      }
      // Ballots: each voter casts once, at a random moment of the cycle.
      for (std::size_t vi = 0; vi < voters.size(); ++vi) {
        WsClient* w = voters[vi].get();
        int delay = std::uniform_int_distribution<int>(0, 400)(rng);
        clients.push_back(std::move(voters[vi]));
        load.emplace_back([&, w, vi, poll, delay]() {
          try {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            if (stop) return;
            sent++;
            json r = w->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", vi % 3 == 0 ? "no" : "yes"}}}}, 10s);
            if (code_of(r) != "ok") throw std::runtime_error("ballot.cast refused: " + r.dump());
            std::lock_guard lock(acked.mu);
            acked.ballots.emplace_back(poll, vi);
          } catch (const std::exception&) {}
        });
      }
    } catch (const std::exception& e) {
      stop = true;
      for (auto& t : load) t.join();
      FAIL() << "cycle " << k << ": setting up the load failed: " << e.what() << "\n" << srv.log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 500)(rng)));
    srv.kill();
    stop = true;
    for (auto& t : load) t.join();
    clients.clear();
    srv.start();
  }

  // Verification on the restarted server.
  auto organiser = logged_in(srv, forum, demo::kOrganiser);
  organiser->set_record(false);
  std::cout << "acknowledged: " << acked.ops.size() << " ops (" << acked.duplicates_acked << " re-sent, answered duplicate), "
            << acked.emails.size() << " registrations, " << acked.justifications.size() << " amendments, "
            << acked.ballots.size() << " ballots; " << sent << " requests sent\n";
  EXPECT_GT(acked.ops.size(), static_cast<std::size_t>(kills));
  EXPECT_GT(acked.emails.size(), 0u);
  EXPECT_GT(acked.justifications.size(), 0u);
  EXPECT_GT(acked.ballots.size(), 0u);

  std::map<std::string, int> seen_ops;
  plenary::store::Db stored(srv.db(), plenary::store::Db::Mode::ReadOnly);
  for (auto doc : docs) {
    json full = organiser->request({{"type", "doc.open"}, {"doc", doc}});
    ASSERT_OK(full);
    std::int64_t rev = full["rev"];
    std::cout << "doc " << doc << ": " << rev << " revisions\n";
    // The whole stored history, from the database itself: `doc.open {since: 0}` answers with the
    // text instead of the ops once a client is more than 5,000 revisions behind, and a fast
    // machine passes that within the run.
    struct Entry { std::int64_t rev; std::string op, opid; };
    std::vector<Entry> history;
    auto& st = stored.prepare("SELECT rev, op, opid FROM doc_ops WHERE doc=? ORDER BY rev");
    st.bind(1, doc);
    while (st.step()) history.push_back({st.int64(0), st.text(1), st.text(2)});
    st.reset();
    ASSERT_EQ(static_cast<std::int64_t>(history.size()), rev) << "doc " << doc << ": stored ops and revision disagree";
    // What a client catching up is sent equals the stored history (the newest 5,000 at most).
    std::int64_t since = std::max<std::int64_t>(0, rev - 5000);
    json hist = organiser->request({{"type", "doc.open"}, {"doc", doc}, {"since", since}});
    ASSERT_OK(hist);
    ASSERT_EQ(hist["rev"], rev);
    ASSERT_TRUE(hist.contains("ops")) << "doc " << doc << ": no ops for a catch-up of " << rev - since;
    ASSERT_EQ(static_cast<std::int64_t>(hist["ops"].size()), rev - since);
    for (auto& e : hist["ops"]) {
      const Entry& h = history[e["rev"].get<std::int64_t>() - 1];
      EXPECT_EQ(e["opid"], h.opid) << "doc " << doc << " rev " << h.rev;
      EXPECT_EQ(plenary::ot::parse(e["op"]), plenary::ot::parse(json::parse(h.op))) << "doc " << doc << " rev " << h.rev;
    }
    std::string text;
    std::int64_t expect_rev = 1;
    for (auto& h : history) {
      EXPECT_EQ(h.rev, expect_rev++) << "history of doc " << doc << " has a gap";
      text = plenary::ot::apply(text, plenary::ot::parse(json::parse(h.op)));
      if (++seen_ops[h.opid] > 1) ADD_FAILURE() << "op " << h.opid << " is stored twice";
      if (auto it = acked.ops.find(h.opid); it != acked.ops.end()) {
        EXPECT_EQ(it->second, h.rev) << "op " << h.opid << " was acknowledged at another revision";
        EXPECT_EQ(acked.op_doc[h.opid], doc);
      }
    }
    EXPECT_EQ(text, full["text"].get<std::string>()) << "doc " << doc << " differs from the replay of its history";
  }
  for (auto& [id, rev] : acked.ops) EXPECT_EQ(seen_ops[id], 1) << "acknowledged op " << id << " (rev " << rev << ") is lost";

  json al = organiser->request({{"type", "amendment.list"}, {"declaration", d_amend}});
  ASSERT_OK(al);
  std::map<std::string, int> just;
  for (auto& a : al["amendments"]) just[a.value("justification", "")]++;
  for (auto& j : acked.justifications) EXPECT_EQ(just[j], 1) << "acknowledged amendment '" << j << "'";
  for (auto& [j, n] : just) EXPECT_LE(n, 1) << "amendment '" << j << "' stored " << n << " times";

  json dl = organiser->request({{"type", "delegate.list"}, {"forum", forum}});
  ASSERT_OK(dl);
  std::map<std::string, int> emails;
  for (auto& d : dl["delegates"])
    if (d.contains("email") && d["email"].is_string()) emails[d["email"]]++;
  for (auto& e : acked.emails) EXPECT_EQ(emails[e], 1) << "acknowledged registration " << e;
  for (auto& [e, n] : emails) EXPECT_LE(n, 1) << e << " registered " << n << " times";

  std::map<std::int64_t, int> ballots_acked;
  for (auto& [poll, vi] : acked.ballots) ballots_acked[poll]++;
  std::vector<std::unique_ptr<WsClient>> voters;
  for (auto& vc : voter_codes) {
    voters.push_back(sessions.open(srv, forum, vc));
    voters.back()->set_record(false);
  }
  std::set<std::pair<std::int64_t, std::size_t>> voted(acked.ballots.begin(), acked.ballots.end());
  for (auto poll : polls) {
    json g = organiser->request({{"type", "poll.get"}, {"poll", poll}});
    ASSERT_OK(g);
    EXPECT_GE(g["poll"]["ballots"].get<int>(), ballots_acked[poll]) << "poll " << poll;
    EXPECT_LE(g["poll"]["ballots"].get<int>(), static_cast<int>(voter_codes.size())) << "poll " << poll;
    for (std::size_t vi = 0; vi < voters.size(); ++vi) {
      if (!voted.count({poll, vi})) continue;
      json v = voters[vi]->request({{"type", "poll.get"}, {"poll", poll}});
      ASSERT_OK(v);
      EXPECT_TRUE(v["poll"]["you"].value("voted", false)) << "acknowledged ballot of voter " << vi << " in poll " << poll << " is lost";
    }
  }
}
