// Thresholds and quorum: exact integer rules, edge cases (ties, zero votes, all abstain,
// quorum just met / just missed, absolute majority with many absent, two thirds exactly met).
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/votes/threshold.hpp"

using namespace plenary::votes;

TEST(SimpleMajority, YesMoreThanNoPassesAndExplains) {
  auto r = simple_majority({41, 39, 5});
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.explanation, "yes 41 > no 39 (abstentions 5 not counted): passed");
  EXPECT_EQ(r.numbers.at("cast"), 80);
  EXPECT_EQ(r.numbers.at("abstain"), 5);
}

TEST(SimpleMajority, TieFails) {
  auto r = simple_majority({20, 20, 3});
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.explanation.find("a tie"), std::string::npos);
}

TEST(SimpleMajority, AbstentionsDoNotCount) {
  // 3 yes, 2 no, 50 abstain: passes (abstentions are not votes cast).
  EXPECT_TRUE(simple_majority({3, 2, 50}).passed);
  EXPECT_FALSE(simple_majority({2, 3, 0}).passed);
}

TEST(SimpleMajority, ZeroVotesAndAllAbstainFail) {
  EXPECT_FALSE(simple_majority({0, 0, 0}).passed);
  auto r = simple_majority({0, 0, 12});
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.explanation.find("no yes or no votes cast"), std::string::npos);
}

TEST(AbsoluteMajority, CountsEveryoneEntitledPresentOrNot) {
  // 60 of 200 entitled vote yes, 10 no: a landslide among those present, but not an absolute majority.
  auto r = absolute_majority({60, 10, 0}, 200);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.numbers.at("required"), 101);
  EXPECT_TRUE(absolute_majority({101, 0, 0}, 200).passed);
  EXPECT_FALSE(absolute_majority({100, 0, 0}, 200).passed);  // exactly half is not more than half
  EXPECT_TRUE(absolute_majority({51, 0, 0}, 101).passed);
  EXPECT_FALSE(absolute_majority({50, 0, 0}, 101).passed);
}

TEST(AbsoluteMajority, NobodyEntitledFails) {
  EXPECT_FALSE(absolute_majority({0, 0, 0}, 0).passed);
  EXPECT_FALSE(absolute_majority({0, 0, 7}, 10).passed);
}

TEST(TwoThirds, ExactlyTwoThirdsPasses) {
  auto r = two_thirds({40, 20, 9});
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.explanation,
            "3 x yes 40 = 120 >= 2 x cast 60 = 120 (at least two thirds of votes cast) (abstentions 9 not "
            "counted): passed");
  EXPECT_FALSE(two_thirds({39, 20, 0}).passed);  // 117 < 118
  EXPECT_TRUE(two_thirds({2, 1, 0}).passed);
  EXPECT_FALSE(two_thirds({1, 1, 0}).passed);
}

TEST(TwoThirds, ZeroVotesAndAllAbstainFail) {
  EXPECT_FALSE(two_thirds({0, 0, 0}).passed);
  EXPECT_FALSE(two_thirds({0, 0, 5}).passed);
}

TEST(Fraction, AtLeastAndStrictlyMore) {
  // three fifths of votes cast: 30 of 50 exactly.
  EXPECT_TRUE(fraction({30, 20, 0}, {3, 5}, Base::cast, false).passed);
  EXPECT_FALSE(fraction({30, 20, 0}, {3, 5}, Base::cast, true).passed);
  EXPECT_TRUE(fraction({31, 19, 0}, {3, 5}, Base::cast, true).passed);
  // 1/2 non-strict is "at least half": a tie meets it; strict does not.
  EXPECT_TRUE(fraction({5, 5, 0}, {1, 2}, Base::cast, false).passed);
  EXPECT_FALSE(fraction({5, 5, 0}, {1, 2}, Base::cast, true).passed);
}

TEST(Fraction, OfEntitled) {
  auto r = fraction({30, 0, 0}, {1, 3}, Base::entitled, false, 90);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.numbers.at("entitled"), 90);
  EXPECT_FALSE(fraction({29, 0, 0}, {1, 3}, Base::entitled, false, 90).passed);
  EXPECT_FALSE(fraction({0, 0, 4}, {1, 3}, Base::entitled, false, 90).passed);
  EXPECT_FALSE(fraction({0, 0, 0}, {1, 3}, Base::entitled, false, 0).passed);
}

