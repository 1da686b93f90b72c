#include "core/votes/poll.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/votes/codes.hpp"

namespace plenary::votes {
namespace {
BallotError err(std::string_view code, std::string detail) { return {std::string(code), std::move(detail)}; }
}  // namespace

std::string_view to_string(PollState s) {
  switch (s) {
    case PollState::created: return "created";
    case PollState::open: return "open";
    case PollState::closed: return "closed";
    case PollState::published: return "published";
  }
  return "created";
}

bool may_move(PollState from, PollState to) {
  return std::any_of(std::begin(kPollTransitions), std::end(kPollTransitions),
                     [&](const PollTransition& t) { return t.from == from && t.to == to; });
}

Poll::Poll(std::string id, PollSettings settings, std::vector<Voter> roll)
    : id_(std::move(id)), settings_(std::move(settings)), roll_(std::move(roll)) {
  const bool needs_options =
      settings_.method == Method::single_choice || settings_.method == Method::ranked;
  if (needs_options) {
    if (settings_.options.size() < 2) throw std::invalid_argument("a poll with options needs at least two");
    std::set<std::string> seen;
    for (const auto& o : settings_.options)
      if (o.empty() || !seen.insert(o).second) throw std::invalid_argument("options must be distinct and non-empty");
  }
  for (const auto& [unit, w] : settings_.weights)
    if (w < 1 || w > kMaxCount) throw std::invalid_argument("weight out of range for " + unit);
  if (settings_.max_proxies < 0) throw std::invalid_argument("max_proxies must not be negative");
  std::set<std::string> delegates;
  for (const auto& v : roll_)
    if (v.delegate.empty() || !delegates.insert(v.delegate).second)
      throw std::invalid_argument("roll delegates must be distinct and non-empty");
  if (entitled() > kMaxCount) throw std::invalid_argument("total weight out of range");
}

std::optional<BallotError> Poll::move_to(PollState to) {
  if (!may_move(state_, to))
    return err(codes::kInvalidState,
               "poll cannot move from " + std::string(to_string(state_)) + " to " + std::string(to_string(to)));
  state_ = to;
  return std::nullopt;
}

const Voter* Poll::find_voter(const std::string& delegate) const {
  for (const auto& v : roll_)
    if (v.delegate == delegate) return &v;
  return nullptr;
}

std::string Poll::unit_of(const Voter& v) const {
  return settings_.unit == VoteUnit::delegate ? v.delegate : v.organisation;
}

std::int64_t Poll::weight_of(const std::string& unit) const {
  auto it = settings_.weights.find(unit);
  return it == settings_.weights.end() ? 1 : it->second;
}

std::int64_t Poll::entitled() const {
  std::set<std::string> units;
  for (const auto& v : roll_) units.insert(unit_of(v));
  std::int64_t total = 0;
  for (const auto& u : units) total += weight_of(u);
  return total;
}

std::optional<BallotError> Poll::grant_proxy(const std::string& principal, const std::string& holder) {
  if (principal == holder) return err(codes::kBadMessage, "a delegate cannot hold their own proxy");
  if (!find_voter(principal) || !find_voter(holder))
    return err(codes::kNotAllowed, "both principal and holder must be entitled to vote");
  proxies_[principal] = holder;
  return std::nullopt;
}

std::optional<BallotError> Poll::cast(const std::string& caster, const std::string& voter, const Choice& choice) {
  if (state_ != PollState::open)
    return err(codes::kInvalidState, "poll is " + std::string(to_string(state_)) + ", not open");
  const Voter* v = find_voter(voter);
  if (!v) return err(codes::kNotAllowed, voter + " is not entitled to vote in this poll");
  if (!find_voter(caster)) return err(codes::kNotAllowed, caster + " is not entitled to vote in this poll");
  const bool by_proxy = caster != voter;
  if (by_proxy) {
    auto it = proxies_.find(voter);
    if (it == proxies_.end() || it->second != caster)
      return err(codes::kNotAllowed, caster + " does not hold a proxy for " + voter);
  }
  if (auto e = validate(settings_.method, settings_.options, choice)) return e;

  const std::string unit = unit_of(*v);
  auto existing = std::find_if(ballots_.begin(), ballots_.end(), [&](const CastBallot& b) { return b.unit == unit; });
  if (existing != ballots_.end() && !settings_.revote)
    return err(codes::kDuplicate, "a ballot for " + unit + " has already been cast and re-voting is not allowed");

  if (by_proxy) {
    // Count the holder's proxy ballots still counted, not counting the one this would replace.
    std::set<std::string> principals;
    for (const auto& b : ballots_)
      if (b.cast_by == caster && b.voter != caster && b.unit != unit)
        principals.insert(b.voter);
    if (static_cast<std::int64_t>(principals.size()) >= settings_.max_proxies)
      return err(codes::kNotAllowed, caster + " has already cast " + std::to_string(principals.size()) +
                                         " proxy ballots, the limit is " + std::to_string(settings_.max_proxies));
  }

  CastBallot b{unit, voter, caster, choice, weight_of(unit), next_seq_++};
  if (existing != ballots_.end()) ballots_.erase(existing);
  ballots_.push_back(std::move(b));
  return std::nullopt;
}

std::optional<BallotError> Poll::cast_json(const std::string& caster, const std::string& voter,
                                           const nlohmann::json& choice) {
  if (state_ != PollState::open)
    return err(codes::kInvalidState, "poll is " + std::string(to_string(state_)) + ", not open");
  auto parsed = choice_from_json(settings_.method, settings_.options, choice);
  if (auto* e = std::get_if<BallotError>(&parsed)) return *e;
  return cast(caster, voter, std::get<Choice>(parsed));
}

}  // namespace plenary::votes
