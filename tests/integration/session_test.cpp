// Sessions, forum reading, accreditation and presence against the real server.
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
  auto pa1 = a->wait_push("presence", 5s);
  ASSERT_TRUE(pa1);
  EXPECT_EQ((*pa1)["event"], "join");
  EXPECT_EQ((*pa1)["count"], 1);
  auto a_id = (*pa1)["delegate"]["delegate"].get<std::int64_t>();

  json jb = b->request({{"type", "room.join"}, {"room", room}});
  ASSERT_OK(jb);
  EXPECT_EQ(jb["present"].size(), 2u) << jb.dump();
  auto pb = b->wait_push("presence", 5s);
  ASSERT_TRUE(pb);
  EXPECT_EQ((*pb)["event"], "join");
  EXPECT_EQ((*pb)["count"], 2);
  auto b_id = (*pb)["delegate"]["delegate"].get<std::int64_t>();
  EXPECT_NE(a_id, b_id);
  auto pa2 = a->wait_push("presence", 5s);
  ASSERT_TRUE(pa2) << "the first delegate did not see the second join";
  EXPECT_EQ((*pa2)["event"], "join");
  EXPECT_EQ((*pa2)["delegate"]["delegate"], b_id);
  EXPECT_EQ((*pa2)["seq"].get<int>(), (*pa1)["seq"].get<int>() + 1);

  EXPECT_OK(b->request({{"type", "room.leave"}, {"room", room}}));
  auto pl = a->wait_push("presence", 5s);
  ASSERT_TRUE(pl);
  EXPECT_EQ((*pl)["event"], "leave");
  EXPECT_EQ((*pl)["delegate"]["delegate"], b_id);
  EXPECT_EQ((*pl)["count"], 1);
  EXPECT_ERR(b->request({{"type", "room.leave"}, {"room", room}}), "not_found");

  // Closing the socket also leaves.
  EXPECT_OK(b->request({{"type", "room.join"}, {"room", room}}));
  auto pj = a->wait_push("presence", 5s);
  ASSERT_TRUE(pj);
  EXPECT_EQ((*pj)["event"], "join");
  b->close();
  auto pc = a->wait_push("presence", 5s);
  ASSERT_TRUE(pc) << "no leave after the socket closed";
  EXPECT_EQ((*pc)["event"], "leave");
  EXPECT_EQ((*pc)["delegate"]["delegate"], b_id);

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