TEST(Fraction, RejectsNonsenseFractionsAndCounts) {
  EXPECT_THROW(fraction({1, 0, 0}, {0, 2}, Base::cast, false), std::invalid_argument);
  EXPECT_THROW(fraction({1, 0, 0}, {3, 2}, Base::cast, false), std::invalid_argument);
  EXPECT_THROW(fraction({1, 0, 0}, {1, 0}, Base::cast, false), std::invalid_argument);
  EXPECT_THROW(simple_majority({-1, 0, 0}), std::invalid_argument);
  EXPECT_THROW(simple_majority({kMaxCount + 1, 0, 0}), std::invalid_argument);
}

TEST(Fraction, LargeCountsDoNotOverflow) {
  const std::int64_t n = kMaxCount;
  // yes * q = 2^60 < p * cast = (2^20 - 1) * 1.5 * 2^40: computed exactly, no overflow.
  EXPECT_FALSE(fraction({n, n / 2, 0}, {kMaxDenominator - 1, kMaxDenominator}, Base::cast, false).passed);
  EXPECT_TRUE(fraction({n, 0, 0}, {kMaxDenominator - 1, kMaxDenominator}, Base::cast, true).passed);
  EXPECT_TRUE(two_thirds({n, n / 2, 0}).passed);
}

TEST(Quorum, JustMetAndJustMissed) {
  Quorum half{Quorum::Kind::fraction, {1, 2}, 0};
  EXPECT_TRUE(quorum(half, 50, 100).passed);
  EXPECT_FALSE(quorum(half, 49, 100).passed);
  EXPECT_TRUE(quorum(half, 51, 101).passed);   // 102 >= 101
  EXPECT_FALSE(quorum(half, 50, 101).passed);  // 100 < 101
  Quorum third{Quorum::Kind::fraction, {1, 3}, 0};
  EXPECT_TRUE(quorum(third, 34, 100).passed);
  EXPECT_FALSE(quorum(third, 33, 100).passed);
}

TEST(Quorum, AbsoluteNumberAndNobodyPresent) {
  Quorum abs{Quorum::Kind::absolute, {1, 2}, 150};
  EXPECT_TRUE(quorum(abs, 150, 800).passed);
  EXPECT_FALSE(quorum(abs, 149, 800).passed);
  EXPECT_FALSE(quorum(Quorum{Quorum::Kind::absolute, {1, 2}, 0}, 0, 10).passed);
  EXPECT_FALSE(quorum(Quorum{}, 0, 0).passed);
}

TEST(ThresholdJson, ResultAndRulesRoundTrip) {
  auto j = to_json(simple_majority({41, 39, 5}));
  EXPECT_EQ(j["rule"], "simple_majority");
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["numbers"]["yes"], 41);
  EXPECT_EQ(j["numbers"]["abstain"], 5);

  ThresholdRule rule{ThresholdRule::Kind::fraction, {3, 5}, Base::entitled, true};
  auto back = rule_from_json(to_json(rule));
  EXPECT_EQ(back.kind, ThresholdRule::Kind::fraction);
  EXPECT_EQ(back.share, (Fraction{3, 5}));
  EXPECT_EQ(back.base, Base::entitled);
  EXPECT_TRUE(back.strict);
  EXPECT_THROW(rule_from_json(nlohmann::json{{"kind", "three_quarters"}}), std::invalid_argument);
  EXPECT_THROW(rule_from_json(nlohmann::json{{"kind", "fraction"}, {"p", 3}}), std::invalid_argument);

  auto q = quorum_from_json(to_json(Quorum{Quorum::Kind::absolute, {1, 2}, 42}));
  EXPECT_EQ(q.kind, Quorum::Kind::absolute);
  EXPECT_EQ(q.minimum, 42);
}

TEST(ThresholdRule, EvaluateDispatches) {
  Counts c{40, 20, 0};
  EXPECT_EQ(evaluate({ThresholdRule::Kind::two_thirds}, c, 100).rule, "two_thirds");
  EXPECT_FALSE(evaluate({ThresholdRule::Kind::absolute_majority}, c, 100).passed);
  EXPECT_TRUE(evaluate({ThresholdRule::Kind::absolute_majority}, c, 79).passed);
}
