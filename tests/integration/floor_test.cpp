// The floor against the real server: agendas, the speakers' list (requests, points of order,
// withdraw, next/skip/finish, every balancing mode switched live, the time limit and its timer
// push, a restart), authorisation and bad input; the participation report over the wire and as
// a CSV download over real HTTP.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common.hpp"

using namespace it;

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

inline const char* kModerator = "N3BG-MZQH-TAYZ";   // Grace Mwangi: moderator of workshop w01
inline const char* kRapporteur = "Q4ZB-45BJ-U69X";  // Marites Villanueva: rapporteur

struct Person {
  std::unique_ptr<WsClient> ws;
  std::int64_t id = 0, organisation = 0;
  std::string token;
  WsClient* operator->() { return ws.get(); }
};

Person login(const ServerProcess& srv, std::int64_t forum, const std::string& code) {
  Person p;
  p.ws = std::make_unique<WsClient>();
  p.ws->connect(srv.port());
  json r = login_code(*p.ws, forum, code);
  if (r.value("type", "") != "ok") throw std::runtime_error("login " + code + ": " + r.dump());
  p.id = r["delegate"]["id"].get<std::int64_t>();
  p.organisation = r["delegate"]["organisation"].is_null() ? 0 : r["delegate"]["organisation"].get<std::int64_t>();
  p.token = r["token"].get<std::string>();
  return p;
}

std::vector<std::int64_t> queue_of(const json& speakers) {
  std::vector<std::int64_t> out;
  for (auto& q : speakers["queue"]) out.push_back(q["delegate"].get<std::int64_t>());
  return out;
}
using Ids = std::vector<std::int64_t>;

struct Floor {
  ServerProcess srv;
  std::int64_t forum = 0, plenary = 0;
  json info;
  Person org, dewi, rosa, watcher;
  Floor() {
    forum = forum_of(srv);
    org = login(srv, forum, demo::kOrganiser);
    dewi = login(srv, forum, demo::kDelegate);
    rosa = login(srv, forum, demo::kDelegate2);
    watcher = login(srv, forum, demo::kObserver);
    info = org->request({{"type", "forum.get"}, {"forum", forum}});
    if (info.value("type", "") != "ok") throw std::runtime_error(info.dump());
    plenary = info["plenary"].get<std::int64_t>();
    for (auto* p : {&dewi, &rosa, &watcher}) {
      json j = (*p)->request({{"type", "room.join"}, {"room", plenary}});
      if (j.value("type", "") != "ok") throw std::runtime_error(j.dump());
    }
  }
  // A new delegate (no gender given) of the organisation, present in the plenary.
  Person newcomer(const std::string& name, std::int64_t organisation) {
    json r = org->request({{"type", "access_code.create"}, {"forum", forum}, {"role", "delegate"}, {"name", name},
                           {"organisation", organisation}});
    if (r.value("type", "") != "ok") throw std::runtime_error(r.dump());
    Person p = login(srv, forum, r["code"].get<std::string>());
    json j = p->request({{"type", "room.join"}, {"room", plenary}});
    if (j.value("type", "") != "ok") throw std::runtime_error(j.dump());
    return p;
  }
  std::int64_t organisation_in(const std::string& constituency) {
    for (auto& o : info["organisations"])
      if (o["constituency"] == constituency) return o["id"].get<std::int64_t>();
    throw std::runtime_error("no organisation of constituency " + constituency);
  }
  json workshop(const std::string& title_prefix) {
    for (auto& s : info["programme"]["slots"])
      for (auto& w : s["workshops"])
        if (w["title"].value("en", "").rfind(title_prefix, 0) == 0) return w;
    throw std::runtime_error("no workshop " + title_prefix);
  }
  json speakers(const std::string& type, json extra = json::object(), Person* who = nullptr) {
    extra["type"] = type;
    extra["room"] = extra.value("room", json(plenary));
    return (who ? *who : org)->request(extra);
  }
};

}  // namespace

