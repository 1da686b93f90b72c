// Polls and ballots: create, open, close, publish, read, cast (also by proxy), proxies, who has
// not voted yet, and the live count.
//
// Every rule of a poll (methods, choices, thresholds, quorum, one counted ballot per voting unit,
// re-voting, proxies and their limit K, weights, states) is the core's votes::Poll and
// votes::tally; this file only adds the shell around them:
// - the live Poll objects stay in memory on the strand (polls_), rebuilt from storage on first
//   use after a restart (the roll fixed at open, the proxies, then every stored ballot replayed);
// - the roll is fixed when the poll opens: accredited delegates (role `delegate`, not `observer`)
//   present in the poll's room at that moment, plus the absent principals of proxies granted
//   before the opening whose holder is on the roll. At cast time the sender must still be
//   present in the room (a proxy's principal need not be). Delegates who arrive after the
//   opening are not on the roll and cannot vote in that poll;
// - a ballot is acknowledged only after the Committer has committed it: the has-voted row
//   (primary key poll+unit, so a second ballot for a unit fails atomically in the database),
//   the ballot and the audit event in one transaction;
// - secret ballots (table secret_ballots) hold the choice and its weight under a random 128-bit
//   id, in a WITHOUT ROWID table, with no voter, no time and no sequence: nothing in storage
//   lines a ballot up with its has-voted row or its event. Secret polls do not allow re-voting
//   (replacing a ballot would need a link from the voter to it);
// - named ballots (named_ballots) name the voter and are published with the result;
// - poll.count (ballots committed, entitled weight) goes to the room's connections at most once
//   per tick, at most ten times a second, and in a room of more than 500 connections at most
//   5,000 frames a second (a room of 5,000: once a second), while the poll is open, in chunks
//   of 500 connections per tick; it never carries a choice.
#include <algorithm>
#include <optional>

#include "app/hub.hpp"
#include "app/signature_store.hpp"
#include "core/amendments/decide.hpp"
#include "core/votes/poll.hpp"
#include "core/votes/tally.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;

struct Hub::LivePoll {
  std::int64_t id = 0, forum = 0, room = 0, ref = 0, created_by = 0;
  std::string subject;  // question | amendment | declaration
  json title, question;
  votes::PollSettings settings;
  std::string state;     // created | open | closed | published
  bool closing = false;  // a close is being committed: no more ballots
  std::optional<votes::Poll> poll;                // from the opening on
  std::map<std::int64_t, std::int64_t> proxies;  // principal → holder
  std::int64_t durable = 0;                       // voting units whose ballot is committed
  // A count going out to the room in chunks: the last connection reached, and what it said.
  std::uint64_t count_cursor = 0;
  std::pair<std::int64_t, std::string> count_sent;
  json result;                                    // from the close on
  json created_at, opened_at, closed_at, published_at;
};

namespace {

std::string key(std::int64_t id) { return std::to_string(id); }

json parse_or(const std::string& s, json fallback) {
  try {
    return json::parse(s);
  } catch (...) {
    return fallback;
  }
}

json opt_text(store::Stmt& st, int col) { return st.is_null(col) ? json(nullptr) : json(st.text(col)); }

// Whether a connection's identity may vote at all (before presence and the roll).
bool voting_delegate(const ConnState& o) {
  return o.delegate != 0 && o.status == "accredited" && o.has("delegate") && !o.has("observer");
}

// A stored delegate's eligibility (for absent proxy principals and proxy grants).
struct StoredDelegate {
  bool found = false, eligible = false;
  std::int64_t forum = 0, organisation = 0;
};
StoredDelegate stored_delegate(store::Db& db, std::int64_t delegate) {
  StoredDelegate d;
  auto& st = db.prepare(
      "SELECT forum, status, COALESCE(organisation,0), "
      "EXISTS(SELECT 1 FROM roles WHERE delegate=d.id AND role='delegate'), "
      "EXISTS(SELECT 1 FROM roles WHERE delegate=d.id AND role='observer') FROM delegates d WHERE id=?");
  st.bind(1, delegate);
  if (st.step()) {
    d.found = true;
    d.forum = st.int64(0);
    d.organisation = st.int64(2);
    d.eligible = st.text(1) == "accredited" && st.int64(3) != 0 && st.int64(4) == 0;
  }
  st.reset();
  return d;
}

[[noreturn]] void fail_ballot(const votes::BallotError& e) { fail(e.code, e.detail); }

const char* now_sql = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

}  // namespace

// ---- loading ------------------------------------------------------------------------------

