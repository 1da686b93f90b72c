#include "app/signature_store.hpp"

#include "store/events.hpp"

namespace plenary::app::sign {

using signatures::SignerKind;

void open_list(store::Db& db, std::int64_t forum, std::int64_t declaration, std::int64_t actor) {
  db.prepare("INSERT OR IGNORE INTO signature_lists(declaration, state) VALUES(?, 'open')").bind(1, declaration).run();
  if (db.changes() == 1) store::record_event(db, forum, "signature.list.opened", actor, {{"declaration", declaration}});
}

std::string stored_state(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT state FROM signature_lists WHERE declaration=?");
  st.bind(1, declaration);
  std::string s = st.step() ? st.text(0) : "";
  st.reset();
  return s;
}

std::optional<std::string> signer_name(store::Db& db, std::int64_t forum, const signatures::Signer& s) {
  auto& st = db.prepare(s.kind == SignerKind::organisation ? "SELECT name FROM organisations WHERE id=? AND forum=?"
                                                             : "SELECT name FROM networks WHERE id=? AND forum=?");
  st.bind(1, s.id).bind(2, forum);
  std::optional<std::string> name;
  if (st.step()) name = st.text(0);
  st.reset();
  return name;
}

std::set<std::int64_t> networks_of(store::Db& db, std::int64_t organisation) {
  std::set<std::int64_t> out;
  auto& st = db.prepare("SELECT network FROM organisation_networks WHERE organisation=?");
  st.bind(1, organisation);
  while (st.step()) out.insert(st.int64(0));
  st.reset();
  return out;
}

namespace {
// Columns: kind, signer, name, country, signed_by, signed_by_name, seq, at.
constexpr const char* kSelect =
    "SELECT s.signer_kind, s.signer, COALESCE(o.name, n.name), o.country, s.signed_by, d.name, s.seq, s.at "
    "FROM signatures s LEFT JOIN organisations o ON s.signer_kind='organisation' AND o.id=s.signer "
    "LEFT JOIN networks n ON s.signer_kind='network' AND n.id=s.signer "
    "LEFT JOIN delegates d ON d.id=s.signed_by WHERE s.declaration=?";

json row_json(store::Stmt& st) {
  return {{"kind", st.text(0)},
          {"id", st.int64(1)},
          {"name", st.is_null(2) ? json("") : json(st.text(2))},
          {"country", st.is_null(3) ? json(nullptr) : json(st.text(3))},
          {"signed_by", st.int64(4)},
          {"signed_by_name", st.is_null(5) ? json("") : json(st.text(5))},
          {"seq", st.int64(6)},
          {"at", st.text(7)}};
}
}  // namespace

json signature_json(store::Db& db, std::int64_t declaration, const signatures::Signer& s) {
  auto& st = db.prepare(std::string(kSelect) + " AND s.signer_kind=? AND s.signer=?");
  st.bind(1, declaration).bind(2, signatures::to_string(s.kind)).bind(3, s.id);
  json out = st.step() ? row_json(st) : json(nullptr);
  st.reset();
  return out;
}

json list_json(store::Db& db, std::int64_t declaration, const std::string& phase) {
  json list = {{"declaration", declaration}, {"opened_at", nullptr}, {"closed_at", nullptr}, {"closed_by", nullptr}};
  auto& h = db.prepare("SELECT state, opened_at, closed_at, closed_by FROM signature_lists WHERE declaration=?");
  h.bind(1, declaration);
  std::string stored;
  if (h.step()) {
    stored = h.text(0);
    list["opened_at"] = h.text(1);
    if (!h.is_null(2)) list["closed_at"] = h.text(2);
    if (!h.is_null(3)) list["closed_by"] = h.int64(3);
  }
  h.reset();
  list["state"] = std::string(signatures::to_string(signatures::list_state(phase, stored)));
  json items = json::array();
  auto& st = db.prepare(std::string(kSelect) + " ORDER BY s.seq");
  st.bind(1, declaration);
  while (st.step()) items.push_back(row_json(st));
  st.reset();
  list["signatures"] = items;
  return list;
}

std::int64_t count(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT COUNT(*) FROM signatures WHERE declaration=?");
  st.bind(1, declaration);
  st.step();
  std::int64_t n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace plenary::app::sign
