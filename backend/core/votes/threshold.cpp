#include "core/votes/threshold.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace plenary::votes {
namespace {

using std::to_string;

void check_count(std::int64_t n, const char* what) {
  if (n < 0 || n > kMaxCount) throw std::invalid_argument(std::string(what) + " out of range");
}

void check_counts(const Counts& c) {
  check_count(c.yes, "yes");
  check_count(c.no, "no");
  check_count(c.abstain, "abstain");
}

void check_fraction(Fraction f) {
  if (f.q <= 0 || f.q > kMaxDenominator || f.p <= 0 || f.p > f.q)
    throw std::invalid_argument("fraction must have 0 < p <= q <= 2^20");
}

std::string verdict(bool passed) { return passed ? ": passed" : ": failed"; }

std::string abstentions(const Counts& c) {
  return " (abstentions " + to_string(c.abstain) + " not counted)";
}

ThresholdResult base_result(const char* rule, const Counts& c) {
  ThresholdResult r;
  r.rule = rule;
  r.numbers = {{"yes", c.yes}, {"no", c.no}, {"abstain", c.abstain}, {"cast", c.cast()}};
  return r;
}

const char* kind_name(ThresholdRule::Kind k) {
  switch (k) {
    case ThresholdRule::Kind::simple_majority: return "simple_majority";
    case ThresholdRule::Kind::absolute_majority: return "absolute_majority";
    case ThresholdRule::Kind::two_thirds: return "two_thirds";
    case ThresholdRule::Kind::fraction: return "fraction";
  }
  return "simple_majority";
}

}  // namespace

ThresholdResult simple_majority(const Counts& c) {
  check_counts(c);
  ThresholdResult r = base_result("simple_majority", c);
  if (c.cast() == 0) {
    r.explanation = "no yes or no votes cast" + abstentions(c) + verdict(false);
    return r;
  }
  r.passed = c.yes > c.no;
  const char* op = c.yes > c.no ? " > " : (c.yes == c.no ? " = " : " < ");
  r.explanation = "yes " + to_string(c.yes) + op + "no " + to_string(c.no) + abstentions(c) +
                  (c.yes == c.no ? ", a tie" : "") + verdict(r.passed);
  return r;
}

ThresholdResult absolute_majority(const Counts& c, std::int64_t entitled) {
  check_counts(c);
  check_count(entitled, "entitled");
  ThresholdResult r = base_result("absolute_majority", c);
  r.numbers["entitled"] = entitled;
  r.numbers["required"] = entitled / 2 + 1;  // the smallest yes with yes*2 > entitled
  if (entitled == 0 || c.cast() == 0) {
    r.explanation = (entitled == 0 ? std::string("nobody entitled to vote")
                                   : "no yes or no votes cast" + abstentions(c)) + verdict(false);
    return r;
  }
  r.passed = c.yes * 2 > entitled;
  r.explanation = "2 x yes " + to_string(c.yes) + " = " + to_string(c.yes * 2) +
                  (r.passed ? " > " : " <= ") + "entitled " + to_string(entitled) +
                  " (more than half of all entitled, present or not; at least " +
                  to_string(entitled / 2 + 1) + " yes needed)" + verdict(r.passed);
  return r;
}

ThresholdResult two_thirds(const Counts& c) {
  check_counts(c);
  ThresholdResult r = base_result("two_thirds", c);
  if (c.cast() == 0) {
    r.explanation = "no yes or no votes cast" + abstentions(c) + verdict(false);
    return r;
  }
  r.passed = 3 * c.yes >= 2 * c.cast();
  r.explanation = "3 x yes " + to_string(c.yes) + " = " + to_string(3 * c.yes) +
                  (r.passed ? " >= " : " < ") + "2 x cast " + to_string(c.cast()) + " = " +
                  to_string(2 * c.cast()) + " (at least two thirds of votes cast)" + abstentions(c) +
                  verdict(r.passed);
  return r;
}

ThresholdResult fraction(const Counts& c, Fraction f, Base base, bool strict, std::int64_t entitled) {
  check_counts(c);
  check_fraction(f);
  check_count(entitled, "entitled");
  ThresholdResult r = base_result("fraction", c);
  const std::int64_t b = base == Base::cast ? c.cast() : entitled;
  const char* base_name = base == Base::cast ? "cast" : "entitled";
  r.numbers["p"] = f.p;
  r.numbers["q"] = f.q;
  r.numbers[base_name] = b;
  r.numbers["strict"] = strict ? 1 : 0;
  const std::string share = to_string(f.p) + "/" + to_string(f.q);
  if (b == 0 || c.cast() == 0) {
    r.explanation = (b == 0 ? std::string("base (") + base_name + ") is zero"
                            : "no yes or no votes cast" + abstentions(c)) + verdict(false);
    return r;
  }
  const std::int64_t lhs = c.yes * f.q, rhs = f.p * b;
  r.passed = strict ? lhs > rhs : lhs >= rhs;
  r.explanation = "yes " + to_string(c.yes) + " x " + to_string(f.q) + " = " + to_string(lhs) +
                  (r.passed ? (strict ? " > " : " >= ") : (strict ? " <= " : " < ")) +
                  to_string(f.p) + " x " + base_name + " " + to_string(b) + " = " + to_string(rhs) +
                  " (" + (strict ? "more than " : "at least ") + share + " of " +
                  (base == Base::cast ? "votes cast" : "those entitled") + ")" +
                  (base == Base::cast ? abstentions(c) : std::string()) + verdict(r.passed);
  return r;
}

