// Declarations, sections and clauses: create, read, phase changes, insert/move/delete.
// Positions are computed inside the committed work, so concurrent edits of the structure
// serialise in the Committer and never produce two clauses at one position.
#include "app/amendment_store.hpp"
#include "app/hub.hpp"
#include "app/signature_store.hpp"
#include "core/drafting/phase.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
json parse_or(const std::string& s, json fallback) {
  try {
    return json::parse(s);
  } catch (...) {
    return fallback;
  }
}

std::int64_t rapporteur_of(store::Db& db, std::int64_t workshop) {
  auto& st = db.prepare("SELECT COALESCE(rapporteur,0) FROM workshops WHERE id=?");
  st.bind(1, workshop);
  std::int64_t r = st.step() ? st.int64(0) : 0;
  st.reset();
  return r;
}

void insert_event(store::Db& db, std::int64_t forum, const char* type, std::int64_t actor, const json& payload) {
  store::record_event(db, forum, type, actor, payload);
}

// Opens a gap in the ordering of a declaration's sections or clauses and returns the position
// just before it: after `after`, first when `after` is null, last when it was not given.
std::int64_t make_room(store::Db& db, const std::string& table, std::int64_t declaration,
                       std::optional<std::int64_t> after, bool after_given) {
  std::int64_t pos = 0;
  if (after) {
    auto& p = db.prepare("SELECT position FROM " + table + " WHERE id=? AND declaration=? AND deleted=0");
    p.bind(1, *after).bind(2, declaration);
    if (!p.step()) {
      p.reset();
      throw store::WorkError("not_found", "nothing to insert after: no such item in " + table);
    }
    pos = p.int64(0);
    p.reset();
  } else if (!after_given) {
    auto& last = db.prepare("SELECT COALESCE(MAX(position),0) FROM " + table + " WHERE declaration=?");
    last.bind(1, declaration);
    last.step();
    pos = last.int64(0);
    last.reset();
  }
  db.prepare("UPDATE " + table + " SET position=position+1 WHERE declaration=? AND position>?")
      .bind(1, declaration).bind(2, pos).run();
  return pos;
}

void require_phase_in_work(store::Db& db, std::int64_t declaration, const char* phase) {
  auto& st = db.prepare("SELECT phase FROM declarations WHERE id=?");
  st.bind(1, declaration);
  std::string p = st.step() ? st.text(0) : "";
  st.reset();
  if (p != phase) throw store::WorkError("invalid_state", std::string("the declaration is in phase '") + p + "', not '" + phase + "'");
}
}  // namespace

json Hub::declaration_json(std::int64_t declaration) {
  auto& st = reader_.prepare(
      "SELECT forum, workshop, title, languages, original, phase, key FROM declarations WHERE id=?");
  st.bind(1, declaration);
  if (!st.step()) {
    st.reset();
    fail("not_found", "no such declaration");
  }
  json d = {{"id", declaration}, {"forum", st.int64(0)}, {"workshop", st.is_null(1) ? json(nullptr) : json(st.int64(1))},
            {"title", parse_or(st.text(2), json::object())}, {"languages", parse_or(st.text(3), json::array())},
            {"original", st.text(4)}, {"phase", st.text(5)}};
  st.reset();
  json sections = json::array();
  auto& s = reader_.prepare("SELECT id, title FROM sections WHERE declaration=? AND deleted=0 ORDER BY position");
  s.bind(1, declaration);
  while (s.step()) sections.push_back({{"id", s.int64(0)}, {"title", parse_or(s.text(1), json::object())}});
  s.reset();
  d["sections"] = sections;
  std::map<std::int64_t, json> docs, status;
  auto& dq = reader_.prepare(
      "SELECT d.clause, d.lang, d.id, d.status FROM docs d JOIN clauses c ON c.id=d.clause "
      "WHERE c.declaration=? AND c.deleted=0");
  dq.bind(1, declaration);
  while (dq.step()) {
    docs[dq.int64(0)][dq.text(1)] = dq.int64(2);
    status[dq.int64(0)][dq.text(1)] = dq.text(3);
  }
  dq.reset();
  // Live statuses win over stored ones only when loaded (they are the same after commit).
  json clauses = json::array();
  int number = 0;
  auto& c = reader_.prepare("SELECT id, kind, section FROM clauses WHERE declaration=? AND deleted=0 ORDER BY position");
  c.bind(1, declaration);
  while (c.step()) {
    std::int64_t id = c.int64(0);
    std::string kind = c.text(1);
    clauses.push_back({{"id", id}, {"kind", kind}, {"section", c.is_null(2) ? json(nullptr) : json(c.int64(2))},
                       {"number", kind == "clause" ? json(++number) : json(nullptr)},
                       {"docs", docs.count(id) ? docs[id] : json::object()},
                       {"status", status.count(id) ? status[id] : json::object()}});
  }
  c.reset();
  d["clauses"] = clauses;
  return d;
}

