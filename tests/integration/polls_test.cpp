// Polls and ballots against the real server: every method's lifecycle, forbidden transitions,
// bad ballots, racing double votes, secret-ballot storage, SIGKILL mid-poll, live counts,
// published results, proxies and the organisation voting unit.
#include <filesystem>
#include <fstream>
#include <set>

#include "common.hpp"
#include "store/db.hpp"

using namespace it;

namespace {

// A seed: the demo forum plus `voters` accredited delegates (role delegate) with badge codes
// VOTE-0000-0001.., spread over the first `orgs` organisations of the demo.
std::string voter_code(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "VOTE-%04d-%04d", i / 10000, i % 10000);
  return buf;
}

std::string make_seed(const std::string& dir, int voters, int orgs, const std::string& unit) {
  std::ifstream in(source_dir() + "/seed/forum.json");
  json seed = json::parse(in);
  seed["forum"]["voting_unit"] = unit;
  std::vector<std::string> org_keys;
  for (auto& o : seed["organisations"]) org_keys.push_back(o["key"]);
  for (int i = 1; i <= voters; ++i)
    seed["delegates"].push_back({{"key", "voter_" + std::to_string(i)},
                                 {"name", "Voter " + std::to_string(i)},
                                 {"organisation", org_keys[static_cast<size_t>(i % orgs)]},
                                 {"country", "MX"},
                                 {"languages", {"es"}},
                                 {"roles", {"delegate"}},
                                 {"status", "accredited"},
                                 {"code", voter_code(i)}});
  std::string path = dir + "/poll-seed-" + std::to_string(voters) + "-" + unit + ".json";
  std::ofstream(path) << seed.dump();
  return path;
}