TEST(Floor, RequestsPointsOfOrderAndWithdraw) {
  Floor t;
  json r = t.speakers("speakers.request", {}, &t.dewi);
  ASSERT_OK(r);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.dewi.id}));
  EXPECT_TRUE(r["speakers"]["current"].is_null());
  EXPECT_EQ(r["speakers"]["mode"], "plain");
  // Everyone in the room is told.
  auto push = t.watcher->wait_push("speakers.updated");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["room"], t.plenary);
  EXPECT_EQ(queue_of((*push)["speakers"]), Ids({t.dewi.id}));

  ASSERT_OK(t.speakers("speakers.request", {}, &t.rosa));
  EXPECT_ERR(t.speakers("speakers.request", {}, &t.dewi), "conflict");
  r = t.speakers("speakers.request", {{"point_of_order", true}}, &t.rosa);
  ASSERT_OK(r);
  // The point of order jumps the queue.
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.rosa.id, t.dewi.id, t.rosa.id}));
  EXPECT_EQ(r["speakers"]["queue"][0]["point_of_order"], true);
  EXPECT_EQ(r["speakers"]["queue"][1]["point_of_order"], false);

  // A delegate withdraws only their own request; the chair anyone's.
  EXPECT_ERR(t.speakers("speakers.withdraw", {{"delegate", t.rosa.id}}, &t.dewi), "not_allowed");
  r = t.speakers("speakers.withdraw", {}, &t.dewi);
  ASSERT_OK(r);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.rosa.id, t.rosa.id}));
  EXPECT_ERR(t.speakers("speakers.withdraw", {}, &t.dewi), "not_found");
  r = t.speakers("speakers.withdraw", {{"delegate", t.rosa.id}});
  ASSERT_OK(r);
  EXPECT_TRUE(r["speakers"]["queue"].empty());
  json g = t.speakers("speakers.get", {}, &t.watcher);
  ASSERT_OK(g);
  EXPECT_TRUE(g["speakers"]["queue"].empty());
}

TEST(Floor, NextSkipFinishAndTheRecord) {
  Floor t;
  EXPECT_ERR(t.speakers("speakers.next"), "invalid_state");
  EXPECT_ERR(t.speakers("speakers.skip"), "invalid_state");
  EXPECT_ERR(t.speakers("speakers.finish"), "invalid_state");
  auto x = t.newcomer("Third Speaker", t.dewi.organisation);
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.request", {}, &t.rosa));
  ASSERT_OK(t.speakers("speakers.request", {}, &x));
  json r = t.speakers("speakers.next");
  ASSERT_OK(r);
  auto& cur = r["speakers"]["current"];
  ASSERT_FALSE(cur.is_null());
  EXPECT_EQ(cur["delegate"], t.dewi.id);
  EXPECT_EQ(cur["name"], "Dewi Lestari");
  EXPECT_GT(cur["started"].get<std::int64_t>(), 1700000000);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.rosa.id, x.id}));
  r = t.speakers("speakers.skip");  // Rosa is called but not there
  ASSERT_OK(r);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({x.id}));
  EXPECT_EQ(r["speakers"]["current"]["delegate"], t.dewi.id);
  r = t.speakers("speakers.next");
  ASSERT_OK(r);
  EXPECT_EQ(r["speakers"]["current"]["delegate"], x.id);
  ASSERT_EQ(r["speakers"]["record"].size(), 1u);
  EXPECT_EQ(r["speakers"]["record"][0]["delegate"], t.dewi.id);
  EXPECT_GE(r["speakers"]["record"][0]["seconds"].get<std::int64_t>(), 0);
  r = t.speakers("speakers.finish");
  ASSERT_OK(r);
  EXPECT_TRUE(r["speakers"]["current"].is_null());
  EXPECT_EQ(r["speakers"]["spoken"], 2);
  EXPECT_TRUE(r["speakers"]["queue"].empty());
  EXPECT_ERR(t.speakers("speakers.finish"), "invalid_state");
  EXPECT_ERR(t.speakers("speakers.next"), "invalid_state");
}

