// The Schulze method on published worked examples, partial rankings and deterministic ties.
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/votes/schulze.hpp"

using namespace plenary::votes;

namespace {
enum { A, B, C, D, E };
RankedBallot ballot(std::initializer_list<std::size_t> r, std::int64_t w) { return {r, w}; }
}  // namespace

// The example of the Wikipedia article "Schulze method": 45 voters, candidates A-E.
TEST(Schulze, WikipediaFortyFiveVoters) {
  std::vector<RankedBallot> bs = {
      ballot({A, C, B, E, D}, 5), ballot({A, D, E, C, B}, 5), ballot({B, E, D, A, C}, 8),
      ballot({C, A, B, E, D}, 3), ballot({C, A, E, B, D}, 7), ballot({C, B, A, D, E}, 2),
      ballot({D, C, E, B, A}, 7), ballot({E, B, A, D, C}, 8)};
  auto r = schulze(5, bs);
  // Pairwise preferences as published.
  EXPECT_EQ(r.d[A][B], 20);
  EXPECT_EQ(r.d[B][A], 25);
  EXPECT_EQ(r.d[A][C], 26);
  EXPECT_EQ(r.d[A][D], 30);
  EXPECT_EQ(r.d[A][E], 22);
  EXPECT_EQ(r.d[E][D], 31);
  EXPECT_EQ(r.d[C][B], 29);
  // Strongest paths as published.
  std::vector<std::vector<std::int64_t>> p = {
      {0, 28, 28, 30, 24}, {25, 0, 28, 33, 24}, {25, 29, 0, 29, 24}, {25, 28, 28, 0, 24}, {25, 28, 28, 31, 0}};
  EXPECT_EQ(r.p, p);
  EXPECT_EQ(r.winners, (std::vector<std::size_t>{E}));
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{E, A, C, B, D}));
  EXPECT_TRUE(r.ties.empty());
}

TEST(Schulze, TwoWayTieIsBrokenByOptionOrderAndReported) {
  auto r = schulze(2, {ballot({A, B}, 1), ballot({B, A}, 1)});
  EXPECT_EQ(r.winners, (std::vector<std::size_t>{A, B}));
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{A, B}));
  ASSERT_EQ(r.ties.size(), 1u);
  EXPECT_EQ(r.ties[0].position, 0u);
  EXPECT_EQ(r.ties[0].candidates, (std::vector<std::size_t>{A, B}));
  EXPECT_EQ(r.ties[0].chosen, static_cast<std::size_t>(A));
}

TEST(Schulze, ThreeWayCycleOfEqualStrengthIsATie) {
  // The Condorcet paradox: every candidate loses one pairwise contest 1:2.
  auto r = schulze(3, {ballot({A, B, C}, 1), ballot({B, C, A}, 1), ballot({C, A, B}, 1)});
  EXPECT_EQ(r.winners.size(), 3u);
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{A, B, C}));
  ASSERT_EQ(r.ties.size(), 2u);  // first place among three, then second among two
  EXPECT_EQ(r.ties[1].candidates, (std::vector<std::size_t>{B, C}));
}

TEST(Schulze, CycleResolvedByStrength) {
  // A>B 4:3... a cycle A>B>C>A whose weakest link C>A breaks it: winner A.
  auto r = schulze(3, {ballot({A, B, C}, 4), ballot({B, C, A}, 3), ballot({C, A, B}, 2)});
  // d[A][B] = 6, d[B][C] = 7, d[C][A] = 5: the weakest defeat (C over A) is dropped.
  EXPECT_EQ(r.d[A][B], 6);
  EXPECT_EQ(r.d[B][C], 7);
  EXPECT_EQ(r.d[C][A], 5);
  EXPECT_EQ(r.winners, (std::vector<std::size_t>{A}));
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{A, B, C}));
}

TEST(Schulze, PartialRankingPrefersRankedOverUnranked) {
  // Two ballots rank only C; one ranks A > B. Unranked candidates are tied on a ballot.
  auto r = schulze(3, {ballot({C}, 2), ballot({A, B}, 1)});
  EXPECT_EQ(r.d[C][A], 2);
  EXPECT_EQ(r.d[C][B], 2);
  EXPECT_EQ(r.d[A][B], 1);
  EXPECT_EQ(r.d[B][A], 0);  // the C-only ballots say nothing about A versus B
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{C, A, B}));
}

TEST(Schulze, WeightsMultiplyPreferences) {
  auto r = schulze(2, {ballot({A, B}, 1), ballot({B, A}, 3)});
  EXPECT_EQ(r.d[B][A], 3);
  EXPECT_EQ(r.winners, (std::vector<std::size_t>{B}));
}

TEST(Schulze, NoBallotsTiesEveryone) {
  auto r = schulze(3, {});
  EXPECT_EQ(r.winners.size(), 3u);
  EXPECT_EQ(r.ranking, (std::vector<std::size_t>{A, B, C}));
}

TEST(Schulze, RejectsBadBallots) {
  EXPECT_THROW(schulze(2, {ballot({A, A}, 1)}), std::invalid_argument);
  EXPECT_THROW(schulze(2, {ballot({C}, 1)}), std::invalid_argument);
}

TEST(Schulze, JsonNamesCandidates) {
  auto j = to_json(schulze(2, {ballot({A, B}, 1), ballot({B, A}, 1)}), {"alpha", "beta"});
  EXPECT_EQ(j["ranking"], nlohmann::json({"alpha", "beta"}));
  EXPECT_EQ(j["pairwise"]["alpha"]["beta"], 1);
  EXPECT_EQ(j["ties"][0]["chosen"], "alpha");
  EXPECT_EQ(j["tie_break"], "option order");
}