std::string seed_dir() {
  static std::string d = [] {
    auto p = std::filesystem::temp_directory_path() / ("plenary-polls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return d;
}

struct Polls {
  std::unique_ptr<ServerProcess> srv;
  std::int64_t forum = 0, plenary = 0;
  std::unique_ptr<WsClient> org;
  std::vector<std::unique_ptr<WsClient>> voters;
  std::vector<std::int64_t> voter_ids;

  explicit Polls(int n_voters = 6, const std::string& unit = "delegate", int orgs = 10) {
    srv = std::make_unique<ServerProcess>(std::vector<std::string>{"--seed", make_seed(seed_dir(), n_voters + 5, orgs, unit)},
                                          false);
    forum = forum_of(*srv);
    org = logged_in(*srv, forum, demo::kOrganiser);
    json f = org->request({{"type", "forum.get"}, {"forum", forum}});
    plenary = f.at("plenary").get<std::int64_t>();
    for (int i = 1; i <= n_voters; ++i) add_voter(i);
  }
  // Logs in voter i and joins the plenary.
  WsClient& add_voter(int i) {
    std::int64_t id = 0;
    auto c = login_as(*srv, forum, voter_code(i), &id);
    json r = c->request({{"type", "room.join"}, {"room", plenary}});
    if (code_of(r) != "ok") throw std::runtime_error("room.join: " + r.dump());
    voters.push_back(std::move(c));
    voter_ids.push_back(id);
    return *voters.back();
  }
  static std::unique_ptr<WsClient> login_as(const ServerProcess& srv, std::int64_t forum, const std::string& code,
                                            std::int64_t* id) {
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    json r = login_code(*c, forum, code);
    if (code_of(r) != "ok") throw std::runtime_error("login " + code + ": " + r.dump());
    *id = r.at("delegate").at("id").get<std::int64_t>();
    return c;
  }
  json create(json fields) {
    fields["type"] = "poll.create";
    if (!fields.contains("room")) fields["room"] = plenary;
    if (!fields.contains("secret")) fields["secret"] = false;
    if (!fields.contains("question") && !fields.contains("amendment") && !fields.contains("declaration"))
      fields["question"] = "Shall we adopt the agenda?";
    return org->request(fields);
  }
  std::int64_t open_poll(json fields) {
    json c = create(std::move(fields));
    if (code_of(c) != "ok") throw std::runtime_error("poll.create: " + c.dump());
    std::int64_t id = c["poll"]["id"];
    json o = org->request({{"type", "poll.open"}, {"poll", id}});
    if (code_of(o) != "ok") throw std::runtime_error("poll.open: " + o.dump());
    return id;
  }
  json cast(size_t voter, std::int64_t poll, json choice) {
    return voters.at(voter)->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", choice}});
  }
  json act(const char* type, std::int64_t poll) { return org->request({{"type", type}, {"poll", poll}}); }
};

// Counts rows of a query on the server's database (read-only, WAL: sees committed data).
std::int64_t count_rows(const ServerProcess& srv, const std::string& sql) {
  plenary::store::Db db(srv.db(), plenary::store::Db::Mode::ReadOnly);
  auto& st = db.prepare(sql);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace

TEST(Polls, YesNoLifecycleNamedWithLiveCountAndPublishedResult) {
  Polls t(5);
  json c = t.create({{"method", "yes_no_abstain"}, {"threshold", "simple_majority"}, {"quorum", {{"kind", "fraction"}, {"p", 1}, {"q", 2}}},
                     {"title", "Agenda"}});
  ASSERT_OK(c);
  std::int64_t id = c["poll"]["id"];
  EXPECT_EQ(c["poll"]["state"], "created");
  EXPECT_EQ(c["poll"]["settings"]["threshold"]["kind"], "simple_majority");
  // Forbidden transitions from created, and no ballot before opening.
  EXPECT_ERR(t.act("poll.close", id), "invalid_state");
  EXPECT_ERR(t.act("poll.publish", id), "invalid_state");
  EXPECT_ERR(t.cast(0, id, {{"vote", "yes"}}), "invalid_state");
  // Delegates do not run polls.
  EXPECT_ERR(t.voters[0]->request({{"type", "poll.open"}, {"poll", id}}), "not_allowed");

  json o = t.act("poll.open", id);
  ASSERT_OK(o);
  EXPECT_EQ(o["poll"]["state"], "open");
  EXPECT_EQ(o["poll"]["voters"], 5);
  EXPECT_EQ(o["poll"]["entitled"], 5);
  EXPECT_ERR(t.act("poll.open", id), "invalid_state");
  EXPECT_ERR(t.act("poll.publish", id), "invalid_state");
  auto upd = t.voters[4]->wait_push("poll.updated", 5s);
  ASSERT_TRUE(upd);

  const char* votes[] = {"yes", "yes", "no", "abstain"};
  for (size_t i = 0; i < 4; ++i) EXPECT_OK(t.cast(i, id, {{"vote", votes[i]}}));
  // The count reaches a delegate who has not voted, without any choice in it.
  int seen = -1;
  for (int k = 0; k < 20 && seen != 4; ++k) {
    auto p = t.voters[4]->wait_push("poll.count", 2s);
    ASSERT_TRUE(p) << "no poll.count push";
    EXPECT_EQ((*p)["poll"], id);
    EXPECT_EQ((*p)["entitled"], 5);
    EXPECT_FALSE(p->contains("choice"));
    seen = (*p)["ballots"];
  }
  EXPECT_EQ(seen, 4);
  json g = t.voters[0]->request({{"type", "poll.get"}, {"poll", id}});
  ASSERT_OK(g);
  EXPECT_TRUE(g["poll"]["you"]["voted"].get<bool>());
  EXPECT_TRUE(g["poll"]["result"].is_null());

  json missing = t.act("poll.missing", id);
  ASSERT_OK(missing);
  ASSERT_EQ(missing["delegates"].size(), 1u);
  EXPECT_EQ(missing["delegates"][0]["delegate"], t.voter_ids[4]);
  EXPECT_ERR(t.voters[0]->request({{"type", "poll.missing"}, {"poll", id}}), "not_allowed");

  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["state"], "closed");
  EXPECT_EQ(cl["poll"]["result"]["outcome"], "adopted");
  EXPECT_ERR(t.act("poll.close", id), "invalid_state");
  EXPECT_ERR(t.act("poll.open", id), "invalid_state");
  EXPECT_ERR(t.cast(4, id, {{"vote", "no"}}), "invalid_state");
  // Closed but unpublished: delegates do not see the result yet.
  json g2 = t.voters[4]->request({{"type", "poll.get"}, {"poll", id}});
  EXPECT_TRUE(g2["poll"]["result"].is_null());

  json pub = t.act("poll.publish", id);
  ASSERT_OK(pub);
  EXPECT_EQ(pub["poll"]["state"], "published");
  EXPECT_ERR(t.act("poll.publish", id), "invalid_state");
  auto res = t.voters[4]->wait_push("poll.result", 5s);
  ASSERT_TRUE(res);
  auto& r = (*res)["result"];
  EXPECT_EQ(r["outcome"], "adopted");
  EXPECT_TRUE(r["passed"].get<bool>());
  EXPECT_EQ(r["ballots"], 4);
  EXPECT_EQ(r["entitled"], 5);
  EXPECT_EQ(r["detail"]["counts"]["yes"], 2);
  EXPECT_EQ(r["detail"]["counts"]["no"], 1);
  EXPECT_EQ(r["detail"]["counts"]["abstain"], 1);
  EXPECT_EQ(r["detail"]["threshold"]["rule"], "simple_majority");
  EXPECT_FALSE(r["detail"]["threshold"]["explanation"].get<std::string>().empty()) << r.dump();
  EXPECT_TRUE(r["quorum"]["passed"].get<bool>()) << r.dump();
  // Named: each vote is published.
  ASSERT_EQ(r["votes"].size(), 4u);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM events WHERE type LIKE 'poll.%'"), 4);  // created, opened, closed, published
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM events WHERE type='ballot.cast'"), 4);
}

TEST(Polls, EveryMethodLifecycle) {
  Polls t(5);
  // single choice: b wins 3-2.
  {
    std::int64_t id = t.open_poll({{"method", "single_choice"}, {"options", {"a", "b", "c"}}});
    const char* picks[] = {"b", "a", "b", "a", "b"};
    for (size_t i = 0; i < 5; ++i) EXPECT_OK(t.cast(i, id, {{"option", picks[i]}}));
    ASSERT_OK(t.act("poll.close", id));
    json p = t.act("poll.publish", id);
    ASSERT_OK(p);
    EXPECT_EQ(p["poll"]["result"]["outcome"], "elected");
    EXPECT_EQ(p["poll"]["result"]["winner"], "b");
  }
  // ranked (Schulze): a Condorcet winner "y".
  {
    std::int64_t id = t.open_poll({{"method", "ranked"}, {"options", {"x", "y", "z"}}, {"secret", true}});
    json rankings[] = {{"y", "x", "z"}, {"y", "z", "x"}, {"x", "y", "z"}, {"z", "y", "x"}, {"y"}};
    for (size_t i = 0; i < 5; ++i) EXPECT_OK(t.cast(i, id, {{"ranking", rankings[i]}}));
    ASSERT_OK(t.act("poll.close", id));
    json p = t.act("poll.publish", id);
    ASSERT_OK(p);
    EXPECT_EQ(p["poll"]["result"]["outcome"], "elected");
    EXPECT_EQ(p["poll"]["result"]["winner"], "y");
    EXPECT_FALSE(p["poll"]["result"].contains("votes")) << "a secret poll publishes no votes";
  }
  // consensus: one block with a reason, fallback two thirds decides.
  {
    std::int64_t id = t.open_poll({{"method", "consensus"}, {"consensus_fallback", "two_thirds"}});
    EXPECT_ERR(t.cast(0, id, {{"position", "block"}}), "bad_message");  // a block needs a reason
    EXPECT_OK(t.cast(0, id, {{"position", "block"}, {"reason", "excludes undocumented workers"}}));
    for (size_t i = 1; i < 4; ++i) EXPECT_OK(t.cast(i, id, {{"position", "agree"}}));
    EXPECT_OK(t.cast(4, id, {{"position", "stand_aside"}}));
    // Moderators see the block while the named poll is open.
    json g = t.act("poll.get", id);
    ASSERT_OK(g);
    ASSERT_EQ(g["poll"]["blocks"].size(), 1u);
    EXPECT_EQ(g["poll"]["blocks"][0]["reason"], "excludes undocumented workers");
    json d = t.voters[1]->request({{"type", "poll.get"}, {"poll", id}});
    EXPECT_FALSE(d["poll"].contains("blocks"));
    ASSERT_OK(t.act("poll.close", id));
    json p = t.act("poll.publish", id);
    ASSERT_OK(p);
    EXPECT_EQ(p["poll"]["result"]["outcome"], "adopted_by_fallback") << p.dump();
  }
  // yes/no with two thirds, a tie-ish failure: 2 yes, 2 no → rejected.
  {
    std::int64_t id = t.open_poll({{"method", "yes_no_abstain"}, {"threshold", {{"kind", "two_thirds"}}}});
    const char* v[] = {"yes", "no", "yes", "no"};
    for (size_t i = 0; i < 4; ++i) EXPECT_OK(t.cast(i, id, {{"vote", v[i]}}));
    json cl = t.act("poll.close", id);
    ASSERT_OK(cl);
    EXPECT_EQ(cl["poll"]["result"]["outcome"], "rejected");
    EXPECT_EQ(cl["poll"]["result"]["detail"]["threshold"]["rule"], "two_thirds");
  }
  // fraction of those entitled, strict: 3 yes of 5 entitled > 1/2 → adopted; quorum absolute 4.
  {
    std::int64_t id = t.open_poll({{"method", "yes_no_abstain"},
                                   {"threshold", {{"kind", "fraction"}, {"p", 1}, {"q", 2}, {"base", "entitled"}, {"strict", true}}},
                                   {"quorum", {{"kind", "absolute"}, {"minimum", 4}}}});
    const char* v[] = {"yes", "yes", "yes"};
    for (size_t i = 0; i < 3; ++i) EXPECT_OK(t.cast(i, id, {{"vote", v[i]}}));
    json cl = t.act("poll.close", id);
    ASSERT_OK(cl);
    EXPECT_EQ(cl["poll"]["result"]["outcome"], "no_quorum") << cl.dump();  // 3 present < 4
  }
  json l = t.org->request({{"type", "poll.list"}, {"room", t.plenary}});
  ASSERT_OK(l);
  EXPECT_EQ(l["polls"].size(), 5u);
}

TEST(Polls, BadBallotsRecordNothing) {
  Polls t(4);
  auto observer = logged_in(*t.srv, t.forum, demo::kObserver);
  ASSERT_OK(observer->request({{"type", "room.join"}, {"room", t.plenary}}));
  // A registered (not accredited) delegate.
  WsClient reg;
  reg.connect(t.srv->port());
  ASSERT_OK(reg.request({{"type", "hello"}, {"protocol", 1}}));
  ASSERT_OK(reg.request(registration(t.forum, "unaccredited@example.org")));
  // An accredited delegate who is not in the room.
  auto absent = logged_in(*t.srv, t.forum, demo::kDelegate2);

  std::int64_t ranked = t.open_poll({{"method", "ranked"}, {"options", {"a", "b", "c"}}});
  std::int64_t yn = t.open_poll({{"method", "yes_no_abstain"}});
  EXPECT_ERR(t.cast(0, 999999, {{"vote", "yes"}}), "not_found");
  EXPECT_ERR(observer->request({{"type", "ballot.cast"}, {"poll", yn}, {"choice", {{"vote", "yes"}}}}), "not_allowed");
  EXPECT_ERR(reg.request({{"type", "ballot.cast"}, {"poll", yn}, {"choice", {{"vote", "yes"}}}}), "not_accredited");
  EXPECT_ERR(absent->request({{"type", "ballot.cast"}, {"poll", yn}, {"choice", {{"vote", "yes"}}}}), "not_allowed");
  EXPECT_ERR(t.cast(0, yn, {{"vote", "maybe"}}), "bad_message");
  EXPECT_ERR(t.cast(0, yn, "yes"), "bad_message");
  EXPECT_ERR(t.cast(0, ranked, {{"ranking", {"a", "a", "b"}}}), "bad_message");
  EXPECT_ERR(t.cast(0, ranked, {{"ranking", {"a", "d"}}}), "bad_message");
  EXPECT_ERR(t.cast(0, ranked, {{"ranking", json::array()}}), "bad_message");
  EXPECT_ERR(t.voters[0]->request({{"type", "ballot.cast"}, {"poll", yn}}), "bad_message");
  // Someone who joined after the opening is not on the roll.
  auto& late = t.add_voter(5);
  EXPECT_ERR(late.request({{"type", "ballot.cast"}, {"poll", yn}, {"choice", {{"vote", "yes"}}}}), "not_allowed");
  // A voter who left the room cannot vote.
  ASSERT_OK(t.voters[3]->request({{"type", "room.leave"}, {"room", t.plenary}}));
  EXPECT_ERR(t.cast(3, yn, {{"vote", "yes"}}), "not_allowed");
  // Nothing was recorded.
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM poll_voted"), 0);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM named_ballots"), 0);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM events WHERE type='ballot.cast'"), 0);
  // A good ballot, then a second one: duplicate, and the first one stands.
  EXPECT_OK(t.cast(0, yn, {{"vote", "yes"}}));
  EXPECT_ERR(t.cast(0, yn, {{"vote", "no"}}), "duplicate");
  EXPECT_OK(t.cast(1, ranked, {{"ranking", {"c", "a"}}}));
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM poll_voted"), 2);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM named_ballots WHERE choice LIKE '%yes%'"), 1);
  // Bad poll settings.
  EXPECT_ERR(t.create({{"method", "plurality"}}), "bad_message");
  EXPECT_ERR(t.create({{"method", "single_choice"}, {"options", {"a"}}}), "bad_message");
  EXPECT_ERR(t.create({{"method", "yes_no_abstain"}, {"threshold", "most"}}), "bad_message");
  EXPECT_ERR(t.create({{"method", "yes_no_abstain"}, {"secret", true}, {"revote", true}}), "bad_message");
  EXPECT_ERR(t.create({{"method", "yes_no_abstain"}, {"question", "q"}, {"declaration", 1}}), "bad_message");
  EXPECT_ERR(t.voters[0]->request({{"type", "poll.create"}, {"room", t.plenary}, {"method", "yes_no_abstain"},
                                   {"secret", false}, {"question", "q"}}),
             "not_allowed");
}

