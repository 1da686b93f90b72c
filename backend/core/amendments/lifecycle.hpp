// The amendment workflow as data: states, the actors that may move an amendment, and the one
// table of transitions between them (OpenSlides style), plus the amendment record itself.
//
//   draft -> tabled -> admissible | ruled_out (reason) ; tabled/admissible -> composited
//   admissible -> scheduled -> voting -> adopted | rejected      (the poll's result decides)
//   draft/tabled/admissible/scheduled -> withdrawn               (the proposer, before voting)
//   tabled/admissible/scheduled -> fallen                        (an organiser, after a
//                                                                 conflicting amendment passed)
//
// Invariants:
//   - an amendment's state changes only along an edge of kTransitions, by the actor kind the
//     edge names;
//   - a ruled-out amendment has a reason, a composited one names its composite, a fallen one
//     names why;
//   - support is tied to a version: editing bumps `version`, and a co-sponsor counts only while
//     their confirmed version equals the current one (pending_reconfirmation() lists the rest).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/ot/text_op.hpp"

namespace plenary::amendments {

enum class State {
  draft, tabled, admissible, ruled_out, composited, scheduled, voting, adopted, rejected, withdrawn, fallen
};
// Who takes a transition: the proposer, an organiser, or the result of the amendment's poll.
enum class Actor { proposer, organiser, poll };

struct Transition {
  State from, to;
  Actor by;
};

inline constexpr Transition kTransitions[] = {
    {State::draft, State::tabled, Actor::proposer},
    {State::draft, State::withdrawn, Actor::proposer},
    {State::tabled, State::withdrawn, Actor::proposer},
    {State::admissible, State::withdrawn, Actor::proposer},
    {State::scheduled, State::withdrawn, Actor::proposer},
    {State::tabled, State::admissible, Actor::organiser},
    {State::tabled, State::ruled_out, Actor::organiser},
    {State::tabled, State::composited, Actor::organiser},
    {State::admissible, State::composited, Actor::organiser},
    {State::admissible, State::scheduled, Actor::organiser},
    {State::scheduled, State::voting, Actor::organiser},
    {State::tabled, State::fallen, Actor::organiser},
    {State::admissible, State::fallen, Actor::organiser},
    {State::scheduled, State::fallen, Actor::organiser},
    {State::voting, State::adopted, Actor::poll},
    {State::voting, State::rejected, Actor::poll},
};

std::string_view to_string(State s);
std::string_view to_string(Actor a);
std::optional<State> state_from_string(std::string_view s);
bool is_final(State s);  // ruled_out, adopted, rejected, withdrawn, fallen (and composited)

bool may_transition(State from, State to, Actor actor);
// The states `actor` may move an amendment in `from` to, in table order.
std::vector<State> next_states(State from, Actor actor);

enum class Kind { modify, insert, del };
std::string_view to_string(Kind k);  // "modify", "insert", "delete"

struct Amendment {
  std::string id;
  std::string proposer;      // delegate
  std::string organisation;  // the proposer's organisation
  Kind kind = Kind::modify;
  std::string clause;            // modify/delete: the clause; insert: the clause it goes next to
  bool before = false;           // insert: goes before `clause` (the way to open a section),
                                 // else after it
  std::uint64_t base_revision = 0;  // modify: the clause revision `op` was made against
  ot::Op op;                     // modify
  std::string text;              // insert: the new clause's text
  std::string justification;

  State state = State::draft;
  std::uint32_t version = 1;
  std::map<std::string, std::uint32_t> sponsors;  // co-sponsoring organisation -> confirmed version
                                                  // (0 = invited, not yet confirmed)
  std::string reason;                        // ruled_out or fallen: why
  std::string composited_into;               // composited: the composite's id
  std::vector<std::string> composited_from;  // a composite: the amendments it merges
};

// The result of an attempted change: nullopt on success, else a protocol error code
// (votes/codes.hpp) and a detail.
struct Refusal {
  std::string code;
  std::string detail;
};
using Outcome = std::optional<Refusal>;

// Checks content against its kind (modify: a non-empty, changing op; insert: text; all: a
// clause). "bad_message" when it does not fit.
Outcome check_content(const Amendment& a);

// Moves `a` to `to` as `actor`. "invalid_state" if no edge leads there, "not_allowed" if the edge
// belongs to another actor kind, "bad_message" if a ruling out or a fall has no reason.
// `note` is the reason (ruled_out, fallen) or the composite's id (composited).
Outcome transition(Amendment& a, State to, Actor actor, std::string note = {});

// Replaces the content (kind, clause, before, base_revision, op, text, justification) with `edited`'s.
// Only the proposer, only in draft or tabled. Bumps the version, so every co-sponsor needs to
// reconfirm.
Outcome edit(Amendment& a, const Amendment& edited, Actor actor);

// Invites an organisation to co-sponsor (not the proposer's own). Only before voting.
Outcome invite_sponsor(Amendment& a, const std::string& organisation);
// `organisation` confirms its support for `version`: "bad_revision" if that is not the current
// version, "not_found" if it was not invited.
Outcome confirm_support(Amendment& a, const std::string& organisation, std::uint32_t version);
Outcome withdraw_support(Amendment& a, const std::string& organisation);

// Co-sponsors whose support does not cover the current version, in name order.
std::vector<std::string> pending_reconfirmation(const Amendment& a);
// Co-sponsors whose support covers the current version.
std::vector<std::string> confirmed_sponsors(const Amendment& a);

// Builds a composite (state tabled) merging `originals` and moves each original to composited.
// The composite's co-sponsors are the originals' organisations, all to confirm. Fails with
// nothing changed if any original may not be composited.
Outcome make_composite(std::vector<Amendment*> originals, Amendment& composite, Actor actor);

// An adopted amendment whose op no longer applies to the text (rebase returned a Conflict) is
// never applied; an organiser may then declare it fallen. This edge is kept apart from
// kTransitions so that `adopted` stays final for the ordinary workflow; the shell takes it only
// for an amendment it has flagged conflicting.
inline constexpr Transition kConflictTransitions[] = {{State::adopted, State::fallen, Actor::organiser}};

// Moves a conflicting adopted amendment to fallen. "invalid_state" unless `a` is adopted,
// "not_allowed" unless an organiser does it, "bad_message" without a reason.
Outcome fall_conflicting(Amendment& a, Actor actor, std::string reason);

nlohmann::json to_json(const Amendment& a);

}  // namespace plenary::amendments
