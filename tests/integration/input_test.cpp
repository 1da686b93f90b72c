// Malformed and hostile input, limits, origins; the CLI on a running server; durability and
// plain HTTP.
#include <regex>

#include "common.hpp"

using namespace it;

namespace {
// The next ok/error frame (skipping pushes).
json next_reply(WsClient& c, std::chrono::milliseconds timeout = 5s) {
  for (;;) {
    auto m = c.read_any(timeout);
    if (!m) throw std::runtime_error("no reply in time");
    std::string t = m->value("type", "");
    if (t == "ok" || t == "error") return *m;
  }
}
}  // namespace

TEST(BadInput, MalformedJsonUnknownTypeAndFields) {
  ServerProcess srv;
  WsClient c;
  c.connect(srv.port());
  ASSERT_OK(c.request({{"type", "hello"}, {"protocol", 1}}));

  c.send_raw("{\"type\": \"hello\", \"id\": 5, ");
  json r = next_reply(c);
  EXPECT_ERR(r, "bad_json");
  EXPECT_TRUE(r.contains("re") && r["re"].is_null()) << r.dump();
  EXPECT_TRUE(r["message"].is_string());
  // Still usable.
  EXPECT_OK(c.request({{"type", "forum.list"}}));

  c.send_raw("[1,2,3]");
  r = next_reply(c);
  EXPECT_ERR(r, "bad_message");
  EXPECT_TRUE(r["re"].is_null());
  c.send_raw("{\"type\":\"forum.list\"}");  // no id
  r = next_reply(c);
  EXPECT_ERR(r, "bad_message");
  EXPECT_TRUE(r["re"].is_null());

  EXPECT_ERR(c.request({{"type", "no.such.thing"}}), "unknown_type");
  json u = c.request({{"type", "frobnicate"}, {"id", "str-id-1"}});
  EXPECT_ERR(u, "unknown_type");
  EXPECT_EQ(u["re"], "str-id-1");
  EXPECT_ERR(c.request({{"type", "forum.get"}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "forum.get"}, {"forum", "one"}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "forum.get"}, {"forum", -3}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "hello"}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "hello"}, {"protocol", "1"}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "login"}, {"forum", 1}}), "bad_message");
  EXPECT_ERR(c.request({{"type", "login"}, {"forum", 1}, {"code", 12345}}), "bad_message");
  json reg = registration(1, "short@example.org");
  reg["password"] = "short";
  EXPECT_ERR(c.request(reg), "bad_message");
  reg = registration(1, "bad-org@example.org");
  reg["organisation"]["constituency"] = "pirates";
  EXPECT_ERR(c.request(reg), "bad_message");
  EXPECT_OK(c.request({{"type", "forum.list"}}));
}

TEST(BadInput, FrameSizeLimits) {
  ServerProcess srv;
  WsClient c;
  c.connect(srv.port());
  ASSERT_OK(c.request({{"type", "hello"}, {"protocol", 1}}));
  // Over 64 KiB, under 256 KiB: too_large, ignored, connection stays.
  std::string big = "{\"type\":\"forum.list\",\"id\":77,\"pad\":\"" + std::string(100 * 1024, 'x') + "\"}";
  c.send_raw(big);
  json r = next_reply(c);
  EXPECT_ERR(r, "too_large");
  EXPECT_TRUE(r["re"].is_null());
  EXPECT_OK(c.request({{"type", "forum.list"}}));
  EXPECT_FALSE(c.closed());

  // Over 256 KiB: closed with 1009.
  std::string huge = "{\"type\":\"forum.list\",\"id\":78,\"pad\":\"" + std::string(300 * 1024, 'y') + "\"}";
  c.send_frame_unmanaged(huge);
  ASSERT_TRUE(c.wait_closed(10s)) << "the socket stayed open after a 300 KiB frame";
  EXPECT_EQ(c.close_code(), 1009) << c.close_error();

  // The server is still fine for others.
  WsClient d;
  d.connect(srv.port());
  EXPECT_OK(d.request({{"type", "hello"}, {"protocol", 1}}));
}

TEST(BadInput, Utf8TextAndBinaryFrames) {
  ServerProcess srv;
  WsClient b;
  b.connect(srv.port());
  ASSERT_OK(b.request({{"type", "hello"}, {"protocol", 1}}));
  b.send_binary(std::string("{\"type\":\"hello\",\"id\":1,\"x\":\"\xC3\x28\"}"));
  json r = next_reply(b);
  EXPECT_ERR(r, "bad_utf8");
  b.send_binary("{\"type\":\"forum.list\",\"id\":2}");
  r = next_reply(b);
  EXPECT_ERR(r, "bad_message");
  EXPECT_OK(b.request({{"type", "forum.list"}}));
  EXPECT_FALSE(b.closed());

  WsClient t;
  t.connect(srv.port());
  ASSERT_OK(t.request({{"type", "hello"}, {"protocol", 1}}));
  t.send_raw(std::string("{\"type\":\"forum.list\",\"id\":3,\"x\":\"\xFF\xFE\"}"));
  ASSERT_TRUE(t.wait_closed(10s)) << "the socket stayed open after invalid UTF-8 in a text frame";
  EXPECT_EQ(t.close_code(), 1007) << t.close_error();
}

