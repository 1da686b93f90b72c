// The floor: the agenda of each room (a workshop's room or the plenary) and its speakers' list
// (core floor::SpeakersList), with the record of speeches and the speaking-time timer.
// Live lists are kept in memory on the strand and rebuilt from storage on first use. A change
// is made to the live list, committed as the whole stored state of the list (settings, current
// speaker, queued requests, plus the speech that just ended), and only then acknowledged and
// pushed; if the commit fails the live list is dropped and rebuilt from storage.
// The acknowledgement and the push carry the list as it was when the change was made.
#include <algorithm>
#include <chrono>

#include "app/hub.hpp"
#include "core/floor/speakers.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;

struct Hub::FloorRoom {
  std::int64_t forum = 0;
  floor::SpeakersList list;
  std::int64_t current_workshop = 0, current_item = 0;  // what the room held when the current speech began
  std::int64_t ended_workshop = 0, ended_item = 0;      // the same for the speech that just ended
  bool timer_sent = false;                              // speakers.timer pushed for the current speech
};

namespace {

const std::set<std::string> kAgendaKinds = {"item", "declaration", "amendment", "poll", "workshop", "break"};

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An integer field within [lo, hi]; `fallback` when absent or null.
std::int64_t int_of(const json& m, const char* field, std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> fallback) {
  auto it = m.find(field);
  if (it == m.end() || it->is_null()) {
    if (fallback) return *fallback;
    fail("bad_message", std::string("field '") + field + "' (an integer) is required");
  }
  bool in_range = false;
  std::int64_t v = 0;
  if (it->is_number_unsigned()) {
    auto u = it->get<std::uint64_t>();
    in_range = u <= static_cast<std::uint64_t>(hi);
    v = in_range ? static_cast<std::int64_t>(u) : 0;
  } else if (it->is_number_integer()) {
    v = it->get<std::int64_t>();
    in_range = true;
  } else {
    fail("bad_message", std::string("field '") + field + "' must be an integer");
  }
  if (!in_range || v < lo || v > hi)
    fail("bad_message", std::string("field '") + field + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

std::int64_t id_from(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(s);
}
json id_or_null(const std::string& s) {
  auto id = id_from(s);
  return id ? json(id) : json(nullptr);
}

// The time for a list: now, but never before its last recorded time (a clock set back).
std::int64_t list_now(const floor::SpeakersList& l) {
  std::int64_t t = now_s();
  if (l.current()) t = std::max(t, l.current()->started);
  if (!l.record().empty()) t = std::max(t, l.record().back().ended);
  return t;
}

void save_list(store::Db& db, std::int64_t room, std::int64_t forum, const floor::ListState& st, std::int64_t ws,
               std::int64_t item) {
  auto& up = db.prepare(
      "INSERT OR REPLACE INTO speakers_lists(room, forum, mode, cap, time_limit, next_seq, current_delegate, "
      "current_organisation, current_gender, current_constituency, current_first_time, current_point_of_order, "
      "current_started, current_limit, current_workshop, current_item) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  up.bind(1, room).bind(2, forum).bind(3, std::string(floor::to_string(st.mode))).bind(4, st.cap).bind(5, st.limit)
      .bind(6, static_cast<std::int64_t>(st.next_seq));
  if (st.current) {
    const auto& c = *st.current;
    up.bind(7, id_from(c.request.delegate)).bind(8, c.request.organisation).bind(9, c.request.gender)
        .bind(10, c.request.constituency).bind(11, c.request.first_time ? 1 : 0).bind(12, c.point_of_order ? 1 : 0)
        .bind(13, c.started).bind(14, c.limit);
    if (ws) up.bind(15, ws); else up.bind_null(15);
    if (item) up.bind(16, item); else up.bind_null(16);
  } else {
    for (int i = 7; i <= 16; ++i) up.bind_null(i);
  }
  up.run();
  db.prepare("DELETE FROM speaker_requests WHERE room=?").bind(1, room).run();
  for (const auto& q : st.queue)
    db.prepare("INSERT INTO speaker_requests(room, seq, delegate, point_of_order, organisation, gender, constituency, "
               "first_time) VALUES(?,?,?,?,?,?,?,?)")
        .bind(1, room).bind(2, static_cast<std::int64_t>(q.seq)).bind(3, id_from(q.request.delegate))
        .bind(4, q.point_of_order ? 1 : 0).bind(5, q.request.organisation).bind(6, q.request.gender)
        .bind(7, q.request.constituency).bind(8, q.request.first_time ? 1 : 0).run();
}

void insert_speech(store::Db& db, std::int64_t room, std::int64_t forum, const floor::Speech& s, std::int64_t ws,
                   std::int64_t item) {
  auto& st = db.prepare(
      "INSERT INTO speeches(forum, room, workshop, agenda_item, delegate, organisation, gender, constituency, "
      "first_time, point_of_order, started, ended, time_limit) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, forum).bind(2, room);
  if (ws) st.bind(3, ws); else st.bind_null(3);
  if (item) st.bind(4, item); else st.bind_null(4);
  st.bind(5, id_from(s.request.delegate)).bind(6, s.request.organisation).bind(7, s.request.gender)
      .bind(8, s.request.constituency).bind(9, s.request.first_time ? 1 : 0).bind(10, s.point_of_order ? 1 : 0)
      .bind(11, s.started).bind(12, s.ended).bind(13, s.limit);
  st.run();
}

}  // namespace

std::int64_t Hub::floor_room_forum(std::int64_t room) {
  auto& st = reader_.prepare("SELECT forum FROM rooms WHERE id=?");
  st.bind(1, room);
  std::int64_t forum = st.step() ? st.int64(0) : 0;
  st.reset();
  return forum;
}

void Hub::require_room_reader(const ConnState& c, std::int64_t room) {
  require_login(c);
  if (floor_room_forum(room) != c.forum) fail("not_found", "no such room in your forum");
}

void Hub::require_floor_chair(const ConnState& c, std::int64_t room) {
  require_accredited(c);
  if (floor_room_forum(room) != c.forum) fail("not_found", "no such room in your forum");
  if (c.has("organiser")) return;
  auto& k = reader_.prepare("SELECT kind FROM rooms WHERE id=?");
  k.bind(1, room);
  std::string kind = k.step() ? k.text(0) : "";
  k.reset();
  bool chair = false;
  if (kind == "plenary") {
    chair = c.has("moderator");
  } else {
    auto& w = reader_.prepare("SELECT 1 FROM workshops WHERE room=? AND moderator=?");
    w.bind(1, room).bind(2, c.delegate);
    chair = w.step();
    w.reset();
  }
  if (!chair) fail("not_allowed", "only organisers and the room's moderator chair the floor");
}

Hub::FloorRoom& Hub::floor_room(std::int64_t room) {
  if (auto it = floor_.find(room); it != floor_.end()) return *it->second;
  auto r = std::make_shared<FloorRoom>();
  r->forum = floor_room_forum(room);
  floor::ListState st;
  auto& l = reader_.prepare(
      "SELECT mode, cap, time_limit, next_seq, current_delegate, COALESCE(current_organisation,''), "
      "COALESCE(current_gender,''), COALESCE(current_constituency,''), COALESCE(current_first_time,0), "
      "COALESCE(current_point_of_order,0), COALESCE(current_started,0), COALESCE(current_limit,0), "
      "COALESCE(current_workshop,0), COALESCE(current_item,0) FROM speakers_lists WHERE room=?");
  l.bind(1, room);
  if (l.step()) {
    st.mode = floor::balance_from_string(l.text(0)).value_or(floor::Balance::plain);
    st.cap = static_cast<int>(l.int64(1));
    st.limit = l.int64(2);
    st.next_seq = static_cast<std::uint64_t>(l.int64(3));
    if (!l.is_null(4)) {
      floor::Request rq{std::to_string(l.int64(4)), l.text(5), l.text(6), l.text(7), l.int64(8) != 0};
      st.current = floor::Speech{rq, l.int64(9) != 0, l.int64(10), l.int64(10), l.int64(11)};
      r->current_workshop = l.int64(12);
      r->current_item = l.int64(13);
    }
  }
  l.reset();
  auto& q = reader_.prepare(
      "SELECT seq, delegate, point_of_order, organisation, gender, constituency, first_time FROM speaker_requests "
      "WHERE room=? ORDER BY seq");
  q.bind(1, room);
  while (q.step())
    st.queue.push_back({floor::Request{std::to_string(q.int64(1)), q.text(3), q.text(4), q.text(5), q.int64(6) != 0},
                        q.int64(2) != 0, static_cast<std::uint64_t>(q.int64(0))});
  q.reset();
  auto& s = reader_.prepare(
      "SELECT delegate, organisation, gender, constituency, first_time, point_of_order, started, ended, time_limit "
      "FROM speeches WHERE room=? ORDER BY id");
  s.bind(1, room);
  while (s.step())
    st.record.push_back({floor::Request{std::to_string(s.int64(0)), s.text(1), s.text(2), s.text(3), s.int64(4) != 0},
                         s.int64(5) != 0, s.int64(6), s.int64(7), s.int64(8)});
  s.reset();
  r->list = floor::SpeakersList::restore(std::move(st));
  return *floor_.emplace(room, std::move(r)).first->second;
}

json Hub::agenda_json(std::int64_t room) {
  json items = json::array();
  json current = nullptr;
  auto& st = reader_.prepare("SELECT id, title, kind, ref, current FROM agenda_items WHERE room=? ORDER BY position");
  st.bind(1, room);
  while (st.step()) {
    bool cur = st.int64(4) != 0;
    if (cur) current = st.int64(0);
    items.push_back({{"id", st.int64(0)}, {"title", st.text(1)}, {"kind", st.text(2)},
                     {"ref", st.is_null(3) ? json(nullptr) : json(st.int64(3))}, {"current", cur}});
  }
  st.reset();
  return {{"room", room}, {"items", items}, {"current", current}};
}

json Hub::speakers_json(std::int64_t room) {
  auto& r = floor_room(room);
  const auto& l = r.list;
  std::int64_t now = list_now(l);
  std::map<std::string, std::string> names;
  auto name = [&](const std::string& d) -> const std::string& {
    auto it = names.find(d);
    if (it != names.end()) return it->second;
    auto& st = reader_.prepare("SELECT name FROM delegates WHERE id=?");
    st.bind(1, id_from(d));
    std::string n = st.step() ? st.text(0) : "";
    st.reset();
    return names.emplace(d, n).first->second;
  };
  json queue = json::array();
  for (const auto& q : l.order())
    queue.push_back({{"delegate", id_from(q.request.delegate)}, {"name", name(q.request.delegate)},
                     {"organisation", id_or_null(q.request.organisation)}, {"constituency", q.request.constituency},
                     {"first_time", q.request.first_time}, {"point_of_order", q.point_of_order}, {"seq", q.seq}});
  json current = nullptr;
  if (const auto& c = l.current()) {
    auto rem = l.remaining(now);
    current = {{"delegate", id_from(c->request.delegate)}, {"name", name(c->request.delegate)},
               {"organisation", id_or_null(c->request.organisation)}, {"point_of_order", c->point_of_order},
               {"started", c->started}, {"limit", c->limit}, {"remaining", rem ? json(*rem) : json(nullptr)}};
  }
  json record = json::array();
  const auto& rec = l.record();
  std::size_t from = rec.size() > 20 ? rec.size() - 20 : 0;
  for (std::size_t i = from; i < rec.size(); ++i) {
    const auto& s = rec[i];
    record.push_back({{"delegate", id_from(s.request.delegate)}, {"name", name(s.request.delegate)},
                      {"point_of_order", s.point_of_order}, {"started", s.started}, {"ended", s.ended},
                      {"seconds", s.seconds()}, {"limit", s.limit}, {"over_time", s.over_time()}});
  }
  return {{"room", room}, {"mode", std::string(floor::to_string(l.balance()))}, {"cap", l.cap()},
          {"limit", l.time_limit()}, {"now", now}, {"queue", queue}, {"current", current},
          {"record", record}, {"spoken", rec.size()}};
}

void Hub::floor_push(std::int64_t room, const json& fields) {
  auto it = room_conns_.find(room);
  if (it == room_conns_.end()) return;
  for (auto id : it->second) {
    auto* o = state(id);
    if (!o) continue;
    json msg = fields;
    msg["seq"] = ++o->rooms[room];
    push(*o, std::move(msg));
  }
}

void Hub::floor_commit(const Reply& reply, std::int64_t room, const std::string& event, std::int64_t actor,
                       json payload, bool speech_ended) {
  auto& r = floor_room(room);
  floor::ListState st = r.list.state();
  std::optional<floor::Speech> ended;
  if (speech_ended && !st.record.empty()) ended = st.record.back();
  std::int64_t forum = r.forum, ws = r.current_workshop, item = r.current_item, ended_ws = r.ended_workshop,
               ended_item = r.ended_item;
  json snapshot = speakers_json(room);
  payload["room"] = room;
  commit(
      reply,
      [=, st = std::move(st)](store::Db& db) {
        save_list(db, room, forum, st, ws, item);
        if (ended) insert_speech(db, room, forum, *ended, ended_ws, ended_item);
        store::record_event(db, forum, event, actor, payload);
        return json();
      },
      [=, this](json) {
        reply.ok({{"speakers", snapshot}});
        floor_push(room, {{"type", "speakers.updated"}, {"room", room}, {"speakers", snapshot}});
        schedule_floor_timer();
      },
      [=, this] { floor_.erase(room); });
}

// ---- agenda ------------------------------------------------------------------------------

void Hub::on_agenda_get(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_room_reader(c, room);
  reply.ok({{"agenda", agenda_json(room)}});
}

void Hub::on_agenda_set(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  auto it = m.find("items");
  if (it == m.end() || !it->is_array()) fail("bad_message", "field 'items' (an array) is required");
  if (it->size() > 200) fail("bad_message", "an agenda has at most 200 items");
  struct Item { std::string title, kind; std::optional<std::int64_t> ref; };
  std::vector<Item> items;
  for (const auto& i : *it) {
    if (!i.is_object()) fail("bad_message", "each agenda item must be an object {title, kind?, ref?}");
    Item item{string_of(i, "title", 500), opt_string_of(i, "kind", 20).value_or("item"), opt_id_of(i, "ref")};
    if (!kAgendaKinds.count(item.kind))
      fail("bad_message", "agenda item kind must be item, declaration, amendment, poll, workshop or break");
    items.push_back(std::move(item));
  }
  require_floor_chair(c, room);
  std::int64_t forum = c.forum, actor = c.delegate;
  json titles = json::array();
  for (auto& i : items) titles.push_back(i.title);
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("DELETE FROM agenda_items WHERE room=?").bind(1, room).run();
        std::int64_t pos = 0;
        for (const auto& i : items)
          db.prepare("INSERT INTO agenda_items(room, position, title, kind, ref) VALUES(?,?,?,?,?)")
              .bind(1, room).bind(2, ++pos).bind(3, i.title).bind(4, i.kind).bind(5, i.ref).run();
        store::record_event(db, forum, "agenda.set", actor, {{"room", room}, {"items", titles}});
        return json();
      },
      [=, this](json) {
        json a = agenda_json(room);
        reply.ok({{"agenda", a}});
        floor_push(room, {{"type", "agenda.updated"}, {"room", room}, {"agenda", a}});
      });
}

void Hub::on_agenda_current(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  if (!m.contains("item")) fail("bad_message", "field 'item' (an agenda item id, or null) is required");
  auto item = opt_id_of(m, "item");
  require_floor_chair(c, room);
  std::int64_t forum = c.forum, actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        if (item) {
          auto& st = db.prepare("SELECT 1 FROM agenda_items WHERE id=? AND room=?");
          st.bind(1, *item).bind(2, room);
          bool found = st.step();
          st.reset();
          if (!found) throw store::WorkError("not_found", "no such item on this room's agenda");
        }
        db.prepare("UPDATE agenda_items SET current=0 WHERE room=? AND current=1").bind(1, room).run();
        if (item) db.prepare("UPDATE agenda_items SET current=1 WHERE id=?").bind(1, *item).run();
        store::record_event(db, forum, "agenda.current", actor, {{"room", room}, {"item", item ? json(*item) : json(nullptr)}});
        return json();
      },
      [=, this](json) {
        json a = agenda_json(room);
        reply.ok({{"agenda", a}});
        floor_push(room, {{"type", "agenda.updated"}, {"room", room}, {"agenda", a}});
      });
}