TEST(Polls, RevoteInNamedPollLastCounts) {
  Polls t(3);
  std::int64_t id = t.open_poll({{"method", "yes_no_abstain"}, {"revote", true}});
  EXPECT_OK(t.cast(0, id, {{"vote", "no"}}));
  EXPECT_OK(t.cast(0, id, {{"vote", "yes"}}));
  EXPECT_OK(t.cast(1, id, {{"vote", "yes"}}));
  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["result"]["detail"]["counts"]["yes"], 2);
  EXPECT_EQ(cl["poll"]["result"]["detail"]["counts"]["no"], 0);
  EXPECT_EQ(cl["poll"]["ballots"], 2);
  EXPECT_ERR(t.cast(0, id, {{"vote", "no"}}), "invalid_state");
}

TEST(Polls, RacingDoubleVotesLeaveOneBallotEach) {
  const int n = 60;
  Polls t(n);
  // A second connection per voter, also in the room.
  std::vector<std::unique_ptr<WsClient>> twins;
  for (int i = 1; i <= n; ++i) {
    auto c = logged_in(*t.srv, t.forum, voter_code(i));
    ASSERT_OK(c->request({{"type", "room.join"}, {"room", t.plenary}}));
    c->set_record(false);
    twins.push_back(std::move(c));
  }
  for (auto& v : t.voters) v->set_record(false);
  std::int64_t id = t.open_poll({{"method", "yes_no_abstain"}, {"secret", true}});
  // Every connection fires three ballots at once.
  std::vector<std::pair<WsClient*, json>> sent;
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < n; ++i)
      for (WsClient* c : {t.voters[static_cast<size_t>(i)].get(), twins[static_cast<size_t>(i)].get()})
        sent.emplace_back(c, c->send({{"type", "ballot.cast"}, {"poll", id}, {"choice", {{"vote", k == 0 ? "yes" : "no"}}}}));
  std::map<WsClient*, int> oks;
  int dups = 0;
  for (auto& [c, rid] : sent) {
    json r = c->wait_reply(rid);
    if (code_of(r) == "ok") oks[c]++;
    else if (code_of(r) == "duplicate") dups++;
    else ADD_FAILURE() << r.dump();
  }
  int total_ok = 0;
  for (int i = 0; i < n; ++i) {
    int a = oks[t.voters[static_cast<size_t>(i)].get()], b = oks[twins[static_cast<size_t>(i)].get()];
    EXPECT_EQ(a + b, 1) << "voter " << i;
    total_ok += a + b;
  }
  EXPECT_EQ(total_ok, n);
  EXPECT_EQ(dups, 6 * n - n);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM poll_voted WHERE poll=" + std::to_string(id)), n);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM secret_ballots WHERE poll=" + std::to_string(id)), n);
  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["result"]["ballots"], n);
}

