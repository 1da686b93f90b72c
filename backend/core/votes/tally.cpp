#include "core/votes/tally.hpp"

#include <algorithm>
#include <map>

#include "core/votes/schulze.hpp"

namespace plenary::votes {
namespace {

void tally_yes_no(const Poll& poll, const std::vector<CastBallot>& ballots, Result& r) {
  Counts c;
  for (const auto& b : ballots) {
    if (b.choice.value == "yes") c.yes += b.weight;
    else if (b.choice.value == "no") c.no += b.weight;
    else c.abstain += b.weight;
  }
  const ThresholdResult t = evaluate(poll.settings().threshold, c, r.entitled);
  r.detail = {{"counts", {{"yes", c.yes}, {"no", c.no}, {"abstain", c.abstain}, {"cast", c.cast()}}},
              {"rule", to_json(poll.settings().threshold)},
              {"threshold", to_json(t)}};
  r.passed = t.passed;
  r.outcome = t.passed ? "adopted" : "rejected";
}

void tally_single(const Poll& poll, const std::vector<CastBallot>& ballots, Result& r) {
  const auto& options = poll.settings().options;
  std::map<std::string, std::int64_t> counts;
  for (const auto& o : options) counts[o] = 0;
  for (const auto& b : ballots) counts[b.choice.value] += b.weight;
  std::int64_t best = 0;
  for (const auto& o : options) best = std::max(best, counts[o]);
  nlohmann::json per_option = nlohmann::json::array();
  std::vector<std::string> top;
  for (const auto& o : options) {
    per_option.push_back({{"option", o}, {"votes", counts[o]}});
    if (best > 0 && counts[o] == best) top.push_back(o);
  }
  r.detail = {{"counts", per_option}, {"top", top}, {"rule", "plurality"}};
  if (best == 0) {
    r.outcome = "no_votes";
  } else if (top.size() > 1) {
    r.outcome = "tie";
  } else {
    r.outcome = "elected";
    r.passed = true;
    r.winner = top.front();
  }
}

void tally_ranked(const Poll& poll, const std::vector<CastBallot>& ballots, Result& r) {
  const auto& options = poll.settings().options;
  std::vector<RankedBallot> rb;
  rb.reserve(ballots.size());
  for (const auto& b : ballots) {
    RankedBallot x;
    x.weight = b.weight;
    for (const auto& o : b.choice.ranking)
      x.ranking.push_back(static_cast<std::size_t>(std::find(options.begin(), options.end(), o) - options.begin()));
    rb.push_back(std::move(x));
  }
  const SchulzeResult s = schulze(options.size(), rb);
  r.detail = {{"schulze", to_json(s, options)}, {"rule", "schulze"}};
  if (ballots.empty()) {
    r.outcome = "no_votes";
    return;
  }
  r.outcome = "elected";
  r.passed = true;
  r.winner = options[s.ranking.front()];
  r.detail["tie_broken"] = s.winners.size() > 1;
}

void tally_consensus(const Poll& poll, const std::vector<CastBallot>& ballots, Result& r) {
  Counts c;  // agree = yes, block = no, stand_aside = abstain
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : ballots) {
    if (b.choice.value == "agree") c.yes += b.weight;
    else if (b.choice.value == "block") {
      c.no += b.weight;
      nlohmann::json blk = {{"reason", b.choice.reason}};
      if (!poll.settings().secret) blk["by"] = b.unit;
      blocks.push_back(blk);
    } else c.abstain += b.weight;
  }
  r.detail = {{"counts", {{"agree", c.yes}, {"stand_aside", c.abstain}, {"block", c.no}}},
              {"blocks", blocks}};
  if (c.no == 0 && c.yes > 0) {
    r.outcome = "consensus";
    r.passed = true;
    return;
  }
  const auto& fb = poll.settings().consensus_fallback;
  if (!fb) {
    r.outcome = c.no > 0 ? "blocked" : "no_consensus";
    return;
  }
  const ThresholdResult t = evaluate(*fb, c, r.entitled);
  r.detail["consensus"] = c.no > 0 ? "blocked" : "no_consensus";
  r.detail["fallback_rule"] = to_json(*fb);
  r.detail["fallback"] = to_json(t);
  r.passed = t.passed;
  r.outcome = t.passed ? "adopted_by_fallback" : "rejected_by_fallback";
}

}  // namespace

Result tally(const Poll& poll, const std::vector<CastBallot>& ballots) {
  Result r;
  r.poll = poll.id();
  r.method = poll.settings().method;
  r.state = poll.state();
  r.entitled = poll.entitled();
  r.ballots = static_cast<std::int64_t>(ballots.size());
  for (const auto& b : ballots) r.weight += b.weight;
  switch (r.method) {
    case Method::yes_no_abstain: tally_yes_no(poll, ballots, r); break;
    case Method::single_choice: tally_single(poll, ballots, r); break;
    case Method::ranked: tally_ranked(poll, ballots, r); break;
    case Method::consensus: tally_consensus(poll, ballots, r); break;
  }
  if (poll.settings().quorum) {
    r.quorum = quorum(*poll.settings().quorum, r.weight, r.entitled);
    if (!r.quorum->passed) {
      r.detail["outcome_without_quorum"] = r.outcome;
      r.outcome = "no_quorum";
      r.passed = false;
      r.winner.reset();
    }
  }
  return r;
}

nlohmann::json to_json(const Result& r) {
  nlohmann::json j = {{"poll", r.poll},
                      {"method", std::string(to_string(r.method))},
                      {"state", std::string(to_string(r.state))},
                      {"ballots", r.ballots},
                      {"present", r.weight},
                      {"entitled", r.entitled},
                      {"outcome", r.outcome},
                      {"passed", r.passed},
                      {"detail", r.detail}};
  j["quorum"] = r.quorum ? to_json(*r.quorum) : nlohmann::json(nullptr);
  j["winner"] = r.winner ? nlohmann::json(*r.winner) : nlohmann::json(nullptr);
  return j;
}

}  // namespace plenary::votes
