#include "app/documents.hpp"

#include <nlohmann/json.hpp>

#include "core/ot/text_op.hpp"

namespace plenary::app {

namespace {
struct Loaded { std::string text; std::int64_t rev = 0; };

Loaded load_snapshot(store::Db& db, std::int64_t doc, std::int64_t at_most) {
  auto& st = db.prepare("SELECT rev, text FROM doc_snapshots WHERE doc=? AND rev<=? ORDER BY rev DESC LIMIT 1");
  st.bind(1, doc).bind(2, at_most);
  Loaded l;
  if (st.step()) {
    l.rev = st.int64(0);
    l.text = st.text(1);
  }
  st.reset();
  return l;
}
}  // namespace

LiveDoc* Documents::get(store::Db& db, std::int64_t id) {
  if (auto it = docs_.find(id); it != docs_.end()) return it->second.get();
  auto& st = db.prepare(
      "SELECT d.clause, d.lang, d.status, d.confirmed_rev, c.declaration, x.forum, x.original, "
      "COALESCE(x.workshop,0) FROM docs d JOIN clauses c ON c.id=d.clause "
      "JOIN declarations x ON x.id=c.declaration WHERE d.id=?");
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    return nullptr;
  }
  auto live = std::make_unique<LiveDoc>();
  live->id = id;
  live->clause = st.int64(0);
  live->lang = st.text(1);
  live->status = st.text(2);
  live->confirmed_rev = st.int64(3);
  live->declaration = st.int64(4);
  live->forum = st.int64(5);
  live->original_lang = st.text(6);
  live->workshop = st.int64(7);
  st.reset();

  Loaded snap = load_snapshot(db, id, INT64_MAX);
  live->doc = std::make_unique<drafting::Document>(snap.text, snap.rev);
  live->snapshot_rev = snap.rev;
  auto& ops = db.prepare("SELECT op, opid, COALESCE(author,0) FROM doc_ops WHERE doc=? AND rev>? ORDER BY rev");
  ops.bind(1, id).bind(2, snap.rev);
  while (ops.step()) {
    live->doc->replay(ot::parse(nlohmann::json::parse(ops.text(0))), ops.text(1), ops.int64(2));
  }
  ops.reset();
  live->committed = live->doc->rev();
  live->loaded_rev = live->committed;
  auto* raw = live.get();
  docs_.emplace(id, std::move(live));
  return raw;
}

std::string Documents::text_at(store::Db& db, std::int64_t doc, std::int64_t rev) {
  Loaded snap = load_snapshot(db, doc, rev);
  ot::TextDoc text(snap.text);
  auto& ops = db.prepare("SELECT op FROM doc_ops WHERE doc=? AND rev>? AND rev<=? ORDER BY rev");
  ops.bind(1, doc).bind(2, snap.rev).bind(3, rev);
  while (ops.step()) ot::apply_in_place(text, ot::parse(nlohmann::json::parse(ops.text(0))));
  ops.reset();
  return text.str();
}

std::string Documents::ops_wire(store::Db& db, std::int64_t doc, std::int64_t since, std::int64_t upto) {
  auto& ops = db.prepare("SELECT rev, op, opid, COALESCE(author,0) FROM doc_ops WHERE doc=? AND rev>? AND rev<=? ORDER BY rev");
  ops.bind(1, doc).bind(2, since).bind(3, upto);
  std::string out = "[";
  bool first = true;
  while (ops.step()) {
    if (!first) out += ',';
    first = false;
    out += "{\"rev\":" + std::to_string(ops.int64(0)) + ",\"op\":" + ops.text(1) + ",\"opid\":" +
           nlohmann::json(ops.text(2)).dump() + ",\"by\":" + std::to_string(ops.int64(3)) + "}";
  }
  ops.reset();
  return out + "]";
}

std::int64_t Documents::stored_opid(store::Db& db, std::int64_t doc, const std::string& opid) {
  auto& st = db.prepare("SELECT rev FROM doc_ops WHERE doc=? AND opid=?");
  st.bind(1, doc).bind(2, opid);
  std::int64_t rev = st.step() ? st.int64(0) : 0;
  st.reset();
  return rev;
}

}  // namespace plenary::app