std::shared_ptr<Hub::LivePoll> Hub::live_poll(std::int64_t id) {
  if (auto it = polls_.find(id); it != polls_.end()) return it->second;
  auto& st = reader_.prepare(
      "SELECT forum, room, subject, COALESCE(ref,0), title, question, settings, state, roll, result, "
      "COALESCE(created_by,0), created_at, opened_at, closed_at, published_at FROM polls WHERE id=?");
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    fail("not_found", "no such poll");
  }
  auto p = std::make_shared<LivePoll>();
  p->id = id;
  p->forum = st.int64(0);
  p->room = st.int64(1);
  p->subject = st.text(2);
  p->ref = st.int64(3);
  p->title = opt_text(st, 4);
  p->question = opt_text(st, 5);
  auto settings = votes::settings_from_json(parse_or(st.text(6), json::object()));
  p->state = st.text(7);
  json roll = st.is_null(8) ? json::array() : parse_or(st.text(8), json::array());
  p->result = st.is_null(9) ? json(nullptr) : parse_or(st.text(9), json(nullptr));
  p->created_by = st.int64(10);
  p->created_at = opt_text(st, 11);
  p->opened_at = opt_text(st, 12);
  p->closed_at = opt_text(st, 13);
  p->published_at = opt_text(st, 14);
  st.reset();
  if (auto* e = std::get_if<votes::BallotError>(&settings)) throw std::runtime_error("stored poll settings: " + e->detail);
  p->settings = std::get<votes::PollSettings>(settings);

  auto& px = reader_.prepare("SELECT principal, holder FROM poll_proxies WHERE poll=?");
  px.bind(1, id);
  while (px.step()) p->proxies[px.int64(0)] = px.int64(1);
  px.reset();

  if (p->state != "created") {
    std::vector<votes::Voter> voters;
    for (auto& v : roll) voters.push_back({v.at("d").get<std::string>(), v.at("o").get<std::string>()});
    p->poll.emplace(key(id), p->settings, std::move(voters));
    p->poll->move_to(votes::PollState::open);
    for (auto& [principal, holder] : p->proxies) p->poll->grant_proxy(key(principal), key(holder));
    auto replay = [&](const std::string& caster, const std::string& voter, const json& choice) {
      if (auto e = p->poll->cast_json(caster, voter, choice))
        throw std::runtime_error("poll " + key(id) + ": a stored ballot does not replay: " + e->detail);
    };
    if (!p->settings.secret) {
      auto& b = reader_.prepare("SELECT voter, cast_by, choice FROM named_ballots WHERE poll=? ORDER BY seq");
      b.bind(1, id);
      while (b.step()) replay(key(b.int64(1)), key(b.int64(0)), parse_or(b.text(2), json(nullptr)));
      b.reset();
    } else {
      // Secret: the has-voted rows and the ballots cannot be paired (that is the point). The
      // tally needs only choices and weights, so each unit is paired with any ballot of its
      // weight; the in-memory pairing is arbitrary and never leaves the process.
      std::map<std::int64_t, std::vector<json>> by_weight;
      auto& b = reader_.prepare("SELECT choice, weight FROM secret_ballots WHERE poll=?");
      b.bind(1, id);
      while (b.step()) by_weight[b.int64(1)].push_back(parse_or(b.text(0), json(nullptr)));
      b.reset();
      auto& v = reader_.prepare("SELECT unit, voter, cast_by FROM poll_voted WHERE poll=?");
      v.bind(1, id);
      std::vector<std::tuple<std::string, std::string, std::string>> voted;
      while (v.step()) voted.emplace_back(v.text(0), key(v.int64(1)), key(v.int64(2)));
      v.reset();
      for (auto& [unit, voter, caster] : voted) {
        auto& pool = by_weight[p->poll->weight_of(unit)];
        if (pool.empty()) throw std::runtime_error("poll " + key(id) + ": has-voted rows and ballots disagree");
        replay(caster, voter, pool.back());
        pool.pop_back();
      }
    }
    p->durable = static_cast<std::int64_t>(p->poll->ballots().size());
    if (p->state == "closed" || p->state == "published") p->poll->move_to(votes::PollState::closed);
    if (p->state == "published") p->poll->move_to(votes::PollState::published);
  }
  polls_[id] = p;
  return p;
}

std::shared_ptr<Hub::LivePoll> Hub::managed_poll(ConnState& c, std::int64_t id, const std::string& action) {
  require_accredited(c);
  auto p = live_poll(id);
  require_forum(c, p->forum);
  if (!may_manage_polls(c, p->room)) fail("not_allowed", "only organisers and the room's workshop moderator " + action);
  return p;
}

bool Hub::may_manage_polls(const ConnState& c, std::int64_t room) {
  if (c.status != "accredited") return false;
  if (c.has("organiser")) return true;
  auto& st = reader_.prepare("SELECT COALESCE(moderator,0) FROM workshops WHERE room=?");
  st.bind(1, room);
  bool ok = false;
  while (st.step())
    if (st.int64(0) == c.delegate) ok = true;
  st.reset();
  return ok;
}

