// Amendments and declaration versions against the real server: tabling, the workflow's every
// allowed and forbidden transition over the wire, roles, the tabling deadline, co-sponsors
// reconfirming after an edit, composites, the voting order, bad input, and (once polls exist)
// adopted amendments applied to the live text with rebase, conflicts, and versions.
#include <set>

#include "common.hpp"

using namespace it;

namespace {

struct Amend {
  ServerProcess srv{{"--max-msg-rate", "0"}};
  std::int64_t forum = 0, declaration = 0;
  std::unique_ptr<WsClient> organiser, drafter, delegate, delegate2, observer, translator;
  std::int64_t org_delegate = 0, org_delegate2 = 0, org_drafter = 0;
  Amend() {
    forum = forum_of(srv);
    organiser = logged_in(srv, forum, demo::kOrganiser);
    drafter = login(demo::kDrafting, org_drafter);
    delegate = login(demo::kDelegate, org_delegate);
    delegate2 = login(demo::kDelegate2, org_delegate2);
    observer = logged_in(srv, forum, demo::kObserver);
    translator = logged_in(srv, forum, demo::kTranslator);
    declaration = seeded_declaration(*organiser, forum);
  }
  std::unique_ptr<WsClient> login(const char* code, std::int64_t& organisation) {
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    json r = login_code(*c, forum, code);
    if (r.value("type", "") != "ok") throw std::runtime_error(r.dump());
    organisation = r["delegate"]["organisation"].get<std::int64_t>();
    return c;
  }
  void phase(const std::string& p) {
    json r = organiser->request({{"type", "declaration.phase"}, {"declaration", declaration}, {"phase", p}});
    ASSERT_EQ(code_of(r), "ok") << r.dump();
  }
  json decl() { return organiser->request({{"type", "declaration.get"}, {"declaration", declaration}})["declaration"]; }
  // The operative clauses' ids, in order.
  std::vector<std::int64_t> clauses() {
    std::vector<std::int64_t> out;
    json d = decl();
    for (auto& c : d["clauses"])
      if (c["kind"] == "clause") out.push_back(c["id"]);
    return out;
  }
  std::int64_t doc(std::int64_t clause, const std::string& lang) {
    json d = decl();
    for (auto& c : d["clauses"])
      if (c["id"] == clause) return c["docs"][lang];
    return 0;
  }
  json open(std::int64_t d) { return drafter->request({{"type", "doc.open"}, {"doc", d}}); }
  // A modify amendment replacing the clause's first word with `word`.
  json modify_msg(std::int64_t clause, const std::string& word = "Everyone", const std::string& lang = "en") {
    json o = open(doc(clause, lang));
    std::string text = o["text"];
    std::size_t n = text.find(' ');
    return {{"type", "amendment.table"}, {"declaration", declaration}, {"kind", "modify"}, {"clause", clause},
            {"lang", lang}, {"base_revision", o["rev"]}, {"op", json::array({json{{"d", text.substr(0, n)}}, word})},
            {"justification", "Name everyone the clause concerns."}};
  }
  json table(WsClient& c, json msg) {
    json r = c.request(msg);
    EXPECT_EQ(code_of(r), "ok") << r.dump();
    return r["amendment"];
  }
  // As the delegate, who proposes most amendments here (a draft is visible to its proposer only).
  json get(std::int64_t id) { return delegate->request({{"type", "amendment.get"}, {"amendment", id}}); }
  std::size_t count() {
    json r = organiser->request({{"type", "amendment.list"}, {"declaration", declaration}});
    return r["amendments"].size();
  }
  json transition(WsClient& c, std::int64_t id, const std::string& to, const std::string& reason = "") {
    json m = {{"type", "amendment.transition"}, {"amendment", id}, {"to", to}};
    if (!reason.empty()) m["reason"] = reason;
    return c.request(m);
  }
};

// Length in code points (op positions count code points, not bytes).
int cps(const std::string& s) {
  int n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST(Amendments, TableModifyWithWordDiff) {
  Amend t;
  auto cl = t.clauses();
  // In the drafting phase a draft may be saved, not tabled.
  EXPECT_ERR(t.delegate->request(t.modify_msg(cl[0])), "invalid_state");
  json draft = t.modify_msg(cl[0]);
  draft["draft"] = true;
  json d = t.table(*t.delegate, draft);
  EXPECT_EQ(d["state"], "draft");
  t.phase("amendments");
  json a = t.table(*t.delegate, t.modify_msg(cl[0]));
  EXPECT_EQ(a["state"], "tabled");
  EXPECT_EQ(a["version"], 1);
  EXPECT_EQ(a["kind"], "modify");
  EXPECT_EQ(a["clause"], cl[0]);
  EXPECT_EQ(a["organisation"], t.org_delegate);
  EXPECT_EQ(a["number"], 2);  // the draft is number 1
  EXPECT_TRUE(a["sponsors"].empty());
  // The word diff: the first word deleted, "Everyone" inserted, the rest equal.
  ASSERT_TRUE(a["diff"].is_array()) << a.dump();
  std::string del, ins, eq;
  for (auto& p : a["diff"]) {
    if (p["op"] == "delete") del += p["text"].get<std::string>();
    if (p["op"] == "insert") ins += p["text"].get<std::string>();
    if (p["op"] == "equal") eq += p["text"].get<std::string>();
  }
  EXPECT_EQ(ins, "Everyone");
  EXPECT_FALSE(del.empty());
  EXPECT_EQ(del.find(' '), std::string::npos) << "a single word was replaced: " << del;
  EXPECT_FALSE(eq.empty());
  // Insert and delete amendments.
  json ins_a = t.table(*t.delegate2, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "insert"},
                                      {"clause", cl[1]}, {"lang", "es"}, {"text", "Los Estados garantizarán el acceso a la justicia."},
                                      {"justification", "Falta el acceso a la justicia."}});
  EXPECT_EQ(ins_a["text"], "Los Estados garantizarán el acceso a la justicia.");
  EXPECT_EQ(ins_a["lang"], "es");
  json del_a = t.table(*t.delegate2, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "delete"},
                                      {"clause", cl[2]}, {"lang", "en"}, {"justification", "Redundant with clause 1."}});
  EXPECT_EQ(del_a["kind"], "delete");
  // Drafts are private to their proposer.
  json list = t.organiser->request({{"type", "amendment.list"}, {"declaration", t.declaration}});
  ASSERT_OK(list);
  EXPECT_EQ(list["amendments"].size(), 3u);
  EXPECT_TRUE(list["deadline"].is_null());
  json mine = t.delegate->request({{"type", "amendment.list"}, {"declaration", t.declaration}});
  EXPECT_EQ(mine["amendments"].size(), 4u);
  EXPECT_ERR(t.organiser->request({{"type", "amendment.get"}, {"amendment", d["id"]}}), "not_found");
  EXPECT_OK(t.delegate->request({{"type", "amendment.get"}, {"amendment", d["id"]}}));
  // Observers read but do not table.
  EXPECT_OK(t.observer->request({{"type", "amendment.get"}, {"amendment", a["id"]}}));
}

