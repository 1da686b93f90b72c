#include "app/report_data.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "protocol/errors.hpp"

namespace plenary::app {

namespace {
bool forum_exists(store::Db& db, std::int64_t forum) {
  auto& st = db.prepare("SELECT 1 FROM forums WHERE id=?");
  st.bind(1, forum);
  bool found = st.step();
  st.reset();
  return found;
}

// The amendments and polls tables come with their own migrations; a report still works without them.
bool table_exists(store::Db& db, const char* name) {
  auto& st = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
  st.bind(1, name);
  bool found = st.step();
  st.reset();
  return found;
}

std::string first_language(const std::string& stored) {
  try {
    auto j = nlohmann::json::parse(stored);
    if (j.is_array() && !j.empty() && j[0].is_string()) return j[0].get<std::string>();
  } catch (...) {
  }
  return "";
}
}  // namespace

report::Report participation_report(store::Db& db, std::int64_t forum, std::optional<std::int64_t> workshop,
                                    std::int64_t k) {
  if (!forum_exists(db, forum))
    throw protocol::Error("not_found", "no such forum");
  std::int64_t room = 0;
  if (workshop) {
    auto& w = db.prepare("SELECT room FROM workshops WHERE id=? AND forum=?");
    w.bind(1, *workshop).bind(2, forum);
    if (!w.step()) {
      w.reset();
      throw protocol::Error("not_found", "no such workshop in this forum");
    }
    room = w.int64(0);
    w.reset();
  }
  const std::int64_t ws = workshop.value_or(0);
  report::Activity a;
  std::set<std::string> active;

  // Speeches (points of order included: they are turns at the microphone too).
  auto& sp = db.prepare("SELECT delegate, ended-started FROM speeches WHERE forum=? AND (?2=0 OR workshop=?2) ORDER BY id");
  sp.bind(1, forum).bind(2, ws);
  while (sp.step()) {
    a.speeches.push_back({std::to_string(sp.int64(0)), sp.int64(1)});
    active.insert(a.speeches.back().delegate);
  }
  sp.reset();

  const bool amendments = table_exists(db, "amendments") && table_exists(db, "amendment_sponsors");
  const bool polls = table_exists(db, "polls") && table_exists(db, "poll_voted");

  // Tablings: amendments that left the draft state, by proposer.
  if (amendments) {
    auto& tb = db.prepare(
        "SELECT a.proposer FROM amendments a JOIN declarations d ON d.id=a.declaration "
        "WHERE a.forum=? AND a.state<>'draft' AND (?2=0 OR d.workshop=?2) ORDER BY a.id");
    tb.bind(1, forum).bind(2, ws);
    while (tb.step()) {
      a.tablings.push_back(std::to_string(tb.int64(0)));
      active.insert(a.tablings.back());
  }
  tb.reset();

  // Co-sponsorships: standing confirmations, credited to the delegate who last confirmed for
  // the organisation (from the audit log).
  auto& cs = db.prepare(
      "SELECT (SELECT e.actor FROM events e WHERE e.forum=a.forum AND e.type='amendment.sponsor.confirmed' "
      "        AND json_extract(e.payload,'$.amendment')=s.amendment "
      "        AND json_extract(e.payload,'$.organisation')=s.organisation ORDER BY e.id DESC LIMIT 1) "
      "FROM amendment_sponsors s JOIN amendments a ON a.id=s.amendment JOIN declarations d ON d.id=a.declaration "
      "WHERE a.forum=? AND s.confirmed_version>0 AND (?2=0 OR d.workshop=?2) ORDER BY s.amendment, s.organisation");
  cs.bind(1, forum).bind(2, ws);
  while (cs.step()) {
    if (cs.is_null(0)) continue;
    a.cosponsorships.push_back(std::to_string(cs.int64(0)));
    active.insert(a.cosponsorships.back());
  }
  cs.reset();
  }

  // Ballots: has-voted rows only (never a choice), counted for the voter.
  if (polls) {
    auto& bv = db.prepare(
        "SELECT v.voter FROM poll_voted v JOIN polls p ON p.id=v.poll WHERE p.forum=? AND (?2=0 OR p.room=?2) "
        "ORDER BY v.poll, v.unit");
    bv.bind(1, forum).bind(2, room);
    while (bv.step()) {
      a.ballots.push_back(std::to_string(bv.int64(0)));
      active.insert(a.ballots.back());
  }
  bv.reset();
  }

  auto& dl = db.prepare(
      "SELECT d.id, COALESCE(o.constituency,''), COALESCE(d.region,''), COALESCE(d.gender,''), d.languages, "
      "  d.status='accredited' AND EXISTS(SELECT 1 FROM roles r WHERE r.delegate=d.id AND r.role='delegate') "
      "FROM delegates d LEFT JOIN organisations o ON o.id=d.organisation WHERE d.forum=? ORDER BY d.id");
  dl.bind(1, forum);
  while (dl.step()) {
    std::string id = std::to_string(dl.int64(0));
    if (dl.int64(5) == 0 && !active.count(id)) continue;
    a.delegates.push_back({id, dl.text(1), dl.text(2), dl.text(3), first_language(dl.text(4))});
  }
  dl.reset();
  return report::participation(a, k);
}

}  // namespace plenary::app