void Hub::broadcast_declaration(std::int64_t declaration) {
  // Built and serialised once, and only when someone is subscribed.
  std::string body;
  for (auto& [id, c] : conns_) {
    auto it = c.declarations.find(declaration);
    if (it == c.declarations.end()) continue;
    if (body.empty())
      body = json{{"type", "declaration.changed"}, {"declaration", declaration_json(declaration)}}
                 .dump(-1, ' ', false, json::error_handler_t::replace);
    push_raw(c, with_seq(++it->second, body));
  }
}

void Hub::on_declaration_create(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  json title = texts_of(m, "title", 500);
  auto languages = strings_of(m, "languages", 20, 10);
  std::string original = lang_of(m, "original");
  auto workshop = opt_id_of(m, "workshop");
  require_accredited(c);
  require_forum(c, forum);
  if (languages.empty()) fail("bad_message", "field 'languages' must name at least one language");
  for (auto& l : languages)
    if (!is_lang(l)) fail("bad_message", "field 'languages' must hold language codes");
  if (std::find(languages.begin(), languages.end(), original) == languages.end())
    fail("bad_message", "the original language must be one of the languages");
  if (workshop) {
    auto& w = reader_.prepare("SELECT forum FROM workshops WHERE id=?");
    w.bind(1, *workshop);
    bool ok = w.step() && w.int64(0) == forum;
    w.reset();
    if (!ok) fail("not_found", "no such workshop in this forum");
    if (!c.has("organiser") && rapporteur_of(reader_, *workshop) != c.delegate)
      fail("not_allowed", "only organisers and the workshop's rapporteur create its statement");
  } else if (!c.has("organiser")) {
    fail("not_allowed", "only organisers create a forum declaration");
  }
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("INSERT INTO declarations(forum, workshop, title, languages, original, phase) VALUES(?,?,?,?,?,'drafting')")
            .bind(1, forum).bind(2, workshop).bind(3, title.dump()).bind(4, json(languages).dump()).bind(5, original).run();
        std::int64_t id = db.last_insert_id();
        insert_event(db, forum, "declaration.created", actor, {{"declaration", id}});
        return json(id);
      },
      [=, this](json id) { reply.ok({{"declaration", declaration_json(id.get<std::int64_t>())}}); });
}

void Hub::on_declaration_list(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  require_login(c);
  require_forum(c, forum);
  json list = json::array();
  auto& st = reader_.prepare("SELECT id, title, phase, workshop, original, languages FROM declarations WHERE forum=? ORDER BY id");
  st.bind(1, forum);
  while (st.step())
    list.push_back({{"id", st.int64(0)}, {"title", parse_or(st.text(1), json::object())}, {"phase", st.text(2)},
                    {"workshop", st.is_null(3) ? json(nullptr) : json(st.int64(3))}, {"original", st.text(4)},
                    {"languages", parse_or(st.text(5), json::array())}});
  st.reset();
  reply.ok({{"declarations", list}});
}

