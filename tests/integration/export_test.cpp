// The export downloads against the real server over real HTTP: every format of a declaration
// with its Content-Type and file name, a published declaration without a token, the record of
// the forum, and the refusals (401 with WWW-Authenticate, 403, 404, 400), each with a JSON body;
// no export changes anything (the event record is the same before and after); exports running
// when the server is told to stop are still answered in full before it exits.
#include <thread>

#include "common.hpp"
#include "net/export_http.hpp"
#include "store/db.hpp"

using namespace it;

namespace {

const char* kRapporteur = "Q4ZB-45BJ-U69X";  // Marites Villanueva: rapporteur of workshop w01

struct Exports {
  ServerProcess srv;
  std::int64_t forum = 0, final_decl = 0, statement = 0;
  std::string org, rap, dewi;  // session tokens
  Exports() {
    forum = forum_of(srv);
    org = token(demo::kOrganiser);
    rap = token(kRapporteur);
    dewi = token(demo::kDelegate);
    auto c = logged_in(srv, forum, demo::kOrganiser);
    json r = c->request({{"type", "declaration.list"}, {"forum", forum}});
    for (auto& d : r["declarations"]) {
      if (d["workshop"].is_null()) final_decl = d["id"].get<std::int64_t>();
      else statement = d["id"].get<std::int64_t>();
    }
    if (!final_decl || !statement) throw std::runtime_error("declaration.list: " + r.dump());
  }
  std::string token(const std::string& code) {
    WsClient c;
    c.connect(srv.port());
    json r = login_code(c, forum, code);
    if (r.value("type", "") != "ok") throw std::runtime_error(r.dump());
    return r["token"].get<std::string>();
  }
  HttpResult get(const std::string& target, const std::string& tok = "") {
    return http_request(srv.port(), target, tok.empty() ? std::nullopt : std::optional<std::string>("Bearer " + tok));
  }
  std::string decl(std::int64_t id, const std::string& query) {
    return "/api/export/declaration/" + std::to_string(id) + "?" + query;
  }
  std::int64_t events() {
    plenary::store::Db db(srv.db(), plenary::store::Db::Mode::ReadOnly);
    auto& st = db.prepare("SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM doc_ops) + (SELECT COUNT(*) FROM declaration_versions)");
    st.step();
    auto n = st.int64(0);
    st.reset();
    return n;
  }
};

// A gauge or counter in a /metrics text, or -1 when it is not there.
long long metric_value(const std::string& metrics, const std::string& name) {
  auto at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(metrics.substr(at + name.size() + 2));
}
long long metric_value(std::uint16_t port, const std::string& name) {
  return metric_value(http_request(port, "/metrics", std::nullopt).body, name);
}

void expect_error(const HttpResult& h, int status, const std::string& code) {
  EXPECT_EQ(h.status, status) << h.body;
  EXPECT_EQ(h.content_type, "application/json");
  json j = json::parse(h.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << h.body;
  EXPECT_EQ(j.value("error", ""), code) << h.body;
  EXPECT_FALSE(j.value("message", "").empty()) << h.body;
}

}  // namespace

TEST(Export, EveryFormatWithTypeAndFileName) {
  Exports t;
  auto before = t.events();
  struct Case { const char* format; const char* type; const char* ext; };
  for (auto c : {Case{"md", "text/markdown; charset=utf-8", "md"}, Case{"html", "text/html; charset=utf-8", "html"},
                 Case{"pdf", "application/pdf", "pdf"}, Case{"akn", "application/akn+xml", "akn.xml"},
                 Case{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
                 Case{"odt", "application/vnd.oasis.opendocument.text", "odt"}, Case{"json", "application/json", "json"}}) {
    auto h = t.get(t.decl(t.final_decl, std::string("format=") + c.format + "&lang=es&history=1&annexes=all"), t.org);
    ASSERT_EQ(h.status, 200) << c.format << ": " << h.body.substr(0, 300);
    EXPECT_EQ(h.content_type, c.type);
    EXPECT_EQ(h.disposition, std::string("attachment; filename=\"wsfm_final_es_v0.") + c.ext + "\"");
    EXPECT_EQ(h.cache_control, "no-store");
    EXPECT_GT(h.body.size(), 500u) << c.format;
  }
  auto pdf = t.get(t.decl(t.final_decl, "format=pdf&lang=all"), t.org);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.disposition, "attachment; filename=\"wsfm_final_all_v0.pdf\"");
  auto md = t.get(t.decl(t.final_decl, "format=md"), t.org);  // default language: the original
  ASSERT_EQ(md.status, 200);
  EXPECT_EQ(md.disposition, "attachment; filename=\"wsfm_final_en_v0.md\"");
  EXPECT_EQ(md.body.rfind("# Oaxaca Declaration: Rights Here, There and Everywhere", 0), 0u) << md.body.substr(0, 200);
  auto json_export = json::parse(t.get(t.decl(t.final_decl, "format=json&lang=all"), t.org).body);
  EXPECT_EQ(json_export["clauses"].size(), 17u);
  EXPECT_EQ(json_export["languages"], json::array({"en", "es", "fr"}));
  // Any rapporteur of the forum may export the plenary's declaration.
  EXPECT_EQ(t.get(t.decl(t.final_decl, "format=html"), t.rap).status, 200);
  // HEAD: the headers without the body.
  auto head = http_request(t.srv.port(), t.decl(t.final_decl, "format=md"), "Bearer " + t.org, true);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(t.events(), before) << "an export changed the database";
}

TEST(Export, PublishedIsPublicOthersAreNot) {
  Exports t;
  auto before = t.events();
  // The workshop statement is published: no token needed.
  auto h = t.get(t.decl(t.statement, "format=pdf&lang=all&annexes=signatories"));
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_EQ(h.content_type, "application/pdf");
  EXPECT_EQ(h.disposition, "attachment; filename=\"wsfm_w01-statement_all_v0.pdf\"");
  EXPECT_EQ(h.cache_control, "no-cache");
  h = t.get(t.decl(t.statement, "format=akn&lang=zh"));
  ASSERT_EQ(h.status, 200);
  EXPECT_NE(h.body.find("<FRBRlanguage language=\"zh\"/>"), std::string::npos);
  EXPECT_NE(h.body.find("fromLanguage=\"en\""), std::string::npos);

  // The final declaration is being drafted: organisers and rapporteurs only.
  auto target = t.decl(t.final_decl, "format=md");
  h = t.get(target);
  expect_error(h, 401, "unauthenticated");
  EXPECT_EQ(h.challenge, "Bearer");
  expect_error(t.get(target, "not-a-real-token"), 401, "unauthenticated");
  expect_error(t.get(target, t.dewi), 403, "not_allowed");
  expect_error(t.get(t.decl(999999, "format=md"), t.org), 404, "not_found");
  expect_error(t.get("/api/export/declaration/abc?format=md", t.org), 404, "not_found");
  expect_error(t.get("/api/export/nothing", t.org), 404, "not_found");
  expect_error(t.get(t.decl(t.final_decl, "format=exe"), t.org), 400, "bad_message");
  expect_error(t.get(t.decl(t.final_decl, ""), t.org), 400, "bad_message");
  expect_error(t.get(t.decl(t.final_decl, "format=md&lang=ar"), t.org), 400, "bad_message");
  expect_error(t.get(t.decl(t.final_decl, "format=md&history=yes"), t.org), 400, "bad_message");
  expect_error(t.get(t.decl(t.final_decl, "format=md&annexes=votes,gossip"), t.org), 400, "bad_message");
  // Percent-encoded commas are read as commas.
  EXPECT_EQ(t.get(t.decl(t.final_decl, "format=md&annexes=votes%2Csignatories"), t.org).status, 200);

  // Once the statement is no longer public, only organisers and its own rapporteur may export it.
  {
    plenary::store::Db db(t.srv.db());
    db.prepare("UPDATE declarations SET phase='adopted' WHERE id=?").bind(1, t.statement).run();
  }
  json code = json::parse(run_cli({"access-code", "--db", t.srv.db(), "--forum", std::to_string(t.forum), "--role",
                                   "rapporteur", "--name", "Other Rapporteur"}));
  std::string other = t.token(code["code"].get<std::string>());
  EXPECT_EQ(t.events(), before + 2);  // the new delegate and their login; no export so far added any
  before = t.events();
  auto st = t.decl(t.statement, "format=html&lang=ar");
  expect_error(t.get(st), 401, "unauthenticated");
  expect_error(t.get(st, other), 403, "not_allowed");
  EXPECT_EQ(t.get(st, t.rap).status, 200);
  EXPECT_EQ(t.get(st, t.org).status, 200);
  EXPECT_EQ(t.events(), before) << "an export changed the database";
}

TEST(Export, RecordOfTheForum) {
  Exports t;
  auto target = "/api/export/forum/" + std::to_string(t.forum) + "/record?format=";
  auto h = t.get(target + "html", t.org);
  ASSERT_EQ(h.status, 200) << h.body.substr(0, 300);
  EXPECT_EQ(h.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(h.disposition, "attachment; filename=\"wsfm_record.html\"");
  EXPECT_NE(h.body.find("Marites Villanueva"), std::string::npos);
  h = t.get(target + "pdf", t.rap);
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.body.rfind("%PDF-", 0), 0u);
  expect_error(t.get(target + "html"), 401, "unauthenticated");
  expect_error(t.get(target + "html", t.dewi), 403, "not_allowed");
  expect_error(t.get(target + "md", t.org), 400, "bad_message");
  expect_error(t.get("/api/export/forum/999999/record?format=html", t.org), 404, "not_found");
}

// SIGTERM while exports render: the server stops accepting, waits for the export pool, writes
// every answer, and exits 0. Eight DOCX exports (pandoc, every language, history and annexes)
// keep the two export threads busy; /metrics shows them in flight when the signal is sent.
TEST(Export, RunningExportsAreAnsweredAtShutdown) {
  Exports t;
  ASSERT_EQ(metric_value(t.srv.port(), "plenary_exports_in_flight"), 0);
  const int n = plenary::net::kExportsInFlight;
  std::vector<HttpResult> got(n);
  std::vector<std::thread> clients;
  std::string target = t.decl(t.final_decl, "format=docx&lang=all&history=1&annexes=all");
  for (int i = 0; i < n; ++i) clients.emplace_back([&, i] {
      try {
        got[i] = t.get(target, t.org);
      } catch (const std::exception& e) {  // the connection closed without an answer
        got[i].status = -1;
        got[i].body = e.what();
      }
    });
  // Wait until every request has reached the export pool (answered or in flight) while some
  // are still rendering.
  const long long answered_before = metric_value(t.srv.port(), "plenary_exports_total");
  long long in_flight = 0, submitted = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    std::string m = http_request(t.srv.port(), "/metrics", std::nullopt).body;
    in_flight = metric_value(m, "plenary_exports_in_flight");
    submitted = in_flight + metric_value(m, "plenary_exports_total") - answered_before;
    if (submitted >= n || (in_flight == 0 && submitted > 0)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(submitted, n) << "not every export reached the pool";
  ASSERT_GE(in_flight, 1) << "every export had finished before the signal: nothing to drain";
  EXPECT_EQ(t.srv.terminate(), 0) << t.srv.log();
  for (auto& c : clients) c.join();
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(got[i].status, 200) << "export " << i << ": " << got[i].body.substr(0, 200);
    EXPECT_EQ(got[i].body.rfind("PK", 0), 0u) << "export " << i << " is not a whole DOCX";
    EXPECT_EQ(got[i].disposition, "attachment; filename=\"wsfm_final_all_v0.docx\"");
  }
  std::string log = t.srv.log();
  EXPECT_LT(log.find("\"stopping\""), log.find("\"stopped\"")) << log;
  EXPECT_EQ(log.find("Sanitizer"), std::string::npos) << log;
}

// /metrics counts the exports answered and the ones refused.
TEST(Export, MetricsCountAnsweredExports) {
  Exports t;
  auto before = metric_value(t.srv.port(), "plenary_exports_total");
  ASSERT_GE(before, 0);
  EXPECT_EQ(t.get(t.decl(t.final_decl, "format=md"), t.org).status, 200);
  EXPECT_EQ(t.get(t.decl(t.final_decl, "format=nope"), t.org).status, 400);
  EXPECT_EQ(metric_value(t.srv.port(), "plenary_exports_total"), before + 2);
  EXPECT_EQ(metric_value(t.srv.port(), "plenary_exports_refused_total"), 0);
  EXPECT_EQ(metric_value(t.srv.port(), "plenary_exports_in_flight"), 0);
}