TEST(Amendments, BadInputRecordsNothing) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  std::size_t before = t.count();
  json m = t.modify_msg(cl[0]);
  auto with = [&](const char* k, json v) {
    json x = m;
    x[k] = v;
    return x;
  };
  EXPECT_ERR(t.delegate->request(with("clause", 999999)), "not_found");
  EXPECT_ERR(t.delegate->request(with("lang", "de")), "bad_message");
  EXPECT_ERR(t.delegate->request(with("lang", "not a lang")), "bad_message");
  EXPECT_ERR(t.delegate->request(with("op", json::array({100000, "x"}))), "bad_op");
  EXPECT_ERR(t.delegate->request(with("op", json::array({json{{"x", 1}}}))), "bad_op");
  EXPECT_ERR(t.delegate->request(with("op", json::array({5}))), "bad_op");  // changes nothing
  EXPECT_ERR(t.delegate->request(with("base_revision", 100000)), "bad_revision");
  EXPECT_ERR(t.delegate->request(with("kind", "rewrite")), "bad_message");
  EXPECT_ERR(t.delegate->request(with("justification", "")), "bad_message");
  EXPECT_ERR(t.delegate->request(with("text", "and a text")), "bad_message");
  EXPECT_ERR(t.delegate->request(with("declaration", 999999)), "not_found");
  json no_op = m;
  no_op.erase("op");
  EXPECT_ERR(t.delegate->request(no_op), "bad_message");
  EXPECT_ERR(t.delegate->request({{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "insert"}, {"clause", cl[0]},
                                  {"lang", "en"}, {"justification", "j"}}),
             "bad_message");  // an insert without text
  EXPECT_ERR(t.delegate->request({{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "delete"}, {"clause", 999999},
                                  {"lang", "en"}, {"justification", "j"}}),
             "not_found");
  // On behalf of another organisation; by an observer; by an organiser without the delegate role.
  EXPECT_ERR(t.delegate->request(with("organisation", t.org_delegate2)), "not_allowed");
  EXPECT_ERR(t.observer->request(m), "not_allowed");
  EXPECT_ERR(t.organiser->request(m), "not_allowed");
  WsClient anon;
  anon.connect(t.srv.port());
  EXPECT_ERR(anon.request(m), "unauthenticated");
  EXPECT_EQ(t.count(), before);
  // Unknown amendments.
  EXPECT_ERR(t.organiser->request({{"type", "amendment.get"}, {"amendment", 999999}}), "not_found");
  EXPECT_ERR(t.transition(*t.organiser, 999999, "admissible"), "not_found");
  // The phase moves on: no more tabling.
  t.phase("voting");
  EXPECT_ERR(t.delegate->request(m), "invalid_state");
  EXPECT_EQ(t.count(), before);
}

TEST(Amendments, EveryTransitionOverTheWire) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  const std::vector<std::string> targets = {"tabled", "admissible", "ruled_out", "scheduled", "withdrawn", "fallen"};
  const std::set<std::pair<std::string, std::string>> allowed = {
      {"draft", "tabled"},         {"draft", "withdrawn"},     {"tabled", "withdrawn"},  {"admissible", "withdrawn"},
      {"scheduled", "withdrawn"},  {"tabled", "admissible"},   {"tabled", "ruled_out"},  {"admissible", "scheduled"},
      {"tabled", "fallen"},        {"admissible", "fallen"},   {"scheduled", "fallen"},
  };
  // An amendment of the delegate's in state `s`.
  auto make = [&](const std::string& s) -> std::int64_t {
    json m = t.modify_msg(cl[0]);
    if (s == "draft") m["draft"] = true;
    std::int64_t id = t.table(*t.delegate, m)["id"];
    auto step = [&](WsClient& c, const std::string& to, const std::string& reason = "") {
      json r = t.transition(c, id, to, reason);
      EXPECT_EQ(code_of(r), "ok") << "setting up " << s << ": " << r.dump();
    };
    if (s == "admissible" || s == "scheduled") step(*t.organiser, "admissible");
    if (s == "scheduled") step(*t.organiser, "scheduled");
    if (s == "ruled_out") step(*t.organiser, "ruled_out", "out of order");
    if (s == "withdrawn") step(*t.delegate, "withdrawn");
    if (s == "fallen") step(*t.organiser, "fallen", "clause 1 was deleted");
    if (s == "composited") {
      std::int64_t other = t.table(*t.delegate2, t.modify_msg(cl[0], "All"))["id"];
      json c = t.organiser->request({{"type", "amendment.composite"}, {"amendments", {id, other}}, {"kind", "modify"},
                                     {"clause", cl[0]}, {"lang", "en"}, {"op", t.modify_msg(cl[0], "Every person")["op"]},
                                     {"justification", "Merges two."}});
      EXPECT_EQ(code_of(c), "ok") << c.dump();
    }
    EXPECT_EQ(t.get(id)["amendment"]["state"], s);
    return id;
  };
  int ok = 0, refused = 0;
  for (std::string from : {"draft", "tabled", "admissible", "scheduled", "ruled_out", "withdrawn", "fallen", "composited"}) {
    for (const auto& to : targets) {
      std::int64_t id = make(from);
      bool by_proposer = to == "tabled" || to == "withdrawn";
      json r = t.transition(by_proposer ? *t.delegate : *t.organiser, id, to,
                            to == "ruled_out" || to == "fallen" ? "a reason" : "");
      if (allowed.count({from, to})) {
        EXPECT_EQ(code_of(r), "ok") << from << " -> " << to << ": " << r.dump();
        EXPECT_EQ(t.get(id)["amendment"]["state"], to) << from << " -> " << to;
        ++ok;
      } else {
        EXPECT_TRUE(code_of(r) == "invalid_state" || code_of(r) == "not_allowed") << from << " -> " << to << ": " << r.dump();
        EXPECT_EQ(t.get(id)["amendment"]["state"], from) << from << " -> " << to << " changed the state";
        ++refused;
      }
      // The wrong role never moves it: a proposer's step by the organiser, an organiser's by the proposer.
      if (!allowed.count({from, to})) continue;
      std::int64_t again = make(from);
      json w = t.transition(by_proposer ? *t.organiser : *t.delegate, again, to, "a reason");
      EXPECT_EQ(code_of(w), "not_allowed") << "wrong role " << from << " -> " << to << ": " << w.dump();
      EXPECT_EQ(t.get(again)["amendment"]["state"], from);
      json other = t.transition(*t.delegate2, again, to, "a reason");  // another delegate
      EXPECT_EQ(code_of(other), "not_allowed") << other.dump();
    }
  }
  EXPECT_EQ(ok, static_cast<int>(allowed.size()));
  EXPECT_GT(refused, 30);
  // Reasons are required; the poll's own steps are not taken by people; composites have their message.
  std::int64_t id = make("tabled");
  EXPECT_ERR(t.transition(*t.organiser, id, "ruled_out"), "bad_message");
  EXPECT_ERR(t.transition(*t.organiser, id, "fallen"), "bad_message");
  EXPECT_ERR(t.transition(*t.organiser, id, "composited", "x"), "bad_message");
  EXPECT_ERR(t.transition(*t.organiser, id, "nonsense"), "bad_message");
  std::int64_t sched = make("scheduled");
  EXPECT_ERR(t.transition(*t.organiser, sched, "voting"), "not_allowed");
  EXPECT_ERR(t.transition(*t.organiser, sched, "adopted"), "not_allowed");
  EXPECT_ERR(t.transition(*t.organiser, sched, "rejected"), "not_allowed");
  EXPECT_EQ(t.get(sched)["amendment"]["state"], "scheduled");
  EXPECT_EQ(t.get(id)["amendment"]["state"], "tabled");
  // A ruling's reason is kept.
  EXPECT_OK(t.transition(*t.organiser, id, "ruled_out", "Outside the declaration's scope."));
  EXPECT_EQ(t.get(id)["amendment"]["reason"], "Outside the declaration's scope.");
}