TEST(Polls, SecretBallotsCannotBeLinkedToVoters) {
  const int n = 8;
  Polls t(n);
  std::vector<std::string> options;
  for (int i = 0; i < n; ++i) options.push_back("opt" + std::to_string(i));
  std::int64_t id = t.open_poll({{"method", "single_choice"}, {"options", options}, {"secret", true}});
  // Voter i picks option i, in order: the vote order is the option order.
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) ASSERT_OK(t.cast(i, id, {{"option", options[i]}}));
  ASSERT_OK(t.act("poll.close", id));
  json pub = t.act("poll.publish", id);
  ASSERT_OK(pub);
  EXPECT_FALSE(pub["poll"]["result"].contains("votes"));
  EXPECT_EQ(t.srv->terminate(), 0);

  plenary::store::Db db(t.srv->db(), plenary::store::Db::Mode::ReadOnly);
  // The ballot table has no column that could name or order a voter.
  std::set<std::string> cols;
  auto& info = db.prepare("SELECT name FROM pragma_table_info('secret_ballots')");
  while (info.step()) cols.insert(info.text(0));
  info.reset();
  EXPECT_EQ(cols, (std::set<std::string>{"poll", "id", "choice", "weight"}));
  // No rowid either (WITHOUT ROWID): rows are ordered by their random ids only.
  EXPECT_THROW(db.prepare("SELECT rowid FROM secret_ballots"), plenary::store::DbError);
  EXPECT_THROW(db.prepare("SELECT rowid FROM poll_voted"), plenary::store::DbError);
  std::set<std::string> vcols;
  auto& vinfo = db.prepare("SELECT name FROM pragma_table_info('poll_voted')");
  while (vinfo.step()) vcols.insert(vinfo.text(0));
  vinfo.reset();
  EXPECT_EQ(vcols, (std::set<std::string>{"poll", "unit", "voter", "cast_by"}));
  // The stored order of ballots is not the order of the votes.
  std::vector<std::string> stored;
  auto& b = db.prepare("SELECT choice, length(id) FROM secret_ballots WHERE poll=?");
  b.bind(1, id);
  while (b.step()) {
    stored.push_back(json::parse(b.text(0))["option"]);
    EXPECT_EQ(b.int64(1), 16);
  }
  b.reset();
  ASSERT_EQ(stored.size(), static_cast<size_t>(n));
  EXPECT_NE(stored, options) << "ballots are stored in voting order";
  // No choice anywhere in the audit log or in the has-voted rows.
  auto& e = db.prepare("SELECT payload FROM events WHERE type='ballot.cast'");
  int events = 0;
  while (e.step()) {
    ++events;
    EXPECT_EQ(e.text(0).find("opt"), std::string::npos) << e.text(0);
  }
  e.reset();
  EXPECT_EQ(events, n);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM named_ballots"), 0);
  // The stored result names no voter.
  auto& r = db.prepare("SELECT result FROM polls WHERE id=?");
  r.bind(1, id);
  ASSERT_TRUE(r.step());
  json result = json::parse(r.text(0));
  r.reset();
  EXPECT_FALSE(result.contains("votes"));
  EXPECT_EQ(result["ballots"], n);
}

