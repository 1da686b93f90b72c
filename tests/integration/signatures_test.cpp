// Signatories against the real server: the list opens at adoption (by declaration.phase and by
// the declaration's poll), delegates sign for their organisation and for networks their
// organisation belongs to, pushes reach other subscribers, withdrawal, closing and reopening,
// every refusal, racing double signatures from many connections, and a restart.
#include <set>

#include "common.hpp"
#include "store/db.hpp"

using namespace it;

namespace {

std::int64_t count_rows(const ServerProcess& srv, const std::string& sql) {
  plenary::store::Db db(srv.db(), plenary::store::Db::Mode::ReadOnly);
  auto& st = db.prepare(sql);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
}

struct Sign {
  ServerProcess srv{{"--max-msg-rate", "0"}};
  std::int64_t forum = 0, declaration = 0;
  std::unique_ptr<WsClient> organiser, dewi, rosa, observer;
  json dewi_me, rosa_me, organiser_me, observer_me;
  std::map<std::int64_t, std::set<std::int64_t>> org_networks;  // organisation → networks
  std::set<std::int64_t> networks;
  Sign() {
    forum = forum_of(srv);
    organiser = connect(demo::kOrganiser, organiser_me);
    dewi = connect(demo::kDelegate, dewi_me);
    rosa = connect(demo::kDelegate2, rosa_me);
    observer = connect(demo::kObserver, observer_me);
    declaration = seeded_declaration(*organiser, forum);
    json f = organiser->request({{"type", "forum.get"}, {"forum", forum}});
    for (auto& o : f["organisations"])
      for (auto& n : o["networks"]) org_networks[o["id"].get<std::int64_t>()].insert(n.get<std::int64_t>());
    for (auto& n : f["networks"]) networks.insert(n["id"].get<std::int64_t>());
  }
  std::unique_ptr<WsClient> connect(const char* code, json& me) {
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    json r = login_code(*c, forum, code);
    if (code_of(r) != "ok") throw std::runtime_error(r.dump());
    me = r["delegate"];
    return c;
  }
  std::int64_t org(const json& me) const { return me["organisation"].get<std::int64_t>(); }
  // A network `org` belongs to and `other` does not (0 if none).
  std::int64_t network_only_of(std::int64_t org, std::int64_t other) {
    for (auto n : org_networks[org])
      if (!org_networks[other].count(n)) return n;
    return 0;
  }
  std::int64_t shared_network(std::int64_t a, std::int64_t b) {
    for (auto n : org_networks[a])
      if (org_networks[b].count(n)) return n;
    return 0;
  }
  void phase(const std::string& p) {
    ASSERT_OK(organiser->request({{"type", "declaration.phase"}, {"declaration", declaration}, {"phase", p}}));
  }
  void adopt() {
    phase("amendments");
    phase("voting");
    phase("adopted");
  }
  json add(WsClient& c, const char* kind, std::int64_t id) {
    return c.request({{"type", "signature.add"}, {"declaration", declaration}, {kind, id}});
  }
  json withdraw(WsClient& c, const char* kind, std::int64_t id) {
    return c.request({{"type", "signature.withdraw"}, {"declaration", declaration}, {kind, id}});
  }
  json list(WsClient& c) { return c.request({{"type", "signature.list"}, {"declaration", declaration}}); }
  json act(WsClient& c, const char* type) { return c.request({{"type", type}, {"declaration", declaration}}); }
  // A new accredited delegate of `organisation`, logged in.
  std::unique_ptr<WsClient> newcomer(const std::string& name, std::int64_t organisation) {
    json r = organiser->request({{"type", "access_code.create"}, {"forum", forum}, {"role", "delegate"}, {"name", name},
                                 {"organisation", organisation}});
    if (code_of(r) != "ok") throw std::runtime_error(r.dump());
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    json l = login_code(*c, forum, r["code"].get<std::string>());
    if (code_of(l) != "ok") throw std::runtime_error(l.dump());
    return c;
  }
};

}  // namespace

