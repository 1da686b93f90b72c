#include <map>
#include <nlohmann/json.hpp>

#include "app/documents.hpp"
#include "protocol/errors.hpp"
#include "publish/export_loader.hpp"

namespace plenary::publish_shell {

using json = nlohmann::json;
using namespace plenary::publish;

namespace {
std::vector<Speaker> speakers_of(store::Db& db, const std::string& where, std::int64_t value) {
  std::vector<Speaker> out;
  auto& st = db.prepare(
      "SELECT d.name, s.organisation, s.ended - s.started, s.point_of_order FROM speeches s "
      "JOIN delegates d ON d.id=s.delegate WHERE " + where + " ORDER BY s.started, s.id");
  st.bind(1, value);
  while (st.step()) out.push_back({st.text(0), st.text(1), st.int64(2), st.int64(3) != 0});
  st.reset();
  return out;
}

std::vector<StatementText> statements_of(store::Db& db, std::int64_t workshop) {
  std::vector<StatementText> out;
  std::vector<std::int64_t> ids;
  auto& st = db.prepare("SELECT id, title, original, phase FROM declarations WHERE workshop=? ORDER BY id");
  st.bind(1, workshop);
  while (st.step()) {
    StatementText s;
    s.lang = st.text(2);
    s.title = localised(st.text(1), s.lang);
    s.phase = st.text(3);
    ids.push_back(st.int64(0));
    out.push_back(std::move(s));
  }
  st.reset();
  for (size_t i = 0; i < ids.size(); ++i) {
    std::vector<std::pair<std::string, std::int64_t>> docs;
    auto& c = db.prepare(
        "SELECT c.kind, COALESCE(d.id,0) FROM clauses c LEFT JOIN docs d ON d.clause=c.id AND d.lang=? "
        "WHERE c.declaration=? AND c.deleted=0 ORDER BY c.position");
    c.bind(1, out[i].lang).bind(2, ids[i]);
    while (c.step()) docs.emplace_back(c.text(0), c.int64(1));
    c.reset();
    int number = 0;
    for (auto& [kind, doc] : docs)
      out[i].clauses.emplace_back(kind == "clause" ? ++number : 0, doc ? app::Documents::text_at(db, doc, INT64_MAX) : "");
  }
  return out;
}
}  // namespace

ForumRecord load_record(store::Db& db, std::int64_t forum, const std::string& generated) {
  ForumRecord r;
  r.id = forum;
  r.generated = generated;
  {
    auto& st = db.prepare("SELECT COALESCE(key,''), name, COALESCE(starts,''), COALESCE(ends,''), languages FROM forums WHERE id=?");
    st.bind(1, forum);
    if (!st.step()) {
      st.reset();
      protocol::fail("not_found", "no such forum");
    }
    r.key = st.text(0);
    json langs = json::parse(st.text(4), nullptr, false);
    r.lang = langs.is_array() && !langs.empty() && langs[0].is_string() ? langs[0].get<std::string>() : "en";
    r.name = localised(st.text(1), r.lang);
    r.starts = st.text(2);
    r.ends = st.text(3);
    st.reset();
  }
  std::map<std::int64_t, size_t> slot_index;
  {
    auto& st = db.prepare("SELECT id, name, COALESCE(starts,''), COALESCE(ends,'') FROM slots WHERE forum=? ORDER BY starts, id");
    st.bind(1, forum);
    while (st.step()) {
      slot_index[st.int64(0)] = r.slots.size();
      r.slots.push_back({localised(st.text(1), r.lang), st.text(2), st.text(3), {}});
    }
    st.reset();
  }
  std::vector<std::pair<std::int64_t, WorkshopRecord>> workshops;
  {
    auto& st = db.prepare(
        "SELECT w.id, COALESCE(w.slot,0), w.title, COALESCE(w.location,''), COALESCE(w.working_language,''), "
        "COALESCE(m.name,''), COALESCE(p.name,'') FROM workshops w LEFT JOIN delegates m ON m.id=w.moderator "
        "LEFT JOIN delegates p ON p.id=w.rapporteur WHERE w.forum=? ORDER BY w.id");
    st.bind(1, forum);
    while (st.step()) {
      WorkshopRecord w;
      w.id = st.int64(0);
      w.working_language = st.text(4);
      w.title = localised(st.text(2), w.working_language.empty() ? r.lang : w.working_language);
      w.location = st.text(3);
      w.moderator = st.text(5);
      w.rapporteur = st.text(6);
      workshops.emplace_back(st.int64(1), std::move(w));
    }
    st.reset();
  }
  for (auto& [slot, w] : workshops) {
    w.statements = statements_of(db, w.id);
    w.speakers = speakers_of(db, "s.workshop=?", w.id);
    auto it = slot_index.find(slot);
    if (it == slot_index.end()) r.unscheduled.push_back(std::move(w));
    else r.slots[it->second].workshops.push_back(std::move(w));
  }
  {
    auto& st = db.prepare("SELECT room FROM plenaries WHERE forum=?");
    st.bind(1, forum);
    std::int64_t room = st.step() ? st.int64(0) : 0;
    st.reset();
    if (room) r.plenary_speakers = speakers_of(db, "s.room=?", room);
  }
  r.polls = published_polls(db, forum);
  return r;
}

}  // namespace plenary::publish_shell
