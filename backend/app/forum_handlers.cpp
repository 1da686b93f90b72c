// The forum's people and programme: forum.list/get, rooms and presence, accreditation, access
// codes and revocation by organisers.
#include <chrono>

#include "app/hub.hpp"
#include "auth/secrets.hpp"
#include "store/events.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
const std::set<std::string> kRoles = {"delegate", "observer", "organiser", "moderator",
                                      "rapporteur", "translator", "drafting"};
json parse_or(const std::string& s, json fallback) {
  try {
    return json::parse(s);
  } catch (...) {
    return fallback;
  }
}
// A stored date or time, or null when there is none.
json date_or_null(const store::Stmt& st, int col) {
  if (st.is_null(col) || st.text(col).empty()) return nullptr;
  return st.text(col);
}
}  // namespace

void Hub::on_forum_list(ConnState&, const json&, const Reply& reply) {
  json forums = json::array();
  auto& st = reader_.prepare("SELECT id, name, starts, ends, languages FROM forums ORDER BY id");
  while (st.step())
    forums.push_back({{"id", st.int64(0)}, {"name", parse_or(st.text(1), st.text(1))},
                      {"starts", date_or_null(st, 2)}, {"ends", date_or_null(st, 3)},
                      {"languages", parse_or(st.text(4), json::array())}});
  st.reset();
  reply.ok({{"forums", forums}});
}

void Hub::on_forum_get(ConnState&, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  auto& f = reader_.prepare("SELECT name, starts, ends, timezone, languages, voting_unit FROM forums WHERE id=?");
  f.bind(1, forum);
  if (!f.step()) {
    f.reset();
    fail("not_found", "no such forum");
  }
  json out;
  out["forum"] = {{"id", forum}, {"name", parse_or(f.text(0), f.text(0))}, {"starts", date_or_null(f, 1)},
                  {"ends", date_or_null(f, 2)}, {"timezone", f.text(3)},
                  {"languages", parse_or(f.text(4), json::array())}, {"voting_unit", f.text(5)}};
  f.reset();

  json networks = json::array();
  auto& n = reader_.prepare("SELECT id, name, COALESCE(scope,'') FROM networks WHERE forum=? ORDER BY name");
  n.bind(1, forum);
  while (n.step()) networks.push_back({{"id", n.int64(0)}, {"name", n.text(1)}, {"scope", n.text(2)}});
  n.reset();
  out["networks"] = networks;

  json orgs = json::array();
  std::map<std::int64_t, json> org_networks;
  auto& on = reader_.prepare("SELECT organisation, network FROM organisation_networks JOIN organisations o "
                             "ON o.id=organisation WHERE o.forum=?");
  on.bind(1, forum);
  while (on.step()) org_networks[on.int64(0)].push_back(on.int64(1));
  on.reset();
  auto& o = reader_.prepare("SELECT id, name, COALESCE(country,''), constituency FROM organisations WHERE forum=? ORDER BY name");
  o.bind(1, forum);
  while (o.step()) {
    auto id = o.int64(0);
    orgs.push_back({{"id", id}, {"name", o.text(1)}, {"country", o.text(2)}, {"constituency", o.text(3)},
                    {"networks", org_networks.count(id) ? org_networks[id] : json::array()}});
  }
  o.reset();
  out["organisations"] = orgs;

  json slots = json::array();
  std::map<std::int64_t, size_t> slot_index;
  auto& s = reader_.prepare("SELECT id, name, starts, ends FROM slots WHERE forum=? ORDER BY starts, id");
  s.bind(1, forum);
  while (s.step()) {
    slot_index[s.int64(0)] = slots.size();
    slots.push_back({{"id", s.int64(0)}, {"name", parse_or(s.text(1), s.text(1))},
                     {"starts", date_or_null(s, 2)}, {"ends", date_or_null(s, 3)},
                     {"workshops", json::array()}});
  }
  s.reset();
  auto& w = reader_.prepare(
      "SELECT id, room, slot, COALESCE(location,''), title, description, COALESCE(working_language,''), "
      "interpretation, capacity, moderator, rapporteur FROM workshops WHERE forum=? ORDER BY id");
  w.bind(1, forum);
  while (w.step()) {
    json ws = {{"id", w.int64(0)}, {"room", w.int64(1)}, {"slot", w.is_null(2) ? json(nullptr) : json(w.int64(2))},
               {"location", w.text(3)}, {"title", parse_or(w.text(4), json::object())},
               {"description", parse_or(w.text(5), json::object())}, {"working_language", w.text(6)},
               {"interpretation", parse_or(w.text(7), json::array())},
               {"capacity", w.is_null(8) ? json(nullptr) : json(w.int64(8))},
               {"moderator", w.is_null(9) ? json(nullptr) : json(w.int64(9))},
               {"rapporteur", w.is_null(10) ? json(nullptr) : json(w.int64(10))}};
    if (!w.is_null(2) && slot_index.count(w.int64(2))) slots[slot_index[w.int64(2)]]["workshops"].push_back(ws);
  }
  w.reset();
  out["programme"] = {{"slots", slots}};
  auto& p = reader_.prepare("SELECT room FROM plenaries WHERE forum=?");
  p.bind(1, forum);
  out["plenary"] = p.step() ? json(p.int64(0)) : json(nullptr);
  p.reset();
  reply.ok(out);
}

