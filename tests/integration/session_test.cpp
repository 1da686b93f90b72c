// Sessions, forum reading, accreditation and presence against the real server.
#include <algorithm>
#include <set>
#include <thread>

#include "common.hpp"

using namespace it;

TEST(Forum, HelloListAndProgramme) {
  ServerProcess srv;
  WsClient c;
  c.connect(srv.port());
  json h = c.request({{"type", "hello"}, {"protocol", 1}, {"lang", "es"}});
  ASSERT_OK(h);
  EXPECT_EQ(h["protocol"], 1);
  EXPECT_TRUE(h["server"].is_string());
  EXPECT_FALSE(h.contains("delegate"));
  EXPECT_ERR(c.request({{"type", "hello"}, {"protocol", 2}}), "protocol_version");

  json l = c.request({{"type", "forum.list"}});
  ASSERT_OK(l);
  ASSERT_EQ(l["forums"].size(), 1u) << l.dump();
  auto forum = l["forums"][0]["id"].get<std::int64_t>();
  EXPECT_GT(forum, 0);
  EXPECT_EQ(l["forums"][0]["starts"], "2026-12-02");

  json g = c.request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(g);
  EXPECT_EQ(g["forum"]["id"], forum);
  EXPECT_EQ(g["forum"]["timezone"], "America/Mexico_City");
  auto& slots = g["programme"]["slots"];
  ASSERT_EQ(slots.size(), 3u);
  for (auto& s : slots) {
    EXPECT_EQ(s["workshops"].size(), 4u) << s.dump();
    for (auto& w : s["workshops"]) {
      EXPECT_EQ(w["slot"], s["id"]);
      EXPECT_TRUE(w["room"].is_number_integer());
    }
  }
  EXPECT_GE(g["organisations"].size(), 40u);
  EXPECT_GE(g["networks"].size(), 1u);
  ASSERT_TRUE(g["plenary"].is_number_integer()) << g["plenary"];
  EXPECT_GT(g["plenary"].get<std::int64_t>(), 0);
  EXPECT_ERR(c.request({{"type", "forum.get"}, {"forum", 999999}}), "not_found");
}

TEST(Login, BadgeCodeAndPassword) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  WsClient a;
  a.connect(srv.port());
  json r = login_code(a, forum, demo::kDelegate);
  ASSERT_OK(r);
  EXPECT_TRUE(r["token"].is_string());
  EXPECT_FALSE(r["token"].get<std::string>().empty());
  EXPECT_GT(r["expires"].get<std::int64_t>(), std::time(nullptr));
  EXPECT_EQ(r["delegate"]["name"], "Dewi Lestari");
  EXPECT_EQ(r["delegate"]["status"], "accredited");

  // Lower case and without dashes is the same badge code.
  WsClient a2;
  a2.connect(srv.port());
  EXPECT_OK(login_code(a2, forum, "d8735bbarjj9"));

  WsClient b;
  b.connect(srv.port());
  json p = login_password(b, forum, "itzel.ramirez@example.org", "plenary-demo-organiser");
  ASSERT_OK(p);
  EXPECT_EQ(p["delegate"]["email"], "itzel.ramirez@example.org");
  EXPECT_NE(std::find(p["delegate"]["roles"].begin(), p["delegate"]["roles"].end(), "organiser"),
            p["delegate"]["roles"].end());

  WsClient c;
  c.connect(srv.port());
  EXPECT_ERR(login_password(c, forum, "itzel.ramirez@example.org", "wrong password"), "bad_credentials");
  EXPECT_ERR(c.request({{"type", "login"}, {"forum", forum}, {"code", "AAAA-BBBB-CCCC"}}), "bad_credentials");
  EXPECT_ERR(c.request({{"type", "login"}, {"forum", 99999}, {"code", demo::kDelegate}}), "not_found");
  // The connection still works and can log in correctly.
  EXPECT_OK(c.request({{"type", "login"}, {"forum", forum}, {"code", demo::kObserver}}));
}

