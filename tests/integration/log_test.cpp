// The server's log: one JSON object per line with time, level and event; the session and
// organiser actions and every error are there with ids, types, codes and durations; and no
// secret or content is: a run's log is searched for the token, the passwords (right and
// wrong), an access code and the text of an op, and holds none of them.
#include <sstream>

#include "common.hpp"

using namespace it;

TEST(Log, JsonLinesWithoutSecretsOrContents) {
  ServerProcess srv;
  std::int64_t forum = forum_of(srv);
  const std::string password = "Secret-Password-77321";
  const std::string wrong = "Wrong-Password-99113";
  const std::string text = "Confidential wording 4417";

  WsClient reg;
  reg.connect(srv.port());
  ASSERT_OK(reg.request({{"type", "hello"}, {"protocol", 1}}));
  json m = registration(forum, "log.person@example.org", "Log Person");
  m["password"] = password;
  json r = reg.request(m);
  ASSERT_OK(r);
  std::string token = r["token"];

  WsClient again;
  again.connect(srv.port());
  json h = again.request({{"type", "hello"}, {"protocol", 1}, {"token", token}});
  ASSERT_OK(h);
  ASSERT_TRUE(h.contains("delegate"));

  WsClient bad;
  bad.connect(srv.port());
  EXPECT_ERR(login_password(bad, forum, "log.person@example.org", wrong), "bad_credentials");

  auto org = logged_in(srv, forum, demo::kOrganiser);
  json a = org->request({{"type", "access_code.create"}, {"forum", forum}, {"role", "observer"}, {"name", "Log Observer"}});
  ASSERT_OK(a);
  std::string code = a["code"];

  auto drafter = logged_in(srv, forum, demo::kDrafting);
  std::int64_t decl = seeded_declaration(*drafter, forum);
  json c = drafter->request({{"type", "clause.insert"}, {"declaration", decl}, {"text", text}});
  ASSERT_OK(c);
  std::int64_t doc = c["docs"]["en"];
  json o = drafter->request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(o);
  ASSERT_OK(drafter->request({{"type", "doc.op"}, {"doc", doc}, {"rev", o["rev"]}, {"op", {text + " again"}}, {"opid", "log-1"}}));
  EXPECT_ERR(drafter->request({{"type", "doc.op"}, {"doc", doc}, {"rev", 999999}, {"op", {text}}, {"opid", "log-2"}}), "bad_revision");
  EXPECT_EQ(srv.terminate(), 0);

  std::string log = srv.log();
  std::istringstream in(log);
  std::string line;
  int lines = 0;
  bool login_failed = false, registered = false, code_created = false, bad_rev = false, opened = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    json j;
    ASSERT_NO_THROW(j = json::parse(line)) << "not a JSON line: " << line;
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(j["time"].is_string() && j["level"].is_string() && j["event"].is_string()) << line;
    if (j["event"] == "request") {
      EXPECT_TRUE(j["conn"].is_number_integer() && j["type"].is_string() && j["code"].is_string() && j["ms"].is_number()) << line;
      if (j["type"] == "login" && j["code"] == "bad_credentials") login_failed = true;
      if (j["type"] == "register" && j["code"] == "ok") registered = true;
      if (j["type"] == "access_code.create" && j["code"] == "ok" && j.contains("delegate")) code_created = true;
      if (j["type"] == "doc.op" && j["code"] == "bad_revision" && j["level"] == "warn") bad_rev = true;
    }
    if (j["event"] == "connection.open" && j["remote"] == "127.0.0.1") opened = true;
  }
  EXPECT_GT(lines, 10);
  EXPECT_TRUE(login_failed) << "the failed login is not in the log";
  EXPECT_TRUE(registered) << "the registration is not in the log";
  EXPECT_TRUE(code_created) << "the access code's creation is not in the log";
  EXPECT_TRUE(bad_rev) << "the refused op is not in the log";
  EXPECT_TRUE(opened) << "connections are not in the log";
  for (const std::string& secret : {token, password, wrong, code, text})
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds '" << secret << "'";
}