TEST(Amendments, Deadline) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  json m = t.modify_msg(cl[0]);
  json draft = m;
  draft["draft"] = true;
  std::int64_t d = t.table(*t.delegate, draft)["id"];
  std::int64_t tabled = t.table(*t.delegate, m)["id"];
  EXPECT_ERR(t.delegate->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "2020-01-01T00:00:00Z"}}),
             "not_allowed");
  EXPECT_ERR(t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "yesterday"}}),
             "bad_message");
  EXPECT_ERR(t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "2026-02-30T10:00:00Z"}}),
             "bad_message");
  json set = t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "2020-01-01T12:00:00+02:00"}});
  ASSERT_OK(set);
  EXPECT_EQ(set["deadline"], "2020-01-01T10:00:00Z");
  std::size_t before = t.count();
  EXPECT_ERR(t.delegate->request(m), "deadline_passed");
  EXPECT_ERR(t.transition(*t.delegate, d, "tabled"), "deadline_passed");
  json edit = m;
  edit.erase("declaration");
  edit["type"] = "amendment.edit";
  edit["amendment"] = tabled;
  EXPECT_ERR(t.delegate->request(edit), "deadline_passed");
  EXPECT_EQ(t.get(tabled)["amendment"]["version"], 1);
  // Drafts may still be saved; organisers still triage.
  EXPECT_OK(t.delegate->request(draft));
  EXPECT_OK(t.transition(*t.organiser, tabled, "admissible"));
  json list = t.organiser->request({{"type", "amendment.list"}, {"declaration", t.declaration}});
  EXPECT_EQ(list["deadline"], "2020-01-01T10:00:00Z");
  EXPECT_EQ(t.count(), before);
  // A future deadline, then none.
  ASSERT_OK(t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "2099-12-31T23:59:00Z"}}));
  EXPECT_OK(t.delegate->request(m));
  ASSERT_OK(t.delegate2->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  json none = t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", nullptr}});
  ASSERT_OK(none);
  EXPECT_TRUE(none["deadline"].is_null());
  // Subscribers of the declaration follow the deadline: cleared, then set again.
  auto cleared = t.delegate2->wait_push("amendment.deadline_changed", 5s);
  ASSERT_TRUE(cleared) << "the cleared deadline was not pushed";
  EXPECT_EQ((*cleared)["declaration"], t.declaration);
  EXPECT_TRUE((*cleared)["deadline"].is_null()) << cleared->dump();
  ASSERT_OK(t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", "2099-06-01T08:30:00+01:00"}}));
  auto set_again = t.delegate2->wait_push("amendment.deadline_changed", 5s);
  ASSERT_TRUE(set_again);
  EXPECT_EQ((*set_again)["deadline"], "2099-06-01T07:30:00Z");
  EXPECT_GT((*set_again)["seq"].get<std::int64_t>(), (*cleared)["seq"].get<std::int64_t>());
  ASSERT_OK(t.organiser->request({{"type", "amendment.deadline"}, {"declaration", t.declaration}, {"deadline", nullptr}}));
  EXPECT_OK(t.transition(*t.delegate, d, "tabled"));
}

TEST(Amendments, CoSponsorsReconfirmAfterAnEdit) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  ASSERT_OK(t.delegate2->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  json a = t.table(*t.delegate, t.modify_msg(cl[0]));
  std::int64_t id = a["id"];
  auto pushed = t.delegate2->wait_push("amendment.updated", 5s);
  ASSERT_TRUE(pushed) << "no amendment.updated after tabling";
  EXPECT_EQ((*pushed)["amendment"]["id"], id);
  auto invite = [&](WsClient& c, std::int64_t org) {
    return c.request({{"type", "amendment.sponsor.invite"}, {"amendment", id}, {"organisation", org}});
  };
  EXPECT_ERR(invite(*t.delegate2, t.org_delegate2), "not_allowed");  // only the proposer invites
  EXPECT_ERR(invite(*t.delegate, t.org_delegate), "bad_message");     // not its own organisation
  EXPECT_ERR(invite(*t.delegate, 999999), "not_found");
  json inv = invite(*t.delegate, t.org_delegate2);
  ASSERT_OK(inv);
  ASSERT_EQ(inv["amendment"]["sponsors"].size(), 1u);
  EXPECT_EQ(inv["amendment"]["sponsors"][0]["organisation"], t.org_delegate2);
  EXPECT_EQ(inv["amendment"]["sponsors"][0]["confirmed_version"], 0);
  auto confirm = [&](WsClient& c, int v) {
    return c.request({{"type", "amendment.sponsor.confirm"}, {"amendment", id}, {"version", v}});
  };
  EXPECT_ERR(confirm(*t.drafter, 1), "not_allowed");   // not invited
  EXPECT_ERR(confirm(*t.observer, 1), "not_allowed");  // observers do not co-sponsor
  EXPECT_ERR(confirm(*t.delegate2, 2), "bad_revision");
  json c1 = confirm(*t.delegate2, 1);
  ASSERT_OK(c1);
  EXPECT_EQ(c1["amendment"]["sponsors"][0]["current"], true);
  EXPECT_TRUE(c1["amendment"]["pending"].empty());
  t.delegate2->take_all("amendment.updated");
  // The proposer edits: version 2, the co-sponsor is told and must confirm again.
  json edit = t.modify_msg(cl[0], "All people");
  edit.erase("declaration");
  edit["type"] = "amendment.edit";
  edit["amendment"] = id;
  EXPECT_ERR(t.delegate2->request(edit), "not_allowed");
  json e = t.delegate->request(edit);
  ASSERT_OK(e);
  EXPECT_EQ(e["amendment"]["version"], 2);
  EXPECT_EQ(e["amendment"]["sponsors"][0]["current"], false);
  EXPECT_EQ(e["amendment"]["pending"], json::array({t.org_delegate2}));
  std::optional<json> told;
  for (int i = 0; i < 5; ++i) {  // skip the push of the confirmation, if it is still queued
    told = t.delegate2->wait_push("amendment.updated", 5s);
    if (!told || (*told)["amendment"]["version"] == 2) break;
  }
  ASSERT_TRUE(told) << "the co-sponsor was not told of the edit";
  EXPECT_EQ((*told)["amendment"]["version"], 2);
  EXPECT_EQ((*told)["amendment"]["sponsors"][0]["current"], false);
  EXPECT_ERR(confirm(*t.delegate2, 1), "bad_revision");
  json c2 = confirm(*t.delegate2, 2);
  ASSERT_OK(c2);
  EXPECT_EQ(c2["amendment"]["sponsors"][0]["confirmed_version"], 2);
  EXPECT_EQ(c2["amendment"]["sponsors"][0]["current"], true);
  // Withdrawing support.
  EXPECT_ERR(t.drafter->request({{"type", "amendment.sponsor.withdraw"}, {"amendment", id}}), "not_allowed");
  json w = t.delegate2->request({{"type", "amendment.sponsor.withdraw"}, {"amendment", id}});
  ASSERT_OK(w);
  EXPECT_TRUE(w["amendment"]["sponsors"].empty());
  EXPECT_ERR(t.delegate2->request({{"type", "amendment.sponsor.withdraw"}, {"amendment", id}}), "not_allowed");
}

TEST(Amendments, NetworksCoSponsorAsOne) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  json f = t.organiser->request({{"type", "forum.get"}, {"forum", t.forum}});
  std::int64_t care = 0, africa = 0;
  for (auto& n : f["networks"]) {
    std::string name = n["name"].is_string() ? n["name"].get<std::string>() : n["name"].dump();
    if (name.find("Domestic and Care") != std::string::npos) care = n["id"];
    if (name.find("Pan-African") != std::string::npos) africa = n["id"];
  }
  ASSERT_TRUE(care && africa) << f["networks"].dump();
  std::int64_t id = t.table(*t.delegate, t.modify_msg(cl[0]))["id"];
  auto invite = [&](json fields) {
    json m = {{"type", "amendment.sponsor.invite"}, {"amendment", id}};
    m.update(fields);
    return t.delegate->request(m);
  };
  EXPECT_ERR(invite({{"network", care}, {"organisation", t.org_delegate2}}), "bad_message");
  EXPECT_ERR(invite(json::object()), "bad_message");
  EXPECT_ERR(invite({{"network", 999999}}), "not_found");
  json inv = invite({{"network", care}});
  ASSERT_OK(inv);
  ASSERT_EQ(inv["amendment"]["network_sponsors"].size(), 1u);
  EXPECT_EQ(inv["amendment"]["network_sponsors"][0]["network"], care);
  EXPECT_TRUE(inv["amendment"]["sponsors"].empty());
  // A delegate of a member organisation (Rosa's union is in the care network) confirms for it;
  // a delegate of a non-member may not; nor for a network that was not invited.
  json confirm = {{"type", "amendment.sponsor.confirm"}, {"amendment", id}, {"version", 1}, {"network", care}};
  EXPECT_ERR(t.drafter->request(confirm), "not_allowed");
  json other = confirm;
  other["network"] = africa;
  EXPECT_ERR(t.delegate2->request(other), "not_allowed");
  EXPECT_ERR(t.delegate2->request(json{{"type", "amendment.sponsor.confirm"}, {"amendment", id}, {"version", 1}}), "not_allowed");
  json ok = t.delegate2->request(confirm);
  ASSERT_OK(ok);
  EXPECT_EQ(ok["amendment"]["network_sponsors"][0]["current"], true);
  // An edit makes the network's support stale too.
  json edit = t.modify_msg(cl[0], "All people");
  edit.erase("declaration");
  edit["type"] = "amendment.edit";
  edit["amendment"] = id;
  json e = t.delegate->request(edit);
  ASSERT_OK(e);
  EXPECT_EQ(e["amendment"]["network_sponsors"][0]["current"], false);
  json w = t.delegate2->request({{"type", "amendment.sponsor.withdraw"}, {"amendment", id}, {"network", care}});
  ASSERT_OK(w);
  EXPECT_TRUE(w["amendment"]["network_sponsors"].empty());
}

