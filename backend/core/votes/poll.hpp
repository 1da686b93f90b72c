// A poll: its settings, its state machine (created -> open -> closed -> published) and its
// ballot box (eligibility, one counted ballot per voting unit, re-voting, proxies, weights).
//
// Invariants:
//   - the state changes only along an edge of kPollTransitions;
//   - ballots are accepted only while the poll is open;
//   - ballots() holds at most one ballot per voting unit (a delegate, or an organisation when
//     unit == organisation), each valid for the poll's method and options;
//   - no proxy holder has more than settings.max_proxies ballots counted on others' behalf.
// The poll keeps no clock: a ballot's `seq` is its arrival order.
// Lookups are hashed (roll by delegate, ballot box by unit, proxy ballots by holder), so a cast
// costs the same in a poll of 5,000 as in one of 5; only a re-vote moves later ballots down.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/votes/ballot.hpp"
#include "core/votes/threshold.hpp"

namespace plenary::votes {

enum class PollState { created, open, closed, published };
std::string_view to_string(PollState s);

struct PollTransition {
  PollState from, to;
};
inline constexpr PollTransition kPollTransitions[] = {
    {PollState::created, PollState::open},
    {PollState::open, PollState::closed},
    {PollState::closed, PollState::published},
};
bool may_move(PollState from, PollState to);

// Who a ballot counts for: each delegate, or each organisation (any of its delegates may cast).
enum class VoteUnit { delegate, organisation };

struct PollSettings {
  Method method = Method::yes_no_abstain;
  std::vector<std::string> options;              // single_choice and ranked: ids, in listed order
  ThresholdRule threshold;                       // yes_no_abstain
  std::optional<Quorum> quorum;                  // any method
  std::optional<ThresholdRule> consensus_fallback;  // consensus: vote by this rule if blocked
  VoteUnit unit = VoteUnit::delegate;
  bool revote = false;             // a later ballot replaces the earlier one; else the first is final
  std::int64_t max_proxies = 1;    // K: proxy ballots one holder may cast
  bool secret = false;             // results never name voters
  std::map<std::string, std::int64_t> weights;  // by unit key (delegate or organisation); missing = 1
};

// The wire form of settings: {"method":"ranked","options":[..],"threshold":{..},"quorum":{..},
// "consensus_fallback":{..},"unit":"delegate"|"organisation","revote":false,"max_proxies":1,
// "secret":false,"weights":{"<unit>":2}}; every field but "method" is optional. Malformed input,
// an unknown method or unusable options give "bad_message".
std::variant<PollSettings, BallotError> settings_from_json(const nlohmann::json& j);
nlohmann::json to_json(const PollSettings& s);

struct Voter {
  std::string delegate;
  std::string organisation;
};

struct CastBallot {
  std::string unit;     // the delegate or organisation the ballot counts for
  std::string voter;    // the delegate whose vote it is (the principal when cast by proxy)
  std::string cast_by;  // who sent it: the voter, or their proxy holder
  Choice choice;
  std::int64_t weight = 1;
  std::uint64_t seq = 0;
};

class Poll {
 public:
  // Throws std::invalid_argument for settings that cannot work: options missing or repeated for
  // a method that needs them, a weight below 1 or above kMaxCount, max_proxies < 0.
  Poll(std::string id, PollSettings settings, std::vector<Voter> roll);

  const std::string& id() const noexcept { return id_; }
  PollState state() const noexcept { return state_; }
  const PollSettings& settings() const noexcept { return settings_; }
  const std::vector<Voter>& roll() const noexcept { return roll_; }

  // Moves along kPollTransitions; "invalid_state" otherwise.
  std::optional<BallotError> move_to(PollState to);

  // `holder` may vote on behalf of `principal`. Both must be on the roll and differ.
  std::optional<BallotError> grant_proxy(const std::string& principal, const std::string& holder);

  // A ballot sent by `caster` for `voter` (the same delegate for one's own vote).
  // Errors: invalid_state (not open), not_allowed (not on the roll, proxy not held, holder's K
  // proxies used), bad_message (invalid choice), duplicate (unit already voted, no re-voting).
  std::optional<BallotError> cast(const std::string& caster, const std::string& voter, const Choice& choice);
  std::optional<BallotError> cast_json(const std::string& caster, const std::string& voter,
                                       const nlohmann::json& choice);

  // The counted ballots, one per unit, in order of their (latest) arrival.
  const std::vector<CastBallot>& ballots() const noexcept { return ballots_; }
  // Total weight of all voting units on the roll (fixed when the poll is made).
  std::int64_t entitled() const noexcept { return entitled_; }
  std::int64_t weight_of(const std::string& unit) const;
  // The roll entry of a delegate, or null when they are not on the roll.
  const Voter* voter(const std::string& delegate) const;
  // The counted ballot for a voting unit, or null when the unit has not voted.
  const CastBallot* ballot_for(const std::string& unit) const;
  // The voting unit a roll entry votes as: the delegate, or their organisation.
  const std::string& unit_of(const Voter& v) const;

 private:
  bool is_proxy_ballot(const CastBallot& b) const { return b.cast_by != b.voter; }

  std::string id_;
  PollSettings settings_;
  std::vector<Voter> roll_;
  PollState state_ = PollState::created;
  std::map<std::string, std::string> proxies_;  // principal -> holder
  std::vector<CastBallot> ballots_;
  std::uint64_t next_seq_ = 1;
  std::int64_t entitled_ = 0;
  std::unordered_map<std::string, std::size_t> roll_index_;    // delegate -> index in roll_
  std::unordered_map<std::string, std::size_t> ballot_index_;  // unit -> index in ballots_
  std::unordered_map<std::string, std::int64_t> proxy_ballots_;  // holder -> counted ballots cast for others
};

}  // namespace plenary::votes