TEST(BadInput, RateLimit) {
  ServerProcess srv({"--max-msg-rate", "5"});
  WsClient c;
  c.connect(srv.port());
  const int n = 60;
  for (int i = 0; i < n; ++i) c.send({{"type", "forum.list"}});
  int ok = 0, limited = 0, other = 0;
  for (int i = 0; i < n; ++i) {
    json r = next_reply(c);
    if (code_of(r) == "ok") ++ok;
    else if (code_of(r) == "rate_limited") ++limited;
    else ++other;
  }
  EXPECT_GE(limited, 1) << "ok=" << ok;
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 30);  // burst of 4 s at 5/s plus a little refill
  EXPECT_EQ(other, 0);
  // After a pause the bucket refills.
  std::this_thread::sleep_for(1500ms);
  EXPECT_OK(c.request({{"type", "forum.list"}}));
}

TEST(BadInput, OriginCheck) {
  ServerProcess srv;
  auto port = srv.port();
  EXPECT_EQ(try_upgrade(port, std::string("http://evil.example")), 403);
  EXPECT_EQ(try_upgrade(port, "http://127.0.0.1:" + std::to_string(port)), 101);
  EXPECT_EQ(try_upgrade(port, std::nullopt), 101);
  WsClient c;
  EXPECT_THROW(c.connect(port, std::string("http://evil.example")), std::runtime_error);
  EXPECT_EQ(c.handshake_status(), 403);
  WsClient same;
  same.connect(port, "http://127.0.0.1:" + std::to_string(port));
  EXPECT_OK(same.request({{"type", "hello"}, {"protocol", 1}}));
}

TEST(BadInput, ExplicitAllowedOrigin) {
  ServerProcess srv({"--allowed-origin", "https://plenary.example"});
  EXPECT_EQ(try_upgrade(srv.port(), std::string("https://plenary.example")), 101);
  EXPECT_EQ(try_upgrade(srv.port(), std::string("http://evil.example")), 403);
}

TEST(BadInput, UnauthenticatedActions) {
  ServerProcess srv;
  WsClient c;
  c.connect(srv.port());
  c.request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(c.request({{"type", "room.join"}, {"room", 1}}), "unauthenticated");
  EXPECT_ERR(c.request({{"type", "declaration.list"}, {"forum", 1}}), "unauthenticated");
  EXPECT_ERR(c.request({{"type", "doc.open"}, {"doc", 1}}), "unauthenticated");
  EXPECT_ERR(c.request({{"type", "logout"}}), "unauthenticated");
}

TEST(Cli, ForumCreateAndAccessCodeOnRunningServer) {
  ServerProcess srv;
  std::string out = run_cli({"forum", "create", "--db", srv.db(), "--name", "CLI Forum", "--languages", "en,es"});
  json f = json::parse(out);
  ASSERT_TRUE(f["forum"].is_number_integer()) << out;
  ASSERT_TRUE(f["code"].is_string()) << out;
  auto forum = f["forum"].get<std::int64_t>();

  WsClient o;
  o.connect(srv.port());
  json l = login_code(o, forum, f["code"]);
  ASSERT_OK(l);
  EXPECT_EQ(l["delegate"]["forum"], forum);
  EXPECT_EQ(l["delegate"]["status"], "accredited");
  EXPECT_NE(std::find(l["delegate"]["roles"].begin(), l["delegate"]["roles"].end(), "organiser"),
            l["delegate"]["roles"].end());
  json list = o.request({{"type", "forum.list"}});
  ASSERT_OK(list);
  EXPECT_EQ(list["forums"].size(), 2u);

  std::string out2 = run_cli({"access-code", "--db", srv.db(), "--forum", std::to_string(forum), "--role", "drafting",
                              "--name", "CLI Drafter"});
  json a = json::parse(out2);
  ASSERT_TRUE(a["code"].is_string()) << out2;
  WsClient d;
  d.connect(srv.port());
  json dl = login_code(d, forum, a["code"]);
  ASSERT_OK(dl);
  EXPECT_EQ(dl["delegate"]["name"], "CLI Drafter");
  EXPECT_EQ(dl["delegate"]["roles"], json::array({"drafting"}));
  // A code of the new forum does not open the seeded one.
  WsClient x;
  x.connect(srv.port());
  x.request({{"type", "hello"}, {"protocol", 1}});
  EXPECT_ERR(x.request({{"type", "login"}, {"forum", list["forums"][0]["id"]}, {"code", a["code"]}}), "bad_credentials");
}