TEST(Login, RepeatedFailuresAreThrottled) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  WsClient c;
  c.connect(srv.port());
  c.request({{"type", "hello"}, {"protocol", 1}});
  std::vector<std::string> codes;
  bool throttled = false;
  for (int i = 0; i < 30 && !throttled; ++i) {
    json r = c.request({{"type", "login"}, {"forum", forum}, {"email", "dewi.lestari@example.org"},
                        {"password", "not-the-password-" + std::to_string(i)}});
    codes.push_back(code_of(r));
    if (code_of(r) == "throttled") throttled = true;
    else EXPECT_ERR(r, "bad_credentials");
  }
  EXPECT_TRUE(throttled) << "no throttled after " << codes.size() << " failures";
  EXPECT_GE(codes.size(), 3u);
  // Even the right password is refused while throttled.
  EXPECT_ERR(c.request({{"type", "login"}, {"forum", forum}, {"email", "dewi.lestari@example.org"},
                        {"password", "plenary-demo-delegate"}}),
             "throttled");
}

TEST(Register, AccreditationFlowAndConflict) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  auto org = logged_in(srv, forum, demo::kOrganiser);

  WsClient reg;
  reg.connect(srv.port());
  reg.request({{"type", "hello"}, {"protocol", 1}});
  json r = reg.request(registration(forum, "new.person@example.org", "Nueva Persona"));
  ASSERT_OK(r);
  EXPECT_EQ(r["delegate"]["status"], "registered");
  EXPECT_TRUE(r["token"].is_string());
  auto id = r["delegate"]["id"].get<std::int64_t>();
  EXPECT_TRUE(r["delegate"]["organisation"].is_number_integer());

  auto push = org->wait_push("accreditation", 5s);
  ASSERT_TRUE(push) << "organiser got no accreditation push for the registration";
  EXPECT_EQ((*push)["delegate"]["id"], id);
  EXPECT_EQ((*push)["delegate"]["status"], "registered");
  EXPECT_EQ((*push)["forum"], forum);
  EXPECT_GE((*push)["seq"].get<int>(), 1);
  auto own = reg.wait_push("accreditation", 5s);  // its own registration
  ASSERT_TRUE(own) << "the registrant got no accreditation push for its registration";
  EXPECT_EQ((*own)["delegate"]["status"], "registered");

  // A registered delegate cannot join rooms yet.
  json g = reg.request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(g);
  auto room = g["programme"]["slots"][0]["workshops"][0]["room"].get<std::int64_t>();
  EXPECT_ERR(reg.request({{"type", "room.join"}, {"room", room}}), "not_accredited");

  json a = org->request({{"type", "delegate.accredit"}, {"delegate", id}});
  ASSERT_OK(a);
  EXPECT_EQ(a["delegate"]["status"], "accredited");
  auto mine = reg.wait_push("accreditation", 5s);
  ASSERT_TRUE(mine) << "the registrant got no accreditation push";
  EXPECT_EQ((*mine)["delegate"]["id"], id);
  EXPECT_EQ((*mine)["delegate"]["status"], "accredited");
  // Now the room opens.
  EXPECT_OK(reg.request({{"type", "room.join"}, {"room", room}}));

  // The same e-mail again: conflict.
  WsClient dup;
  dup.connect(srv.port());
  dup.request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(dup.request(registration(forum, "new.person@example.org", "Otra")), "conflict");
  EXPECT_ERR(dup.request(registration(forum, "dewi.lestari@example.org", "Otra")), "conflict");
  // The new password logs in.
  WsClient again;
  again.connect(srv.port());
  EXPECT_OK(login_password(again, forum, "new.person@example.org", "correct horse battery"));
}

namespace {
// The ids of a presence push's `joined` or `left` list (empty when the push has none).
std::vector<std::int64_t> ids_in(const json& push, const char* list) {
  std::vector<std::int64_t> out;
  if (push.contains(list))
    for (auto& p : push[list]) out.push_back(p["delegate"].get<std::int64_t>());
  std::sort(out.begin(), out.end());
  return out;
}
using Ids = std::vector<std::int64_t>;
}  // namespace

