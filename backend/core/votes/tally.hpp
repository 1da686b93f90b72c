// Counting a poll's ballots into a Result that names every number it used.
//
// Pure: tally(poll, ballots) reads the poll's settings and roll and the given ballots (normally
// poll.ballots()) and changes nothing. Weights are the ballots' weights; "entitled" is the
// roll's total weight; "present" for the quorum is the total weight of the ballots counted,
// abstentions and stand-asides included.
//
// Outcomes, by method:
//   yes_no_abstain  adopted | rejected | no_quorum         (the poll's threshold rule)
//   single_choice   elected | tie | no_votes | no_quorum   (plurality; a tie for first elects nobody)
//   ranked          elected | no_votes | no_quorum         (Schulze; ties broken by option order
//                                                            and reported in detail.schulze.ties)
//   consensus       consensus | blocked | no_consensus | adopted_by_fallback | rejected_by_fallback
//                   | no_quorum   (consensus: at least one agree and no block; with a fallback
//                   rule a blocked or unconsented proposal goes to a vote: agree = yes,
//                   block = no, stand_aside = abstain)
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/votes/poll.hpp"
#include "core/votes/threshold.hpp"

namespace plenary::votes {

struct Result {
  std::string poll;
  Method method = Method::yes_no_abstain;
  PollState state = PollState::created;
  std::int64_t ballots = 0;   // ballots counted
  std::int64_t weight = 0;    // their total weight ("present")
  std::int64_t entitled = 0;  // total weight on the roll
  std::optional<ThresholdResult> quorum;
  std::string outcome;
  bool passed = false;                 // adopted / elected / consensus (incl. by fallback)
  std::optional<std::string> winner;   // single_choice and ranked
  nlohmann::json detail;               // method-specific numbers (see tally.cpp)
};

Result tally(const Poll& poll, const std::vector<CastBallot>& ballots);
inline Result tally(const Poll& poll) { return tally(poll, poll.ballots()); }

nlohmann::json to_json(const Result& r);

}  // namespace plenary::votes
