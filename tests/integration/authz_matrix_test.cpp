// The authorisation matrix (protocols/authorization.json) checked against the real server.
//
// For every row (a client message type, on a stated subject) and every role (and, for rows
// that depend on it, every phase of the declaration concerned), a person with exactly that
// role sends a valid message; a cell `allow` passes when the reply is not an authorisation
// error (unauthenticated, not_accredited, not_allowed), any other cell when the reply carries
// exactly that error code. An allowed cell answered with bad_message, unknown_type, internal or
// unavailable fails too: the test message itself must be valid. A second test checks that the
// matrix has a row for every message type of the Hub's handler table and of
// protocols/schemas/client, and no row for a type that does not exist.
//
// PLENARY_AUTHZ_RECORD=FILE writes the outcomes observed into FILE (same format) instead of
// comparing, to review when rows are added.
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include "common.hpp"

using namespace it;
namespace fs = std::filesystem;

namespace {

const std::set<std::string> kInvalidTest = {"bad_message", "unknown_type", "internal", "unavailable", "bad_json"};

json load_matrix() {
  std::string path = source_dir() + "/protocols/authorization.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return json::parse(in);
}

// The codes that count as a refusal for a role: `denials` of the matrix, "*" for every role.
std::set<std::string> denials(const json& matrix, const std::string& role) {
  std::set<std::string> out;
  for (auto& c : matrix["denials"]["*"]) out.insert(c);
  if (matrix["denials"].contains(role))
    for (auto& c : matrix["denials"][role]) out.insert(c);
  return out;
}

std::string row_key(const json& row) {
  std::string k = row.at("type").get<std::string>();
  if (row.contains("case")) k += "@" + row["case"].get<std::string>();
  return k;
}

// Everything the cells refer to, built once on a seeded server.
struct World {
  ServerProcess srv{{"--max-msg-rate", "0"}};
  std::int64_t forum = 0, plenary = 0, workshop_room = 0, org = 0, other_org = 0;
  std::unique_ptr<WsClient> organiser, drafter, delegate2;  // seeded people doing the setup
  std::int64_t delegate2_id = 0;
  struct Person {
    std::unique_ptr<WsClient> ws;
    std::string code, email, password, token;
    std::int64_t id = 0, forum = 0;  // forum: 0 for the seeded one
  };
  std::map<std::string, Person> people;  // role → a person with exactly that role
  std::int64_t target = 0;               // a registered person for the delegate.* messages
  struct Decl {
    std::int64_t id = 0, clause = 0, doc_en = 0, doc_es = 0;
    std::vector<std::int64_t> spare;  // clauses to delete, one per cell
  };
  std::map<std::string, Decl> decl;  // phase → a declaration in it
  std::int64_t tabled = 0, sponsored = 0, es_insert = 0, open_poll = 0;
  int counter = 0;

  std::string unique(const std::string& p) { return p + std::to_string(++counter); }

  json must(WsClient& c, json msg) {
    json r = c.request(msg);
    if (r.value("type", "") != "ok") throw std::runtime_error("setup " + msg.dump() + " failed: " + r.dump());
    return r;
  }

  std::unique_ptr<WsClient> connect_as(const std::string& role) {
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    if (role == "anonymous") {
      must(*c, {{"type", "hello"}, {"protocol", 1}});
      return c;
    }
    // Access codes are single-use: the first connection logs in, later ones resume the session.
    auto& p = people.at(role);
    if (!p.token.empty()) {
      json h = must(*c, {{"type", "hello"}, {"protocol", 1}, {"token", p.token}});
      if (!h.contains("delegate")) throw std::runtime_error("hello with the token of " + role + ": " + h.dump());
      return c;
    }
    json r = p.code.empty() ? login_password(*c, forum, p.email, p.password) : login_code(*c, p.forum ? p.forum : forum, p.code);
    if (r.value("type", "") != "ok") throw std::runtime_error("login as " + role + ": " + r.dump());
    p.token = r["token"];
    return c;
  }