// ---- speakers' list ----------------------------------------------------------------------

void Hub::on_speakers_get(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_room_reader(c, room);
  reply.ok({{"speakers", speakers_json(room)}});
}

void Hub::on_speakers_request(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  bool poo = bool_of(m, "point_of_order", false);
  std::optional<bool> declared;
  if (m.contains("first_time") && !m["first_time"].is_null()) declared = bool_of(m, "first_time", false);
  require_accredited(c);
  if (floor_room_forum(room) != c.forum) fail("not_found", "no such room in your forum");
  if (!c.has("delegate")) fail("not_allowed", "only delegates ask for the floor");
  auto present = rooms_.find(room);
  if (present == rooms_.end() || !present->second.count(c.delegate))
    fail("not_allowed", "only delegates present in the room ask for the floor: join the room first");
  auto& a = reader_.prepare(
      "SELECT COALESCE(d.gender,''), COALESCE(o.constituency,''), COALESCE(d.organisation,0) FROM delegates d "
      "LEFT JOIN organisations o ON o.id=d.organisation WHERE d.id=?");
  a.bind(1, c.delegate);
  if (!a.step()) {
    a.reset();
    fail("not_found", "no such delegate");
  }
  std::string gender = a.text(0), constituency = a.text(1);
  std::int64_t org = a.int64(2);
  a.reset();
  // First-time speaker: never heard in this forum (a delegate may decline the flag).
  auto& f = reader_.prepare("SELECT 1 FROM speeches WHERE forum=? AND delegate=? AND point_of_order=0 LIMIT 1");
  f.bind(1, c.forum).bind(2, c.delegate);
  bool spoken = f.step();
  f.reset();
  bool first_time = declared.value_or(true) && !spoken;
  auto& r = floor_room(room);
  // Without an organisation a delegate counts as one of their own for the cap.
  floor::Request rq{std::to_string(c.delegate), org ? std::to_string(org) : "delegate:" + std::to_string(c.delegate),
                    gender, constituency, first_time};
  bool added = poo ? r.list.point_of_order(rq) : r.list.request(rq);
  if (!added)
    fail("conflict", poo ? "you already have a point of order on this list" : "you are already on this list");
  floor_commit(reply, room, "speakers.requested", c.delegate,
               {{"delegate", c.delegate}, {"point_of_order", poo}, {"first_time", first_time}}, false);
}