TEST(Rooms, PresenceJoinLeaveAndErrors) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  auto a = logged_in(srv, forum, demo::kDelegate);
  auto b = logged_in(srv, forum, demo::kDelegate2);
  json g = a->request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(g);
  auto room = g["programme"]["slots"][1]["workshops"][2]["room"].get<std::int64_t>();

  json ja = a->request({{"type", "room.join"}, {"room", room}});
  ASSERT_OK(ja);
  EXPECT_EQ(ja["room"], room);
  EXPECT_EQ(ja["count"], 1);
  ASSERT_EQ(ja["present"].size(), 1u) << ja.dump();
  auto a_id = ja["present"][0]["delegate"].get<std::int64_t>();
  auto pa1 = a->wait_push("presence", 5s);
  ASSERT_TRUE(pa1);
  EXPECT_EQ((*pa1)["count"], 1);
  EXPECT_EQ(ids_in(*pa1, "joined"), Ids{a_id}) << pa1->dump();
  EXPECT_EQ(ids_in(*pa1, "left"), Ids{}) << pa1->dump();
  EXPECT_EQ((*pa1)["event"], "join");  // one change: also in the single-change form
  EXPECT_EQ((*pa1)["delegate"]["delegate"], a_id);

  json jb = b->request({{"type", "room.join"}, {"room", room}});
  ASSERT_OK(jb);
  EXPECT_EQ(jb["count"], 2);
  EXPECT_EQ(jb["present"].size(), 2u) << jb.dump();
  auto pb = b->wait_push("presence", 5s);
  ASSERT_TRUE(pb);
  EXPECT_EQ((*pb)["count"], 2);
  auto b_joined = ids_in(*pb, "joined");
  ASSERT_EQ(b_joined.size(), 1u) << pb->dump();
  auto b_id = b_joined[0];
  EXPECT_NE(a_id, b_id);
  auto pa2 = a->wait_push("presence", 5s);
  ASSERT_TRUE(pa2) << "the first delegate did not see the second join";
  EXPECT_EQ(ids_in(*pa2, "joined"), Ids{b_id});
  EXPECT_EQ(ids_in(*pa2, "left"), Ids{});
  EXPECT_EQ((*pa2)["seq"].get<int>(), (*pa1)["seq"].get<int>() + 1);

  EXPECT_OK(b->request({{"type", "room.leave"}, {"room", room}}));
  auto pl = a->wait_push("presence", 5s);
  ASSERT_TRUE(pl);
  EXPECT_EQ(ids_in(*pl, "joined"), Ids{});
  EXPECT_EQ(ids_in(*pl, "left"), Ids{b_id});
  EXPECT_EQ((*pl)["event"], "leave");
  EXPECT_EQ((*pl)["count"], 1);
  EXPECT_ERR(b->request({{"type", "room.leave"}, {"room", room}}), "not_found");

  // Closing the socket also leaves.
  EXPECT_OK(b->request({{"type", "room.join"}, {"room", room}}));
  auto pj = a->wait_push("presence", 5s);
  ASSERT_TRUE(pj);
  EXPECT_EQ(ids_in(*pj, "joined"), Ids{b_id});
  b->close();
  auto pc = a->wait_push("presence", 5s);
  ASSERT_TRUE(pc) << "no leave after the socket closed";
  EXPECT_EQ(ids_in(*pc, "left"), Ids{b_id});
  EXPECT_EQ((*pc)["count"], 1);

  // An observer may join; an unknown room is not_found.
  auto o = logged_in(srv, forum, demo::kObserver);
  EXPECT_OK(o->request({{"type", "room.join"}, {"room", room}}));
  EXPECT_ERR(o->request({{"type", "room.join"}, {"room", 987654}}), "not_found");
  // Unauthenticated.
  WsClient anon;
  anon.connect(srv.port());
  anon.request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(anon.request({{"type", "room.join"}, {"room", room}}), "unauthenticated");
}

namespace {
// n new accredited delegates (access codes made by the organiser), logged in on their own sockets.
std::vector<std::unique_ptr<WsClient>> new_delegates(const ServerProcess& srv, std::int64_t forum, WsClient& org, int n,
                                                     const std::string& prefix) {
  std::vector<std::unique_ptr<WsClient>> out;
  for (int i = 0; i < n; ++i) {
    json r = org.request({{"type", "access_code.create"}, {"forum", forum}, {"role", "delegate"},
                          {"name", prefix + " " + std::to_string(i + 1)}});
    if (code_of(r) != "ok") throw std::runtime_error("access_code.create: " + r.dump());
    out.push_back(logged_in(srv, forum, r["code"].get<std::string>()));
  }
  return out;
}
}  // namespace