ThresholdResult quorum(const Quorum& q, std::int64_t present, std::int64_t entitled) {
  check_count(present, "present");
  check_count(entitled, "entitled");
  ThresholdResult r;
  r.rule = "quorum";
  r.numbers = {{"present", present}, {"entitled", entitled}};
  if (q.kind == Quorum::Kind::absolute) {
    check_count(q.minimum, "quorum minimum");
    r.numbers["minimum"] = q.minimum;
    r.passed = present > 0 && present >= q.minimum;
    r.explanation = "present " + to_string(present) + (r.passed ? " >= " : " < ") + "minimum " +
                    to_string(std::max<std::int64_t>(q.minimum, 1)) + verdict(r.passed);
    return r;
  }
  check_fraction(q.share);
  r.numbers["p"] = q.share.p;
  r.numbers["q"] = q.share.q;
  const std::int64_t lhs = present * q.share.q, rhs = q.share.p * entitled;
  r.passed = present > 0 && lhs >= rhs;
  r.explanation = "present " + to_string(present) + " x " + to_string(q.share.q) + " = " +
                  to_string(lhs) + (r.passed ? " >= " : " < ") + to_string(q.share.p) +
                  " x entitled " + to_string(entitled) + " = " + to_string(rhs) + " (at least " +
                  to_string(q.share.p) + "/" + to_string(q.share.q) + " of those entitled present)" +
                  verdict(r.passed);
  return r;
}

ThresholdResult evaluate(const ThresholdRule& rule, const Counts& c, std::int64_t entitled) {
  switch (rule.kind) {
    case ThresholdRule::Kind::simple_majority: return simple_majority(c);
    case ThresholdRule::Kind::absolute_majority: return absolute_majority(c, entitled);
    case ThresholdRule::Kind::two_thirds: return two_thirds(c);
    case ThresholdRule::Kind::fraction: return fraction(c, rule.share, rule.base, rule.strict, entitled);
  }
  throw std::invalid_argument("unknown threshold kind");
}

nlohmann::json to_json(const ThresholdResult& r) {
  nlohmann::json numbers = nlohmann::json::object();
  for (const auto& [k, v] : r.numbers) numbers[k] = v;
  return {{"rule", r.rule}, {"passed", r.passed}, {"explanation", r.explanation}, {"numbers", numbers}};
}

nlohmann::json to_json(const ThresholdRule& r) {
  nlohmann::json j = {{"kind", kind_name(r.kind)}};
  if (r.kind == ThresholdRule::Kind::fraction) {
    j["p"] = r.share.p;
    j["q"] = r.share.q;
    j["base"] = r.base == Base::cast ? "cast" : "entitled";
    j["strict"] = r.strict;
  }
  return j;
}

nlohmann::json to_json(const Quorum& q) {
  if (q.kind == Quorum::Kind::absolute) return {{"kind", "absolute"}, {"minimum", q.minimum}};
  return {{"kind", "fraction"}, {"p", q.share.p}, {"q", q.share.q}};
}

namespace {
std::int64_t int_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) throw std::invalid_argument(std::string("missing integer ") + name);
  return it->get<std::int64_t>();
}
}  // namespace

ThresholdRule rule_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    throw std::invalid_argument("threshold rule needs a kind");
  const auto kind = j["kind"].get<std::string>();
  ThresholdRule r;
  if (kind == "simple_majority") r.kind = ThresholdRule::Kind::simple_majority;
  else if (kind == "absolute_majority") r.kind = ThresholdRule::Kind::absolute_majority;
  else if (kind == "two_thirds") r.kind = ThresholdRule::Kind::two_thirds;
  else if (kind == "fraction") {
    r.kind = ThresholdRule::Kind::fraction;
    r.share = {int_field(j, "p"), int_field(j, "q")};
    check_fraction(r.share);
    const auto base = j.value("base", std::string("cast"));
    if (base != "cast" && base != "entitled") throw std::invalid_argument("base must be cast or entitled");
    r.base = base == "cast" ? Base::cast : Base::entitled;
    if (j.contains("strict") && !j["strict"].is_boolean()) throw std::invalid_argument("strict must be boolean");
    r.strict = j.value("strict", false);
  } else {
    throw std::invalid_argument("unknown threshold kind: " + kind);
  }
  return r;
}

Quorum quorum_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    throw std::invalid_argument("quorum needs a kind");
  Quorum q;
  const auto kind = j["kind"].get<std::string>();
  if (kind == "absolute") {
    q.kind = Quorum::Kind::absolute;
    q.minimum = int_field(j, "minimum");
    check_count(q.minimum, "quorum minimum");
  } else if (kind == "fraction") {
    q.kind = Quorum::Kind::fraction;
    q.share = {int_field(j, "p"), int_field(j, "q")};
    check_fraction(q.share);
  } else {
    throw std::invalid_argument("unknown quorum kind: " + kind);
  }
  return q;
}

}  // namespace plenary::votes