TEST(Polls, SigkillMidPollKeepsEveryAcknowledgedBallot) {
  const int n = 20;
  Polls t(n);
  std::int64_t secret = t.open_poll({{"method", "yes_no_abstain"}, {"secret", true}});
  std::int64_t named = t.open_poll({{"method", "single_choice"}, {"options", {"a", "b"}}});
  // Half vote and are acknowledged; the other half fire ballots and are killed mid-flight.
  int acked = 0;
  for (size_t i = 0; i < static_cast<size_t>(n / 2); ++i) {
    ASSERT_OK(t.cast(i, secret, {{"vote", i % 3 ? "yes" : "no"}}));
    ASSERT_OK(t.cast(i, named, {{"option", i % 2 ? "a" : "b"}}));
    ++acked;
  }
  std::vector<std::pair<size_t, json>> inflight;
  for (size_t i = static_cast<size_t>(n / 2); i < static_cast<size_t>(n); ++i) {
    t.voters[i]->set_record(false);
    inflight.emplace_back(i, t.voters[i]->send({{"type", "ballot.cast"}, {"poll", secret}, {"choice", {{"vote", "yes"}}}}));
  }
  // Collect whatever was acknowledged before the kill.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  t.srv->kill();
  int late_acks = 0;
  for (auto& [i, rid] : inflight) {
    try {
      json r = t.voters[i]->wait_reply(rid, 2s);
      if (code_of(r) == "ok") ++late_acks;
    } catch (...) {
    }
  }
  t.srv->start();
  auto org = logged_in(*t.srv, t.forum, demo::kOrganiser);
  json g = org->request({{"type", "poll.get"}, {"poll", secret}});
  ASSERT_OK(g);
  EXPECT_EQ(g["poll"]["state"], "open");
  EXPECT_GE(g["poll"]["ballots"].get<int>(), acked + late_acks);
  json gn = org->request({{"type", "poll.get"}, {"poll", named}});
  EXPECT_EQ(gn["poll"]["ballots"], acked);
  // The rebuilt poll still refuses a second ballot and accepts the rest.
  auto v0 = logged_in(*t.srv, t.forum, voter_code(1));
  ASSERT_OK(v0->request({{"type", "room.join"}, {"room", t.plenary}}));
  EXPECT_ERR(v0->request({{"type", "ballot.cast"}, {"poll", secret}, {"choice", {{"vote", "yes"}}}}), "duplicate");
  auto vl = logged_in(*t.srv, t.forum, voter_code(n));
  ASSERT_OK(vl->request({{"type", "room.join"}, {"room", t.plenary}}));
  EXPECT_OK(vl->request({{"type", "ballot.cast"}, {"poll", named}, {"choice", {{"option", "a"}}}}));
  json cl = org->request({{"type", "poll.close"}, {"poll", named}});
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["result"]["ballots"], acked + 1);
  int counted = 0;
  for (auto& o : cl["poll"]["result"]["detail"]["counts"]) counted += o["votes"].get<int>();
  EXPECT_EQ(counted, acked + 1) << cl.dump();
  json cs = org->request({{"type", "poll.close"}, {"poll", secret}});
  ASSERT_OK(cs);
  EXPECT_GE(cs["poll"]["result"]["ballots"].get<int>(), acked + late_acks);
}

