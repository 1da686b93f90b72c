// Thresholds and quorum, in exact integer arithmetic (no floating point anywhere).
//
// Every rule compares cross-multiplied integers, so "two thirds" is 3*yes >= 2*(yes+no) and
// never 0.666... . "Votes cast" means yes + no: abstentions are reported but never counted in
// the base. Invariants kept by every evaluation:
//   - zero votes cast (including "everyone abstained") fails every rule;
//   - a tie (yes == no) fails simple majority;
//   - the ThresholdResult names every number it used and says in words how it was computed.
// Counts are non-negative and at most kMaxCount; fractions have 0 < p <= q <= kMaxDenominator.
// Out-of-range inputs throw std::invalid_argument (they are programming errors, not votes).
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace plenary::votes {

// Largest count (votes, weights, voters) accepted: 2^40. With denominators of at most 2^20 no
// product can overflow a signed 64-bit integer.
inline constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;
inline constexpr std::int64_t kMaxDenominator = std::int64_t{1} << 20;

// Weighted counts of a yes/no/abstain decision.
struct Counts {
  std::int64_t yes = 0;
  std::int64_t no = 0;
  std::int64_t abstain = 0;
  std::int64_t cast() const noexcept { return yes + no; }  // abstentions excluded
};

struct Fraction {
  std::int64_t p = 1;
  std::int64_t q = 2;
  friend bool operator==(const Fraction&, const Fraction&) = default;
};

// What a fraction is taken of.
enum class Base { cast, entitled };

struct ThresholdResult {
  bool passed = false;
  std::string rule;         // "simple_majority", "absolute_majority", "two_thirds", "fraction", "quorum"
  std::string explanation;  // e.g. "yes 41 > no 39 (abstentions 5 not counted): passed"
  std::map<std::string, std::int64_t> numbers;  // every number the rule used, by name
};

// yes > no. Abstentions excluded; a tie fails; zero votes cast fails.
ThresholdResult simple_majority(const Counts& c);
// yes * 2 > entitled: more than half of all who are entitled to vote, present or not.
// Fails when entitled == 0.
ThresholdResult absolute_majority(const Counts& c, std::int64_t entitled);
// At least two thirds of votes cast: 3 * yes >= 2 * (yes + no), with yes + no > 0.
ThresholdResult two_thirds(const Counts& c);
// yes * q >= p * base (or > with `strict`), base = yes + no or `entitled`. Fails when base == 0.
// Note: fraction 1/2 without `strict` means "at least half", which a tie meets; use strict for
// "more than half".
ThresholdResult fraction(const Counts& c, Fraction f, Base base, bool strict, std::int64_t entitled = 0);

// A quorum: either a fraction of the entitled voters (present * q >= p * entitled) or an
// absolute number (present >= n). Nobody present is never a quorum.
struct Quorum {
  enum class Kind { fraction, absolute } kind = Kind::fraction;
  Fraction share{1, 2};
  std::int64_t minimum = 0;  // for Kind::absolute
};
ThresholdResult quorum(const Quorum& q, std::int64_t present, std::int64_t entitled);

// A threshold rule as data, so a poll can carry it and the wire can describe it.
struct ThresholdRule {
  enum class Kind { simple_majority, absolute_majority, two_thirds, fraction } kind = Kind::simple_majority;
  Fraction share{1, 2};     // for Kind::fraction
  Base base = Base::cast;   // for Kind::fraction
  bool strict = false;      // for Kind::fraction
};
ThresholdResult evaluate(const ThresholdRule& rule, const Counts& c, std::int64_t entitled);

nlohmann::json to_json(const ThresholdResult& r);
nlohmann::json to_json(const ThresholdRule& r);
nlohmann::json to_json(const Quorum& q);
// Parse rules from JSON; throw std::invalid_argument with a short reason on malformed input.
ThresholdRule rule_from_json(const nlohmann::json& j);
Quorum quorum_from_json(const nlohmann::json& j);

}  // namespace plenary::votes