TEST(Signatures, WholeFlowWithLivePushes) {
  Sign t;
  std::int64_t dewi_org = t.org(t.dewi_me), rosa_org = t.org(t.rosa_me);
  ASSERT_NE(dewi_org, rosa_org);
  std::int64_t rosa_net = t.network_only_of(rosa_org, dewi_org);
  ASSERT_NE(rosa_net, 0) << "the demo has a network of Rosa's organisation that Dewi's is not in";

  // Before adoption the list is not open, and nobody signs.
  json before = t.list(*t.observer);
  ASSERT_OK(before);
  EXPECT_EQ(before["list"]["state"], "not_open");
  EXPECT_TRUE(before["list"]["opened_at"].is_null());
  EXPECT_TRUE(before["list"]["signatures"].empty());
  EXPECT_ERR(t.add(*t.dewi, "organisation", dewi_org), "invalid_state");

  // The observer follows the declaration and sees every change live.
  ASSERT_OK(t.observer->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}}));
  t.adopt();
  ASSERT_TRUE(t.observer->wait_push("declaration.changed").has_value());
  t.observer->take_all("declaration.changed");
  json opened = t.list(*t.observer);
  EXPECT_EQ(opened["list"]["state"], "open");
  EXPECT_TRUE(opened["list"]["opened_at"].is_string()) << opened.dump();
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.list.opened'"), 1);

  // Dewi signs for her organisation, Rosa for hers and then for a network of hers.
  json a = t.add(*t.dewi, "organisation", dewi_org);
  ASSERT_OK(a);
  EXPECT_EQ(a["signature"]["kind"], "organisation");
  EXPECT_EQ(a["signature"]["id"], dewi_org);
  EXPECT_EQ(a["signature"]["seq"], 1);
  EXPECT_EQ(a["signature"]["signed_by"], t.dewi_me["id"]);
  EXPECT_EQ(a["signature"]["signed_by_name"], t.dewi_me["name"]);
  EXPECT_FALSE(a["signature"]["name"].get<std::string>().empty());
  auto p1 = t.observer->wait_push("signatures.updated");
  ASSERT_TRUE(p1.has_value());
  EXPECT_EQ((*p1)["change"], "signed");
  EXPECT_EQ((*p1)["count"], 1);
  EXPECT_EQ((*p1)["signature"], a["signature"]);
  std::int64_t seq1 = (*p1)["seq"];

  json b = t.add(*t.rosa, "organisation", rosa_org);
  ASSERT_OK(b);
  EXPECT_EQ(b["signature"]["seq"], 2);
  json n = t.add(*t.rosa, "network", rosa_net);
  ASSERT_OK(n);
  EXPECT_EQ(n["signature"]["kind"], "network");
  EXPECT_EQ(n["signature"]["seq"], 3);
  EXPECT_TRUE(n["signature"]["country"].is_null());
  auto p2 = t.observer->wait_push("signatures.updated");
  auto p3 = t.observer->wait_push("signatures.updated");
  ASSERT_TRUE(p2 && p3);
  EXPECT_EQ((*p2)["seq"], seq1 + 1);
  EXPECT_EQ((*p3)["seq"], seq1 + 2);
  EXPECT_EQ((*p3)["count"], 3);

  // The list, in signing order.
  json l = t.list(*t.dewi);
  ASSERT_EQ(l["list"]["signatures"].size(), 3u);
  EXPECT_EQ(l["list"]["signatures"][0]["id"], dewi_org);
  EXPECT_EQ(l["list"]["signatures"][1]["id"], rosa_org);
  EXPECT_EQ(l["list"]["signatures"][2]["id"], rosa_net);

  // Rosa withdraws her organisation's signature; signing again puts it at the end.
  json w = t.withdraw(*t.rosa, "organisation", rosa_org);
  ASSERT_OK(w);
  EXPECT_EQ(w["signature"]["seq"], 2);
  auto pw = t.observer->wait_push("signatures.updated");
  ASSERT_TRUE(pw.has_value());
  EXPECT_EQ((*pw)["change"], "withdrawn");
  EXPECT_EQ((*pw)["count"], 2);
  EXPECT_EQ((*pw)["signature"]["id"], rosa_org);
  EXPECT_ERR(t.withdraw(*t.rosa, "organisation", rosa_org), "not_found");
  json again = t.add(*t.rosa, "organisation", rosa_org);
  ASSERT_OK(again);
  EXPECT_EQ(again["signature"]["seq"], 4);
  t.observer->wait_push("signatures.updated");

  // An organiser removes a signature made in error (the network's).
  ASSERT_OK(t.withdraw(*t.organiser, "network", rosa_net));
  t.observer->wait_push("signatures.updated");

  // Publishing keeps the list open; the organiser closes it; nothing changes after that.
  t.phase("published");
  json closed = t.act(*t.organiser, "signature.close");
  ASSERT_OK(closed);
  EXPECT_EQ(closed["list"]["state"], "closed");
  EXPECT_TRUE(closed["list"]["closed_at"].is_string());
  EXPECT_EQ(closed["list"]["closed_by"], t.organiser_me["id"]);
  EXPECT_EQ(closed["list"]["signatures"].size(), 2u);
  auto pc = t.observer->wait_push("signatures.updated");
  ASSERT_TRUE(pc.has_value());
  EXPECT_EQ((*pc)["change"], "closed");
  EXPECT_EQ((*pc)["state"], "closed");
  EXPECT_EQ((*pc)["count"], 2);
  EXPECT_FALSE(pc->contains("signature"));
  EXPECT_ERR(t.add(*t.rosa, "network", rosa_net), "invalid_state");
  EXPECT_ERR(t.withdraw(*t.dewi, "organisation", dewi_org), "invalid_state");
  EXPECT_ERR(t.withdraw(*t.organiser, "organisation", dewi_org), "invalid_state");
  EXPECT_ERR(t.act(*t.organiser, "signature.close"), "invalid_state");

  // Reopened, it takes signatures again.
  json re = t.act(*t.organiser, "signature.reopen");
  ASSERT_OK(re);
  EXPECT_EQ(re["list"]["state"], "open");
  EXPECT_TRUE(re["list"]["closed_at"].is_null());
  EXPECT_ERR(t.act(*t.organiser, "signature.reopen"), "invalid_state");
  ASSERT_OK(t.add(*t.rosa, "network", rosa_net));
  EXPECT_EQ(t.list(*t.observer)["list"]["signatures"].size(), 3u);

  // Every change left an event.
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.added'"), 5);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.withdrawn'"), 2);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.list.closed'"), 1);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.list.reopened'"), 1);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM signatures"), 3);
}