  std::int64_t new_decl(const std::string& phase, int spare) {
    json d = must(*organiser, {{"type", "declaration.create"}, {"forum", forum}, {"title", {{"en", unique("Matrix ")}}},
                               {"languages", {"en", "es"}}, {"original", "en"}});
    Decl x;
    x.id = d["declaration"]["id"];
    for (int i = 0; i < spare + 1; ++i) {
      json c = must(*drafter, {{"type", "clause.insert"}, {"declaration", x.id}, {"text", unique("Clause text ")}});
      if (i == 0) {
        x.clause = c["clause"];
        x.doc_en = c["docs"]["en"];
        x.doc_es = c["docs"]["es"];
      } else {
        x.spare.push_back(c["clause"]);
      }
    }
    const char* path[] = {"drafting", "amendments", "voting", "adopted", "published"};
    for (int i = 1; i < 5 && path[i - 1] != phase; ++i)
      must(*organiser, {{"type", "declaration.phase"}, {"declaration", x.id}, {"phase", path[i]}});
    decl[phase] = x;
    return x.id;
  }

  std::int64_t table(WsClient& by, json extra = json::object()) {
    json m = {{"type", "amendment.table"}, {"declaration", decl["amendments"].id}, {"kind", "delete"},
              {"clause", decl["amendments"].clause}, {"lang", "en"}, {"justification", unique("Because ")}};
    m.update(extra);
    return must(by, m)["amendment"]["id"];
  }

  std::int64_t poll(const std::string& state) {
    std::int64_t id = must(*organiser, {{"type", "poll.create"}, {"room", plenary}, {"method", "yes_no_abstain"},
                                        {"secret", false}, {"question", unique("Question ")}})["poll"]["id"];
    if (state == "created") return id;
    must(*organiser, {{"type", "poll.open"}, {"poll", id}});
    if (state == "open") return id;
    must(*organiser, {{"type", "poll.close"}, {"poll", id}});
    return id;
  }