TEST(Polls, ProxiesWithLimit) {
  Polls t(4);
  json c = t.create({{"method", "yes_no_abstain"}, {"max_proxies", 1}});
  ASSERT_OK(c);
  std::int64_t id = c["poll"]["id"];
  auto a = t.voter_ids[0], b = t.voter_ids[1], h = t.voter_ids[2];
  EXPECT_ERR(t.voters[0]->request({{"type", "proxy.grant"}, {"poll", id}, {"principal", a}, {"holder", h}}), "not_allowed");
  EXPECT_ERR(t.org->request({{"type", "proxy.grant"}, {"poll", id}, {"principal", h}, {"holder", h}}), "bad_message");
  EXPECT_OK(t.org->request({{"type", "proxy.grant"}, {"poll", id}, {"principal", a}, {"holder", h}}));
  // K = 1: a second proxy for the same holder is refused.
  EXPECT_ERR(t.org->request({{"type", "proxy.grant"}, {"poll", id}, {"principal", b}, {"holder", h}}), "not_allowed");
  // The principal leaves the room before the opening: still on the roll through the proxy.
  ASSERT_OK(t.voters[0]->request({{"type", "room.leave"}, {"room", t.plenary}}));
  ASSERT_OK(t.act("poll.open", id));
  // Not a holder for b.
  EXPECT_ERR(t.voters[2]->request({{"type", "ballot.cast"}, {"poll", id}, {"for", b}, {"choice", {{"vote", "yes"}}}}),
             "not_allowed");
  EXPECT_OK(t.voters[2]->request({{"type", "ballot.cast"}, {"poll", id}, {"for", a}, {"choice", {{"vote", "yes"}}}}));
  EXPECT_OK(t.cast(2, id, {{"vote", "no"}}));
  EXPECT_ERR(t.voters[2]->request({{"type", "ballot.cast"}, {"poll", id}, {"for", a}, {"choice", {{"vote", "no"}}}}),
             "duplicate");
  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["result"]["detail"]["counts"]["yes"], 1);
  EXPECT_EQ(cl["poll"]["result"]["detail"]["counts"]["no"], 1);
  EXPECT_EQ(cl["poll"]["voters"], 4);  // three present, one principal by proxy
  bool found = false;
  for (auto& v : cl["poll"]["result"]["votes"])
    if (v["voter"] == a) {
      found = true;
      EXPECT_EQ(v["cast_by"], h);
    }
  EXPECT_TRUE(found);
}