TEST(Floor, BalancingModesSwitchLive) {
  Floor t;
  // Dewi and Rosa: women, trade unions. X: no gender given, a migrants' association.
  // Y: no gender given, Dewi's organisation.
  auto x = t.newcomer("Speaker X", t.organisation_in("migrant_association"));
  auto y = t.newcomer("Speaker Y", t.dewi.organisation);
  // Dewi speaks once: she is no longer a first-time speaker and her organisation had a turn.
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.next"));
  ASSERT_OK(t.speakers("speakers.finish"));
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.request", {}, &y));
  ASSERT_OK(t.speakers("speakers.request", {}, &t.rosa));
  ASSERT_OK(t.speakers("speakers.request", {}, &x));
  json g = t.speakers("speakers.get", {}, &t.watcher);
  ASSERT_OK(g);
  EXPECT_EQ(queue_of(g["speakers"]), Ids({t.dewi.id, y.id, t.rosa.id, x.id}));
  EXPECT_EQ(g["speakers"]["queue"][0]["first_time"], false);
  EXPECT_EQ(g["speakers"]["queue"][1]["first_time"], true);

  json r = t.speakers("speakers.balance", {{"mode", "first_time_first"}});
  ASSERT_OK(r);
  EXPECT_EQ(r["speakers"]["mode"], "first_time_first");
  EXPECT_EQ(queue_of(r["speakers"]), Ids({y.id, t.rosa.id, x.id, t.dewi.id}));
  auto push = t.watcher->wait_push("speakers.updated");
  ASSERT_TRUE(push);

  // The last turn went to a woman: the unspecified group is heard next, then the groups rotate.
  r = t.speakers("speakers.balance", {{"mode", "alternate_gender"}});
  ASSERT_OK(r);
  auto q = queue_of(r["speakers"]);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], y.id);
  EXPECT_EQ(q[1], t.dewi.id);
  EXPECT_EQ(q[2], x.id);
  EXPECT_EQ(q[3], t.rosa.id);

  // The last turn went to a trade union: the migrants' association first.
  r = t.speakers("speakers.balance", {{"mode", "alternate_constituency"}});
  ASSERT_OK(r);
  q = queue_of(r["speakers"]);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], x.id);

  // Dewi's organisation has had its one turn: Dewi and Y go last.
  r = t.speakers("speakers.balance", {{"mode", "cap_per_organisation"}, {"cap", 1}});
  ASSERT_OK(r);
  EXPECT_EQ(r["speakers"]["cap"], 1);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.rosa.id, x.id, t.dewi.id, y.id}));
  // With two turns each, Dewi's is the organisation's second; Y's would be its third.
  r = t.speakers("speakers.balance", {{"mode", "cap_per_organisation"}, {"cap", 2}});
  ASSERT_OK(r);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.dewi.id, t.rosa.id, x.id, y.id}));

  // Back to plain: arrival order again.
  r = t.speakers("speakers.balance", {{"mode", "plain"}});
  ASSERT_OK(r);
  EXPECT_EQ(queue_of(r["speakers"]), Ids({t.dewi.id, y.id, t.rosa.id, x.id}));
  // next follows the mode in force.
  ASSERT_OK(t.speakers("speakers.balance", {{"mode", "first_time_first"}}));
  r = t.speakers("speakers.next");
  ASSERT_OK(r);
  EXPECT_EQ(r["speakers"]["current"]["delegate"], y.id);
}

TEST(Floor, TimeLimitAndTimerPush) {
  Floor t;
  json r = t.speakers("speakers.limit", {{"seconds", 1}});
  ASSERT_OK(r);
  EXPECT_EQ(r["speakers"]["limit"], 1);
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  r = t.speakers("speakers.next");
  ASSERT_OK(r);
  auto& cur = r["speakers"]["current"];
  EXPECT_EQ(cur["limit"], 1);
  ASSERT_TRUE(cur["remaining"].is_number_integer()) << cur.dump();
  EXPECT_LE(cur["remaining"].get<int>(), 1);
  EXPECT_TRUE(r["speakers"]["now"].is_number_integer());
  // The server tells everyone in the room when the time is up.
  for (auto* p : {&t.watcher, &t.dewi}) {
    auto timer = (*p)->wait_push("speakers.timer", scaled(6s));
    ASSERT_TRUE(timer) << "no speakers.timer push";
    EXPECT_EQ((*timer)["room"], t.plenary);
    EXPECT_EQ((*timer)["delegate"], t.dewi.id);
    EXPECT_LE((*timer)["remaining"].get<int>(), 0);
  }
  // Only once per speech.
  EXPECT_FALSE(t.watcher->wait_push("speakers.timer", 1500ms));
  r = t.speakers("speakers.finish");
  ASSERT_OK(r);
  ASSERT_EQ(r["speakers"]["record"].size(), 1u);
  EXPECT_EQ(r["speakers"]["record"][0]["limit"], 1);
  // No limit: no timer.
  ASSERT_OK(t.speakers("speakers.limit", {{"seconds", 0}}));
  ASSERT_OK(t.speakers("speakers.request", {}, &t.rosa));
  r = t.speakers("speakers.next");
  ASSERT_OK(r);
  EXPECT_TRUE(r["speakers"]["current"]["remaining"].is_null());
  EXPECT_FALSE(t.watcher->wait_push("speakers.timer", 2500ms));
}