TEST(Rooms, ManyJoinsInOneTickMakeOnePresencePushPerRoom) {
  // A long tick, so that the joins below land between two ticks.
  ServerProcess srv({"--tick-ms", "2000", "--max-msg-rate", "0"});
  auto forum = forum_of(srv);
  auto org = logged_in(srv, forum, demo::kOrganiser);
  json g = org->request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(g);
  auto room = g["programme"]["slots"][1]["workshops"][2]["room"].get<std::int64_t>();
  auto other_room = g["plenary"].get<std::int64_t>();
  ASSERT_NE(room, other_room);
  auto watcher = logged_in(srv, forum, demo::kDelegate);
  auto elsewhere = logged_in(srv, forum, demo::kDelegate2);
  ASSERT_OK(elsewhere->request({{"type", "room.join"}, {"room", other_room}}));
  ASSERT_TRUE(elsewhere->wait_push("presence", 5s));
  const int n = 8;
  auto joiners = new_delegates(srv, forum, *org, n, "Tick Joiner");

  ASSERT_OK(watcher->request({{"type", "room.join"}, {"room", room}}));
  auto first = watcher->wait_push("presence", 5s);  // its own join, at a tick
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["count"], 1);
  // Right after that tick: n joins, well within the next 2 s.
  Ids joined_ids;
  for (auto& j : joiners) {
    json r = j->request({{"type", "room.join"}, {"room", room}});
    ASSERT_OK(r);
    EXPECT_GE(r["count"].get<int>(), 2);
    EXPECT_EQ(r["present"].size(), r["count"].get<std::size_t>()) << "a small room is listed in full";
    for (auto& p : r["present"]) joined_ids.push_back(p["delegate"].get<std::int64_t>());
  }
  std::sort(joined_ids.begin(), joined_ids.end());
  joined_ids.erase(std::unique(joined_ids.begin(), joined_ids.end()), joined_ids.end());
  ASSERT_EQ(joined_ids.size(), static_cast<std::size_t>(n + 1));
  // Drop the watcher's own id: the push lists the n who joined since its previous push.
  auto watcher_id = (*first)["joined"][0]["delegate"].get<std::int64_t>();
  joined_ids.erase(std::find(joined_ids.begin(), joined_ids.end(), watcher_id));

  auto batch = watcher->wait_push("presence", 5s);
  ASSERT_TRUE(batch) << "no presence push after the joins";
  EXPECT_EQ((*batch)["count"], n + 1);
  EXPECT_EQ(ids_in(*batch, "joined"), joined_ids) << batch->dump();
  EXPECT_EQ(ids_in(*batch, "left"), Ids{});
  EXPECT_FALSE(batch->contains("event")) << "several changes have no single-change form";
  EXPECT_EQ((*batch)["seq"].get<int>(), (*first)["seq"].get<int>() + 1);
  // Every joiner gets that same one push, and nobody gets a second one; the other room nothing.
  for (auto& j : joiners) {
    auto p = j->wait_push("presence", 5s);
    ASSERT_TRUE(p);
    EXPECT_EQ((*p)["count"], n + 1);
    EXPECT_EQ(ids_in(*p, "joined"), joined_ids);
    EXPECT_EQ((*p)["seq"], 1);
  }
  std::this_thread::sleep_for(2500ms);  // one more tick
  EXPECT_EQ(watcher->take_all("presence").size(), 0u);
  for (auto& j : joiners) EXPECT_EQ(j->take_all("presence").size(), 0u);
  EXPECT_EQ(elsewhere->take_all("presence").size(), 0u) << "joins in one room pushed to another";

  // A join and a leave within one tick cancel out: no push at all. (First a leave, whose push
  // marks a tick; the leave and re-join follow right after it.)
  ASSERT_OK(joiners.front()->request({{"type", "room.leave"}, {"room", room}}));
  auto marker = watcher->wait_push("presence", 5s);
  ASSERT_TRUE(marker);
  EXPECT_EQ((*marker)["count"], n);
  auto& last = joiners.back();
  ASSERT_OK(last->request({{"type", "room.leave"}, {"room", room}}));
  ASSERT_OK(last->request({{"type", "room.join"}, {"room", room}}));
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(watcher->take_all("presence").size(), 0u) << "a leave and re-join in one tick was pushed";
}