TEST(Durability, RegistrationsSurviveSigkill) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  std::vector<std::int64_t> ids;
  {
    WsClient c;
    c.connect(srv.port());
    c.request({{"type", "hello"}, {"protocol", 1}});
    for (int i = 0; i < 20; ++i) {
      WsClient r;
      r.connect(srv.port());
      r.request({{"type", "hello"}, {"protocol", 1}});
      json reply = r.request(registration(forum, "durable" + std::to_string(i) + "@example.org", "Durable " + std::to_string(i)));
      ASSERT_OK(reply);
      ids.push_back(reply["delegate"]["id"].get<std::int64_t>());
    }
  }
  srv.kill();
  srv.start();
  auto org = logged_in(srv, forum, demo::kOrganiser);
  json list = org->request({{"type", "delegate.list"}, {"forum", forum}, {"status", "registered"}});
  ASSERT_OK(list);
  std::set<std::int64_t> found;
  for (auto& d : list["delegates"]) found.insert(d["id"].get<std::int64_t>());
  for (auto id : ids) EXPECT_TRUE(found.count(id)) << "delegate " << id << " lost after SIGKILL";
}

TEST(Http, HealthzAndStaticFiles) {
  ServerProcess srv;
  auto h = http_get(srv.port(), "/healthz");
  EXPECT_EQ(h.status, 200);
  json hj = json::parse(h.body);
  EXPECT_EQ(hj["status"], "ok");
  EXPECT_NE(h.content_type.find("application/json"), std::string::npos) << h.content_type;
  auto i = http_get(srv.port(), "/");
  EXPECT_EQ(i.status, 200);
  EXPECT_NE(i.body.find("plenary-it-index"), std::string::npos);
  EXPECT_EQ(i.content_type.rfind("text/html", 0), 0u) << i.content_type;
  auto css = http_get(srv.port(), "/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type.rfind("text/css", 0), 0u) << css.content_type;
  auto route = http_get(srv.port(), "/forum/1/programme");  // client-side route: the app shell
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("plenary-it-index"), std::string::npos);
  auto missing = http_get(srv.port(), "/nope.js");
  EXPECT_EQ(missing.status, 404);
  auto escape = http_get(srv.port(), "/../plenary.db");
  EXPECT_NE(escape.status, 200);
  EXPECT_EQ(escape.body.find("SQLite"), std::string::npos);
}

TEST(Lifecycle, SigtermStopsCleanlyAndKeepsData) {
  ServerProcess srv;
  auto forum = forum_of(srv);
  std::int64_t id = 0;
  {
    WsClient r;
    r.connect(srv.port());
    r.request({{"type", "hello"}, {"protocol", 1}});
    json reply = r.request(registration(forum, "sigterm@example.org"));
    ASSERT_OK(reply);
    id = reply["delegate"]["id"];
  }
  EXPECT_EQ(srv.terminate(), 0) << srv.log();
  srv.start();
  auto org = logged_in(srv, forum, demo::kOrganiser);
  json list = org->request({{"type", "delegate.list"}, {"forum", forum}});
  ASSERT_OK(list);
  bool found = false;
  for (auto& d : list["delegates"]) found |= d["id"] == id;
  EXPECT_TRUE(found);
}

TEST(Cli, CreatedForumListsValidDates) {
  ServerProcess srv;
  json f = json::parse(run_cli({"forum", "create", "--db", srv.db(), "--name", "Dateless", "--languages", "en"}));
  WsClient c;
  c.connect(srv.port());
  c.request({{"type", "hello"}, {"protocol", 1}});
  json list = c.request({{"type", "forum.list"}});
  ASSERT_OK(list);
  std::regex date("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  for (auto& fo : list["forums"])
    for (auto key : {"starts", "ends"})
      if (fo.contains(key) && !fo[key].is_null()) {
        EXPECT_TRUE(fo[key].is_string() && std::regex_match(fo[key].get<std::string>(), date)) << fo.dump();
      }
  json g = c.request({{"type", "forum.get"}, {"forum", f["forum"]}});
  ASSERT_OK(g);
  for (auto key : {"starts", "ends"})
    if (g["forum"].contains(key) && !g["forum"][key].is_null()) {
      EXPECT_TRUE(std::regex_match(g["forum"][key].get<std::string>(), date)) << g["forum"].dump();
    }
}