TEST(Floor, RestartKeepsTheListAndTheRecord) {
  Floor t;
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.next"));
  ASSERT_OK(t.speakers("speakers.request", {}, &t.rosa));
  ASSERT_OK(t.speakers("speakers.next"));  // Dewi's speech is recorded, Rosa has the floor
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.request", {{"point_of_order", true}}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.limit", {{"seconds", 300}}));
  json before = t.speakers("speakers.balance", {{"mode", "cap_per_organisation"}, {"cap", 3}});
  ASSERT_OK(before);
  t.srv.kill();  // every acknowledged change is durable
  t.srv.start();
  auto obs = login(t.srv, t.forum, demo::kObserver);
  json after = obs->request({{"type", "speakers.get"}, {"room", t.plenary}});
  ASSERT_OK(after);
  auto& b = before["speakers"];
  auto& a = after["speakers"];
  EXPECT_EQ(a["queue"], b["queue"]);
  EXPECT_EQ(a["mode"], "cap_per_organisation");
  EXPECT_EQ(a["cap"], 3);
  EXPECT_EQ(a["limit"], 300);
  EXPECT_EQ(a["current"]["delegate"], t.rosa.id);
  EXPECT_EQ(a["current"]["started"], b["current"]["started"]);
  EXPECT_EQ(a["record"], b["record"]);
  EXPECT_EQ(a["spoken"], 1);
  // The list goes on: a new request keeps the arrival order after the stored ones.
  auto org = login(t.srv, t.forum, demo::kOrganiser);
  json n = org->request({{"type", "speakers.next"}, {"room", t.plenary}});
  ASSERT_OK(n);
  EXPECT_EQ(n["speakers"]["current"]["delegate"], t.dewi.id);
  EXPECT_EQ(n["speakers"]["current"]["point_of_order"], true);
  EXPECT_EQ(n["speakers"]["spoken"], 2);
}

TEST(Floor, Authorisation) {
  Floor t;
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  for (const char* type : {"speakers.next", "speakers.skip", "speakers.finish"})
    EXPECT_ERR(t.speakers(type, {}, &t.dewi), "not_allowed");
  EXPECT_ERR(t.speakers("speakers.balance", {{"mode", "plain"}}, &t.dewi), "not_allowed");
  EXPECT_ERR(t.speakers("speakers.limit", {{"seconds", 60}}, &t.dewi), "not_allowed");
  EXPECT_ERR(t.speakers("agenda.set", {{"items", json::array()}}, &t.dewi), "not_allowed");
  // Observers watch but do not speak.
  EXPECT_ERR(t.speakers("speakers.request", {}, &t.watcher), "not_allowed");
  EXPECT_OK(t.speakers("speakers.get", {}, &t.watcher));
  // Absent delegates cannot ask for the floor.
  ASSERT_OK(t.rosa->request({{"type", "room.leave"}, {"room", t.plenary}}));
  EXPECT_ERR(t.speakers("speakers.request", {}, &t.rosa), "not_allowed");
  auto mod = login(t.srv, t.forum, kModerator);
  EXPECT_ERR(t.speakers("speakers.request", {}, &mod), "not_allowed");  // not in the room
  // Not logged in.
  WsClient anon;
  anon.connect(t.srv.port());
  EXPECT_ERR(anon.request({{"type", "speakers.get"}, {"room", t.plenary}}), "unauthenticated");
  EXPECT_ERR(anon.request({{"type", "speakers.request"}, {"room", t.plenary}}), "unauthenticated");
  // A workshop's moderator chairs their workshop's room, not another workshop's.
  auto w1 = t.workshop("Decent work");
  auto w2 = t.workshop("The right not to");
  ASSERT_EQ(w1["moderator"], mod.id) << w1.dump();
  std::int64_t room1 = w1["room"].get<std::int64_t>(), room2 = w2["room"].get<std::int64_t>();
  ASSERT_NE(room1, room2);
  ASSERT_OK(t.dewi->request({{"type", "room.join"}, {"room", room1}}));
  ASSERT_OK(t.speakers("speakers.request", {{"room", room1}}, &t.dewi));
  EXPECT_OK(t.speakers("speakers.next", {{"room", room1}}, &mod));
  EXPECT_ERR(t.speakers("speakers.next", {{"room", room2}}, &mod), "not_allowed");
  EXPECT_ERR(t.speakers("agenda.set", {{"room", room2}, {"items", json::array()}}, &mod), "not_allowed");
  EXPECT_OK(t.speakers("agenda.set", {{"room", room1}, {"items", json::array({{{"title", "Opening"}}})}}, &mod));
  // Nothing was changed by the refused messages.
  json g = t.speakers("speakers.get");
  ASSERT_OK(g);
  EXPECT_EQ(queue_of(g["speakers"]), Ids({t.dewi.id}));
  EXPECT_EQ(g["speakers"]["mode"], "plain");
  EXPECT_EQ(g["speakers"]["limit"], 0);
}

