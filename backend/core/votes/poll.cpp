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

namespace {

// Checks settings a poll could not work with; shared by the constructor and settings_from_json.
std::optional<std::string> settings_problem(const PollSettings& s) {
  if (s.method == Method::single_choice || s.method == Method::ranked) {
    if (s.options.size() < 2) return "a poll with options needs at least two";
    std::set<std::string> seen;
    for (const auto& o : s.options)
      if (o.empty() || !seen.insert(o).second) return "options must be distinct and non-empty";
  }
  for (const auto& [unit, w] : s.weights)
    if (w < 1 || w > kMaxCount) return "weight out of range for " + unit;
  if (s.max_proxies < 0) return "max_proxies must not be negative";
  return std::nullopt;
}

}  // namespace

std::variant<PollSettings, BallotError> settings_from_json(const nlohmann::json& j) {
  auto bad = [](std::string d) { return BallotError{std::string(codes::kBadMessage), std::move(d)}; };
  if (!j.is_object()) return bad("poll settings are a JSON object");
  PollSettings s;
  auto m = j.find("method");
  if (m == j.end() || !m->is_string()) return bad("missing method");
  auto method = method_from_string(m->get<std::string>());
  if (!method) return bad("unknown method: " + m->get<std::string>());
  s.method = *method;
  try {
    if (j.contains("options")) {
      if (!j["options"].is_array()) return bad("options must be an array");
      for (const auto& o : j["options"]) {
        if (!o.is_string()) return bad("options must be strings");
        s.options.push_back(o.get<std::string>());
      }
    }
    if (j.contains("threshold")) s.threshold = rule_from_json(j["threshold"]);
    if (j.contains("quorum") && !j["quorum"].is_null()) s.quorum = quorum_from_json(j["quorum"]);
    if (j.contains("consensus_fallback") && !j["consensus_fallback"].is_null())
      s.consensus_fallback = rule_from_json(j["consensus_fallback"]);
  } catch (const std::invalid_argument& e) {
    return bad(e.what());
  }
  if (j.contains("unit")) {
    const auto& u = j["unit"];
    if (u == "delegate") s.unit = VoteUnit::delegate;
    else if (u == "organisation") s.unit = VoteUnit::organisation;
    else return bad("unit must be delegate or organisation");
  }
  for (const auto& [name, flag] : {std::pair{"revote", &s.revote}, std::pair{"secret", &s.secret}}) {
    if (!j.contains(name)) continue;
    if (!j[name].is_boolean()) return bad(std::string(name) + " must be a boolean");
    *flag = j[name].get<bool>();
  }
  if (j.contains("max_proxies")) {
    if (!j["max_proxies"].is_number_integer()) return bad("max_proxies must be an integer");
    s.max_proxies = j["max_proxies"].get<std::int64_t>();
  }
  if (j.contains("weights")) {
    if (!j["weights"].is_object()) return bad("weights must be an object");
    for (const auto& [unit, w] : j["weights"].items()) {
      if (!w.is_number_integer()) return bad("weights must be integers");
      s.weights[unit] = w.get<std::int64_t>();
    }
  }
  if (auto problem = settings_problem(s)) return bad(*problem);
  return s;
}

nlohmann::json to_json(const PollSettings& s) {
  nlohmann::json j = {{"method", std::string(to_string(s.method))},
                      {"options", s.options},
                      {"threshold", to_json(s.threshold)},
                      {"unit", s.unit == VoteUnit::delegate ? "delegate" : "organisation"},
                      {"revote", s.revote},
                      {"max_proxies", s.max_proxies},
                      {"secret", s.secret},
                      {"weights", nlohmann::json::object()}};
  j["quorum"] = s.quorum ? to_json(*s.quorum) : nlohmann::json(nullptr);
  j["consensus_fallback"] = s.consensus_fallback ? to_json(*s.consensus_fallback) : nlohmann::json(nullptr);
  for (const auto& [unit, w] : s.weights) j["weights"][unit] = w;
  return j;
}