json Hub::poll_json(const LivePoll& p, const ConnState* viewer) {
  json j = {{"id", p.id},
            {"forum", p.forum},
            {"room", p.room},
            {"subject", p.subject},
            {"question", p.question},
            {"amendment", p.subject == "amendment" ? json(p.ref) : json(nullptr)},
            {"declaration", p.subject == "declaration" ? json(p.ref) : json(nullptr)},
            {"title", p.title},
            {"method", std::string(votes::to_string(p.settings.method))},
            {"secret", p.settings.secret},
            {"settings", votes::to_json(p.settings)},
            {"state", p.state},
            {"ballots", p.poll ? json(p.durable) : json(0)},
            {"entitled", p.poll ? json(p.poll->entitled()) : json(nullptr)},
            {"voters", p.poll ? json(p.poll->roll().size()) : json(nullptr)},
            {"created_at", p.created_at},
            {"opened_at", p.opened_at},
            {"closed_at", p.closed_at},
            {"published_at", p.published_at}};
  bool manager = viewer && may_manage_polls(*viewer, p.room);
  // The result is public once published; organisers and the room's moderator see it at close.
  j["result"] = (p.state == "published" || (p.state == "closed" && manager)) ? p.result : json(nullptr);
  // Consensus blocks of a named poll are shown to moderators live (never for a secret poll:
  // a block appearing right after someone voted would name them).
  if (manager && p.poll && p.state == "open" && !p.settings.secret && p.settings.method == votes::Method::consensus) {
    json blocks = json::array();
    for (auto& b : p.poll->ballots())
      if (b.choice.value == "block") blocks.push_back({{"by", b.unit}, {"reason", b.choice.reason}});
    j["blocks"] = blocks;
  }
  if (viewer && viewer->delegate) {
    json you = {{"eligible", false}, {"voted", false}, {"proxy_for", json::array()}};
    if (p.poll)
      if (const auto* v = p.poll->voter(key(viewer->delegate))) {
        you["eligible"] = true;
        you["voted"] = p.poll->ballot_for(p.poll->unit_of(*v)) != nullptr;
      }
    for (auto& [principal, holder] : p.proxies)
      if (holder == viewer->delegate) you["proxy_for"].push_back(principal);
    j["you"] = you;
  }
  return j;
}

void Hub::push_to_room(std::int64_t room, const json& msg) { push_to_room_from(room, msg, 0, SIZE_MAX); }

std::int64_t Hub::paced_ms(std::int64_t room, std::int64_t floor_ms, std::size_t frames_per_second) const {
  auto rc = room_conns_.find(room);
  std::size_t conns = rc == room_conns_.end() ? 0 : rc->second.size();
  return std::max<std::int64_t>(floor_ms, static_cast<std::int64_t>(conns * 1000 / frames_per_second));
}

std::uint64_t Hub::push_to_room_from(std::int64_t room, const json& msg, std::uint64_t after, std::size_t limit) {
  auto it = room_conns_.find(room);
  if (it == room_conns_.end()) return 0;
  // One serialisation; each connection's frame gets its own room `seq` spliced in front.
  std::string body = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  std::size_t sent = 0;
  for (auto cit = it->second.upper_bound(after); cit != it->second.end(); ++cit) {
    if (sent == limit) return *std::prev(cit);
    auto* o = state(*cit);
    if (!o) continue;
    push_raw(*o, with_seq(++o->rooms[room], body));
    ++sent;
  }
  return 0;
}

namespace {
// A count reaches a room in chunks of this many connections, one chunk per tick, so that acks
// queued behind it wait for 500 sends, not for the whole room.
constexpr std::size_t kCountChunk = 500;
// At most this many count frames a second for one poll: a live display needs no more, and one
// frame costs the server a send (~10-20 µs) per connection.
constexpr std::size_t kCountFramesPerSecond = 5000;
}  // namespace

void Hub::mark_poll_count(std::int64_t poll) {
  bool idle = dirty_poll_counts_.empty();
  dirty_poll_counts_.insert(poll);
  if (!idle || stopping_) return;
  // At most ten counts a second per poll (never faster than the hub's tick), and at most
  // kCountFramesPerSecond frames a second: 5,000 people in a room get a count once a second
  // (5,000 frames a second, not the 250,000 of one per tick).
  auto it = polls_.find(poll);
  std::int64_t floor_ms = std::max<std::int64_t>(config_.tick_ms, 100);
  schedule_poll_counts(it == polls_.end() ? floor_ms : paced_ms(it->second->room, floor_ms, kCountFramesPerSecond));
}