// /metrics is for the operator's scraper: loopback, or an address named with --metrics-allow.
// A client behind the reverse proxy (its address in X-Forwarded-For) is refused, unless named.
TEST(Metrics, OnlyLoopbackAndAllowedAddresses) {
  {
    ServerProcess srv;
    EXPECT_EQ(http_get(srv.port(), "/metrics").status, 200) << "loopback reads the metrics";
    HttpResult proxied = http_get_with(srv.port(), "/metrics", {{"X-Forwarded-For", "203.0.113.9"}});
    EXPECT_EQ(proxied.status, 403) << "a client behind the proxy may not read the metrics";
    EXPECT_NE(proxied.body.find("not_allowed"), std::string::npos) << proxied.body;
    EXPECT_EQ(proxied.body.find("plenary_"), std::string::npos) << "no metric leaks in the refusal";
    EXPECT_EQ(http_get_with(srv.port(), "/healthz", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200)
        << "the health check stays public";
  }
  {
    ServerProcess srv({"--metrics-allow", "203.0.113.9"});
    HttpResult named = http_get_with(srv.port(), "/metrics", {{"X-Forwarded-For", "203.0.113.9"}});
    EXPECT_EQ(named.status, 200);
    EXPECT_NE(named.body.find("plenary_connections"), std::string::npos) << named.body.substr(0, 300);
    EXPECT_EQ(http_get_with(srv.port(), "/metrics", {{"X-Forwarded-For", "203.0.113.10"}}).status, 403);
  }
  CliResult bad = run_cli_result({"serve", "--metrics-allow", "prometheus.example", "--db", "/nonexistent/x.db"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("--metrics-allow takes an IP address"), std::string::npos) << bad.err;
}

// The gauges and counters added for operations: rooms, room members, documents in memory, the
// fan-out backlog, ballots and open polls.
TEST(Metrics, RoomsBallotsAndFanOut) {
  ServerProcess srv;
  std::int64_t forum = forum_of(srv);
  auto metric = [&](const std::string& name) {
    HttpResult m = http_get(srv.port(), "/metrics");
    EXPECT_EQ(m.status, 200);
    auto at = m.body.find("\n" + name + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(m.body.substr(at + name.size() + 2));
  };
  EXPECT_EQ(metric("plenary_rooms"), 0);
  double ballots = metric("plenary_ballots_total");
  EXPECT_GE(ballots, 0);
  EXPECT_GE(metric("plenary_fanout_pending_docs"), 0);
  auto org = logged_in(srv, forum, demo::kOrganiser);
  auto del = logged_in(srv, forum, demo::kDelegate);
  json f = org->request({{"type", "forum.get"}, {"forum", forum}});
  std::int64_t room = f["plenary"];
  ASSERT_OK(org->request({{"type", "room.join"}, {"room", room}}));
  ASSERT_OK(del->request({{"type", "room.join"}, {"room", room}}));
  EXPECT_EQ(metric("plenary_rooms"), 1);
  EXPECT_EQ(metric("plenary_room_members"), 2);
  json p = org->request({{"type", "poll.create"}, {"room", room}, {"method", "yes_no_abstain"}, {"secret", true}, {"question", "Metrics?"}});
  ASSERT_OK(p);
  ASSERT_OK(org->request({{"type", "poll.open"}, {"poll", p["poll"]["id"]}}));
  EXPECT_GE(metric("plenary_polls_open"), 1);
  ASSERT_OK(del->request({{"type", "ballot.cast"}, {"poll", p["poll"]["id"]}, {"choice", {{"vote", "yes"}}}}));
  EXPECT_EQ(metric("plenary_ballots_total"), ballots + 1);
  json d = del->request({{"type", "declaration.get"}, {"declaration", seeded_declaration(*del, forum)}});
  ASSERT_OK(del->request({{"type", "doc.open"}, {"doc", d["declaration"]["clauses"][0]["docs"]["en"]}}));
  EXPECT_GE(metric("plenary_docs_open"), 1);
}