Poll::Poll(std::string id, PollSettings settings, std::vector<Voter> roll)
    : id_(std::move(id)), settings_(std::move(settings)), roll_(std::move(roll)) {
  if (auto problem = settings_problem(settings_)) throw std::invalid_argument(*problem);
  roll_index_.reserve(roll_.size());
  for (std::size_t i = 0; i < roll_.size(); ++i)
    if (roll_[i].delegate.empty() || !roll_index_.emplace(roll_[i].delegate, i).second)
      throw std::invalid_argument("roll delegates must be distinct and non-empty");
  std::set<std::string> units;
  for (const auto& v : roll_) units.insert(unit_of(v));
  for (const auto& u : units) entitled_ += weight_of(u);
  if (entitled_ > kMaxCount) throw std::invalid_argument("total weight out of range");
  ballot_index_.reserve(units.size());
}

std::optional<BallotError> Poll::move_to(PollState to) {
  if (!may_move(state_, to))
    return err(codes::kInvalidState,
               "poll cannot move from " + std::string(to_string(state_)) + " to " + std::string(to_string(to)));
  state_ = to;
  return std::nullopt;
}

const Voter* Poll::voter(const std::string& delegate) const {
  auto it = roll_index_.find(delegate);
  return it == roll_index_.end() ? nullptr : &roll_[it->second];
}

const CastBallot* Poll::ballot_for(const std::string& unit) const {
  auto it = ballot_index_.find(unit);
  return it == ballot_index_.end() ? nullptr : &ballots_[it->second];
}

const std::string& Poll::unit_of(const Voter& v) const {
  return settings_.unit == VoteUnit::delegate ? v.delegate : v.organisation;
}

std::int64_t Poll::weight_of(const std::string& unit) const {
  auto it = settings_.weights.find(unit);
  return it == settings_.weights.end() ? 1 : it->second;
}

std::optional<BallotError> Poll::grant_proxy(const std::string& principal, const std::string& holder) {
  if (principal == holder) return err(codes::kBadMessage, "a delegate cannot hold their own proxy");
  if (!voter(principal) || !voter(holder))
    return err(codes::kNotAllowed, "both principal and holder must be entitled to vote");
  proxies_[principal] = holder;
  return std::nullopt;
}

std::optional<BallotError> Poll::cast(const std::string& caster, const std::string& voter, const Choice& choice) {
  if (state_ != PollState::open)
    return err(codes::kInvalidState, "poll is " + std::string(to_string(state_)) + ", not open");
  const Voter* v = this->voter(voter);
  if (!v) return err(codes::kNotAllowed, voter + " is not entitled to vote in this poll");
  if (!this->voter(caster)) return err(codes::kNotAllowed, caster + " is not entitled to vote in this poll");
  const bool by_proxy = caster != voter;
  if (by_proxy) {
    auto it = proxies_.find(voter);
    if (it == proxies_.end() || it->second != caster)
      return err(codes::kNotAllowed, caster + " does not hold a proxy for " + voter);
  }
  if (auto e = validate(settings_.method, settings_.options, choice)) return e;

  const std::string& unit = unit_of(*v);
  auto existing = ballot_index_.find(unit);
  if (existing != ballot_index_.end() && !settings_.revote)
    return err(codes::kDuplicate, "a ballot for " + unit + " has already been cast and re-voting is not allowed");

  if (by_proxy) {
    // The holder's proxy ballots still counted, not counting the one this would replace (one
    // ballot per unit, and a voter has one unit, so ballots and principals are one to one).
    auto held_it = proxy_ballots_.find(caster);
    std::int64_t held = held_it == proxy_ballots_.end() ? 0 : held_it->second;
    if (existing != ballot_index_.end()) {
      const CastBallot& old = ballots_[existing->second];
      if (old.cast_by == caster && is_proxy_ballot(old)) --held;
    }
    if (held >= settings_.max_proxies)
      return err(codes::kNotAllowed, caster + " has already cast " + std::to_string(held) +
                                         " proxy ballots, the limit is " + std::to_string(settings_.max_proxies));
  }

  CastBallot b{unit, voter, caster, choice, weight_of(unit), next_seq_++};
  if (existing != ballot_index_.end()) {
    // A re-vote: the earlier ballot leaves the box and the later ones move down by one.
    std::size_t at = existing->second;
    if (is_proxy_ballot(ballots_[at])) --proxy_ballots_[ballots_[at].cast_by];
    ballots_.erase(ballots_.begin() + static_cast<std::ptrdiff_t>(at));
    for (std::size_t i = at; i < ballots_.size(); ++i) ballot_index_[ballots_[i].unit] = i;
  }
  if (by_proxy) ++proxy_ballots_[caster];
  ballot_index_[b.unit] = ballots_.size();
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