TEST(Amendments, CompositeAndVotingOrder) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  std::int64_t a = t.table(*t.delegate, t.modify_msg(cl[0], "Everyone"))["id"];
  std::int64_t b = t.table(*t.delegate2, t.modify_msg(cl[0], "All"))["id"];
  std::int64_t ruled = t.table(*t.delegate2, t.modify_msg(cl[0], "Each"))["id"];
  ASSERT_OK(t.transition(*t.organiser, ruled, "ruled_out", "duplicate"));
  json comp = {{"type", "amendment.composite"}, {"amendments", {a, b}}, {"kind", "modify"}, {"clause", cl[0]}, {"lang", "en"},
               {"op", t.modify_msg(cl[0], "Every person")["op"]}, {"justification", "Merges the two."}};
  EXPECT_ERR(t.delegate->request(comp), "not_allowed");
  json bad = comp;
  bad["amendments"] = {a, ruled};
  EXPECT_ERR(t.organiser->request(bad), "invalid_state");
  EXPECT_EQ(t.get(a)["amendment"]["state"], "tabled");  // nothing changed
  bad["amendments"] = {a};
  EXPECT_ERR(t.organiser->request(bad), "bad_message");
  json r = t.organiser->request(comp);
  ASSERT_OK(r);
  json c = r["amendment"];
  EXPECT_EQ(c["state"], "tabled");
  EXPECT_EQ(c["composited_from"], json::array({a, b}));
  std::set<std::int64_t> orgs;
  for (auto& s : c["sponsors"]) orgs.insert(s["organisation"].get<std::int64_t>());
  EXPECT_TRUE(orgs.count(t.org_delegate) && orgs.count(t.org_delegate2)) << c.dump();
  for (auto id : {a, b}) {
    json g = t.get(id)["amendment"];
    EXPECT_EQ(g["state"], "composited");
    EXPECT_EQ(g["composited_into"], c["id"]);
  }
  // The voting order.
  std::int64_t other = t.table(*t.delegate, t.modify_msg(cl[1], "Migrants"))["id"];
  ASSERT_OK(t.transition(*t.organiser, other, "admissible"));
  ASSERT_OK(t.transition(*t.organiser, c["id"], "admissible"));
  json order = {{"type", "amendment.order"}, {"declaration", t.declaration}, {"order", {other, c["id"]}}};
  EXPECT_ERR(t.delegate->request(order), "not_allowed");
  json bad_order = order;
  bad_order["order"] = {other, a};
  EXPECT_ERR(t.organiser->request(bad_order), "invalid_state");  // a composited one is not voted on
  bad_order["order"] = {other, 999999};
  EXPECT_ERR(t.organiser->request(bad_order), "not_found");
  bad_order["order"] = {other, other};
  EXPECT_ERR(t.organiser->request(bad_order), "bad_message");
  ASSERT_OK(t.delegate2->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  while (t.delegate2->wait_push("amendment.order_changed", 0ms)) {}
  ASSERT_OK(t.organiser->request(order));
  json list = t.delegate->request({{"type", "amendment.list"}, {"declaration", t.declaration}});
  EXPECT_EQ(list["order"], json::array({other, c["id"]}));
  // A subscriber of the declaration is told the new order.
  auto told = t.delegate2->wait_push("amendment.order_changed", 5s);
  ASSERT_TRUE(told) << "the voting order was not pushed";
  EXPECT_EQ((*told)["declaration"], t.declaration);
  EXPECT_EQ((*told)["order"], json::array({other, c["id"]}));
  EXPECT_GT((*told)["seq"].get<std::int64_t>(), 0);
  // A refused order pushes nothing.
  EXPECT_ERR(t.organiser->request(bad_order), "bad_message");
  EXPECT_FALSE(t.delegate2->wait_push("amendment.order_changed", 300ms));
  // Unsubscribed, a connection hears no more of the declaration; a second time is not_found.
  json unsub = t.delegate2->request({{"type", "declaration.unsubscribe"}, {"declaration", t.declaration}});
  ASSERT_OK(unsub);
  EXPECT_EQ(unsub["declaration"], t.declaration);
  ASSERT_OK(t.organiser->request({{"type", "amendment.order"}, {"declaration", t.declaration}, {"order", {c["id"], other}}}));
  EXPECT_FALSE(t.delegate2->wait_push("amendment.order_changed", 500ms)) << "pushed after unsubscribing";
  EXPECT_ERR(t.delegate2->request({{"type", "declaration.unsubscribe"}, {"declaration", t.declaration}}), "not_found");
  EXPECT_ERR(t.delegate2->request({{"type", "declaration.unsubscribe"}, {"declaration", "seven"}}), "bad_message");
}