TEST(Polls, OrganisationVotingUnit) {
  // 6 voters over 3 organisations: one ballot per organisation.
  Polls t(6, "organisation", 3);
  std::int64_t id = t.open_poll({{"method", "yes_no_abstain"}});
  json g = t.act("poll.get", id);
  EXPECT_EQ(g["poll"]["settings"]["unit"], "organisation");
  EXPECT_EQ(g["poll"]["entitled"], 3);
  // Voters i and i+3 share an organisation.
  EXPECT_OK(t.cast(0, id, {{"vote", "yes"}}));
  EXPECT_ERR(t.cast(3, id, {{"vote", "no"}}), "duplicate");
  EXPECT_OK(t.cast(1, id, {{"vote", "yes"}}));
  EXPECT_OK(t.cast(5, id, {{"vote", "no"}}));
  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_EQ(cl["poll"]["result"]["ballots"], 3);
  EXPECT_EQ(cl["poll"]["result"]["entitled"], 3);
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM poll_voted WHERE poll=" + std::to_string(id)), 3);
}

TEST(Polls, WorkshopModeratorRunsPollsInTheirRoomOnly) {
  Polls t(1);
  std::int64_t grace = 0;
  auto mod = Polls::login_as(*t.srv, t.forum, "N3BG-MZQH-TAYZ", &grace);  // grace_mwangi, moderator of w01
  json f = t.org->request({{"type", "forum.get"}, {"forum", t.forum}});
  std::int64_t w01_room = 0, other_room = 0;
  for (auto& s : f["programme"]["slots"])
    for (auto& w : s["workshops"]) {
      if (w["moderator"] == grace) w01_room = w["room"];
      else if (!other_room) other_room = w["room"];
    }
  ASSERT_NE(w01_room, 0);
  ASSERT_OK(mod->request({{"type", "room.join"}, {"room", w01_room}}));
  json c = mod->request({{"type", "poll.create"}, {"room", w01_room}, {"method", "yes_no_abstain"}, {"secret", false},
                         {"question", "Report back to the plenary?"}});
  ASSERT_OK(c);
  EXPECT_ERR(mod->request({{"type", "poll.create"}, {"room", other_room}, {"method", "yes_no_abstain"}, {"secret", false},
                           {"question", "q"}}),
             "not_allowed");
  EXPECT_ERR(mod->request({{"type", "poll.create"}, {"room", t.plenary}, {"method", "yes_no_abstain"}, {"secret", false},
                           {"question", "q"}}),
             "not_allowed");
  std::int64_t id = c["poll"]["id"];
  // Only the moderator is present (and is a delegate): the roll has one voter.
  json o = mod->request({{"type", "poll.open"}, {"poll", id}});
  ASSERT_OK(o);
  EXPECT_EQ(o["poll"]["voters"], 1);
  EXPECT_OK(mod->request({{"type", "ballot.cast"}, {"poll", id}, {"choice", {{"vote", "yes"}}}}));
  EXPECT_OK(mod->request({{"type", "poll.close"}, {"poll", id}}));
  EXPECT_OK(mod->request({{"type", "poll.publish"}, {"poll", id}}));
  // An empty room cannot open a poll.
  json c2 = t.create({{"room", other_room}, {"method", "yes_no_abstain"}});
  ASSERT_OK(c2);
  EXPECT_ERR(t.act("poll.open", c2["poll"]["id"]), "invalid_state");
}