TEST(Signatures, EveryRefusal) {
  Sign t;
  std::int64_t dewi_org = t.org(t.dewi_me), rosa_org = t.org(t.rosa_me);
  std::int64_t rosa_net = t.network_only_of(rosa_org, dewi_org);
  ASSERT_NE(rosa_net, 0);
  // Not logged in.
  WsClient anon;
  anon.connect(t.srv.port());
  anon.request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(anon.request({{"type", "signature.add"}, {"declaration", t.declaration}, {"organisation", dewi_org}}), "unauthenticated");
  EXPECT_ERR(anon.request({{"type", "signature.list"}, {"declaration", t.declaration}}), "unauthenticated");
  // Malformed.
  EXPECT_ERR(t.dewi->request({{"type", "signature.add"}, {"declaration", t.declaration}}), "bad_message");
  EXPECT_ERR(t.dewi->request({{"type", "signature.add"}, {"declaration", t.declaration}, {"organisation", dewi_org}, {"network", rosa_net}}),
             "bad_message");
  EXPECT_ERR(t.dewi->request({{"type", "signature.add"}, {"organisation", dewi_org}}), "bad_message");
  EXPECT_ERR(t.dewi->request({{"type", "signature.add"}, {"declaration", "seven"}, {"organisation", dewi_org}}), "bad_message");
  EXPECT_ERR(t.dewi->request({{"type", "signature.withdraw"}, {"declaration", t.declaration}}), "bad_message");
  // Closing before adoption.
  EXPECT_ERR(t.act(*t.organiser, "signature.close"), "invalid_state");
  EXPECT_ERR(t.act(*t.organiser, "signature.reopen"), "invalid_state");
  t.adopt();
  // Unknown declaration, organisation, network.
  EXPECT_ERR(t.dewi->request({{"type", "signature.add"}, {"declaration", 999999}, {"organisation", dewi_org}}), "not_found");
  EXPECT_ERR(t.add(*t.dewi, "organisation", 999999), "not_found");
  EXPECT_ERR(t.add(*t.dewi, "network", 999999), "not_found");
  EXPECT_ERR(t.observer->request({{"type", "signature.list"}, {"declaration", 999999}}), "not_found");
  ASSERT_OK(t.act(*t.organiser, "signature.close"));
  ASSERT_OK(t.act(*t.organiser, "signature.reopen"));
  // Not authorised: another organisation, a network of which the sender's organisation is not
  // a member, an observer, an organiser (not a delegate), a delegate closing the list.
  EXPECT_ERR(t.add(*t.dewi, "organisation", rosa_org), "not_allowed");
  EXPECT_ERR(t.add(*t.dewi, "network", rosa_net), "not_allowed");
  std::int64_t obs_org = t.org(t.observer_me);
  EXPECT_ERR(t.add(*t.observer, "organisation", obs_org), "not_allowed");
  EXPECT_ERR(t.add(*t.organiser, "organisation", t.org(t.organiser_me)), "not_allowed");
  EXPECT_ERR(t.act(*t.dewi, "signature.close"), "not_allowed");
  EXPECT_ERR(t.act(*t.dewi, "signature.reopen"), "not_allowed");
  // Withdrawing someone else's signature.
  ASSERT_OK(t.add(*t.rosa, "organisation", rosa_org));
  EXPECT_ERR(t.withdraw(*t.dewi, "organisation", rosa_org), "not_allowed");
  EXPECT_ERR(t.withdraw(*t.observer, "organisation", rosa_org), "not_allowed");
  // Withdrawing what was not signed.
  EXPECT_ERR(t.withdraw(*t.dewi, "organisation", dewi_org), "not_found");
  // A second signature for the same organisation, by a colleague.
  auto colleague = t.newcomer("Colleague of Rosa", rosa_org);
  EXPECT_ERR(t.add(*colleague, "organisation", rosa_org), "conflict");
  EXPECT_ERR(t.add(*t.rosa, "organisation", rosa_org), "conflict");
  // A person whose registration is not accredited.
  WsClient reg;
  reg.connect(t.srv.port());
  reg.request({{"type", "hello"}, {"protocol", 1}});
  json r = reg.request(registration(t.forum, "new.signer@example.org", "New Signer"));
  ASSERT_OK(r);
  EXPECT_ERR(reg.request({{"type", "signature.add"}, {"declaration", t.declaration},
                          {"organisation", r["delegate"]["organisation"].get<std::int64_t>()}}),
             "not_accredited");
  // Nothing refused was stored.
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM signatures"), 1);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.added'"), 1);
}