TEST(Amendments, OriginalLanguageRendering) {
  Amend t;
  t.phase("amendments");
  auto cl = t.clauses();
  // A delegate amends the Spanish text of a clause (the Spanish document may be empty: insert).
  json es = t.open(t.doc(cl[0], "es"));
  json m = {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "modify"}, {"clause", cl[0]}, {"lang", "es"},
            {"base_revision", es["rev"]}, {"op", json::array({"Todas las personas: "})}, {"justification", "Claridad."}};
  std::int64_t id = t.table(*t.delegate, m)["id"];
  ASSERT_OK(t.transition(*t.organiser, id, "admissible"));
  // Not scheduled before it has its English (original-language) text.
  EXPECT_ERR(t.transition(*t.organiser, id, "scheduled"), "invalid_state");
  json en = t.open(t.doc(cl[0], "en"));
  json tr = {{"type", "amendment.translate"}, {"amendment", id}, {"base_revision", en["rev"]}, {"op", json::array({"All people: "})}};
  EXPECT_ERR(t.observer->request(tr), "not_allowed");
  json bad = tr;
  bad["op"] = json::array({100000, "x"});
  EXPECT_ERR(t.translator->request(bad), "bad_op");
  json r = t.translator->request(tr);
  ASSERT_OK(r);
  EXPECT_EQ(r["amendment"]["original"]["current"], true);
  EXPECT_EQ(r["amendment"]["original"]["op"], json::array({"All people: "}));
  EXPECT_OK(t.transition(*t.organiser, id, "scheduled"));
  // An amendment written in the original language needs none.
  std::int64_t en_id = t.table(*t.delegate, t.modify_msg(cl[1]))["id"];
  json tr2 = tr;
  tr2["amendment"] = en_id;
  EXPECT_ERR(t.translator->request(tr2), "bad_message");
}

