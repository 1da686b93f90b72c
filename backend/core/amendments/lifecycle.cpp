#include "core/amendments/lifecycle.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/votes/codes.hpp"

namespace plenary::amendments {
namespace codes = plenary::votes::codes;
namespace {

constexpr State kAllStates[] = {State::draft,     State::tabled,   State::admissible, State::ruled_out,
                                State::composited, State::scheduled, State::voting,    State::adopted,
                                State::rejected,  State::withdrawn, State::fallen};

Refusal refuse(std::string_view code, std::string detail) { return {std::string(code), std::move(detail)}; }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool before_voting(State s) {
  return s == State::draft || s == State::tabled || s == State::admissible || s == State::scheduled;
}

}  // namespace

std::string_view to_string(State s) {
  switch (s) {
    case State::draft: return "draft";
    case State::tabled: return "tabled";
    case State::admissible: return "admissible";
    case State::ruled_out: return "ruled_out";
    case State::composited: return "composited";
    case State::scheduled: return "scheduled";
    case State::voting: return "voting";
    case State::adopted: return "adopted";
    case State::rejected: return "rejected";
    case State::withdrawn: return "withdrawn";
    case State::fallen: return "fallen";
  }
  return "draft";
}

std::string_view to_string(Actor a) {
  switch (a) {
    case Actor::proposer: return "proposer";
    case Actor::organiser: return "organiser";
    case Actor::poll: return "poll";
  }
  return "proposer";
}

std::string_view to_string(Kind k) {
  switch (k) {
    case Kind::modify: return "modify";
    case Kind::insert: return "insert";
    case Kind::del: return "delete";
  }
  return "modify";
}

std::optional<State> state_from_string(std::string_view s) {
  for (State st : kAllStates)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

bool is_final(State s) {
  for (const auto& t : kTransitions)
    if (t.from == s) return false;
  return true;
}

bool may_transition(State from, State to, Actor actor) {
  return std::any_of(std::begin(kTransitions), std::end(kTransitions),
                     [&](const Transition& t) { return t.from == from && t.to == to && t.by == actor; });
}

std::vector<State> next_states(State from, Actor actor) {
  std::vector<State> out;
  for (const auto& t : kTransitions)
    if (t.from == from && t.by == actor) out.push_back(t.to);
  return out;
}

Outcome check_content(const Amendment& a) {
  switch (a.kind) {
    case Kind::modify:
      if (a.clause.empty()) return refuse(codes::kBadMessage, "a modification names its clause");
      if (ot::is_noop(a.op)) return refuse(codes::kBadMessage, "a modification must change the text");
      try {
        ot::check(a.op);
      } catch (const ot::OpError& e) {
        return refuse(codes::kBadMessage, std::string("malformed op: ") + e.what());
      }
      return std::nullopt;
    case Kind::insert:
      if (a.clause.empty()) return refuse(codes::kBadMessage, "an insertion names the clause it goes next to");
      if (blank(a.text)) return refuse(codes::kBadMessage, "an inserted clause needs text");
      return std::nullopt;
    case Kind::del:
      if (a.clause.empty()) return refuse(codes::kBadMessage, "a deletion names its clause");
      return std::nullopt;
  }
  return refuse(codes::kBadMessage, "unknown kind");
}

Outcome transition(Amendment& a, State to, Actor actor, std::string note) {
  if (!may_transition(a.state, to, actor)) {
    const bool edge_exists = std::any_of(std::begin(kTransitions), std::end(kTransitions),
                                         [&](const Transition& t) { return t.from == a.state && t.to == to; });
    const std::string what = std::string(to_string(a.state)) + " -> " + std::string(to_string(to));
    if (edge_exists) return refuse(codes::kNotAllowed, "the " + std::string(to_string(actor)) + " may not move " + what);
    return refuse(codes::kInvalidState, "no transition " + what);
  }
  if ((to == State::ruled_out || to == State::fallen || to == State::composited) && blank(note))
    return refuse(codes::kBadMessage, to == State::composited ? "a composited amendment names its composite"
                                                              : "a ruling needs a reason");
  if (to == State::tabled)
    if (auto bad = check_content(a)) return bad;
  if (to == State::composited) a.composited_into = std::move(note);
  else if (to == State::ruled_out || to == State::fallen) a.reason = std::move(note);
  a.state = to;
  return std::nullopt;
}

Outcome edit(Amendment& a, const Amendment& edited, Actor actor) {
  if (actor != Actor::proposer) return refuse(codes::kNotAllowed, "only the proposer edits an amendment");
  if (a.state != State::draft && a.state != State::tabled)
    return refuse(codes::kInvalidState, "an amendment is edited only in draft or tabled");
  Amendment next = a;
  next.kind = edited.kind;
  next.clause = edited.clause;
  next.before = edited.kind == Kind::insert && edited.before;
  next.base_revision = edited.base_revision;
  next.op = edited.op;
  next.text = edited.text;
  next.justification = edited.justification;
  if (auto bad = check_content(next); bad && a.state == State::tabled) return bad;
  next.version = a.version + 1;  // every co-sponsor's confirmed version is now behind
  a = std::move(next);
  return std::nullopt;
}

Outcome invite_sponsor(Amendment& a, const std::string& organisation) {
  if (!before_voting(a.state)) return refuse(codes::kInvalidState, "co-sponsors join before voting");
  if (organisation.empty() || organisation == a.organisation)
    return refuse(codes::kBadMessage, "the proposer's organisation is not a co-sponsor");
  a.sponsors.try_emplace(organisation, 0);
  return std::nullopt;
}

Outcome confirm_support(Amendment& a, const std::string& organisation, std::uint32_t version) {
  if (!before_voting(a.state)) return refuse(codes::kInvalidState, "support is confirmed before voting");
  auto it = a.sponsors.find(organisation);
  if (it == a.sponsors.end()) return refuse(codes::kNotFound, organisation + " was not invited to co-sponsor");
  if (version != a.version)
    return refuse(codes::kBadRevision, "version " + std::to_string(version) + " is not the current version " +
                                           std::to_string(a.version));
  it->second = version;
  return std::nullopt;
}

Outcome withdraw_support(Amendment& a, const std::string& organisation) {
  if (!before_voting(a.state)) return refuse(codes::kInvalidState, "support is withdrawn before voting");
  if (a.sponsors.erase(organisation) == 0) return refuse(codes::kNotFound, organisation + " is not a co-sponsor");
  return std::nullopt;
}

std::vector<std::string> pending_reconfirmation(const Amendment& a) {
  std::vector<std::string> out;
  for (const auto& [org, v] : a.sponsors)
    if (v != a.version) out.push_back(org);
  return out;
}

std::vector<std::string> confirmed_sponsors(const Amendment& a) {
  std::vector<std::string> out;
  for (const auto& [org, v] : a.sponsors)
    if (v == a.version) out.push_back(org);
  return out;
}

Outcome make_composite(std::vector<Amendment*> originals, Amendment& composite, Actor actor) {
  if (actor != Actor::organiser) return refuse(codes::kNotAllowed, "only an organiser composites amendments");
  if (originals.size() < 2) return refuse(codes::kBadMessage, "a composite merges at least two amendments");
  if (composite.id.empty()) return refuse(codes::kBadMessage, "a composite needs an id");
  for (const Amendment* o : originals) {
    if (!may_transition(o->state, State::composited, actor))
      return refuse(codes::kInvalidState, o->id + " is " + std::string(to_string(o->state)) + " and cannot be composited");
    if (o->id == composite.id) return refuse(codes::kBadMessage, "a composite cannot merge itself");
  }
  if (auto bad = check_content(composite)) return bad;
  composite.state = State::tabled;
  composite.version = 1;
  composite.composited_from.clear();
  for (Amendment* o : originals) {
    composite.composited_from.push_back(o->id);
    if (o->organisation != composite.organisation) composite.sponsors.try_emplace(o->organisation, 0);
    o->state = State::composited;
    o->composited_into = composite.id;
  }
  return std::nullopt;
}

Outcome fall_conflicting(Amendment& a, Actor actor, std::string reason) {
  const auto edge = std::find_if(std::begin(kConflictTransitions), std::end(kConflictTransitions),
                                 [&](const Transition& t) { return t.from == a.state && t.to == State::fallen; });
  if (edge == std::end(kConflictTransitions))
    return refuse(codes::kInvalidState, "only an adopted amendment that conflicts falls this way, not a " +
                                            std::string(to_string(a.state)) + " one");
  if (edge->by != actor) return refuse(codes::kNotAllowed, "only an organiser declares a conflicting amendment fallen");
  if (blank(reason)) return refuse(codes::kBadMessage, "a ruling needs a reason");
  a.reason = std::move(reason);
  a.state = State::fallen;
  return std::nullopt;
}

nlohmann::json to_json(const Amendment& a) {
  nlohmann::json sponsors = nlohmann::json::array();
  for (const auto& [org, v] : a.sponsors)
    sponsors.push_back({{"organisation", org}, {"confirmed_version", v}, {"current", v == a.version}});
  nlohmann::json j = {{"id", a.id},
                      {"proposer", a.proposer},
                      {"organisation", a.organisation},
                      {"kind", std::string(to_string(a.kind))},
                      {"clause", a.clause},
                      {"justification", a.justification},
                      {"state", std::string(to_string(a.state))},
                      {"version", a.version},
                      {"sponsors", sponsors}};
  if (a.kind == Kind::modify) {
    j["base_revision"] = a.base_revision;
    j["op"] = ot::to_json(a.op);
  }
  if (a.kind == Kind::insert) {
    j["text"] = a.text;
    j["before"] = a.before;
  }
  if (!a.reason.empty()) j["reason"] = a.reason;
  if (!a.composited_into.empty()) j["composited_into"] = a.composited_into;
  if (!a.composited_from.empty()) j["composited_from"] = a.composited_from;
  return j;
}

}  // namespace plenary::amendments