void Hub::on_speakers_withdraw(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  auto who = opt_id_of(m, "delegate");
  require_accredited(c);
  if (floor_room_forum(room) != c.forum) fail("not_found", "no such room in your forum");
  std::int64_t target = who.value_or(c.delegate);
  if (target != c.delegate) require_floor_chair(c, room);
  auto& r = floor_room(room);
  if (!r.list.withdraw(std::to_string(target))) fail("not_found", "no request of this delegate on the list");
  floor_commit(reply, room, "speakers.withdrawn", c.delegate, {{"delegate", target}}, false);
}

void Hub::on_speakers_next(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_floor_chair(c, room);
  auto& r = floor_room(room);
  bool had = r.list.current().has_value();
  if (!had && r.list.order().empty()) fail("invalid_state", "nobody is waiting for the floor");
  json ended = had ? json(id_from(r.list.current()->request.delegate)) : json(nullptr);
  r.ended_workshop = r.current_workshop;
  r.ended_item = r.current_item;
  auto called = r.list.next(list_now(r.list));
  if (called) {
    // What the room is holding now: the current agenda item, and its workshop (the item's, or
    // the room's only one).
    std::int64_t item = 0, ws = 0;
    auto& a = reader_.prepare("SELECT id, kind, COALESCE(ref,0) FROM agenda_items WHERE room=? AND current=1");
    a.bind(1, room);
    if (a.step()) {
      item = a.int64(0);
      if (a.text(1) == "workshop") ws = a.int64(2);
    }
    a.reset();
    if (ws) {
      auto& w = reader_.prepare("SELECT 1 FROM workshops WHERE id=? AND forum=?");
      w.bind(1, ws).bind(2, r.forum);
      if (!w.step()) ws = 0;
      w.reset();
    }
    if (!ws) {
      auto& w = reader_.prepare("SELECT MIN(id), COUNT(*) FROM workshops WHERE room=?");
      w.bind(1, room);
      if (w.step() && w.int64(1) == 1) ws = w.int64(0);
      w.reset();
    }
    r.current_workshop = ws;
    r.current_item = item;
    r.timer_sent = false;
  } else {
    r.current_workshop = r.current_item = 0;
  }
  json called_id = called ? json(id_from(called->request.delegate)) : json(nullptr);
  floor_commit(reply, room, "speakers.next", c.delegate,
               {{"ended", ended}, {"called", called_id},
                {"point_of_order", called ? called->point_of_order : false}},
               had);
}