std::pair<std::int64_t, std::string> Hub::open_declaration(ConnState& c, const json& m) {
  std::int64_t declaration = id_of(m, "declaration");
  bool subscribe = bool_of(m, "subscribe", false);
  require_login(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (subscribe) c.declarations.emplace(declaration, 0);
  return {declaration, info.phase};
}

void Hub::on_declaration_get(ConnState& c, const json& m, const Reply& reply) {
  auto declaration = open_declaration(c, m).first;
  reply.ok({{"declaration", declaration_json(declaration)}});
}

// The end of declaration.get's subscription: no more declaration.changed and amendment pushes
// for it on this connection (a view that leaves it, a console that switches declarations).
void Hub::on_declaration_unsubscribe(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  require_login(c);
  if (!c.declarations.erase(declaration)) fail("not_found", "this connection is not subscribed to that declaration");
  reply.ok({{"declaration", declaration}});
}

void Hub::on_declaration_phase(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  std::string phase = string_of(m, "phase", 20);
  if (!drafting::is_phase(phase)) fail("bad_message", "unknown phase '" + phase + "'");
  require_role(c, {"organiser"});
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!drafting::may_move(info.phase, phase))
    fail("invalid_state", "a declaration cannot move from '" + info.phase + "' to '" + phase + "'");
  std::int64_t actor = c.delegate;
  std::string from = info.phase;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("UPDATE declarations SET phase=? WHERE id=? AND phase=?").bind(1, phase).bind(2, declaration).bind(3, from).run();
        if (db.changes() != 1) throw store::WorkError("invalid_state", "the phase changed meanwhile");
        insert_event(db, info.forum, "declaration.phase", actor, {{"declaration", declaration}, {"from", from}, {"to", phase}});
        if (phase == "adopted") sign::open_list(db, info.forum, declaration, actor);
        return json();
      },
      [=, this](json) {
        phases_[declaration] = phase;
        reply.ok({{"declaration", declaration_json(declaration)}});
        broadcast_declaration(declaration);
      });
}

bool Hub::may_draft(const ConnState& c, std::int64_t workshop) {
  if (c.status != "accredited") return false;
  if (c.has("drafting")) return true;
  return workshop != 0 && rapporteur_of(reader_, workshop) == c.delegate;
}

void Hub::on_section_insert(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  auto after = opt_id_of(m, "after");
  bool after_given = m.contains("after");
  json title = texts_of(m, "title", 500);
  require_accredited(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!may_draft(c, info.workshop)) fail("not_allowed", "only the drafting committee edits the structure");
  if (info.phase != "drafting") fail("invalid_state", "sections are added in the drafting phase");
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        require_phase_in_work(db, declaration, "drafting");
        std::int64_t pos = make_room(db, "sections", declaration, after, after_given);
        db.prepare("INSERT INTO sections(declaration, position, title) VALUES(?,?,?)")
            .bind(1, declaration).bind(2, pos + 1).bind(3, title.dump()).run();
        std::int64_t id = db.last_insert_id();
        insert_event(db, info.forum, "section.inserted", actor, {{"declaration", declaration}, {"section", id}});
        return json(id);
      },
      [=, this](json id) {
        reply.ok({{"section", {{"id", id}, {"title", title}}}});
        broadcast_declaration(declaration);
      });
}

void Hub::on_clause_insert(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  auto after = opt_id_of(m, "after");
  bool after_given = m.contains("after");
  auto section = opt_id_of(m, "section");
  std::string text = opt_string_of(m, "text", 32 * 1024).value_or("");
  std::string kind = opt_string_of(m, "kind", 20).value_or("clause");
  if (kind != "clause" && kind != "preamble") fail("bad_message", "field 'kind' must be clause or preamble");
  if (!ot::valid_utf8(text)) fail("bad_message", "field 'text' is not valid UTF-8");
  require_accredited(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!may_draft(c, info.workshop)) fail("not_allowed", "only the drafting committee adds clauses");
  if (info.phase != "drafting") fail("invalid_state", "clauses are added live in the drafting phase; later, by amendment");
  std::int64_t actor = c.delegate;
  std::int64_t origin = static_cast<std::int64_t>(c.conn->id());
  commit(
      reply,
      [=](store::Db& db) {
        require_phase_in_work(db, declaration, "drafting");
        std::int64_t pos = make_room(db, "clauses", declaration, after, after_given);
        if (section) {
          auto& s = db.prepare("SELECT 1 FROM sections WHERE id=? AND declaration=? AND deleted=0");
          s.bind(1, *section).bind(2, declaration);
          bool ok = s.step();
          s.reset();
          if (!ok) throw store::WorkError("not_found", "no such section");
        }
        db.prepare("INSERT INTO clauses(declaration, kind, section, position) VALUES(?,?,?,?)")
            .bind(1, declaration).bind(2, kind).bind(3, section).bind(4, pos + 1).run();
        std::int64_t clause = db.last_insert_id();
        json docs = json::object();
        for (auto& l : info.languages) {
          std::string lang = l.get<std::string>();
          bool orig = lang == info.original;
          db.prepare("INSERT INTO docs(clause, lang, status, confirmed_rev) VALUES(?,?,?,0)")
              .bind(1, clause).bind(2, lang).bind(3, orig ? "original" : "stale").run();
          std::int64_t doc = db.last_insert_id();
          docs[lang] = doc;
          if (orig && !text.empty()) {
            json op = json::array({text});
            db.prepare("INSERT INTO doc_ops(doc, rev, op, opid, author, at) VALUES(?,1,?,?,?,strftime('%s','now'))")
                .bind(1, doc).bind(2, op.dump()).bind(3, "clause.insert:" + std::to_string(origin) + ":" + std::to_string(clause))
                .bind(4, actor).run();
          }
        }
        insert_event(db, info.forum, "clause.inserted", actor,
                     {{"declaration", declaration}, {"clause", clause}, {"after", after ? json(*after) : json(nullptr)}});
        return json{{"clause", clause}, {"docs", docs}};
      },
      [=, this](json r) {
        reply.ok({{"clause", r["clause"]}, {"docs", r["docs"]}});
        broadcast_declaration(declaration);
      });
}