void Hub::schedule_poll_counts(std::int64_t ms) {
  if (!poll_timer_) poll_timer_ = std::make_unique<boost::asio::steady_timer>(strand_);
  poll_timer_->expires_after(std::chrono::milliseconds(ms));
  poll_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    flush_poll_counts();
  });
}

void Hub::flush_poll_counts() {
  auto dirty = std::move(dirty_poll_counts_);
  dirty_poll_counts_.clear();
  std::vector<std::int64_t> changed;
  for (auto id : dirty) {
    auto it = polls_.find(id);
    if (it == polls_.end() || !it->second->poll) continue;
    auto& p = *it->second;
    if (p.count_cursor == 0) p.count_sent = {p.durable, p.state};
    p.count_cursor = push_to_room_from(p.room, {{"type", "poll.count"}, {"poll", p.id}, {"ballots", p.durable},
                                                {"entitled", p.poll->entitled()}, {"state", p.state}},
                                       p.count_cursor, kCountChunk);
    if (p.count_cursor != 0) dirty_poll_counts_.insert(id);  // the rest of the room next tick
    else if (p.count_sent != std::pair{p.durable, p.state}) changed.push_back(id);  // moved on meanwhile
  }
  if (!dirty_poll_counts_.empty()) schedule_poll_counts(config_.tick_ms);
  for (auto id : changed) mark_poll_count(id);
}

// ---- handlers -----------------------------------------------------------------------------

void Hub::on_poll_create(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  std::string method = string_of(m, "method", 40);
  if (!m.contains("secret") || !m["secret"].is_boolean()) fail("bad_message", "field 'secret' (a boolean) is required");
  bool secret = m["secret"].get<bool>();
  int subjects = 0;
  for (const char* k : {"question", "amendment", "declaration"})
    if (m.contains(k) && !m[k].is_null()) ++subjects;
  if (subjects != 1) fail("bad_message", "give exactly one of 'question', 'amendment' or 'declaration'");
  std::string subject;
  std::int64_t ref = 0;
  std::optional<std::string> question;
  if (m.contains("question") && !m["question"].is_null()) {
    subject = "question";
    question = string_of(m, "question", 2000);
  } else if (m.contains("amendment") && !m["amendment"].is_null()) {
    subject = "amendment";
    ref = id_of(m, "amendment");
  } else {
    subject = "declaration";
    ref = id_of(m, "declaration");
  }
  auto title = opt_string_of(m, "title", 300);
  require_accredited(c);
  auto& r = reader_.prepare("SELECT r.forum, f.voting_unit FROM rooms r JOIN forums f ON f.id=r.forum WHERE r.id=?");
  r.bind(1, room);
  bool found = r.step() && r.int64(0) == c.forum;
  std::string unit = found ? r.text(1) : "delegate";
  r.reset();
  if (!found) fail("not_found", "no such room in your forum");
  if (!may_manage_polls(c, room)) fail("not_allowed", "only organisers and the room's workshop moderator create polls");

  // Settings in the core's wire form; the core validates them.
  json s = {{"method", method}, {"secret", secret}, {"unit", unit}};
  auto rule = [&](const char* k) {
    if (!m.contains(k) || m[k].is_null()) return;
    s[k] = m[k].is_string() ? json{{"kind", m[k]}} : m[k];
  };
  rule("threshold");
  rule("consensus_fallback");
  if (m.contains("quorum") && !m["quorum"].is_null()) s["quorum"] = m["quorum"];
  for (const char* k : {"options", "revote", "max_proxies", "weights"})
    if (m.contains(k) && !m[k].is_null()) s[k] = m[k];
  auto parsed = votes::settings_from_json(s);
  if (auto* e = std::get_if<votes::BallotError>(&parsed)) fail_ballot(*e);
  auto settings = std::get<votes::PollSettings>(parsed);
  if (settings.secret && settings.revote)
    fail("bad_message", "secret polls do not allow re-voting (a replaced ballot would have to be linked to its voter)");
  if (subject != "question" && settings.method != votes::Method::yes_no_abstain && settings.method != votes::Method::consensus)
    fail("bad_message", "a poll on an amendment or a declaration decides it: use yes_no_abstain or consensus");
  if (subject == "amendment") {
    auto& a = reader_.prepare("SELECT forum, state FROM amendments WHERE id=?");
    a.bind(1, ref);
    bool ok = a.step() && a.int64(0) == c.forum;
    std::string st = ok ? a.text(1) : "";
    a.reset();
    if (!ok) fail("not_found", "no such amendment in your forum");
    if (st != "scheduled") fail("invalid_state", "the amendment is '" + st + "'; only a scheduled amendment is put to a vote");
  } else if (subject == "declaration") {
    auto& d = reader_.prepare("SELECT forum FROM declarations WHERE id=?");
    d.bind(1, ref);
    bool ok = d.step() && d.int64(0) == c.forum;
    d.reset();
    if (!ok) fail("not_found", "no such declaration in your forum");
  }
  std::int64_t forum = c.forum, actor = c.delegate;
  json stored = votes::to_json(settings);
  commit(
      reply,
      [=](store::Db& db) {
        auto& ins = db.prepare(
            "INSERT INTO polls(forum, room, subject, ref, title, question, settings, state, created_by) "
            "VALUES(?,?,?,?,?,?,?,'created',?)");
        ins.bind(1, forum).bind(2, room).bind(3, subject);
        if (ref) ins.bind(4, ref);
        else ins.bind_null(4);
        ins.bind(5, title).bind(6, question).bind(7, stored.dump()).bind(8, actor).run();
        std::int64_t id = db.last_insert_id();
        store::record_event(db, forum, "poll.created", actor,
                            {{"poll", id}, {"room", room}, {"subject", subject}, {"ref", ref ? json(ref) : json(nullptr)},
                             {"settings", stored}});
        return json(id);
      },
      [=, this](json id) {
        auto p = live_poll(id.get<std::int64_t>());
        reply.ok({{"poll", poll_json(*p, state(reply.conn()))}});
        push_to_room(room, {{"type", "poll.updated"}, {"poll", poll_json(*p, nullptr)}});
      });
}