void Hub::on_speakers_skip(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_floor_chair(c, room);
  auto& r = floor_room(room);
  auto skipped = r.list.skip();
  if (!skipped) fail("invalid_state", "nobody is waiting for the floor");
  floor_commit(reply, room, "speakers.skipped", c.delegate,
               {{"delegate", id_from(skipped->request.delegate)}, {"point_of_order", skipped->point_of_order}}, false);
}

void Hub::on_speakers_finish(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_floor_chair(c, room);
  auto& r = floor_room(room);
  if (!r.list.current()) fail("invalid_state", "nobody has the floor");
  json ended = id_from(r.list.current()->request.delegate);
  r.ended_workshop = r.current_workshop;
  r.ended_item = r.current_item;
  r.list.finish(list_now(r.list));
  r.current_workshop = r.current_item = 0;
  floor_commit(reply, room, "speakers.finished", c.delegate,
               {{"delegate", ended}, {"seconds", r.list.record().back().seconds()}}, true);
}

void Hub::on_speakers_balance(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  std::string name = string_of(m, "mode", 40);
  auto mode = floor::balance_from_string(name);
  if (!mode)
    fail("bad_message",
         "field 'mode' must be plain, alternate_gender, alternate_constituency, first_time_first or cap_per_organisation");
  bool has_cap = m.contains("cap") && !m["cap"].is_null();
  std::int64_t cap = has_cap ? int_of(m, "cap", 1, 1000, std::nullopt) : 0;
  require_floor_chair(c, room);
  auto& r = floor_room(room);
  r.list.set_balance(*mode, has_cap ? static_cast<int>(cap) : r.list.cap());
  floor_commit(reply, room, "speakers.balance", c.delegate, {{"mode", name}, {"cap", r.list.cap()}}, false);
}