  void build(const json& matrix) {
    WsClient probe;
    probe.connect(srv.port());
    must(probe, {{"type", "hello"}, {"protocol", 1}});
    forum = seeded_forum(probe);
    json f = must(probe, {{"type", "forum.get"}, {"forum", forum}});
    plenary = f["plenary"];
    workshop_room = f["programme"]["slots"][0]["workshops"][0]["room"];
    organiser = logged_in(srv, forum, demo::kOrganiser);
    drafter = logged_in(srv, forum, demo::kDrafting);
    delegate2 = std::make_unique<WsClient>();
    delegate2->connect(srv.port());
    json d2 = login_code(*delegate2, forum, demo::kDelegate2);
    delegate2_id = d2["delegate"]["id"];
    for (auto& o : f["organisations"]) {
      if (o["id"] == d2["delegate"]["organisation"]) continue;
      if (!org) org = o["id"];
      else if (!other_org) other_org = o["id"];
    }
    for (auto& r : matrix["roles"]) {
      std::string role = r;
      if (role == "anonymous") continue;
      Person p;
      if (role == "organiser_elsewhere") {
        // The first organiser of a second forum, made with the CLI on the live database.
        json a = json::parse(run_cli({"forum", "create", "--db", srv.db(), "--name", "Other forum", "--languages", "en"}));
        p.code = a["code"];
        p.id = a["delegate"];
        p.forum = a["forum"];
      } else if (role == "registered") {
        WsClient reg;
        reg.connect(srv.port());
        must(reg, {{"type", "hello"}, {"protocol", 1}});
        p.email = "matrix.registered@example.org";
        p.password = "matrix registered password";
        json m = registration(forum, p.email, "Matrix Registered");
        m["password"] = p.password;
        m["organisation"] = org;
        p.id = must(reg, m)["delegate"]["id"];
      } else {
        json a = must(*organiser, {{"type", "access_code.create"}, {"forum", forum}, {"role", role},
                                   {"name", "Matrix " + role}, {"organisation", org}});
        p.code = a["code"];
        p.id = a["delegate"]["id"];
      }
      people[role] = std::move(p);
    }
    {
      WsClient reg;
      reg.connect(srv.port());
      must(reg, {{"type", "hello"}, {"protocol", 1}});
      target = must(reg, registration(forum, "matrix.target@example.org", "Matrix Target"))["delegate"]["id"];
    }
    for (auto& [role, p] : people) {
      p.ws = connect_as(role);
      if (role != "registered" && role != "organiser_elsewhere") must(*p.ws, {{"type", "room.join"}, {"room", plenary}});
    }
    people["anonymous"].ws = connect_as("anonymous");
    must(*delegate2, {{"type", "room.join"}, {"room", plenary}});
    for (auto& ph : matrix["phases"]) new_decl(ph, static_cast<int>(matrix["roles"].size()));
    auto& del = *people.at("delegate").ws;
    tabled = table(del);
    es_insert = table(del, {{"kind", "insert"}, {"lang", "es"}, {"text", "Nueva cláusula"}});
    sponsored = table(*delegate2);
    must(*delegate2, {{"type", "amendment.sponsor.invite"}, {"amendment", sponsored}, {"organisation", org}});
    open_poll = poll("open");
  }
};

// The message a role sends for a row (with the set-up it needs), on `ws`.
using Builder = std::function<json(World&, const std::string& role, const std::string& phase, WsClient& ws)>;

std::map<std::string, Builder> builders() {
  std::map<std::string, Builder> b;
  auto simple = [&b](const std::string& key, std::function<json(World&)> f) {
    b[key] = [f](World& w, const std::string&, const std::string&, WsClient&) { return f(w); };
  };
  b["hello"] = [](World&, const std::string&, const std::string&, WsClient&) { return json{{"type", "hello"}, {"protocol", 1}}; };
  // Valid credentials (access codes are single-use, so everyone logs in as the registered person).
  b["login"] = [](World& w, const std::string&, const std::string&, WsClient&) {
    auto& p = w.people.at("registered");
    return json{{"type", "login"}, {"forum", w.forum}, {"email", p.email}, {"password", p.password}};
  };
  b["register"] = [](World& w, const std::string&, const std::string&, WsClient&) {
    json m = registration(w.forum, w.unique("matrix.new") + "@example.org");
    m["organisation"] = w.org;
    return m;
  };
  simple("logout", [](World&) { return json{{"type", "logout"}}; });
  simple("forum.list", [](World&) { return json{{"type", "forum.list"}}; });
  simple("forum.get", [](World& w) { return json{{"type", "forum.get"}, {"forum", w.forum}}; });
  simple("room.join", [](World& w) { return json{{"type", "room.join"}, {"room", w.plenary}}; });
  b["room.leave"] = [](World& w, const std::string&, const std::string&, WsClient& ws) {
    ws.request({{"type", "room.join"}, {"room", w.workshop_room}});
    return json{{"type", "room.leave"}, {"room", w.workshop_room}};
  };
  simple("delegate.list", [](World& w) { return json{{"type", "delegate.list"}, {"forum", w.forum}}; });
  simple("delegate.accredit", [](World& w) { return json{{"type", "delegate.accredit"}, {"delegate", w.target}}; });
  simple("delegate.reject", [](World& w) { return json{{"type", "delegate.reject"}, {"delegate", w.target}, {"reason", "Not a member"}}; });
  simple("delegate.roles", [](World& w) { return json{{"type", "delegate.roles"}, {"delegate", w.target}, {"roles", {"delegate"}}}; });
  simple("access_code.create", [](World& w) {
    return json{{"type", "access_code.create"}, {"forum", w.forum}, {"role", "observer"}, {"name", w.unique("Badge ")}};
  });
  simple("session.revoke", [](World& w) { return json{{"type", "session.revoke"}, {"delegate", w.target}}; });
  simple("declaration.create", [](World& w) {
    return json{{"type", "declaration.create"}, {"forum", w.forum}, {"title", {{"en", w.unique("Declaration ")}}},
                {"languages", {"en"}}, {"original", "en"}};
  });
  simple("declaration.list", [](World& w) { return json{{"type", "declaration.list"}, {"forum", w.forum}}; });
  simple("declaration.get", [](World& w) { return json{{"type", "declaration.get"}, {"declaration", w.decl["drafting"].id}}; });
  simple("declaration.phase", [](World& w) {
    std::int64_t d = w.must(*w.organiser, {{"type", "declaration.create"}, {"forum", w.forum}, {"title", {{"en", w.unique("Phase ")}}},
                                           {"languages", {"en"}}, {"original", "en"}})["declaration"]["id"];
    return json{{"type", "declaration.phase"}, {"declaration", d}, {"phase", "amendments"}};
  });
  b["section.insert"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "section.insert"}, {"declaration", w.decl[ph].id}, {"title", {{"en", "Section"}}}};
  };
  b["clause.insert"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "clause.insert"}, {"declaration", w.decl[ph].id}, {"text", "Another clause"}};
  };
  b["clause.move"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "clause.move"}, {"clause", w.decl[ph].clause}, {"after", nullptr}};
  };
  b["clause.delete"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    auto& spare = w.decl[ph].spare;
    if (spare.empty()) throw std::runtime_error("no spare clause left");
    std::int64_t c = spare.back();
    spare.pop_back();
    return json{{"type", "clause.delete"}, {"clause", c}};
  };
  simple("doc.open", [](World& w) { return json{{"type", "doc.open"}, {"doc", w.decl["drafting"].doc_en}}; });
  b["doc.op"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "doc.op"}, {"doc", w.decl[ph].doc_en}, {"rev", 0}, {"op", {"x"}}, {"opid", w.unique("matrix-")}};
  };
  b["doc.op@translation"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "doc.op"}, {"doc", w.decl[ph].doc_es}, {"rev", 0}, {"op", {"x"}}, {"opid", w.unique("matrix-")}};
  };
  b["declaration.unsubscribe"] = [](World& w, const std::string&, const std::string&, WsClient& ws) {
    ws.request({{"type", "declaration.get"}, {"declaration", w.decl["drafting"].id}, {"subscribe", true}});
    return json{{"type", "declaration.unsubscribe"}, {"declaration", w.decl["drafting"].id}};
  };
  b["doc.close"] = [](World& w, const std::string&, const std::string&, WsClient& ws) {
    ws.request({{"type", "doc.open"}, {"doc", w.decl["drafting"].doc_en}});
    return json{{"type", "doc.close"}, {"doc", w.decl["drafting"].doc_en}};
  };
  b["doc.cursor"] = [](World& w, const std::string&, const std::string&, WsClient& ws) {
    ws.request({{"type", "doc.open"}, {"doc", w.decl["drafting"].doc_en}});
    return json{{"type", "doc.cursor"}, {"doc", w.decl["drafting"].doc_en}, {"rev", 0}, {"anchor", 0}, {"head", 0}};
  };
  simple("translation.diff", [](World& w) { return json{{"type", "translation.diff"}, {"doc", w.decl["drafting"].doc_es}}; });
  b["translation.confirm"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "translation.confirm"}, {"doc", w.decl[ph].doc_es}};
  };
  b["translation.machine"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "translation.machine"}, {"doc", w.decl[ph].doc_es}};
  };
  b["amendment.table"] = [](World& w, const std::string&, const std::string& ph, WsClient&) {
    return json{{"type", "amendment.table"}, {"declaration", w.decl[ph].id}, {"kind", "delete"}, {"clause", w.decl[ph].clause},
                {"lang", "en"}, {"justification", w.unique("Repeats ")}};
  };
  simple("amendment.edit", [](World& w) {
    std::int64_t a = w.table(*w.people.at("delegate").ws);
    return json{{"type", "amendment.edit"}, {"amendment", a}, {"kind", "delete"}, {"clause", w.decl["amendments"].clause},
                {"lang", "en"}, {"justification", "Edited"}};
  });
  simple("amendment.transition", [](World& w) {
    return json{{"type", "amendment.transition"}, {"amendment", w.table(*w.people.at("delegate").ws)}, {"to", "admissible"}};
  });
  simple("amendment.transition@withdraw", [](World& w) {
    return json{{"type", "amendment.transition"}, {"amendment", w.table(*w.people.at("delegate").ws)}, {"to", "withdrawn"}};
  });
  simple("amendment.composite", [](World& w) {
    auto& del = *w.people.at("delegate").ws;
    return json{{"type", "amendment.composite"}, {"amendments", {w.table(del), w.table(del)}}, {"kind", "delete"},
                {"clause", w.decl["amendments"].clause}, {"lang", "en"}, {"justification", "Both"}};
  });
  simple("amendment.sponsor.invite", [](World& w) {
    return json{{"type", "amendment.sponsor.invite"}, {"amendment", w.table(*w.people.at("delegate").ws)}, {"organisation", w.other_org}};
  });
  simple("amendment.sponsor.confirm", [](World& w) {
    json a = w.must(*w.organiser, {{"type", "amendment.get"}, {"amendment", w.sponsored}});
    return json{{"type", "amendment.sponsor.confirm"}, {"amendment", w.sponsored}, {"version", a["amendment"]["version"]}};
  });
  simple("amendment.sponsor.withdraw", [](World& w) { return json{{"type", "amendment.sponsor.withdraw"}, {"amendment", w.sponsored}}; });
  simple("amendment.translate", [](World& w) { return json{{"type", "amendment.translate"}, {"amendment", w.es_insert}, {"text", "A new clause"}}; });
  simple("amendment.list", [](World& w) { return json{{"type", "amendment.list"}, {"declaration", w.decl["amendments"].id}}; });
  simple("amendment.get", [](World& w) { return json{{"type", "amendment.get"}, {"amendment", w.tabled}}; });
  simple("amendment.order", [](World& w) {
    json l = w.must(*w.organiser, {{"type", "amendment.list"}, {"declaration", w.decl["amendments"].id}});
    return json{{"type", "amendment.order"}, {"declaration", w.decl["amendments"].id}, {"order", l["order"]}};
  });
  simple("amendment.deadline", [](World& w) {
    return json{{"type", "amendment.deadline"}, {"declaration", w.decl["amendments"].id}, {"deadline", nullptr}};
  });
  simple("amendment.resolve", [](World& w) {
    return json{{"type", "amendment.resolve"}, {"amendment", w.tabled}, {"base_revision", 0}, {"op", {"x"}}};
  });
  simple("declaration.versions", [](World& w) { return json{{"type", "declaration.versions"}, {"declaration", w.decl["drafting"].id}}; });
  simple("declaration.version", [](World& w) {
    return json{{"type", "declaration.version"}, {"declaration", w.decl["drafting"].id}, {"number", 1}};
  });
  simple("declaration.compare", [](World& w) {
    return json{{"type", "declaration.compare"}, {"declaration", w.decl["drafting"].id}, {"from", 1}, {"to", 1}, {"lang", "en"}};
  });
  simple("poll.create", [](World& w) {
    return json{{"type", "poll.create"}, {"room", w.plenary}, {"method", "yes_no_abstain"}, {"secret", false}, {"question", "Adjourn?"}};
  });
  simple("poll.open", [](World& w) { return json{{"type", "poll.open"}, {"poll", w.poll("created")}}; });
  simple("poll.close", [](World& w) { return json{{"type", "poll.close"}, {"poll", w.poll("open")}}; });
  simple("poll.publish", [](World& w) { return json{{"type", "poll.publish"}, {"poll", w.poll("closed")}}; });
  simple("poll.get", [](World& w) { return json{{"type", "poll.get"}, {"poll", w.open_poll}}; });
  simple("poll.list", [](World& w) { return json{{"type", "poll.list"}, {"room", w.plenary}}; });
  simple("ballot.cast", [](World& w) { return json{{"type", "ballot.cast"}, {"poll", w.open_poll}, {"choice", {{"vote", "yes"}}}}; });
  simple("proxy.grant", [](World& w) {
    return json{{"type", "proxy.grant"}, {"poll", w.poll("created")}, {"principal", w.delegate2_id}, {"holder", w.people.at("delegate").id}};
  });
  simple("poll.missing", [](World& w) { return json{{"type", "poll.missing"}, {"poll", w.open_poll}}; });
  simple("agenda.set", [](World& w) { return json{{"type", "agenda.set"}, {"room", w.plenary}, {"items", {{{"title", "Opening"}}}}}; });
  simple("agenda.get", [](World& w) { return json{{"type", "agenda.get"}, {"room", w.plenary}}; });
  simple("agenda.current", [](World& w) { return json{{"type", "agenda.current"}, {"room", w.plenary}, {"item", nullptr}}; });
  for (const char* t : {"speakers.get", "speakers.request", "speakers.next", "speakers.skip", "speakers.finish"}) {
    std::string type = t;
    simple(type, [type](World& w) { return json{{"type", type}, {"room", w.plenary}}; });
  }
  b["speakers.withdraw"] = [](World& w, const std::string&, const std::string&, WsClient& ws) {
    ws.request({{"type", "speakers.request"}, {"room", w.plenary}});
    return json{{"type", "speakers.withdraw"}, {"room", w.plenary}};
  };
  simple("speakers.balance", [](World& w) { return json{{"type", "speakers.balance"}, {"room", w.plenary}, {"mode", "plain"}}; });
  simple("speakers.limit", [](World& w) { return json{{"type", "speakers.limit"}, {"room", w.plenary}, {"seconds", 0}}; });
  simple("report.participation", [](World& w) { return json{{"type", "report.participation"}, {"forum", w.forum}}; });
  b["signature.add"] = [](World& w, const std::string&, const std::string& phase, WsClient&) {
    return json{{"type", "signature.add"}, {"declaration", w.decl[phase].id}, {"organisation", w.org}};
  };
  b["signature.withdraw"] = [](World& w, const std::string&, const std::string&, WsClient&) {
    w.people.at("delegate").ws->request({{"type", "signature.add"}, {"declaration", w.decl["adopted"].id}, {"organisation", w.org}});
    return json{{"type", "signature.withdraw"}, {"declaration", w.decl["adopted"].id}, {"organisation", w.org}};
  };
  simple("signature.list", [](World& w) { return json{{"type", "signature.list"}, {"declaration", w.decl["adopted"].id}}; });
  b["signature.close"] = [](World& w, const std::string&, const std::string&, WsClient&) {
    w.organiser->request({{"type", "signature.reopen"}, {"declaration", w.decl["published"].id}});
    return json{{"type", "signature.close"}, {"declaration", w.decl["published"].id}};
  };
  b["signature.reopen"] = [](World& w, const std::string&, const std::string&, WsClient&) {
    w.organiser->request({{"type", "signature.close"}, {"declaration", w.decl["published"].id}});
    return json{{"type", "signature.reopen"}, {"declaration", w.decl["published"].id}};
  };
  return b;
}