TEST(Floor, BadInput) {
  Floor t;
  ASSERT_OK(t.speakers("speakers.request", {}, &t.dewi));
  EXPECT_ERR(t.speakers("speakers.balance", {{"mode", "loudest_first"}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.balance", {{"mode", "cap_per_organisation"}, {"cap", 0}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.balance", {{"mode", "cap_per_organisation"}, {"cap", "two"}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.limit", {{"seconds", -1}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.limit", {{"seconds", "60"}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.limit", {{"seconds", 1e12}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.limit", {}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.get", {{"room", 999999}}), "not_found");
  EXPECT_ERR(t.speakers("speakers.get", {{"room", "plenary"}}), "bad_message");
  EXPECT_ERR(t.speakers("speakers.request", {{"point_of_order", "yes"}}, &t.rosa), "bad_message");
  EXPECT_ERR(t.speakers("speakers.next", {{"room", 999999}}), "not_found");
  EXPECT_ERR(t.speakers("speakers.withdraw", {{"delegate", 999999}}), "not_found");
  EXPECT_ERR(t.speakers("agenda.set", {{"items", "Opening"}}), "bad_message");
  EXPECT_ERR(t.speakers("agenda.set", {{"items", json::array({{{"title", ""}}})}}), "bad_message");
  EXPECT_ERR(t.speakers("agenda.set", {{"items", json::array({{{"title", "x"}, {"kind", "party"}}})}}), "bad_message");
  EXPECT_ERR(t.speakers("agenda.current", {{"item", 999999}}), "not_found");
  EXPECT_ERR(t.speakers("agenda.current", {}), "bad_message");
  // Nothing recorded, nothing lost.
  json g = t.speakers("speakers.get");
  ASSERT_OK(g);
  EXPECT_EQ(queue_of(g["speakers"]), Ids({t.dewi.id}));
  EXPECT_EQ(g["speakers"]["mode"], "plain");
  EXPECT_EQ(g["speakers"]["limit"], 0);
  json a = t.speakers("agenda.get");
  ASSERT_OK(a);
  EXPECT_TRUE(a["agenda"]["items"].empty());
}

TEST(Floor, Agenda) {
  Floor t;
  json r = t.speakers("agenda.set", {{"items", json::array({{{"title", "Opening"}},
                                                            {{"title", "Amendments to part 1"}, {"kind", "declaration"}, {"ref", 1}},
                                                            {{"title", "Lunch"}, {"kind", "break"}}})}});
  ASSERT_OK(r);
  auto& items = r["agenda"]["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["title"], "Opening");
  EXPECT_EQ(items[0]["kind"], "item");
  EXPECT_TRUE(items[0]["ref"].is_null());
  EXPECT_EQ(items[1]["kind"], "declaration");
  EXPECT_EQ(items[1]["ref"], 1);
  EXPECT_TRUE(r["agenda"]["current"].is_null());
  auto push = t.watcher->wait_push("agenda.updated");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["agenda"]["items"].size(), 3u);
  std::int64_t second = items[1]["id"].get<std::int64_t>();
  r = t.speakers("agenda.current", {{"item", second}});
  ASSERT_OK(r);
  EXPECT_EQ(r["agenda"]["current"], second);
  EXPECT_EQ(r["agenda"]["items"][1]["current"], true);
  EXPECT_EQ(r["agenda"]["items"][0]["current"], false);
  push = t.watcher->wait_push("agenda.updated");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["agenda"]["current"], second);
  json g = t.speakers("agenda.get", {}, &t.dewi);
  ASSERT_OK(g);
  EXPECT_EQ(g["agenda"], r["agenda"]);
  r = t.speakers("agenda.current", {{"item", nullptr}});
  ASSERT_OK(r);
  EXPECT_TRUE(r["agenda"]["current"].is_null());
}

TEST(Floor, ParticipationReportOverTheWireAndAsCsv) {
  Floor t;
  auto mod = login(t.srv, t.forum, kModerator);
  auto rap = login(t.srv, t.forum, kRapporteur);
  // Two speeches in the plenary, one in workshop w01's room while it holds w01.
  for (auto* p : {&t.dewi, &t.rosa}) {
    ASSERT_OK(t.speakers("speakers.request", {}, p));
    ASSERT_OK(t.speakers("speakers.next"));
  }
  ASSERT_OK(t.speakers("speakers.finish"));
  auto w1 = t.workshop("Decent work");
  std::int64_t w1id = w1["id"].get<std::int64_t>(), room1 = w1["room"].get<std::int64_t>();
  json a = t.speakers("agenda.set", {{"room", room1}, {"items", json::array({{{"title", "Workshop"}, {"kind", "workshop"}, {"ref", w1id}}})}}, &mod);
  ASSERT_OK(a);
  ASSERT_OK(t.speakers("agenda.current", {{"room", room1}, {"item", a["agenda"]["items"][0]["id"]}}, &mod));
  ASSERT_OK(t.dewi->request({{"type", "room.join"}, {"room", room1}}));
  ASSERT_OK(t.speakers("speakers.request", {{"room", room1}}, &t.dewi));
  ASSERT_OK(t.speakers("speakers.next", {{"room", room1}}, &mod));
  ASSERT_OK(t.speakers("speakers.finish", {{"room", room1}}, &mod));

  json r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 1}});
  ASSERT_OK(r);
  auto& rep = r["report"];
  EXPECT_EQ(rep["k"], 1);
  EXPECT_EQ(rep["forum"], t.forum);
  EXPECT_TRUE(rep["workshop"].is_null());
  EXPECT_EQ(rep["total"]["speeches"], 3);
  EXPECT_EQ(rep["total"]["speakers"], 2);
  EXPECT_GE(rep["total"]["delegates"].get<int>(), 50);
  bool trade_union = false;
  for (auto& row : rep["dimensions"]["constituency"])
    if (row["group"] == "trade_union") {
      trade_union = true;
      EXPECT_EQ(row["speeches"], 3);
    }
  EXPECT_TRUE(trade_union) << rep.dump();
  // The workshop's report counts only what happened there.
  r = rap->request({{"type", "report.participation"}, {"forum", t.forum}, {"workshop", w1id}, {"k", 1}});
  ASSERT_OK(r);
  EXPECT_EQ(r["report"]["total"]["speeches"], 1);
  EXPECT_EQ(r["report"]["workshop"], w1id);
  // Small groups are suppressed (default k = 5; with k above every group, all are).
  r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 1000}});
  ASSERT_OK(r);
  for (auto& [dim, rows] : r["report"]["dimensions"].items())
    for (auto& row : rows) {
      EXPECT_EQ(row["suppressed"], true) << dim << " " << row.dump();
      EXPECT_EQ(row["speeches"], "suppressed");
    }
  r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}});
  ASSERT_OK(r);
  EXPECT_EQ(r["report"]["k"], 5);
  bool some_suppressed = false, some_shown = false;
  for (auto& row : r["report"]["dimensions"]["gender"]) (row["suppressed"] == true ? some_suppressed : some_shown) = true;
  EXPECT_TRUE(some_shown);
  EXPECT_TRUE(some_suppressed) << r["report"]["dimensions"]["gender"].dump();
  // Who may ask.
  EXPECT_ERR(t.dewi->request({{"type", "report.participation"}, {"forum", t.forum}}), "not_allowed");
  EXPECT_ERR(t.watcher->request({{"type", "report.participation"}, {"forum", t.forum}}), "not_allowed");
  EXPECT_ERR(t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 0}}), "bad_message");
  EXPECT_ERR(t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"workshop", 999999}}), "not_found");
  EXPECT_ERR(t.org->request({{"type", "report.participation"}, {"forum", t.forum + 1000}}), "not_allowed");

  // The CSV over real HTTP.
  std::string target = "/api/report/participation.csv?forum=" + std::to_string(t.forum);
  auto h = http_request(t.srv.port(), target, std::nullopt);
  EXPECT_EQ(h.status, 401);
  EXPECT_EQ(h.challenge, "Bearer");
  EXPECT_EQ(http_request(t.srv.port(), target, "Bearer not-a-real-token").status, 401);
  EXPECT_EQ(http_request(t.srv.port(), target, "Basic " + t.org.token).status, 401);
  EXPECT_EQ(http_request(t.srv.port(), target, "Bearer " + t.dewi.token).status, 403);
  EXPECT_EQ(http_request(t.srv.port(), target, "Bearer " + t.watcher.token).status, 403);
  h = http_request(t.srv.port(), target + "&k=1", "Bearer " + t.org.token);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_EQ(h.content_type.rfind("text/csv", 0), 0u) << h.content_type;
  EXPECT_NE(h.disposition.find("attachment"), std::string::npos) << h.disposition;
  EXPECT_NE(h.disposition.find(".csv"), std::string::npos) << h.disposition;
  EXPECT_EQ(h.body.rfind("dimension,group,delegates,speakers,speeches,seconds,tablings,cosponsorships,voters,ballots\r\n", 0), 0u)
      << h.body.substr(0, 200);
  EXPECT_NE(h.body.find("total,all,"), std::string::npos);
  EXPECT_NE(h.body.find("constituency,trade_union,"), std::string::npos);
  EXPECT_EQ(h.body.find("suppressed"), std::string::npos);
  h = http_request(t.srv.port(), target + "&k=1000", "Bearer " + rap.token);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_NE(h.body.find("constituency,trade_union,suppressed,suppressed"), std::string::npos) << h.body.substr(0, 400);
  h = http_request(t.srv.port(), target + "&workshop=" + std::to_string(w1id) + "&k=1", "Bearer " + t.org.token);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_NE(h.disposition.find("workshop"), std::string::npos);
  EXPECT_EQ(http_request(t.srv.port(), target + "&k=abc", "Bearer " + t.org.token).status, 400);
  EXPECT_EQ(http_request(t.srv.port(), "/api/report/participation.csv", "Bearer " + t.org.token).status, 400);
  EXPECT_EQ(http_request(t.srv.port(), target + "&workshop=999999", "Bearer " + t.org.token).status, 404);
  // A revoked session no longer downloads.
  ASSERT_OK(t.org->request({{"type", "session.revoke"}, {"delegate", rap.id}}));
  EXPECT_EQ(http_request(t.srv.port(), target, "Bearer " + rap.token).status, 401);
}