void Hub::on_poll_open(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  auto p = managed_poll(c, id, "open polls");
  if (p->state != "created") fail("invalid_state", "the poll is " + p->state + "; only a created poll opens");
  // The roll: voting delegates present in the room now, and absent principals of proxies held
  // by someone on it.
  std::vector<votes::Voter> roll;
  std::set<std::int64_t> on_roll;
  bool by_org = p->settings.unit == votes::VoteUnit::organisation;
  if (auto it = room_conns_.find(p->room); it != room_conns_.end())
    for (auto conn : it->second) {
      auto* o = state(conn);
      if (!o || !voting_delegate(*o) || o->forum != p->forum || (by_org && !o->organisation)) continue;
      if (!on_roll.insert(o->delegate).second) continue;
      roll.push_back({key(o->delegate), key(o->organisation)});
    }
  for (auto& [principal, holder] : p->proxies) {
    if (!on_roll.count(holder) || on_roll.count(principal)) continue;
    auto d = stored_delegate(reader_, principal);
    if (!d.found || !d.eligible || d.forum != p->forum || (by_org && !d.organisation)) continue;
    on_roll.insert(principal);
    roll.push_back({key(principal), key(d.organisation)});
  }
  if (roll.empty()) fail("invalid_state", "no delegate entitled to vote is present in the room");
  std::optional<votes::Poll> poll;
  try {
    poll.emplace(key(id), p->settings, roll);
  } catch (const std::invalid_argument& e) {
    fail("bad_message", e.what());
  }
  poll->move_to(votes::PollState::open);
  for (auto& [principal, holder] : p->proxies) poll->grant_proxy(key(principal), key(holder));
  if (p->subject == "declaration" && phase_of(p->ref) != "voting")
    fail("invalid_state", "the declaration is in phase '" + phase_of(p->ref) + "'; a final vote needs phase 'voting'");
  json roll_json = json::array();
  for (auto& v : roll) roll_json.push_back({{"d", v.delegate}, {"o", v.organisation}});
  std::int64_t forum = p->forum, actor = c.delegate, ref = p->ref, entitled = poll->entitled();
  std::string subject = p->subject;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare(std::string("UPDATE polls SET state='open', roll=?, opened_at=") + now_sql + " WHERE id=? AND state='created'")
            .bind(1, roll_json.dump()).bind(2, id).run();
        if (db.changes() != 1) throw store::WorkError("invalid_state", "the poll changed meanwhile");
        store::record_event(db, forum, "poll.opened", actor, {{"poll", id}, {"voters", roll_json.size()}, {"entitled", entitled}});
        if (subject == "amendment") {
          db.prepare("UPDATE amendments SET state='voting' WHERE id=? AND state='scheduled'").bind(1, ref).run();
          if (db.changes() != 1) throw store::WorkError("invalid_state", "the amendment is no longer scheduled");
          store::record_event(db, forum, "amendment.state", actor,
                              {{"amendment", ref}, {"from", "scheduled"}, {"to", "voting"}, {"poll", id}});
        }
        auto& t = db.prepare("SELECT opened_at FROM polls WHERE id=?");
        t.bind(1, id);
        t.step();
        json at = t.text(0);
        t.reset();
        return at;
      },
      [=, this, poll = std::move(poll)](json at) mutable {
        auto p = live_poll(id);
        if (p->state == "created") {
          p->poll = std::move(poll);
          p->state = "open";
          p->opened_at = at;
          p->durable = 0;
        }
        reply.ok({{"poll", poll_json(*p, state(reply.conn()))}});
        push_to_room(p->room, {{"type", "poll.updated"}, {"poll", poll_json(*p, nullptr)}});
        mark_poll_count(id);
        if (subject == "amendment") announce_amendment(ref);  // now `voting`
      },
      [=, this] { polls_.erase(id); });
}