// Session messages change the connection's identity: each cell gets a connection of its own.
bool fresh_connection(const std::string& type) {
  return type == "hello" || type == "login" || type == "register" || type == "logout";
}

}  // namespace

TEST(AuthzMatrix, EveryCellMatchesTheServer) {
  json matrix = load_matrix();
  World w;
  w.build(matrix);
  auto b = builders();
  const char* record = std::getenv("PLENARY_AUTHZ_RECORD");
  json observed = matrix;
  int cells = 0, mismatches = 0;
  // logout ends the role's session (and closes its other sockets): its row runs last.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < matrix["rows"].size(); ++i)
    if (matrix["rows"][i]["type"] != "logout") order.push_back(i);
  for (std::size_t i = 0; i < matrix["rows"].size(); ++i)
    if (matrix["rows"][i]["type"] == "logout") order.push_back(i);
  for (std::size_t i : order) {
    const json& row = matrix["rows"][i];
    std::string key = row_key(row), type = row["type"];
    auto bit = b.find(key);
    ASSERT_NE(bit, b.end()) << "the test has no message for row " << key << ": add one to builders()";
    std::vector<std::string> phases;
    if (row.contains("phases")) for (auto& p : matrix["phases"]) phases.push_back(p);
    else phases.push_back("");
    for (auto& ph : phases) {
      for (auto& r : matrix["roles"]) {
        std::string role = r;
        std::unique_ptr<WsClient> fresh;
        WsClient* ws = w.people.at(role).ws.get();
        if (fresh_connection(type)) {
          fresh = w.connect_as(role);
          ws = fresh.get();
        }
        json msg = bit->second(w, role, ph, *ws);
        json reply = ws->request(msg);
        std::string code = code_of(reply);
        std::string got = denials(matrix, role).count(code) ? code : "allow";
        ++cells;
        if (record) {
          std::cout << "cell " << key << " " << (ph.empty() ? "-" : ph) << " " << role << " " << code << "\n";
          (ph.empty() ? observed["rows"][i]["outcome"] : observed["rows"][i]["phases"][ph])[role] = got;
          continue;
        }
        const json& expected_cell = ph.empty() ? row["outcome"] : row["phases"][ph];
        ASSERT_TRUE(expected_cell.contains(role)) << key << (ph.empty() ? "" : " in " + ph) << ": no cell for role " << role;
        std::string expected = expected_cell[role];
        std::string where = key + (ph.empty() ? "" : " in phase " + ph) + " as " + role;
        if (expected != got) ++mismatches;
        EXPECT_EQ(expected, got) << where << ": sent " << msg.dump() << ", got " << reply.dump();
        if (expected == "allow")
          EXPECT_EQ(kInvalidTest.count(code), 0u) << where << ": the test's message was not valid: " << reply.dump();
      }
    }
  }
  if (record) {
    std::ofstream(record) << observed.dump(1) << "\n";
    std::cout << "recorded " << cells << " cells into " << record << "\n";
  }
  std::cout << cells << " cells checked, " << mismatches << " mismatches\n";
  EXPECT_GT(cells, 500);
}