TEST(Amendments, VersionsBeforeAnyAdoption) {
  Amend t;
  json v = t.delegate->request({{"type", "declaration.versions"}, {"declaration", t.declaration}});
  ASSERT_OK(v);
  EXPECT_TRUE(v["versions"].empty());
  EXPECT_ERR(t.delegate->request({{"type", "declaration.version"}, {"declaration", t.declaration}, {"number", 1}}), "not_found");
  EXPECT_ERR(t.delegate->request({{"type", "declaration.version"}, {"declaration", t.declaration}, {"number", 0}}), "bad_message");
  EXPECT_ERR(t.delegate->request({{"type", "declaration.compare"}, {"declaration", t.declaration}, {"from", 1}, {"to", 2}, {"lang", "de"}}),
             "bad_message");
  EXPECT_ERR(t.delegate->request({{"type", "declaration.compare"}, {"declaration", t.declaration}, {"from", 1}, {"to", 2}, {"lang", "en"}}),
             "not_found");
  EXPECT_ERR(t.delegate->request({{"type", "declaration.versions"}, {"declaration", 999999}}), "not_found");
}

// ---- Applying adopted amendments (through the polls: poll.create/open, ballot.cast, close) ----

namespace {

struct Voting : Amend {
  std::int64_t room = 0;
  bool joined = false;
  // Text of a clause's English (original) document.
  std::string text(std::int64_t clause) { return open(doc(clause, "en"))["text"]; }
  std::int64_t rev(std::int64_t clause) { return open(doc(clause, "en"))["rev"]; }
  // Edits the original text as the drafting committee (the declaration steps back to drafting).
  void edit(std::int64_t clause, json op, const std::string& opid) {
    phase("drafting");
    std::int64_t d = doc(clause, "en");
    json o = open(d);
    json r = drafter->request({{"type", "doc.op"}, {"doc", d}, {"rev", o["rev"]}, {"op", op}, {"opid", opid}});
    EXPECT_EQ(code_of(r), "ok") << r.dump();
    phase("amendments");
  }
  void schedule(std::int64_t id) {
    EXPECT_OK(transition(*organiser, id, "admissible"));
    EXPECT_OK(transition(*organiser, id, "scheduled"));
  }
  // Puts a scheduled amendment to a named yes/no/abstain poll in the plenary; three delegates
  // vote `vote`. Returns the amendment once the server has applied it or flagged it.
  json vote(std::int64_t id, const std::string& vote = "yes") {
    if (!joined) {
      json f = organiser->request({{"type", "forum.get"}, {"forum", forum}});
      room = f["plenary"].get<std::int64_t>();
      for (auto* c : {delegate.get(), delegate2.get(), drafter.get()}) EXPECT_OK(c->request({{"type", "room.join"}, {"room", room}}));
      joined = true;
    }
    json p = organiser->request({{"type", "poll.create"}, {"room", room}, {"method", "yes_no_abstain"}, {"secret", false},
                                 {"threshold", "simple_majority"}, {"amendment", id}});
    EXPECT_EQ(code_of(p), "ok") << p.dump();
    if (code_of(p) != "ok") return json();
    json poll = p["poll"]["id"];
    EXPECT_OK(organiser->request({{"type", "poll.open"}, {"poll", poll}}));
    EXPECT_EQ(get(id)["amendment"]["state"], "voting");
    for (auto* c : {delegate.get(), delegate2.get(), drafter.get()})
      EXPECT_OK(c->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", vote}}}}));
    EXPECT_OK(organiser->request({{"type", "poll.close"}, {"poll", poll}}));
    // Applying runs after the result is committed: wait for the outcome.
    for (int i = 0; i < 100; ++i) {
      json a = get(id)["amendment"];
      if (a["state"] != "adopted" || a["applied"] == true || a.contains("conflict")) return a;
      std::this_thread::sleep_for(50ms);
    }
    return get(id)["amendment"];
  }
  json versions() { return delegate->request({{"type", "declaration.versions"}, {"declaration", declaration}}); }
};

bool polls_available(Voting& t) {
  json r = t.organiser->request({{"type", "poll.get"}, {"poll", 999999}});
  return code_of(r) != "unknown_type";
}

json compare(Voting& t, int from, int to, const std::string& lang = "en") {
  return t.delegate->request({{"type", "declaration.compare"}, {"declaration", t.declaration}, {"from", from}, {"to", to}, {"lang", lang}});
}

}  // namespace

TEST(AmendmentsApply, CleanRebaseOverConcurrentEditsThenVersions) {
  Voting t;
  if (!polls_available(t)) GTEST_SKIP() << "poll.* not in this server yet";
  t.phase("amendments");
  auto cl = t.clauses();
  std::string before = t.text(cl[0]);
  json m = t.modify_msg(cl[0], "Everyone");
  std::int64_t id = t.table(*t.delegate, m)["id"];
  std::size_t first_space = before.find(' ');
  // Concurrent edits after the amendment's base revision: text appended at the end, and a word
  // inserted after the first word (outside what the amendment replaces).
  t.edit(cl[0], json::array({cps(before), " (as amended)"}), "e1");
  t.edit(cl[0], json::array({cps(before.substr(0, first_space)), " indeed"}), "e2");
  std::string edited = t.text(cl[0]);
  t.schedule(id);
  t.phase("voting");  // applying is server-made: it works while people may not edit
  // A subscriber of the document and of the declaration sees the op and the amendment.
  std::int64_t en = t.doc(cl[0], "en");
  ASSERT_OK(t.delegate2->request({{"type", "doc.open"}, {"doc", en}}));
  ASSERT_OK(t.delegate2->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  json a = t.vote(id);
  ASSERT_EQ(a["state"], "adopted") << a.dump();
  EXPECT_EQ(a["applied"], true) << a.dump();
  EXPECT_FALSE(a.contains("conflict")) << a.dump();
  // The poll's moves of the amendment (to voting, to adopted) reach the declaration's subscribers.
  std::set<std::string> states;
  for (int i = 0; i < 10; ++i) {
    auto p = t.delegate2->wait_push("amendment.updated", 1s);
    if (!p) break;
    if ((*p)["amendment"]["id"] == id) states.insert((*p)["amendment"]["state"].get<std::string>());
  }
  EXPECT_TRUE(states.count("voting")) << "opening the poll did not push the amendment";
  EXPECT_TRUE(states.count("adopted")) << "closing the poll did not push the amendment";
  std::string expected = "Everyone" + edited.substr(first_space);
  EXPECT_EQ(t.text(cl[0]), expected);
  auto ops = t.delegate2->wait_push("doc.ops", 5s);
  ASSERT_TRUE(ops) << "the applied op was not pushed to the document's subscribers";
  EXPECT_EQ((*ops)["ops"].back()["opid"], "amendment:" + std::to_string(id));
  EXPECT_EQ((*ops)["ops"].back()["by"], t.get(id)["amendment"]["proposer"]);
  // Translations of the clause are stale now.
  json now_decl = t.decl();
  for (auto& c : now_decl["clauses"]) {
    if (c["id"] != cl[0]) continue;
    for (auto& [lang, status] : c["status"].items()) {
      EXPECT_TRUE(status == "original" || status == "stale") << lang << " " << status;
    }
  }
  // Versions: 1 before, 2 after.
  json v = t.versions();
  ASSERT_OK(v);
  ASSERT_EQ(v["versions"].size(), 2u) << v.dump();
  EXPECT_EQ(v["versions"][0]["reason"], "base");
  EXPECT_EQ(v["versions"][1]["reason"], "amendment");
  EXPECT_EQ(v["versions"][1]["amendment"], id);
  EXPECT_EQ(a["applied_version"], 2);
  json v1 = t.delegate->request({{"type", "declaration.version"}, {"declaration", t.declaration}, {"number", 1}});
  ASSERT_OK(v1);
  json v2 = t.delegate->request({{"type", "declaration.version"}, {"declaration", t.declaration}, {"number", 2}});
  ASSERT_OK(v2);
  auto text_in = [&](const json& ver, std::int64_t clause) -> std::string {
    for (auto& c : ver["version"]["clauses"])
      if (c["clause"] == clause) return c["texts"]["en"];
    return "?";
  };
  EXPECT_EQ(text_in(v1, cl[0]), edited);
  EXPECT_EQ(text_in(v2, cl[0]), expected);
  EXPECT_EQ(text_in(v1, cl[1]), text_in(v2, cl[1]));
  // Compared word by word: only clause 1 changed, and only its first word.
  json cmp = compare(t, 1, 2);
  ASSERT_OK(cmp);
  int modified = 0;
  for (auto& c : cmp["clauses"]) {
    if (c["clause"] != cl[0]) {
      EXPECT_EQ(c["change"], "same") << c.dump();
      continue;
    }
    ++modified;
    EXPECT_EQ(c["change"], "modified");
    std::string ins, del;
    for (auto& p : c["diff"]) {
      if (p["op"] == "insert") ins += p["text"].get<std::string>();
      if (p["op"] == "delete") del += p["text"].get<std::string>();
    }
    EXPECT_EQ(ins, "Everyone");
    EXPECT_EQ(del, before.substr(0, first_space));
  }
  EXPECT_EQ(modified, 1);
  // An applied amendment does not fall.
  EXPECT_ERR(t.transition(*t.organiser, id, "fallen", "no"), "invalid_state");
}

TEST(AmendmentsApply, ConflictIsFlaggedNeverMergedThenResolvedOrFallen) {
  Voting t;
  if (!polls_available(t)) GTEST_SKIP() << "poll.* not in this server yet";
  t.phase("amendments");
  auto cl = t.clauses();
  std::string before = t.text(cl[1]);
  std::size_t sp = before.find(' ');
  std::int64_t a1 = t.table(*t.delegate, t.modify_msg(cl[1], "Everyone"))["id"];
  std::int64_t a2 = t.table(*t.delegate2, t.modify_msg(cl[1], "All"))["id"];
  // A later edit deletes the first word the amendments replace.
  t.edit(cl[1], json::array({json{{"d", cps(before.substr(0, sp))}}, "Workers"}), "c1");
  std::string edited = t.text(cl[1]);
  t.schedule(a1);
  t.schedule(a2);
  ASSERT_OK(t.delegate2->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  json a = t.vote(a1);
  ASSERT_EQ(a["state"], "adopted") << a.dump();
  EXPECT_EQ(a["applied"], false);
  ASSERT_TRUE(a.contains("conflict")) << a.dump();
  EXPECT_EQ(a["conflict"]["reason"], "deleted_text_changed");
  EXPECT_EQ(t.text(cl[1]), edited) << "a conflicting amendment changed the text";
  bool told = false;
  for (int i = 0; i < 10 && !told; ++i) {
    auto p = t.delegate2->wait_push("amendment.updated", 2s);
    if (!p) break;
    told = (*p)["amendment"]["id"] == a1 && (*p)["amendment"].contains("conflict");
  }
  EXPECT_TRUE(told) << "the conflict was not pushed";
  EXPECT_TRUE(t.versions()["versions"].empty());
  // Resolving: organisers only, an op that fits, at a stated revision.
  std::int64_t rev = t.rev(cl[1]);
  json resolve = {{"type", "amendment.resolve"}, {"amendment", a1}, {"base_revision", rev},
                  {"op", json::array({json{{"d", "Workers"}}, "Everyone"})}};
  EXPECT_ERR(t.delegate->request(resolve), "not_allowed");
  json bad = resolve;
  bad["op"] = json::array({100000, "x"});
  EXPECT_ERR(t.organiser->request(bad), "bad_op");
  bad = resolve;
  bad["base_revision"] = rev + 5;
  EXPECT_ERR(t.organiser->request(bad), "bad_revision");
  EXPECT_ERR(t.organiser->request(json{{"type", "amendment.resolve"}, {"amendment", a2}, {"base_revision", rev}, {"op", resolve["op"]}}),
             "invalid_state");  // a2 is only scheduled
  json r = t.organiser->request(resolve);
  ASSERT_OK(r);
  EXPECT_EQ(r["amendment"]["applied"], true) << r.dump();
  EXPECT_FALSE(r["amendment"].contains("conflict"));
  EXPECT_EQ(t.text(cl[1]), "Everyone" + edited.substr(std::string("Workers").size()));
  EXPECT_EQ(t.versions()["versions"].size(), 2u);
  // The second one conflicts with the first, adopted one; it is declared fallen.
  json b = t.vote(a2);
  ASSERT_EQ(b["state"], "adopted");
  ASSERT_TRUE(b.contains("conflict")) << b.dump();
  EXPECT_ERR(t.transition(*t.delegate2, a2, "fallen", "mine"), "not_allowed");
  EXPECT_ERR(t.transition(*t.organiser, a2, "fallen"), "bad_message");
  json f = t.transition(*t.organiser, a2, "fallen", "Conflicts with the adopted amendment 1.");
  ASSERT_OK(f);
  EXPECT_EQ(f["amendment"]["state"], "fallen");
  EXPECT_EQ(t.text(cl[1]), "Everyone" + edited.substr(std::string("Workers").size()));
  EXPECT_EQ(t.versions()["versions"].size(), 2u);
}

TEST(AmendmentsApply, InsertAndDeleteChangeTheClausesAndRejectedChangesNothing) {
  Voting t;
  if (!polls_available(t)) GTEST_SKIP() << "poll.* not in this server yet";
  t.phase("amendments");
  auto cl = t.clauses();
  std::int64_t ins = t.table(*t.delegate, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "insert"}, {"clause", cl[1]},
                                           {"lang", "en"}, {"text", "States shall guarantee access to justice."}, {"justification", "Missing."}})["id"];
  std::int64_t del = t.table(*t.delegate2, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "delete"}, {"clause", cl[2]},
                                            {"lang", "en"}, {"justification", "Redundant."}})["id"];
  std::int64_t no = t.table(*t.delegate2, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "delete"}, {"clause", cl[3]},
                                           {"lang", "en"}, {"justification", "Redundant too."}})["id"];
  for (auto id : {ins, del, no}) t.schedule(id);
  json a = t.vote(ins);
  EXPECT_EQ(a["applied"], true) << a.dump();
  auto now = t.clauses();
  ASSERT_EQ(now.size(), cl.size() + 1);
  EXPECT_EQ(now[1], cl[1]);
  std::int64_t inserted = now[2];
  EXPECT_EQ(t.text(inserted), "States shall guarantee access to justice.");
  json d = t.vote(del);
  EXPECT_EQ(d["applied"], true) << d.dump();
  now = t.clauses();
  EXPECT_EQ(std::count(now.begin(), now.end(), cl[2]), 0);
  json n = t.vote(no, "no");
  EXPECT_EQ(n["state"], "rejected");
  EXPECT_EQ(n["applied"], false);
  now = t.clauses();
  EXPECT_EQ(std::count(now.begin(), now.end(), cl[3]), 1);
  json v = t.versions();
  ASSERT_EQ(v["versions"].size(), 3u) << v.dump();
  json cmp = compare(t, 1, 3);
  ASSERT_OK(cmp);
  std::map<std::int64_t, std::string> change;
  for (auto& c : cmp["clauses"]) change[c["clause"]] = c["change"];
  EXPECT_EQ(change[inserted], "inserted");
  EXPECT_EQ(change[cl[2]], "deleted");
  EXPECT_EQ(change[cl[0]], "same");
  json es = compare(t, 1, 3, "es");
  ASSERT_OK(es);
}