// ---- presence -----------------------------------------------------------------------------
// Who is in a room goes out once per tick per room, not once per join: one `presence` push
// carries the changes since the previous one. A room of more than kPresenceListLimit people is
// not listed: its join reply and pushes carry only the count, and its pushes go out at most
// every kLargeRoomPushMs and at most kPresenceFramesPerSecond frames a second (a plenary of
// 15,000 filling up would otherwise get 15,000 frames per tick: 60,000 sends a second spent on
// a head count while the delegates are trying to connect).

namespace {
constexpr std::size_t kPresenceListLimit = 100;
constexpr std::int64_t kLargeRoomPushMs = 250;
constexpr std::size_t kPresenceFramesPerSecond = 5000;
}  // namespace

struct Hub::RoomPresence {
  std::map<std::int64_t, json> people;         // delegate → participant, while present
  std::map<std::int64_t, json> joined, left;   // net changes since the last push
  bool listed = true;  // the last push (or the empty room) listed everyone: deltas apply to it
  std::chrono::steady_clock::time_point last_push{};
};

Hub::RoomPresence& Hub::room_presence(std::int64_t room) {
  auto& p = presence_[room];
  if (!p) p = std::make_shared<RoomPresence>();
  return *p;
}

void Hub::on_room_join(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_accredited(c);
  if (floor_room_forum(room) != c.forum) fail("not_found", "no such room in your forum");
  auto& rp = room_presence(room);
  if (!c.rooms.count(room)) {
    c.rooms[room] = 0;
    room_conns_[room].insert(c.conn->id());
    if (rooms_[room][c.delegate]++ == 0) {
      json who = {{"delegate", c.delegate}, {"name", c.name},
                  {"organisation", c.organisation ? json(c.organisation) : json(nullptr)}};
      rp.people[c.delegate] = who;
      if (!rp.left.erase(c.delegate)) rp.joined[c.delegate] = std::move(who);
      dirty_presence_.insert(room);
    }
  }
  json present = json::array();
  if (rp.people.size() <= kPresenceListLimit)
    for (auto& [d, who] : rp.people) present.push_back(who);
  reply.ok({{"room", room}, {"count", rp.people.size()}, {"present", std::move(present)}});
}

void Hub::leave_room(ConnState& c, std::int64_t room) {
  if (!c.rooms.erase(room)) return;
  room_conns_[room].erase(c.conn->id());
  auto& members = rooms_[room];
  if (--members[c.delegate] > 0) return;
  members.erase(c.delegate);
  auto& rp = room_presence(room);
  auto it = rp.people.find(c.delegate);
  if (it == rp.people.end()) return;
  if (!rp.joined.erase(c.delegate)) rp.left[c.delegate] = std::move(it->second);
  rp.people.erase(it);
  dirty_presence_.insert(room);
}

