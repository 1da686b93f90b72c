#include "app/amendment_store.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "app/documents.hpp"
#include "core/drafting/word_diff.hpp"
#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "protocol/errors.hpp"
#include "store/committer.hpp"

namespace plenary::app::amend {

namespace {
using amendments::Kind;

std::string sid(std::int64_t v) { return v ? std::to_string(v) : std::string(); }
std::int64_t iid(const std::string& s) { return s.empty() ? 0 : std::stoll(s); }

Kind kind_from(const std::string& k) {
  if (k == "insert") return Kind::insert;
  if (k == "delete") return Kind::del;
  return Kind::modify;
}

json diff_json(const std::string& before, const std::string& after) {
  json d = json::array();
  for (auto& p : drafting::word_diff(before, after)) d.push_back({{"op", drafting::kind_name(p.kind)}, {"text", p.text}});
  return d;
}

[[noreturn]] void work_fail(const char* code, const std::string& m) { throw store::WorkError(code, m); }
}  // namespace

std::string network_key(std::int64_t network) { return "n" + std::to_string(network); }
std::optional<std::int64_t> network_of(const std::string& key) {
  if (key.empty() || key[0] != 'n') return std::nullopt;
  return std::stoll(key.substr(1));
}

bool DeclInfo::has_lang(const std::string& l) const {
  for (auto& x : languages)
    if (x == l) return true;
  return false;
}

DeclInfo declaration_info(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT forum, COALESCE(workshop,0), phase, original, languages FROM declarations WHERE id=?");
  st.bind(1, declaration);
  if (!st.step()) {
    st.reset();
    protocol::fail("not_found", "no such declaration");
  }
  DeclInfo d{st.int64(0), st.int64(1), st.text(2), st.text(3), json::parse(st.text(4))};
  st.reset();
  return d;
}

std::optional<Record> load(store::Db& db, std::int64_t id) {
  auto& st = db.prepare(
      "SELECT declaration, forum, state, number, proposer, COALESCE(organisation,0), kind, COALESCE(clause,0), lang, "
      "base_revision, op, text, justification, version, reason, composited_into, orig_base_revision, orig_op, orig_text, "
      "COALESCE(orig_version,0), COALESCE(orig_by,0), conflict, applied, COALESCE(applied_version,0), created_at, updated_at, insert_before "
      "FROM amendments WHERE id=?");
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    return std::nullopt;
  }
  Record r;
  r.id = id;
  r.declaration = st.int64(0);
  r.forum = st.int64(1);
  r.a.state = amendments::state_from_string(st.text(2)).value_or(amendments::State::draft);
  r.number = st.int64(3);
  r.proposer = st.int64(4);
  r.organisation = st.int64(5);
  r.a.kind = kind_from(st.text(6));
  r.clause = st.int64(7);
  r.lang = st.text(8);
  r.a.base_revision = static_cast<std::uint64_t>(st.opt_int64(9).value_or(0));
  if (auto op = st.opt_text(10)) r.a.op = ot::parse(json::parse(*op));
  r.a.text = st.opt_text(11).value_or("");
  r.a.justification = st.text(12);
  r.a.version = static_cast<std::uint32_t>(st.int64(13));
  r.a.reason = st.opt_text(14).value_or("");
  r.a.composited_into = sid(st.opt_int64(15).value_or(0));
  r.orig_base = st.opt_int64(16);
  r.orig_op = st.opt_text(17);
  r.orig_text = st.opt_text(18);
  r.orig_version = st.int64(19);
  r.orig_by = st.int64(20);
  if (auto c = st.opt_text(21)) r.conflict = json::parse(*c);
  r.applied = st.int64(22) != 0;
  r.applied_version = st.int64(23);
  r.created_at = st.text(24);
  r.updated_at = st.text(25);
  r.a.before = r.a.kind == Kind::insert && st.int64(26) != 0;
  st.reset();
  r.a.id = sid(id);
  r.a.proposer = sid(r.proposer);
  r.a.organisation = sid(r.organisation);
  r.a.clause = sid(r.clause);
  auto& sp = db.prepare("SELECT organisation, confirmed_version FROM amendment_sponsors WHERE amendment=?");
  sp.bind(1, id);
  while (sp.step()) r.a.sponsors[sid(sp.int64(0))] = static_cast<std::uint32_t>(sp.int64(1));
  sp.reset();
  auto& ns = db.prepare("SELECT network, confirmed_version FROM amendment_network_sponsors WHERE amendment=?");
  ns.bind(1, id);
  while (ns.step()) r.a.sponsors[network_key(ns.int64(0))] = static_cast<std::uint32_t>(ns.int64(1));
  ns.reset();
  auto& ln = db.prepare("SELECT original FROM amendment_links WHERE composite=? ORDER BY original");
  ln.bind(1, id);
  while (ln.step()) r.a.composited_from.push_back(sid(ln.int64(0)));
  ln.reset();
  return r;
}