// An insertion with `before: true` opens a section: adopted, the new clause stands right before
// the clause it names, in that clause's section, after everything that came before it.
// `before` is refused on other kinds and when it is not a boolean; the amendment carries it.
TEST(AmendmentsApply, InsertBeforeOpensASection) {
  Voting t;
  if (!polls_available(t)) GTEST_SKIP() << "poll.* not in this server yet";
  t.phase("amendments");
  json d = t.decl();
  // The first clause of a section that has a clause before it (in another section or none).
  std::int64_t first = 0, prev = 0;
  json section;
  const json& cs = d["clauses"];
  for (std::size_t i = 1; i < cs.size() && !first; ++i)
    if (cs[i]["kind"] == "clause" && !cs[i]["section"].is_null() && cs[i]["section"] != cs[i - 1]["section"]) {
      first = cs[i]["id"];
      prev = cs[i - 1]["id"];
      section = cs[i]["section"];
    }
  ASSERT_TRUE(first) << "the seed declaration has no section opening after another clause";
  json m = {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "insert"}, {"clause", first}, {"before", true},
            {"lang", "en"}, {"text", "Recalling the charter of principles of the forum,"}, {"justification", "The section opens with the charter."}};
  json bad = m;
  bad["before"] = "yes";
  EXPECT_ERR(t.delegate->request(bad), "bad_message");
  json modify = {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "delete"}, {"clause", first}, {"before", true},
                 {"lang", "en"}, {"justification", "j"}};
  EXPECT_ERR(t.delegate->request(modify), "bad_message");
  json tabled = t.table(*t.delegate, m);
  EXPECT_EQ(tabled["before"], true) << tabled.dump();
  std::int64_t id = tabled["id"];
  json after = t.table(*t.delegate2, {{"type", "amendment.table"}, {"declaration", t.declaration}, {"kind", "insert"}, {"clause", first},
                                      {"lang", "en"}, {"text", "After the opening clause."}, {"justification", "j"}});
  EXPECT_EQ(after["before"], false);
  t.schedule(id);
  json a = t.vote(id);
  EXPECT_EQ(a["applied"], true) << a.dump();
  json now = t.decl()["clauses"];
  ASSERT_EQ(now.size(), cs.size() + 1);
  std::size_t at = 0;
  while (at < now.size() && now[at]["id"] != first) ++at;
  ASSERT_TRUE(at >= 2 && at < now.size());
  const json& inserted = now[at - 1];
  EXPECT_EQ(now[at - 2]["id"], prev) << "the new clause comes right after what preceded the section";
  EXPECT_EQ(inserted["section"], section) << "the new clause is in the section it opens";
  EXPECT_EQ(inserted["kind"], "clause");
  EXPECT_EQ(t.text(inserted["id"]), "Recalling the charter of principles of the forum,");
  EXPECT_EQ(t.get(id)["amendment"]["before"], true);
}