void Hub::on_ballot_cast(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  auto principal = opt_id_of(m, "for");
  if (!m.contains("choice")) fail("bad_message", "field 'choice' is required");
  require_accredited(c);
  auto p = live_poll(id);
  require_forum(c, p->forum);
  if (p->state != "open" || p->closing)
    fail("invalid_state", "the poll is " + (p->closing ? std::string("closing") : p->state) + ", not open");
  if (!c.has("delegate") || c.has("observer")) fail("not_allowed", "only voting delegates vote; observers do not");
  auto rit = rooms_.find(p->room);
  if (rit == rooms_.end() || rit->second.count(c.delegate) == 0 || rit->second.at(c.delegate) <= 0)
    fail("not_allowed", "you are not present in the poll's room: join it to vote");
  std::int64_t voter = principal.value_or(c.delegate);
  auto before = p->poll->ballots().size();
  if (auto e = p->poll->cast_json(key(c.delegate), key(voter), m["choice"])) fail_ballot(*e);
  const auto& b = p->poll->ballots().back();
  bool fresh = p->poll->ballots().size() > before;
  std::string unit = b.unit;
  json choice = votes::to_json(p->settings.method, b.choice);
  std::int64_t weight = b.weight, seq = static_cast<std::int64_t>(b.seq), forum = p->forum, caster = c.delegate;
  bool secret = p->settings.secret, revote = p->settings.revote;
  commit(
      reply,
      [=](store::Db& db) {
        auto& st = db.prepare("SELECT state FROM polls WHERE id=?");
        st.bind(1, id);
        bool open = st.step() && st.text(0) == "open";
        st.reset();
        if (!open) throw store::WorkError("invalid_state", "the poll is no longer open");
        try {
          if (revote)
            db.prepare("INSERT INTO poll_voted(poll, unit, voter, cast_by) VALUES(?,?,?,?) "
                       "ON CONFLICT(poll, unit) DO UPDATE SET voter=excluded.voter, cast_by=excluded.cast_by")
                .bind(1, id).bind(2, unit).bind(3, voter).bind(4, caster).run();
          else
            db.prepare("INSERT INTO poll_voted(poll, unit, voter, cast_by) VALUES(?,?,?,?)")
                .bind(1, id).bind(2, unit).bind(3, voter).bind(4, caster).run();
        } catch (const store::DbError& e) {
          if (e.constraint()) throw store::WorkError("duplicate", "a ballot for this voting unit has already been cast");
          throw;
        }
        json event = {{"poll", id}, {"voter", voter}};
        if (secret) {
          db.prepare("INSERT INTO secret_ballots(poll, id, choice, weight) VALUES(?, randomblob(16), ?, ?)")
              .bind(1, id).bind(2, choice.dump()).bind(3, weight).run();
        } else {
          db.prepare("INSERT INTO named_ballots(poll, unit, voter, cast_by, choice, weight, seq) VALUES(?,?,?,?,?,?,?) "
                     "ON CONFLICT(poll, unit) DO UPDATE SET voter=excluded.voter, cast_by=excluded.cast_by, "
                     "choice=excluded.choice, weight=excluded.weight, seq=excluded.seq, at=excluded.at")
              .bind(1, id).bind(2, unit).bind(3, voter).bind(4, caster).bind(5, choice.dump()).bind(6, weight).bind(7, seq).run();
          event["choice"] = choice;
          event["unit"] = unit;
        }
        store::record_event(db, forum, "ballot.cast", caster, event);
        return json();
      },
      [=, this](json) {
        auto it = polls_.find(id);
        if (it != polls_.end() && it->second == p) {
          if (fresh) p->durable++;
          mark_poll_count(id);
        }
        reply.ok({{"poll", id}});
      },
      [=, this] {
        // The ballot is in memory but not in storage: rebuild the poll from storage.
        auto it = polls_.find(id);
        if (it != polls_.end() && it->second == p) polls_.erase(it);
      });
}