void Hub::flush_presence() {
  if (dirty_presence_.empty()) return;
  auto now = std::chrono::steady_clock::now();
  std::set<std::int64_t> later;
  for (auto room : dirty_presence_) {
    auto pit = presence_.find(room);
    if (pit == presence_.end()) continue;
    auto& rp = *pit->second;
    bool listed = rp.people.size() <= kPresenceListLimit;
    if (!listed && now - rp.last_push <
                       std::chrono::milliseconds(paced_ms(room, kLargeRoomPushMs, kPresenceFramesPerSecond))) {
      later.insert(room);
      continue;
    }
    bool changed = !rp.joined.empty() || !rp.left.empty() || listed != rp.listed;
    if (changed) {
      json msg = {{"type", "presence"}, {"room", room}, {"count", rp.people.size()}};
      if (listed && rp.listed) {
        json joined = json::array(), left = json::array();
        for (auto& [d, who] : rp.joined) joined.push_back(who);
        for (auto& [d, who] : rp.left) left.push_back(who);
        // One change: also in the earlier form ({event, delegate}), for clients not yet updated.
        if (joined.size() + left.size() == 1) {
          msg["event"] = joined.empty() ? "leave" : "join";
          msg["delegate"] = joined.empty() ? left[0] : joined[0];
        }
        msg["joined"] = std::move(joined);
        msg["left"] = std::move(left);
      } else if (listed) {
        json present = json::array();
        for (auto& [d, who] : rp.people) present.push_back(who);
        msg["present"] = std::move(present);
      }
      push_to_room(room, msg);
      rp.last_push = now;
    }
    rp.joined.clear();
    rp.left.clear();
    rp.listed = listed;
    if (rp.people.empty()) presence_.erase(pit);
  }
  dirty_presence_ = std::move(later);
}

void Hub::on_room_leave(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_login(c);
  if (!c.rooms.count(room)) fail("not_found", "you are not in this room");
  reply.ok({{"room", room}});
  leave_room(c, room);
}

void Hub::on_delegate_list(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  require_role(c, {"organiser"});
  require_forum(c, forum);
  auto status = opt_string_of(m, "status", 20);
  if (status && *status != "registered" && *status != "accredited" && *status != "rejected")
    fail("bad_message", "field 'status' must be registered, accredited or rejected");
  std::vector<std::int64_t> ids;
  auto& st = reader_.prepare("SELECT id FROM delegates WHERE forum=? AND (?2 IS NULL OR status=?2) ORDER BY id");
  st.bind(1, forum).bind(2, status);
  while (st.step()) ids.push_back(st.int64(0));
  st.reset();
  json list = json::array();
  for (auto id : ids) list.push_back(delegate_json(id, true));
  reply.ok({{"delegates", list}});
}

void Hub::notify_accreditation(std::int64_t forum, std::int64_t delegate) {
  json d = delegate_json(delegate, true);
  for (auto& [id, c] : conns_) {
    bool organiser = c.forum == forum && c.status == "accredited" && c.has("organiser");
    if (organiser || c.delegate == delegate)
      push(c, {{"type", "accreditation"}, {"seq", ++c.console_seq}, {"forum", forum}, {"delegate", d}});
  }
}

void Hub::refresh_identity(std::int64_t delegate) {
  for (auto& [id, c] : conns_)
    if (c.delegate == delegate) attach_identity(c, delegate, c.session_hash, c.expires_at);
}

namespace {
std::int64_t delegate_forum(store::Db& db, std::int64_t delegate) {
  auto& st = db.prepare("SELECT forum FROM delegates WHERE id=?");
  st.bind(1, delegate);
  std::int64_t forum = st.step() ? st.int64(0) : 0;
  st.reset();
  return forum;
}
}  // namespace

std::int64_t Hub::organised_forum_of(const ConnState& c, std::int64_t delegate) {
  require_role(c, {"organiser"});
  std::int64_t forum = delegate_forum(reader_, delegate);
  if (!forum) fail("not_found", "no such delegate");
  require_forum(c, forum);
  return forum;
}

void Hub::commit_delegate_change(const Reply& reply, std::int64_t forum, std::int64_t delegate,
                                 std::function<void(store::Db&)> write, std::function<void()> after) {
  commit(
      reply,
      [write = std::move(write)](store::Db& db) {
        write(db);
        return json();
      },
      [=, this](json) {
        refresh_identity(delegate);
        if (after) after();
        reply.ok({{"delegate", delegate_json(delegate, true)}});
        notify_accreditation(forum, delegate);
      });
}