namespace {
void bind_content(store::Stmt& st, const Record& r, int first) {
  st.bind(first, std::string(amendments::to_string(r.a.state)));
  st.bind(first + 1, std::string(amendments::to_string(r.a.kind)));
  if (r.clause) st.bind(first + 2, r.clause);
  else st.bind_null(first + 2);
  st.bind(first + 3, r.lang);
  if (r.a.kind == Kind::modify) {
    st.bind(first + 4, static_cast<std::int64_t>(r.a.base_revision));
    st.bind(first + 5, ot::to_json(r.a.op).dump());
  } else {
    st.bind_null(first + 4);
    st.bind_null(first + 5);
  }
  if (r.a.kind == Kind::insert) st.bind(first + 6, r.a.text);
  else st.bind_null(first + 6);
  st.bind(first + 7, r.a.justification);
  st.bind(first + 8, static_cast<std::int64_t>(r.a.version));
  if (r.a.reason.empty()) st.bind_null(first + 9);
  else st.bind(first + 9, r.a.reason);
  if (r.a.composited_into.empty()) st.bind_null(first + 10);
  else st.bind(first + 10, iid(r.a.composited_into));
  st.bind(first + 11, static_cast<std::int64_t>(r.a.kind == Kind::insert && r.a.before ? 1 : 0));
}

void save_links(store::Db& db, const Record& r) {
  db.prepare("DELETE FROM amendment_sponsors WHERE amendment=?").bind(1, r.id).run();
  db.prepare("DELETE FROM amendment_network_sponsors WHERE amendment=?").bind(1, r.id).run();
  for (auto& [key, v] : r.a.sponsors) {
    if (auto net = network_of(key))
      db.prepare("INSERT INTO amendment_network_sponsors(amendment, network, confirmed_version) VALUES(?,?,?)")
          .bind(1, r.id).bind(2, *net).bind(3, static_cast<std::int64_t>(v)).run();
    else
      db.prepare("INSERT INTO amendment_sponsors(amendment, organisation, confirmed_version) VALUES(?,?,?)")
          .bind(1, r.id).bind(2, iid(key)).bind(3, static_cast<std::int64_t>(v)).run();
  }
  db.prepare("DELETE FROM amendment_links WHERE composite=?").bind(1, r.id).run();
  for (auto& o : r.a.composited_from)
    db.prepare("INSERT INTO amendment_links(composite, original) VALUES(?,?)").bind(1, r.id).bind(2, iid(o)).run();
}
}  // namespace

void save(store::Db& db, const Record& r) {
  auto& st = db.prepare(
      "UPDATE amendments SET state=?, kind=?, clause=?, lang=?, base_revision=?, op=?, text=?, justification=?, "
      "version=?, reason=?, composited_into=?, insert_before=?, orig_base_revision=?, orig_op=?, orig_text=?, "
      "orig_version=?, orig_by=?, conflict=?, applied=?, applied_version=?, "
      "updated_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id=?");
  bind_content(st, r, 1);
  st.bind(13, r.orig_base).bind(14, r.orig_op).bind(15, r.orig_text);
  if (r.orig_version) st.bind(16, r.orig_version);
  else st.bind_null(16);
  if (r.orig_by) st.bind(17, r.orig_by);
  else st.bind_null(17);
  if (r.conflict.is_null()) st.bind_null(18);
  else st.bind(18, r.conflict.dump());
  st.bind(19, static_cast<std::int64_t>(r.applied ? 1 : 0));
  if (r.applied_version) st.bind(20, r.applied_version);
  else st.bind_null(20);
  st.bind(21, r.id);
  st.run();
  save_links(db, r);
}