void Hub::on_poll_close(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  auto p = managed_poll(c, id, "close polls");
  if (p->state != "open" || p->closing) fail("invalid_state", "the poll is " + p->state + "; only an open poll closes");
  votes::Poll closed = *p->poll;
  closed.move_to(votes::PollState::closed);
  votes::Result r = votes::tally(closed);
  json result = votes::to_json(r);
  result["poll"] = p->id;
  if (!p->settings.secret) {
    json list = json::array();
    auto ballots = closed.ballots();
    std::sort(ballots.begin(), ballots.end(), [](auto& a, auto& b) { return a.unit < b.unit; });
    for (auto& b : ballots)
      list.push_back({{"unit", b.unit}, {"voter", std::stoll(b.voter)}, {"cast_by", std::stoll(b.cast_by)},
                      {"weight", b.weight}, {"choice", votes::to_json(p->settings.method, b.choice)}});
    result["votes"] = list;
  }
  std::string amendment_to;
  if (p->subject == "amendment") {
    amendments::Amendment a;
    a.id = key(p->ref);
    a.state = amendments::State::voting;
    if (auto refusal = amendments::decide(a, r)) fail(refusal->code, refusal->detail);
    amendment_to = std::string(amendments::to_string(a.state));
  }
  p->closing = true;
  std::int64_t forum = p->forum, actor = c.delegate, ref = p->ref;
  std::string subject = p->subject;
  auto n = static_cast<std::int64_t>(closed.ballots().size());
  bool passed = r.passed;
  commit(
      reply,
      [=](store::Db& db) {
        auto& cnt = db.prepare("SELECT COUNT(*) FROM poll_voted WHERE poll=?");
        cnt.bind(1, id);
        cnt.step();
        std::int64_t stored = cnt.int64(0);
        cnt.reset();
        if (stored != n) throw store::WorkError("unavailable", "some ballots were not stored; close the poll again");
        db.prepare(std::string("UPDATE polls SET state='closed', result=?, closed_at=") + now_sql + " WHERE id=? AND state='open'")
            .bind(1, result.dump()).bind(2, id).run();
        if (db.changes() != 1) throw store::WorkError("invalid_state", "the poll changed meanwhile");
        store::record_event(db, forum, "poll.closed", actor,
                            {{"poll", id}, {"outcome", result["outcome"]}, {"passed", passed}, {"ballots", n}});
        json out = {{"declaration_adopted", false}};
        if (subject == "amendment") {
          db.prepare("UPDATE amendments SET state=? WHERE id=? AND state='voting'").bind(1, amendment_to).bind(2, ref).run();
          if (db.changes() == 1)
            store::record_event(db, forum, "amendment.state", 0,
                                {{"amendment", ref}, {"from", "voting"}, {"to", amendment_to}, {"poll", id}});
        } else if (subject == "declaration" && passed) {
          db.prepare("UPDATE declarations SET phase='adopted' WHERE id=? AND phase='voting'").bind(1, ref).run();
          if (db.changes() == 1) {
            store::record_event(db, forum, "declaration.phase", 0,
                                {{"declaration", ref}, {"from", "voting"}, {"to", "adopted"}, {"poll", id}});
            sign::open_list(db, forum, ref, 0);
            out["declaration_adopted"] = true;
          }
        }
        auto& t = db.prepare("SELECT closed_at FROM polls WHERE id=?");
        t.bind(1, id);
        t.step();
        out["at"] = t.text(0);
        t.reset();
        return out;
      },
      [=, this](json out) {
        p->closing = false;
        p->poll->move_to(votes::PollState::closed);
        p->state = "closed";
        p->result = result;
        p->closed_at = out["at"];
        auto it = polls_.find(id);
        if (it == polls_.end() || it->second != p) polls_[id] = p;
        reply.ok({{"poll", poll_json(*p, state(reply.conn()))}});
        push_to_room(p->room, {{"type", "poll.updated"}, {"poll", poll_json(*p, nullptr)}});
        mark_poll_count(id);
        if (out["declaration_adopted"].get<bool>()) {
          phases_[ref] = "adopted";
          broadcast_declaration(ref);
        }
        if (subject == "amendment") announce_amendment(ref);  // adopted or rejected
        if (subject == "amendment" && amendment_to == "adopted") apply_adopted_amendment(ref);
      },
      [=, this] {
        p->closing = false;
        polls_.erase(id);
      });
}