TEST(Rooms, LargeRoomCarriesTheCountOnly) {
  ServerProcess srv({"--max-msg-rate", "0"});
  auto forum = forum_of(srv);
  auto org = logged_in(srv, forum, demo::kOrganiser);
  json g = org->request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(g);
  auto room = g["programme"]["slots"][1]["workshops"][2]["room"].get<std::int64_t>();
  auto watcher = logged_in(srv, forum, demo::kDelegate);
  ASSERT_OK(watcher->request({{"type", "room.join"}, {"room", room}}));
  // 100 people is the largest listed room: the watcher and 99 others.
  auto people = new_delegates(srv, forum, *org, 100, "Crowd");
  for (int i = 0; i < 99; ++i) {
    json r = people[i]->request({{"type", "room.join"}, {"room", room}});
    ASSERT_OK(r);
    EXPECT_EQ(r["present"].size(), r["count"].get<std::size_t>());
  }
  // Wait until the watcher's list says 100 (changes may come in several pushes).
  std::set<std::int64_t> listed;
  for (int guard = 0; listed.size() < 100 && guard < 200; ++guard) {
    auto p = watcher->wait_push("presence", 5s);
    ASSERT_TRUE(p) << "presence stopped at " << listed.size();
    ASSERT_TRUE(p->contains("joined")) << "a room of at most 100 is listed: " << p->dump();
    for (auto id : ids_in(*p, "joined")) listed.insert(id);
    for (auto id : ids_in(*p, "left")) listed.erase(id);
    EXPECT_EQ((*p)["count"].get<std::size_t>(), listed.size());
  }
  ASSERT_EQ(listed.size(), 100u);
  // The 101st: the room is no longer listed.
  json big = people[99]->request({{"type", "room.join"}, {"room", room}});
  ASSERT_OK(big);
  EXPECT_EQ(big["count"], 101);
  EXPECT_TRUE(big["present"].empty()) << big.dump();
  auto p = watcher->wait_push("presence", 5s);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["count"], 101);
  EXPECT_FALSE(p->contains("joined") || p->contains("left") || p->contains("present")) << p->dump();
  // Back to 100: the push lists everyone, to replace the stale list.
  ASSERT_OK(people[0]->request({{"type", "room.leave"}, {"room", room}}));
  auto back = watcher->wait_push("presence", 5s);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["count"], 100);
  ASSERT_TRUE(back->contains("present")) << back->dump();
  EXPECT_EQ((*back)["present"].size(), 100u);
  EXPECT_FALSE(back->contains("joined"));
  std::set<std::int64_t> now;
  for (auto& x : (*back)["present"]) now.insert(x["delegate"].get<std::int64_t>());
  EXPECT_EQ(now.size(), 100u);
}

TEST(Rooms, SeededRegisteredDelegateIsNotAccredited) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  auto org = logged_in(srv, forum, demo::kOrganiser);
  json list = org->request({{"type", "delegate.list"}, {"forum", forum}, {"status", "registered"}});
  ASSERT_OK(list);
  ASSERT_FALSE(list["delegates"].empty());
  for (auto& d : list["delegates"]) EXPECT_EQ(d["status"], "registered");
  // Give one of them a badge: the organiser cannot (no such message), so register a new one.
  WsClient reg;
  reg.connect(srv.port());
  reg.request({{"type", "hello"}, {"protocol", 1}});
  ASSERT_OK(reg.request(registration(forum, "someone.else@example.org")));
  json g = reg.request({{"type", "forum.get"}, {"forum", forum}});
  EXPECT_ERR(reg.request({{"type", "room.join"}, {"room", g["plenary"]}}), "not_accredited");
  EXPECT_ERR(reg.request({{"type", "delegate.list"}, {"forum", forum}}), "not_accredited");
}