TEST(Floor, ParticipationReportCountsTablingsAndCosponsorships) {
  Floor t;
  std::int64_t declaration = seeded_declaration(*t.org.ws, t.forum);
  ASSERT_OK(t.org->request({{"type", "declaration.phase"}, {"declaration", declaration}, {"phase", "amendments"}}));
  json d = t.org->request({{"type", "declaration.get"}, {"declaration", declaration}});
  ASSERT_OK(d);
  std::vector<std::int64_t> clauses;
  for (auto& c : d["declaration"]["clauses"])
    if (c["kind"] == "clause") clauses.push_back(c["id"].get<std::int64_t>());
  ASSERT_GE(clauses.size(), 2u);
  auto table = [&](std::int64_t clause, bool draft) {
    return t.dewi->request({{"type", "amendment.table"}, {"declaration", declaration}, {"kind", "delete"},
                            {"clause", clause}, {"lang", "en"}, {"justification", "Redundant."}, {"draft", draft}});
  };
  json a = table(clauses[0], false);
  ASSERT_OK(a);
  ASSERT_OK(table(clauses[1], true));  // a draft is not tabled
  std::int64_t id = a["amendment"]["id"].get<std::int64_t>();
  ASSERT_OK(t.dewi->request({{"type", "amendment.sponsor.invite"}, {"amendment", id}, {"organisation", t.rosa.organisation}}));
  json before = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 1}});
  ASSERT_OK(before);
  EXPECT_EQ(before["report"]["total"]["tablings"], 1);
  EXPECT_EQ(before["report"]["total"]["cosponsorships"], 0);  // invited, not yet confirmed
  ASSERT_OK(t.rosa->request({{"type", "amendment.sponsor.confirm"}, {"amendment", id},
                             {"version", a["amendment"]["version"]}}));
  json r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 1}});
  ASSERT_OK(r);
  auto& rep = r["report"];
  EXPECT_EQ(rep["total"]["tablings"], 1);
  EXPECT_EQ(rep["total"]["cosponsorships"], 1);
  for (auto& row : rep["dimensions"]["constituency"])
    if (row["group"] == "trade_union") {
      EXPECT_EQ(row["tablings"], 1);
      EXPECT_EQ(row["cosponsorships"], 1);
    }
  // Never a vote choice: only counts of has-voted records.
  EXPECT_EQ(rep["total"]["ballots"], 0);
  EXPECT_EQ(rep["total"]["voters"], 0);
  auto h = http_request(t.srv.port(), "/api/report/participation.csv?k=1&forum=" + std::to_string(t.forum),
                        "Bearer " + t.org.token);
  ASSERT_EQ(h.status, 200) << h.body;
  // total,all,delegates,speakers,speeches,seconds,tablings,cosponsorships,...
  auto line_end = h.body.find("\r\n", h.body.find("total,all,"));
  std::string total = h.body.substr(h.body.find("total,all,"), line_end - h.body.find("total,all,"));
  std::vector<std::string> fields;
  for (std::size_t p = 0, q; p <= total.size(); p = q + 1) {
    q = total.find(',', p);
    if (q == std::string::npos) q = total.size();
    fields.push_back(total.substr(p, q - p));
  }
  ASSERT_EQ(fields.size(), 10u) << total;
  EXPECT_EQ(fields[6], "1") << total;
  EXPECT_EQ(fields[7], "1") << total;
}