void Hub::on_poll_publish(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  auto p = managed_poll(c, id, "publish results");
  if (p->state != "closed") fail("invalid_state", "the poll is " + p->state + "; only a closed poll is published");
  std::int64_t forum = p->forum, actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare(std::string("UPDATE polls SET state='published', published_at=") + now_sql + " WHERE id=? AND state='closed'")
            .bind(1, id).run();
        if (db.changes() != 1) throw store::WorkError("invalid_state", "the poll changed meanwhile");
        store::record_event(db, forum, "poll.published", actor, {{"poll", id}});
        auto& t = db.prepare("SELECT published_at FROM polls WHERE id=?");
        t.bind(1, id);
        t.step();
        json at = t.text(0);
        t.reset();
        return at;
      },
      [=, this](json at) {
        auto p = live_poll(id);
        if (p->state == "closed") {
          p->poll->move_to(votes::PollState::published);
          p->state = "published";
          p->published_at = at;
        }
        reply.ok({{"poll", poll_json(*p, state(reply.conn()))}});
        push_to_room(p->room, {{"type", "poll.updated"}, {"poll", poll_json(*p, nullptr)}});
        push_to_room(p->room, {{"type", "poll.result"}, {"poll", id}, {"result", p->result}});
      });
}

void Hub::on_poll_get(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  require_login(c);
  auto p = live_poll(id);
  require_forum(c, p->forum);
  reply.ok({{"poll", poll_json(*p, &c)}});
}

void Hub::on_poll_list(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t room = id_of(m, "room");
  require_room_reader(c, room);
  std::vector<std::int64_t> ids;
  auto& st = reader_.prepare("SELECT id FROM polls WHERE room=? ORDER BY id");
  st.bind(1, room);
  while (st.step()) ids.push_back(st.int64(0));
  st.reset();
  json list = json::array();
  for (auto id : ids) list.push_back(poll_json(*live_poll(id), &c));
  reply.ok({{"polls", list}});
}

void Hub::on_proxy_grant(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  std::int64_t principal = id_of(m, "principal");
  std::int64_t holder = id_of(m, "holder");
  auto p = managed_poll(c, id, "grant proxies");
  if (p->state != "created" && p->state != "open") fail("invalid_state", "the poll is " + p->state + "; proxies are granted before it closes");
  if (principal == holder) fail("bad_message", "a delegate cannot hold their own proxy");
  for (auto d : {principal, holder}) {
    auto sd = stored_delegate(reader_, d);
    if (!sd.found || sd.forum != p->forum) fail("not_found", "no such delegate in this forum: " + key(d));
    if (!sd.eligible) fail("not_allowed", "delegate " + key(d) + " is not an accredited voting delegate");
  }
  std::int64_t held = 0;
  for (auto& [pr, h] : p->proxies)
    if (h == holder && pr != principal) ++held;
  if (held >= p->settings.max_proxies)
    fail("not_allowed", "the holder already holds " + std::to_string(held) + " proxies; the limit is " +
                            std::to_string(p->settings.max_proxies));
  if (p->poll) {
    const auto* pv = p->poll->voter(key(principal));
    const auto* pb = pv ? p->poll->ballot_for(p->poll->unit_of(*pv)) : nullptr;
    if (pb && pb->voter == key(principal)) fail("invalid_state", "the principal has already voted");
    votes::Poll probe = *p->poll;
    if (auto e = probe.grant_proxy(key(principal), key(holder))) fail_ballot(*e);
  }
  std::int64_t forum = p->forum, actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("INSERT INTO poll_proxies(poll, principal, holder) VALUES(?,?,?) "
                   "ON CONFLICT(poll, principal) DO UPDATE SET holder=excluded.holder")
            .bind(1, id).bind(2, principal).bind(3, holder).run();
        store::record_event(db, forum, "proxy.granted", actor, {{"poll", id}, {"principal", principal}, {"holder", holder}});
        return json();
      },
      [=, this](json) {
        auto it = polls_.find(id);
        if (it != polls_.end() && it->second == p) {
          p->proxies[principal] = holder;
          if (p->poll) p->poll->grant_proxy(key(principal), key(holder));
        }
        reply.ok({{"poll", id}, {"principal", principal}, {"holder", holder}});
      });
}

void Hub::on_poll_missing(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "poll");
  auto p = managed_poll(c, id, "see who has not voted");
  if (!p->poll) fail("invalid_state", "the poll has not opened yet");
  std::map<std::int64_t, std::string> names;
  auto& st = reader_.prepare("SELECT id, name FROM delegates WHERE forum=?");
  st.bind(1, p->forum);
  while (st.step()) names[st.int64(0)] = st.text(1);
  st.reset();
  auto rit = rooms_.find(p->room);
  json list = json::array();
  for (auto& v : p->poll->roll()) {
    if (p->poll->ballot_for(p->poll->unit_of(v))) continue;
    std::int64_t d = std::stoll(v.delegate);
    bool present = rit != rooms_.end() && rit->second.count(d) && rit->second.at(d) > 0;
    list.push_back({{"delegate", d}, {"name", names[d]}, {"organisation", std::stoll(v.organisation)},
                    {"present", present}});
  }
  reply.ok({{"poll", id}, {"delegates", list}, {"ballots", p->durable}, {"voters", p->poll->roll().size()}});
}

}  // namespace plenary::app