void Hub::on_delegate_accredit(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t delegate = id_of(m, "delegate");
  std::int64_t forum = organised_forum_of(c, delegate), actor = c.delegate;
  commit_delegate_change(reply, forum, delegate, [=](store::Db& db) {
    db.prepare("UPDATE delegates SET status='accredited', reject_reason=NULL WHERE id=?").bind(1, delegate).run();
    store::record_event(db, forum, "delegate.accredited", actor, json{{"delegate", delegate}});
  });
}

void Hub::on_delegate_reject(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t delegate = id_of(m, "delegate");
  std::string reason = string_of(m, "reason", 500);
  std::int64_t forum = organised_forum_of(c, delegate), actor = c.delegate;
  if (delegate == c.delegate) fail("not_allowed", "you cannot reject yourself");
  commit_delegate_change(
      reply, forum, delegate,
      [=](store::Db& db) {
        db.prepare("UPDATE delegates SET status='rejected', reject_reason=? WHERE id=?").bind(1, reason).bind(2, delegate).run();
        store::record_event(db, forum, "delegate.rejected", actor, json{{"delegate", delegate}, {"reason", reason}});
      },
      [=, this] {
        for (auto& [id, other] : conns_) {
          if (other.delegate != delegate) continue;
          auto rooms = other.rooms;
          for (auto& [room, seq] : rooms) leave_room(other, room);
        }
      });
}

void Hub::on_delegate_roles(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t delegate = id_of(m, "delegate");
  auto roles = strings_of(m, "roles", 7, 20);
  for (auto& r : roles)
    if (!kRoles.count(r)) fail("bad_message", "unknown role '" + r + "'");
  if (roles.empty()) fail("bad_message", "field 'roles' must name at least one role");
  std::int64_t forum = organised_forum_of(c, delegate), actor = c.delegate;
  commit_delegate_change(reply, forum, delegate, [=](store::Db& db) {
    db.prepare("DELETE FROM roles WHERE delegate=?").bind(1, delegate).run();
    for (auto& r : roles) db.prepare("INSERT OR IGNORE INTO roles(delegate, role) VALUES(?,?)").bind(1, delegate).bind(2, r).run();
    store::record_event(db, forum, "delegate.roles", actor, json{{"delegate", delegate}, {"roles", roles}});
  });
}

void Hub::on_access_code_create(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  std::string role = string_of(m, "role", 20);
  std::string name = string_of(m, "name", 200);
  auto organisation = opt_id_of(m, "organisation");
  if (!kRoles.count(role)) fail("bad_message", "unknown role '" + role + "'");
  require_role(c, {"organiser"});
  require_forum(c, forum);
  if (organisation) {
    auto& o = reader_.prepare("SELECT 1 FROM organisations WHERE id=? AND forum=?");
    o.bind(1, *organisation).bind(2, forum);
    bool ok = o.step();
    o.reset();
    if (!ok) fail("not_found", "no such organisation in this forum");
  }
  std::string code = auth::new_access_code();
  std::string hash = auth::hash_secret(code);
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("INSERT INTO delegates(forum, name, organisation, status) VALUES(?,?,?,'accredited')")
            .bind(1, forum).bind(2, name).bind(3, organisation).run();
        std::int64_t id = db.last_insert_id();
        db.prepare("INSERT INTO roles(delegate, role) VALUES(?,?)").bind(1, id).bind(2, role).run();
        db.prepare("INSERT INTO access_codes(code_hash, forum, delegate) VALUES(?,?,?)").bind(1, hash).bind(2, forum).bind(3, id).run();
        store::record_event(db, forum, "access_code.created", actor, json{{"delegate", id}, {"role", role}});
        return json(id);
      },
      [=, this](json id) {
        reply.ok({{"code", code}, {"delegate", delegate_json(id.get<std::int64_t>(), false)}});
      });
}

void Hub::on_session_revoke(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t delegate = id_of(m, "delegate");
  std::int64_t forum = organised_forum_of(c, delegate), actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("UPDATE sessions SET revoked_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE delegate=? AND revoked_at IS NULL")
            .bind(1, delegate).run();
        int n = db.changes();
        store::record_event(db, forum, "session.revoked", actor, json{{"delegate", delegate}});
        return json(n);
      },
      [=, this](json n) {
        reply.ok({{"revoked", n}});
        close_delegate(delegate, "an organiser ended this session");
      });
}

}  // namespace plenary::app