TEST(Floor, ParticipationReportCountsVotersNotChoices) {
  Floor t;
  json p = t.org->request({{"type", "poll.create"}, {"room", t.plenary}, {"method", "yes_no_abstain"}, {"secret", true},
                           {"threshold", "simple_majority"}, {"question", "Adopt the agenda?"}});
  ASSERT_OK(p);
  std::int64_t poll = p["poll"]["id"].get<std::int64_t>();
  ASSERT_OK(t.org->request({{"type", "poll.open"}, {"poll", poll}}));
  ASSERT_OK(t.dewi->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", "yes"}}}}));
  ASSERT_OK(t.rosa->request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", "no"}}}}));
  json r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"k", 1}});
  ASSERT_OK(r);
  EXPECT_EQ(r["report"]["total"]["voters"], 2);
  EXPECT_EQ(r["report"]["total"]["ballots"], 2);
  for (auto& row : r["report"]["dimensions"]["constituency"]) {
    if (row["group"] == "trade_union") {
      EXPECT_EQ(row["voters"], 2);
    }
  }
  std::string dump = r.dump();
  EXPECT_EQ(dump.find("\"yes\""), std::string::npos);
  EXPECT_EQ(dump.find("\"no\""), std::string::npos);
  // A workshop's report counts only polls in its room.
  auto w1 = t.workshop("Decent work");
  r = t.org->request({{"type", "report.participation"}, {"forum", t.forum}, {"workshop", w1["id"]}, {"k", 1}});
  ASSERT_OK(r);
  EXPECT_EQ(r["report"]["total"]["ballots"], 0);
}