void Hub::on_clause_move(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t clause = id_of(m, "clause");
  if (!m.contains("after")) fail("bad_message", "field 'after' is required (null moves the clause first)");
  auto after = opt_id_of(m, "after");
  require_accredited(c);
  auto& st = reader_.prepare("SELECT declaration FROM clauses WHERE id=? AND deleted=0");
  st.bind(1, clause);
  std::int64_t declaration = st.step() ? st.int64(0) : 0;
  st.reset();
  if (!declaration) fail("not_found", "no such clause");
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!may_draft(c, info.workshop)) fail("not_allowed", "only the drafting committee moves clauses");
  if (info.phase != "drafting") fail("invalid_state", "clauses are moved in the drafting phase");
  if (after && *after == clause) fail("bad_message", "a clause cannot move after itself");
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        require_phase_in_work(db, declaration, "drafting");
        std::vector<std::int64_t> order;
        auto& q = db.prepare("SELECT id FROM clauses WHERE declaration=? AND deleted=0 ORDER BY position");
        q.bind(1, declaration);
        while (q.step()) order.push_back(q.int64(0));
        q.reset();
        order.erase(std::find(order.begin(), order.end(), clause));
        auto at = order.begin();
        if (after) {
          at = std::find(order.begin(), order.end(), *after);
          if (at == order.end()) throw store::WorkError("not_found", "no such clause to move after");
          ++at;
        }
        order.insert(at, clause);
        for (size_t i = 0; i < order.size(); ++i)
          db.prepare("UPDATE clauses SET position=? WHERE id=?").bind(1, static_cast<std::int64_t>(i + 1)).bind(2, order[i]).run();
        insert_event(db, info.forum, "clause.moved", actor, {{"clause", clause}, {"after", after ? json(*after) : json(nullptr)}});
        return json();
      },
      [=, this](json) {
        reply.ok({{"declaration", declaration_json(declaration)}});
        broadcast_declaration(declaration);
      });
}

void Hub::on_clause_delete(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t clause = id_of(m, "clause");
  require_accredited(c);
  auto& st = reader_.prepare("SELECT declaration FROM clauses WHERE id=? AND deleted=0");
  st.bind(1, clause);
  std::int64_t declaration = st.step() ? st.int64(0) : 0;
  st.reset();
  if (!declaration) fail("not_found", "no such clause");
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!may_draft(c, info.workshop)) fail("not_allowed", "only the drafting committee deletes clauses");
  if (info.phase != "drafting") fail("invalid_state", "clauses are deleted live in the drafting phase; later, by amendment");
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        require_phase_in_work(db, declaration, "drafting");
        db.prepare("UPDATE clauses SET deleted=1 WHERE id=? AND deleted=0").bind(1, clause).run();
        if (db.changes() != 1) throw store::WorkError("not_found", "the clause was already deleted");
        insert_event(db, info.forum, "clause.deleted", actor, {{"clause", clause}});
        return json();
      },
      [=, this](json) {
        reply.ok({{"declaration", declaration_json(declaration)}});
        broadcast_declaration(declaration);
      });
}

}  // namespace plenary::app