TEST(Signatures, RacingDoubleSignaturesLeaveOne) {
  Sign t;
  std::int64_t rosa_org = t.org(t.rosa_me), dewi_org = t.org(t.dewi_me);
  std::int64_t shared = t.shared_network(rosa_org, dewi_org);
  ASSERT_NE(shared, 0) << "the demo has a network both delegates' organisations belong to";
  t.adopt();
  // Twelve delegates of one organisation sign for it at once, and each also for the network.
  std::vector<std::unique_ptr<WsClient>> colleagues;
  for (int i = 0; i < 12; ++i) colleagues.push_back(t.newcomer("Signer " + std::to_string(i), i % 2 ? rosa_org : dewi_org));
  std::vector<json> org_ids, net_ids;
  for (int i = 0; i < 12; ++i) {
    std::int64_t own = i % 2 ? rosa_org : dewi_org;
    org_ids.push_back(colleagues[i]->send({{"type", "signature.add"}, {"declaration", t.declaration}, {"organisation", own}}));
    net_ids.push_back(colleagues[i]->send({{"type", "signature.add"}, {"declaration", t.declaration}, {"network", shared}}));
  }
  int ok_org = 0, ok_net = 0, conflicts = 0;
  for (int i = 0; i < 12; ++i) {
    for (auto [id, counter] : {std::pair{org_ids[i], &ok_org}, std::pair{net_ids[i], &ok_net}}) {
      json r = colleagues[i]->wait_reply(id);
      if (code_of(r) == "ok") ++*counter;
      else if (code_of(r) == "conflict") ++conflicts;
      else ADD_FAILURE() << r.dump();
    }
  }
  EXPECT_EQ(ok_org, 2);  // one per organisation
  EXPECT_EQ(ok_net, 1);
  EXPECT_EQ(conflicts, 21);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM signatures"), 3);
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(DISTINCT seq) FROM signatures"), 3);
  json l = t.list(*t.observer);
  ASSERT_EQ(l["list"]["signatures"].size(), 3u);
  std::set<std::int64_t> seqs;
  for (auto& s : l["list"]["signatures"]) seqs.insert(s["seq"].get<std::int64_t>());
  EXPECT_EQ(seqs, (std::set<std::int64_t>{1, 2, 3}));
}