void insert(store::Db& db, Record& r) {
  auto& n = db.prepare("SELECT COALESCE(MAX(number),0)+1 FROM amendments WHERE declaration=?");
  n.bind(1, r.declaration);
  n.step();
  r.number = n.int64(0);
  n.reset();
  auto& st = db.prepare(
      "INSERT INTO amendments(state, kind, clause, lang, base_revision, op, text, justification, version, reason, "
      "composited_into, insert_before, declaration, forum, number, proposer, organisation) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  bind_content(st, r, 1);
  st.bind(13, r.declaration).bind(14, r.forum).bind(15, r.number).bind(16, r.proposer);
  if (r.organisation) st.bind(17, r.organisation);
  else st.bind_null(17);
  st.run();
  r.id = db.last_insert_id();
  r.a.id = sid(r.id);
  save_links(db, r);
  auto& t = db.prepare("SELECT created_at, updated_at FROM amendments WHERE id=?");
  t.bind(1, r.id);
  if (t.step()) {
    r.created_at = t.text(0);
    r.updated_at = t.text(1);
  }
  t.reset();
}

std::int64_t doc_of(store::Db& db, std::int64_t clause, const std::string& lang) {
  auto& st = db.prepare("SELECT id FROM docs WHERE clause=? AND lang=?");
  st.bind(1, clause).bind(2, lang);
  std::int64_t id = st.step() ? st.int64(0) : 0;
  st.reset();
  return id;
}

std::int64_t doc_rev(store::Db& db, std::int64_t doc) {
  auto& st = db.prepare("SELECT COALESCE(MAX(rev),0) FROM doc_ops WHERE doc=?");
  st.bind(1, doc);
  st.step();
  std::int64_t r = st.int64(0);
  st.reset();
  return r;
}

bool clause_live(store::Db& db, std::int64_t declaration, std::int64_t clause) {
  auto& st = db.prepare("SELECT 1 FROM clauses WHERE id=? AND declaration=? AND deleted=0");
  st.bind(1, clause).bind(2, declaration);
  bool ok = st.step();
  st.reset();
  return ok;
}

void check_target(store::Db& db, const DeclInfo& d, std::int64_t declaration, Record& r) {
  if (!d.has_lang(r.lang)) work_fail("bad_message", "'" + r.lang + "' is not one of the declaration's languages");
  if (!r.clause) work_fail("bad_message", "field 'clause' is required");
  if (!clause_live(db, declaration, r.clause)) work_fail("not_found", "no such clause in this declaration");
  if (r.a.kind != Kind::modify) return;
  std::int64_t doc = doc_of(db, r.clause, r.lang);
  if (!doc) work_fail("not_found", "the clause has no document in '" + r.lang + "'");
  std::int64_t rev = doc_rev(db, doc);
  if (static_cast<std::int64_t>(r.a.base_revision) > rev)
    work_fail("bad_revision", "revision " + std::to_string(r.a.base_revision) + " is ahead of the clause (now " + std::to_string(rev) + ")");
  std::string before = Documents::text_at(db, doc, static_cast<std::int64_t>(r.a.base_revision));
  try {
    (void)ot::apply(before, r.a.op);
  } catch (const ot::OpError& e) {
    work_fail("bad_op", std::string("the op does not fit the clause at revision ") + std::to_string(r.a.base_revision) + ": " + e.what());
  }
}

json to_wire(store::Db& db, const Record& r) {
  json sponsors = json::array(), network_sponsors = json::array();
  json pending = json::array();
  for (auto& [key, v] : r.a.sponsors) {
    if (auto net = network_of(key)) {
      network_sponsors.push_back({{"network", *net}, {"confirmed_version", v}, {"current", v == r.a.version}});
      continue;
    }
    sponsors.push_back({{"organisation", iid(key)}, {"confirmed_version", v}, {"current", v == r.a.version}});
    if (v != r.a.version) pending.push_back(iid(key));
  }
  json j = {{"id", r.id},
            {"declaration", r.declaration},
            {"number", r.number},
            {"state", std::string(amendments::to_string(r.a.state))},
            {"kind", std::string(amendments::to_string(r.a.kind))},
            {"clause", r.clause ? json(r.clause) : json(nullptr)},
            {"lang", r.lang},
            {"justification", r.a.justification},
            {"proposer", r.proposer},
            {"organisation", r.organisation ? json(r.organisation) : json(nullptr)},
            {"version", r.a.version},
            {"sponsors", sponsors},
            {"network_sponsors", network_sponsors},
            {"pending", pending},
            {"applied", r.applied},
            {"created_at", r.created_at},
            {"updated_at", r.updated_at}};
  if (r.a.kind == Kind::modify) {
    j["base_revision"] = r.a.base_revision;
    j["op"] = ot::to_json(r.a.op);
  }
  if (r.a.kind == Kind::insert) {
    j["text"] = r.a.text;
    j["before"] = r.a.before;
  }
  if (!r.a.reason.empty()) j["reason"] = r.a.reason;
  if (!r.a.composited_into.empty()) j["composited_into"] = iid(r.a.composited_into);
  if (!r.a.composited_from.empty()) {
    json from = json::array();
    for (auto& o : r.a.composited_from) from.push_back(iid(o));
    j["composited_from"] = from;
  }
  if (!r.conflict.is_null()) j["conflict"] = r.conflict;
  if (r.applied_version) j["applied_version"] = r.applied_version;
  if (r.orig_version) {
    json o = {{"version", r.orig_version}, {"current", r.orig_version == static_cast<std::int64_t>(r.a.version)}};
    if (r.orig_base) o["base_revision"] = *r.orig_base;
    if (r.orig_op) o["op"] = json::parse(*r.orig_op);
    if (r.orig_text) o["text"] = *r.orig_text;
    j["original"] = o;
  }
  // The word diff, in the amendment's language.
  try {
    std::int64_t doc = r.clause ? doc_of(db, r.clause, r.lang) : 0;
    if (r.a.kind == Kind::modify && doc) {
      std::string before = Documents::text_at(db, doc, static_cast<std::int64_t>(r.a.base_revision));
      j["diff"] = diff_json(before, ot::apply(before, r.a.op));
    } else if (r.a.kind == Kind::insert) {
      j["diff"] = diff_json("", r.a.text);
    } else if (r.a.kind == Kind::del && doc) {
      j["diff"] = diff_json(Documents::text_at(db, doc, INT64_MAX), "");
    }
  } catch (const std::exception&) {
    // A text that cannot be rebuilt leaves the diff out rather than failing the read.
  }
  return j;
}

std::optional<std::pair<std::string, std::int64_t>> deadline(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT deadline, deadline_s FROM amendment_deadlines WHERE declaration=? AND deadline IS NOT NULL");
  st.bind(1, declaration);
  std::optional<std::pair<std::string, std::int64_t>> out;
  if (st.step()) out = std::make_pair(st.text(0), st.int64(1));
  st.reset();
  return out;
}

std::optional<std::int64_t> parse_iso(const std::string& s) {
  int y, mo, d, h, mi, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':') return std::nullopt;
  std::size_t i = 16;
  int sec = 0;
  if (i < s.size() && s[i] == ':') {
    if (i + 3 > s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 1])) || !std::isdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    sec = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start) return std::nullopt;
    }
  }
  int offset = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::int64_t t = static_cast<std::int64_t>(timegm(&tm));
  std::tm back{};
  time_t tt = static_cast<time_t>(t);
  gmtime_r(&tt, &back);
  if (back.tm_mday != d) return std::nullopt;  // 31 April and the like
  return t - offset;
}