void Hub::on_speakers_limit(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  std::int64_t seconds = int_of(m, "seconds", 0, 86400, std::nullopt);
  require_floor_chair(c, room);
  auto& r = floor_room(room);
  r.list.set_time_limit(seconds);
  floor_commit(reply, room, "speakers.limit", c.delegate, {{"seconds", seconds}}, false);
}

// ---- the speaking-time timer -------------------------------------------------------------

void Hub::schedule_floor_timer() {
  if (stopping_) return;
  std::optional<std::int64_t> due;
  for (auto& [room, r] : floor_) {
    const auto& cur = r->list.current();
    if (!cur || cur->limit <= 0 || r->timer_sent) continue;
    std::int64_t t = cur->started + cur->limit;
    if (!due || t < *due) due = t;
  }
  if (!floor_timer_) floor_timer_ = std::make_unique<boost::asio::steady_timer>(strand_);
  if (!due) {
    floor_timer_->cancel();
    return;
  }
  auto wait = std::chrono::seconds(*due) - std::chrono::system_clock::now().time_since_epoch();
  auto delay = std::max<std::chrono::steady_clock::duration>(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait), std::chrono::steady_clock::duration::zero());
  floor_timer_->expires_after(delay + std::chrono::milliseconds(20));
  floor_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    on_floor_timer();
  });
}

void Hub::on_floor_timer() {
  std::int64_t now = now_s();
  for (auto& [room, r] : floor_) {
    const auto& cur = r->list.current();
    if (!cur || cur->limit <= 0 || r->timer_sent) continue;
    auto rem = r->list.remaining(std::max(now, cur->started));
    if (!rem || *rem > 0) continue;
    r->timer_sent = true;
    floor_push(room, {{"type", "speakers.timer"}, {"room", room}, {"delegate", id_from(cur->request.delegate)},
                      {"remaining", *rem}});
  }
  schedule_floor_timer();
}

}  // namespace plenary::app