TEST(Polls, DeclarationPollAdoptsTheDeclaration) {
  Polls t(3);
  std::int64_t decl = seeded_declaration(*t.org, t.forum);
  json c = t.create({{"method", "yes_no_abstain"}, {"declaration", decl}, {"threshold", "two_thirds"}});
  ASSERT_OK(c);
  std::int64_t id = c["poll"]["id"];
  // The declaration is still being drafted: no final vote yet.
  EXPECT_ERR(t.act("poll.open", id), "invalid_state");
  ASSERT_OK(t.org->request({{"type", "declaration.phase"}, {"declaration", decl}, {"phase", "amendments"}}));
  ASSERT_OK(t.org->request({{"type", "declaration.phase"}, {"declaration", decl}, {"phase", "voting"}}));
  EXPECT_ERR(t.create({{"method", "ranked"}, {"options", {"a", "b"}}, {"declaration", decl}}), "bad_message");
  ASSERT_OK(t.act("poll.open", id));
  for (size_t i = 0; i < 3; ++i) EXPECT_OK(t.cast(i, id, {{"vote", i < 2 ? "yes" : "no"}}));
  json cl = t.act("poll.close", id);
  ASSERT_OK(cl);
  EXPECT_TRUE(cl["poll"]["result"]["passed"].get<bool>()) << cl.dump();
  json d = t.org->request({{"type", "declaration.get"}, {"declaration", decl}});
  EXPECT_EQ(d["declaration"]["phase"], "adopted");
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM events WHERE type='declaration.phase' AND actor IS NULL"), 1);
}

TEST(Polls, AmendmentPollDecidesTheAmendment) {
  Polls t(3);
  std::int64_t decl = seeded_declaration(*t.org, t.forum);
  ASSERT_OK(t.org->request({{"type", "declaration.phase"}, {"declaration", decl}, {"phase", "amendments"}}));
  json d = t.org->request({{"type", "declaration.get"}, {"declaration", decl}});
  std::vector<std::int64_t> clauses;
  for (auto& c : d["declaration"]["clauses"])
    if (c["kind"] == "clause") clauses.push_back(c["id"]);
  ASSERT_GE(clauses.size(), 2u);
  auto delegate = logged_in(*t.srv, t.forum, demo::kDelegate);
  auto table = [&](std::int64_t clause) -> std::int64_t {
    json r = delegate->request({{"type", "amendment.table"}, {"declaration", decl}, {"kind", "delete"}, {"clause", clause},
                                {"lang", "en"}, {"justification", "Redundant."}});
    if (code_of(r) == "unknown_type") return 0;
    EXPECT_OK(r);
    std::int64_t id = r["amendment"]["id"];
    for (const char* to : {"admissible", "scheduled"})
      EXPECT_OK(t.org->request({{"type", "amendment.transition"}, {"amendment", id}, {"to", to}}));
    return id;
  };
  std::int64_t a1 = table(clauses[0]);
  if (!a1) GTEST_SKIP() << "amendment.table is not available in this build";
  std::int64_t a2 = table(clauses[1]);
  auto state_of = [&](std::int64_t a) {
    return t.org->request({{"type", "amendment.get"}, {"amendment", a}})["amendment"]["state"].get<std::string>();
  };
  // Passed: adopted. Failed: rejected.
  std::int64_t p1 = t.open_poll({{"method", "yes_no_abstain"}, {"amendment", a1}});
  EXPECT_EQ(state_of(a1), "voting");
  // A second poll on an amendment already being voted on cannot be created.
  EXPECT_ERR(t.create({{"method", "yes_no_abstain"}, {"amendment", a1}}), "invalid_state");
  std::int64_t p2 = t.open_poll({{"method", "yes_no_abstain"}, {"amendment", a2}, {"threshold", "two_thirds"}});
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_OK(t.cast(i, p1, {{"vote", "yes"}}));
    EXPECT_OK(t.cast(i, p2, {{"vote", i == 0 ? "yes" : "no"}}));
  }
  ASSERT_OK(t.act("poll.close", p1));
  ASSERT_OK(t.act("poll.close", p2));
  EXPECT_EQ(state_of(a1), "adopted");
  EXPECT_EQ(state_of(a2), "rejected");
  EXPECT_EQ(count_rows(*t.srv, "SELECT COUNT(*) FROM events WHERE type='amendment.state'"), 4);
}