TEST(Signatures, DeclarationPollOpensTheListAndSignaturesSurviveARestart) {
  Sign t;
  std::int64_t dewi_org = t.org(t.dewi_me), rosa_org = t.org(t.rosa_me);
  json f = t.organiser->request({{"type", "forum.get"}, {"forum", t.forum}});
  std::int64_t plenary = f["plenary"];
  ASSERT_OK(t.dewi->request({{"type", "room.join"}, {"room", plenary}}));
  ASSERT_OK(t.rosa->request({{"type", "room.join"}, {"room", plenary}}));
  t.phase("amendments");
  t.phase("voting");
  json c = t.organiser->request({{"type", "poll.create"}, {"room", plenary}, {"method", "yes_no_abstain"}, {"secret", false},
                                 {"threshold", "simple_majority"}, {"declaration", t.declaration}});
  ASSERT_OK(c);
  std::int64_t poll = c["poll"]["id"];
  ASSERT_OK(t.organiser->request({{"type", "poll.open"}, {"poll", poll}}));
  ASSERT_OK(t.dewi->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", "yes"}}}}));
  ASSERT_OK(t.rosa->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", "yes"}}}}));
  ASSERT_OK(t.organiser->request({{"type", "poll.close"}, {"poll", poll}}));
  json l = t.list(*t.dewi);
  EXPECT_EQ(l["list"]["state"], "open") << l.dump();
  EXPECT_TRUE(l["list"]["opened_at"].is_string());
  // Opened by the server (the poll), in the commit that adopted the declaration.
  EXPECT_EQ(count_rows(t.srv, "SELECT COUNT(*) FROM events WHERE type='signature.list.opened' AND actor IS NULL"), 1);
  ASSERT_OK(t.add(*t.dewi, "organisation", dewi_org));
  ASSERT_OK(t.add(*t.rosa, "organisation", rosa_org));
  ASSERT_OK(t.act(*t.organiser, "signature.close"));
  json before = t.list(*t.dewi)["list"];

  t.srv.kill();  // every acknowledged signature is durable
  t.srv.start();
  auto obs = logged_in(t.srv, t.forum, demo::kObserver);
  json after = obs->request({{"type", "signature.list"}, {"declaration", t.declaration}});
  ASSERT_OK(after);
  EXPECT_EQ(after["list"], before);
  EXPECT_EQ(after["list"]["state"], "closed");
  ASSERT_EQ(after["list"]["signatures"].size(), 2u);
  EXPECT_EQ(after["list"]["signatures"][0]["id"], dewi_org);
  auto dewi = logged_in(t.srv, t.forum, demo::kDelegate);
  EXPECT_ERR(dewi->request({{"type", "signature.withdraw"}, {"declaration", t.declaration}, {"organisation", dewi_org}}),
             "invalid_state");
}

TEST(Signatures, ListSubscriptionAndOtherForums) {
  Sign t;
  std::int64_t dewi_org = t.org(t.dewi_me);
  t.adopt();
  // signature.list with subscribe subscribes to the declaration.
  json l = t.rosa->request({{"type", "signature.list"}, {"declaration", t.declaration}, {"subscribe", true}});
  ASSERT_OK(l);
  ASSERT_OK(t.add(*t.dewi, "organisation", dewi_org));
  auto p = t.rosa->wait_push("signatures.updated");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)["seq"], 1);
  EXPECT_EQ((*p)["declaration"], t.declaration);
  // The signer's own connection is not subscribed: it gets the reply only.
  EXPECT_FALSE(t.dewi->wait_push("signatures.updated", 300ms).has_value());
  // A person of another forum neither reads nor signs.
  json made = json::parse(run_cli({"forum", "create", "--db", t.srv.db(), "--name", "Other", "--languages", "en"}));
  json code = json::parse(run_cli({"access-code", "--db", t.srv.db(), "--forum", std::to_string(made["forum"].get<std::int64_t>()),
                                   "--role", "delegate", "--name", "Elsewhere"}));
  WsClient other;
  other.connect(t.srv.port());
  ASSERT_OK(login_code(other, made["forum"].get<std::int64_t>(), code["code"].get<std::string>()));
  EXPECT_ERR(other.request({{"type", "signature.list"}, {"declaration", t.declaration}}), "not_allowed");
  EXPECT_ERR(other.request({{"type", "signature.add"}, {"declaration", t.declaration}, {"organisation", dewi_org}}), "not_allowed");
}