std::string format_iso(std::int64_t unix_s) {
  time_t t = static_cast<time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json snapshot(store::Db& db, std::int64_t declaration) {
  std::map<std::int64_t, std::map<std::string, std::int64_t>> docs;
  auto& dq = db.prepare("SELECT d.clause, d.lang, d.id FROM docs d JOIN clauses c ON c.id=d.clause WHERE c.declaration=? AND c.deleted=0");
  dq.bind(1, declaration);
  while (dq.step()) docs[dq.int64(0)][dq.text(1)] = dq.int64(2);
  dq.reset();
  std::vector<std::tuple<std::int64_t, std::string, std::optional<std::int64_t>>> rows;
  auto& c = db.prepare("SELECT id, kind, section FROM clauses WHERE declaration=? AND deleted=0 ORDER BY position");
  c.bind(1, declaration);
  while (c.step()) rows.emplace_back(c.int64(0), c.text(1), c.opt_int64(2));
  c.reset();
  json out = json::array();
  int number = 0;
  for (auto& [id, kind, section] : rows) {
    json texts = json::object();
    for (auto& [lang, doc] : docs[id]) texts[lang] = Documents::text_at(db, doc, INT64_MAX);
    out.push_back({{"clause", id}, {"kind", kind}, {"section", section ? json(*section) : json(nullptr)},
                   {"number", kind == "clause" ? json(++number) : json(nullptr)}, {"texts", texts}});
  }
  return out;
}

void ensure_base_version(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT COUNT(*) FROM declaration_versions WHERE declaration=?");
  st.bind(1, declaration);
  st.step();
  bool none = st.int64(0) == 0;
  st.reset();
  if (none) record_version(db, declaration, "base", 0);
}

std::int64_t record_version(store::Db& db, std::int64_t declaration, const std::string& reason, std::int64_t amendment) {
  auto& n = db.prepare("SELECT COALESCE(MAX(number),0)+1 FROM declaration_versions WHERE declaration=?");
  n.bind(1, declaration);
  n.step();
  std::int64_t number = n.int64(0);
  n.reset();
  auto& st = db.prepare("INSERT INTO declaration_versions(declaration, number, reason, amendment, snapshot) VALUES(?,?,?,?,?)");
  st.bind(1, declaration).bind(2, number).bind(3, reason);
  if (amendment) st.bind(4, amendment);
  else st.bind_null(4);
  st.bind(5, snapshot(db, declaration).dump()).run();
  return number;
}

}  // namespace plenary::app::amend