TEST(AuthzMatrix, ListsEveryMessageType) {
  json matrix = load_matrix();
  std::set<std::string> rows;
  for (auto& r : matrix["rows"]) rows.insert(r["type"].get<std::string>());
  // The Hub's handler table: {"type", &Hub::on_...} entries in backend/app/hub.cpp.
  std::ifstream in(source_dir() + "/backend/app/hub.cpp");
  ASSERT_TRUE(in) << "cannot read backend/app/hub.cpp";
  std::string src((std::istreambuf_iterator<char>(in)), {});
  std::regex entry(R"re(\{"([a-z_.]+)",\s*&Hub::on_)re");
  std::set<std::string> handled;
  for (std::sregex_iterator it(src.begin(), src.end(), entry), end; it != end; ++it) handled.insert((*it)[1]);
  ASSERT_GT(handled.size(), 50u) << "the handler table was not found in hub.cpp";
  std::set<std::string> schemas;
  for (auto& e : fs::directory_iterator(source_dir() + "/protocols/schemas/client"))
    if (e.path().extension() == ".json") schemas.insert(e.path().stem().string());
  for (auto& t : handled)
    EXPECT_TRUE(rows.count(t)) << "message type '" << t << "' is in the Hub's handler table but has no row in protocols/authorization.json";
  for (auto& t : schemas)
    EXPECT_TRUE(rows.count(t)) << "message type '" << t << "' has a schema in protocols/schemas/client but no row in protocols/authorization.json";
  for (auto& t : rows) EXPECT_TRUE(handled.count(t)) << "protocols/authorization.json has a row for '" << t << "', which the server does not handle";
  // Every row has a cell for every role (in every phase, for phased rows).
  for (auto& r : matrix["rows"]) {
    for (auto& role : matrix["roles"]) {
      if (r.contains("phases")) {
        for (auto& ph : matrix["phases"])
          EXPECT_TRUE(r["phases"].contains(ph) && r["phases"][ph].contains(role)) << row_key(r) << ": no cell for " << role << " in " << ph;
      } else {
        EXPECT_TRUE(r["outcome"].contains(role)) << row_key(r) << ": no cell for " << role;
      }
    }
  }
}