TEST(Sessions, TokenHelloAndRevoke) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  WsClient d1;
  d1.connect(srv.port());
  json l = login_code(d1, forum, demo::kDelegate);
  ASSERT_OK(l);
  std::string token = l["token"];
  auto delegate = l["delegate"]["id"].get<std::int64_t>();

  WsClient d2;
  d2.connect(srv.port());
  json h = d2.request({{"type", "hello"}, {"protocol", 1}, {"token", token}});
  ASSERT_OK(h);
  ASSERT_TRUE(h.contains("delegate")) << h.dump();
  EXPECT_EQ(h["delegate"]["id"], delegate);
  json g = d2.request({{"type", "forum.get"}, {"forum", forum}});
  EXPECT_OK(d2.request({{"type", "room.join"}, {"room", g["plenary"]}}));

  auto org = logged_in(srv, forum, demo::kOrganiser);
  EXPECT_ERR(d1.request({{"type", "session.revoke"}, {"delegate", delegate}}), "not_allowed");
  json rv = org->request({{"type", "session.revoke"}, {"delegate", delegate}});
  ASSERT_OK(rv);
  EXPECT_GE(rv["revoked"].get<int>(), 1);

  auto p = d2.wait_push("revoked", 5s);
  ASSERT_TRUE(p) << "no revoked push";
  EXPECT_TRUE((*p)["reason"].is_string());
  EXPECT_FALSE(p->contains("seq"));
  ASSERT_TRUE(d2.wait_closed(5s));
  EXPECT_EQ(d2.close_code(), 1008);
  ASSERT_TRUE(d1.wait_closed(5s));
  EXPECT_EQ(d1.close_code(), 1008);

  WsClient d3;
  d3.connect(srv.port());
  EXPECT_ERR(d3.request({{"type", "hello"}, {"protocol", 1}, {"token", token}}), "unauthenticated");
  EXPECT_ERR(d3.request({{"type", "hello"}, {"protocol", 1}, {"token", "garbage-token"}}), "unauthenticated");
  // Logging in again works (the badge code is reusable).
  EXPECT_OK(d3.request({{"type", "login"}, {"forum", forum}, {"code", demo::kDelegate}}));
}

TEST(Sessions, ExpiredTokenIsRefused) {
  ServerProcess srv({"--session-ttl", "1"});
  auto forum = forum_of(srv);
  WsClient a;
  a.connect(srv.port());
  json l = login_code(a, forum, demo::kDelegate);
  ASSERT_OK(l);
  std::string token = l["token"];
  std::this_thread::sleep_for(2100ms);
  WsClient b;
  b.connect(srv.port());
  EXPECT_ERR(b.request({{"type", "hello"}, {"protocol", 1}, {"token", token}}), "token_expired");
}

TEST(Sessions, LogoutEndsTheSession) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  WsClient a;
  a.connect(srv.port());
  json l = login_code(a, forum, demo::kDelegate);
  ASSERT_OK(l);
  EXPECT_OK(a.request({{"type", "logout"}}));
  EXPECT_ERR(a.request({{"type", "declaration.list"}, {"forum", forum}}), "unauthenticated");
  WsClient b;
  b.connect(srv.port());
  EXPECT_ERR(b.request({{"type", "hello"}, {"protocol", 1}, {"token", l["token"]}}), "unauthenticated");
}

TEST(Roles, DelegateMayNotAccreditOrCreateCodes) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  auto d = logged_in(srv, forum, demo::kDelegate);
  json l = d->request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(d->request({{"type", "delegate.accredit"}, {"delegate", 1}}), "not_allowed");
  EXPECT_ERR(d->request({{"type", "delegate.list"}, {"forum", forum}}), "not_allowed");
  EXPECT_ERR(d->request({{"type", "access_code.create"}, {"forum", forum}, {"role", "drafting"}, {"name", "X"}}),
             "not_allowed");
  EXPECT_ERR(d->request({{"type", "declaration.phase"}, {"declaration", seeded_declaration(*d, forum)},
                         {"phase", "amendments"}}),
             "not_allowed");
  (void)l;
}
