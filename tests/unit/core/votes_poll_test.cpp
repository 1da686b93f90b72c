// Polls: state machine, ballot validation codes, re-voting, per-organisation voting, proxies,
// weights and tallies of every method.
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/votes/ballot.hpp"
#include "core/votes/codes.hpp"
#include "core/votes/poll.hpp"
#include "core/votes/tally.hpp"

using namespace plenary::votes;
using nlohmann::json;

namespace {

std::vector<Voter> roll() {
  return {{"ana", "unionA"}, {"ben", "unionA"}, {"chi", "migrantsB"}, {"dev", "migrantsB"}, {"eli", "womenC"}};
}

Poll open_poll(PollSettings s, std::vector<Voter> r = roll()) {
  Poll p("p1", std::move(s), std::move(r));
  EXPECT_FALSE(p.move_to(PollState::open));
  return p;
}

Choice vote(const char* v) { return Choice{v, {}, {}}; }

std::string code_of(const std::optional<BallotError>& e) { return e ? e->code : "ok"; }

}  // namespace

TEST(PollState, OnlyTableEdges) {
  EXPECT_TRUE(may_move(PollState::created, PollState::open));
  EXPECT_TRUE(may_move(PollState::closed, PollState::published));
  EXPECT_FALSE(may_move(PollState::created, PollState::closed));
  EXPECT_FALSE(may_move(PollState::published, PollState::open));
  EXPECT_FALSE(may_move(PollState::closed, PollState::open));
  Poll p("p", {}, roll());
  EXPECT_EQ(code_of(p.move_to(PollState::closed)), codes::kInvalidState);
  EXPECT_EQ(p.state(), PollState::created);
}

TEST(Poll, BallotsOnlyWhileOpen) {
  Poll p("p", {}, roll());
  EXPECT_EQ(code_of(p.cast("ana", "ana", vote("yes"))), codes::kInvalidState);
  ASSERT_FALSE(p.move_to(PollState::open));
  EXPECT_EQ(code_of(p.cast("ana", "ana", vote("yes"))), "ok");
  ASSERT_FALSE(p.move_to(PollState::closed));
  EXPECT_EQ(code_of(p.cast("ben", "ben", vote("yes"))), codes::kInvalidState);
  EXPECT_EQ(p.ballots().size(), 1u);
}

TEST(Poll, IneligibleVoterIsNotAllowed) {
  Poll p = open_poll({});
  EXPECT_EQ(code_of(p.cast("observer", "observer", vote("yes"))), codes::kNotAllowed);
  EXPECT_TRUE(p.ballots().empty());
}

TEST(Poll, BallotValidationCodes) {
  PollSettings s;
  s.method = Method::ranked;
  s.options = {"a", "b", "c"};
  Poll p = open_poll(s);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json{{"ranking", json::array()}})), codes::kBadMessage);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json{{"ranking", {"a", "b", "a"}}})), codes::kBadMessage);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json{{"ranking", {"a", "z"}}})), codes::kBadMessage);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json{{"ranking", "a"}})), codes::kBadMessage);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json::array())), codes::kBadMessage);
  EXPECT_EQ(code_of(p.cast_json("ana", "ana", json{{"ranking", {"c", "a"}}})), "ok");

  PollSettings s2;
  s2.method = Method::single_choice;
  s2.options = {"a", "b"};
  Poll q = open_poll(s2);
  EXPECT_EQ(code_of(q.cast_json("ana", "ana", json{{"option", "c"}})), codes::kBadMessage);
  EXPECT_EQ(code_of(q.cast_json("ana", "ana", json{{"option", 1}})), codes::kBadMessage);

  Poll y = open_poll({});
  EXPECT_EQ(code_of(y.cast_json("ana", "ana", json{{"vote", "maybe"}})), codes::kBadMessage);

  PollSettings s3;
  s3.method = Method::consensus;
  Poll c = open_poll(s3);
  EXPECT_EQ(code_of(c.cast_json("ana", "ana", json{{"position", "block"}})), codes::kBadMessage);
  EXPECT_EQ(code_of(c.cast_json("ana", "ana", json{{"position", "block"}, {"reason", "  "}})), codes::kBadMessage);
  EXPECT_EQ(code_of(c.cast_json("ana", "ana", json{{"position", "block"}, {"reason", "excludes domestic workers"}})),
            "ok");
}

TEST(Poll, UnknownMethodNameIsRejected) {
  EXPECT_FALSE(method_from_string("approval").has_value());
  EXPECT_EQ(method_from_string("ranked"), Method::ranked);
  EXPECT_EQ(to_string(Method::yes_no_abstain), "yes_no_abstain");
}

TEST(Poll, BadSettingsThrow) {
  PollSettings s;
  s.method = Method::single_choice;
  s.options = {"a"};
  EXPECT_THROW(Poll("p", s, roll()), std::invalid_argument);
  s.options = {"a", "a"};
  EXPECT_THROW(Poll("p", s, roll()), std::invalid_argument);
  PollSettings w;
  w.weights["ana"] = 0;
  EXPECT_THROW(Poll("p", w, roll()), std::invalid_argument);
  EXPECT_THROW(Poll("p", {}, {{"ana", "x"}, {"ana", "y"}}), std::invalid_argument);
}

TEST(Poll, SecondBallotIsDuplicateWithoutRevoting) {
  Poll p = open_poll({});
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  EXPECT_EQ(code_of(p.cast("ana", "ana", vote("no"))), codes::kDuplicate);
  ASSERT_EQ(p.ballots().size(), 1u);
  EXPECT_EQ(p.ballots()[0].choice.value, "yes");
}

TEST(Poll, RevotingReplacesTheEarlierBallot) {
  PollSettings s;
  s.revote = true;
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  ASSERT_FALSE(p.cast("ben", "ben", vote("yes")));
  ASSERT_FALSE(p.cast("ana", "ana", vote("no")));
  ASSERT_EQ(p.ballots().size(), 2u);
  EXPECT_EQ(p.ballots()[1].voter, "ana");
  EXPECT_EQ(p.ballots()[1].choice.value, "no");
  auto r = tally(p);
  EXPECT_EQ(r.detail["counts"]["yes"], 1);
  EXPECT_EQ(r.detail["counts"]["no"], 1);
}

TEST(Poll, PerOrganisationFirstBallotIsFinal) {
  PollSettings s;
  s.unit = VoteUnit::organisation;
  Poll p = open_poll(s);
  EXPECT_EQ(p.entitled(), 3);
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  EXPECT_EQ(code_of(p.cast("ben", "ben", vote("no"))), codes::kDuplicate);
  ASSERT_EQ(p.ballots().size(), 1u);
  EXPECT_EQ(p.ballots()[0].unit, "unionA");
  EXPECT_EQ(p.ballots()[0].choice.value, "yes");
}

TEST(Poll, PerOrganisationLastBallotCountsWithRevoting) {
  PollSettings s;
  s.unit = VoteUnit::organisation;
  s.revote = true;
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  ASSERT_FALSE(p.cast("chi", "chi", vote("yes")));
  ASSERT_FALSE(p.cast("ben", "ben", vote("no")));
  auto r = tally(p);
  EXPECT_EQ(r.ballots, 2);
  EXPECT_EQ(r.detail["counts"]["yes"], 1);  // migrantsB
  EXPECT_EQ(r.detail["counts"]["no"], 1);   // unionA, by ben's later ballot
}

TEST(Poll, ProxiesAreCheckedAndCappedAtK) {
  PollSettings s;
  s.max_proxies = 1;
  Poll p = open_poll(s);
  EXPECT_EQ(code_of(p.cast("ana", "ben", vote("yes"))), codes::kNotAllowed);  // holds no proxy
  ASSERT_FALSE(p.grant_proxy("ben", "ana"));
  ASSERT_FALSE(p.grant_proxy("chi", "ana"));
  EXPECT_EQ(code_of(p.grant_proxy("ana", "ana")), codes::kBadMessage);
  EXPECT_EQ(code_of(p.grant_proxy("ghost", "ana")), codes::kNotAllowed);
  EXPECT_EQ(code_of(p.cast("ana", "ben", vote("yes"))), "ok");
  EXPECT_EQ(code_of(p.cast("ana", "chi", vote("yes"))), codes::kNotAllowed);  // K = 1 used
  EXPECT_EQ(code_of(p.cast("ana", "ana", vote("no"))), "ok");  // her own vote is not a proxy
  ASSERT_EQ(p.ballots().size(), 2u);
  EXPECT_EQ(p.ballots()[0].cast_by, "ana");
  EXPECT_EQ(p.ballots()[0].voter, "ben");
}

TEST(Poll, ProxyReplacementWithRevotingDoesNotUseAnotherSlot) {
  PollSettings s;
  s.max_proxies = 2;
  s.revote = true;
  Poll p = open_poll(s);
  ASSERT_FALSE(p.grant_proxy("ben", "ana"));
  ASSERT_FALSE(p.grant_proxy("chi", "ana"));
  ASSERT_FALSE(p.grant_proxy("dev", "ana"));
  ASSERT_FALSE(p.cast("ana", "ben", vote("yes")));
  ASSERT_FALSE(p.cast("ana", "ben", vote("no")));  // replaces, still one proxy ballot
  ASSERT_FALSE(p.cast("ana", "chi", vote("no")));
  EXPECT_EQ(code_of(p.cast("ana", "dev", vote("no"))), codes::kNotAllowed);
  EXPECT_EQ(p.ballots().size(), 2u);
}

TEST(Poll, LookupsFollowReVotesAndCopies) {
  PollSettings s;
  s.revote = true;
  s.max_proxies = 1;
  s.weights = {{"chi", 3}};
  Poll p = open_poll(s);
  EXPECT_EQ(p.entitled(), 7);  // five delegates, chi weighs 3
  ASSERT_NE(p.voter("dev"), nullptr);
  EXPECT_EQ(p.voter("dev")->organisation, "migrantsB");
  EXPECT_EQ(p.voter("ghost"), nullptr);
  for (const char* d : {"ana", "ben", "chi", "dev"}) ASSERT_FALSE(p.cast(d, d, vote("yes")));
  // A re-vote by ben (second in the box) moves him to the end; every lookup still finds its own.
  ASSERT_FALSE(p.cast("ben", "ben", vote("no")));
  ASSERT_EQ(p.ballots().size(), 4u);
  EXPECT_EQ(p.ballots().back().unit, "ben");
  for (const char* d : {"ana", "ben", "chi", "dev"}) {
    const CastBallot* b = p.ballot_for(d);
    ASSERT_NE(b, nullptr) << d;
    EXPECT_EQ(b->unit, d);
  }
  EXPECT_EQ(p.ballot_for("ben")->choice, vote("no"));
  EXPECT_EQ(p.ballot_for("chi")->weight, 3);
  EXPECT_EQ(p.ballot_for("eli"), nullptr);
  // A proxy ballot replaced by the principal's own vote frees the holder's slot.
  ASSERT_FALSE(p.grant_proxy("eli", "ana"));
  ASSERT_FALSE(p.cast("ana", "eli", vote("abstain")));
  EXPECT_EQ(p.ballot_for("eli")->cast_by, "ana");
  ASSERT_FALSE(p.cast("eli", "eli", vote("no")));
  EXPECT_EQ(p.ballot_for("eli")->cast_by, "eli");
  ASSERT_FALSE(p.grant_proxy("ben", "ana"));
  EXPECT_EQ(code_of(p.cast("ana", "ben", vote("abstain"))), "ok") << "the holder's one slot was freed";
  ASSERT_FALSE(p.grant_proxy("dev", "ana"));
  EXPECT_EQ(code_of(p.cast("ana", "dev", vote("abstain"))), codes::kNotAllowed) << "K = 1 is in use again";
  // A copy (as the close takes) has its own, consistent lookups.
  Poll copy = p;
  ASSERT_FALSE(p.cast("ana", "ana", vote("no")));
  EXPECT_EQ(copy.ballot_for("ana")->choice, vote("yes"));
  EXPECT_EQ(p.ballot_for("ana")->choice, vote("no"));
  EXPECT_EQ(&copy.ballots()[0], copy.ballot_for(copy.ballots()[0].unit));
}

TEST(Poll, PerOrganisationLookupsUseTheUnit) {
  PollSettings s;
  s.unit = VoteUnit::organisation;
  Poll p = open_poll(s);
  EXPECT_EQ(p.entitled(), 3);
  ASSERT_FALSE(p.cast("ben", "ben", vote("yes")));
  EXPECT_EQ(p.unit_of(*p.voter("ana")), "unionA");
  ASSERT_NE(p.ballot_for("unionA"), nullptr);
  EXPECT_EQ(p.ballot_for("unionA")->voter, "ben");
  EXPECT_EQ(p.ballot_for("ana"), nullptr);  // lookups are by unit
  EXPECT_EQ(code_of(p.cast("ana", "ana", vote("no"))), codes::kDuplicate);
}

TEST(Tally, YesNoAbstainWithWeightsAndThreshold) {
  PollSettings s;
  s.threshold = {ThresholdRule::Kind::two_thirds};
  s.weights = {{"ana", 3}};
  Poll p = open_poll(s);
  EXPECT_EQ(p.entitled(), 7);
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  ASSERT_FALSE(p.cast("ben", "ben", vote("no")));
  ASSERT_FALSE(p.cast("chi", "chi", vote("no")));
  ASSERT_FALSE(p.cast("dev", "dev", vote("abstain")));
  auto r = tally(p);
  EXPECT_EQ(r.weight, 6);
  EXPECT_EQ(r.detail["counts"]["yes"], 3);
  EXPECT_EQ(r.detail["counts"]["cast"], 5);
  EXPECT_FALSE(r.passed);  // 9 < 10
  EXPECT_EQ(r.outcome, "rejected");
  auto j = to_json(r);
  EXPECT_EQ(j["entitled"], 7);
  EXPECT_EQ(j["present"], 6);
  EXPECT_EQ(j["detail"]["threshold"]["rule"], "two_thirds");
  EXPECT_EQ(j["method"], "yes_no_abstain");
  EXPECT_TRUE(j["winner"].is_null());
}

TEST(Tally, QuorumMissedOverridesTheVote) {
  PollSettings s;
  s.quorum = Quorum{Quorum::Kind::fraction, {1, 2}, 0};
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", vote("yes")));
  ASSERT_FALSE(p.cast("ben", "ben", vote("yes")));
  auto r = tally(p);  // present 2 of 5: 4 < 5
  EXPECT_EQ(r.outcome, "no_quorum");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail["outcome_without_quorum"], "adopted");
  ASSERT_FALSE(p.cast("eli", "eli", vote("abstain")));  // abstaining counts as present
  r = tally(p);
  EXPECT_EQ(r.outcome, "adopted");
  EXPECT_TRUE(r.quorum->passed);
}

TEST(Tally, SingleChoiceWinnerAndTie) {
  PollSettings s;
  s.method = Method::single_choice;
  s.options = {"geneva", "dhaka", "quito"};
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", Choice{"dhaka", {}, {}}));
  ASSERT_FALSE(p.cast("ben", "ben", Choice{"quito", {}, {}}));
  auto r = tally(p);
  EXPECT_EQ(r.outcome, "tie");
  EXPECT_FALSE(r.winner.has_value());
  EXPECT_EQ(r.detail["top"], json({"dhaka", "quito"}));
  ASSERT_FALSE(p.cast("chi", "chi", Choice{"quito", {}, {}}));
  r = tally(p);
  EXPECT_EQ(r.outcome, "elected");
  EXPECT_EQ(r.winner, "quito");
  EXPECT_EQ(r.detail["counts"][0]["option"], "geneva");
  EXPECT_EQ(r.detail["counts"][0]["votes"], 0);

  Poll empty = open_poll(s);
  EXPECT_EQ(tally(empty).outcome, "no_votes");
}

TEST(Tally, RankedUsesSchulzeAndReportsTies) {
  PollSettings s;
  s.method = Method::ranked;
  s.options = {"a", "b"};
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", Choice{{}, {"b", "a"}, {}}));
  ASSERT_FALSE(p.cast("ben", "ben", Choice{{}, {"a"}, {}}));
  auto r = tally(p);
  EXPECT_EQ(r.outcome, "elected");
  EXPECT_EQ(r.winner, "a");  // tie broken by option order
  EXPECT_EQ(r.detail["tie_broken"], true);
  EXPECT_EQ(r.detail["schulze"]["ties"].size(), 1u);
  ASSERT_FALSE(p.cast("chi", "chi", Choice{{}, {"b"}, {}}));
  r = tally(p);
  EXPECT_EQ(r.winner, "b");
  EXPECT_EQ(r.detail["tie_broken"], false);
}

TEST(Tally, ConsensusAnyBlockMeansNoConsensus) {
  PollSettings s;
  s.method = Method::consensus;
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", Choice{"agree", {}, {}}));
  ASSERT_FALSE(p.cast("ben", "ben", Choice{"stand_aside", {}, {}}));
  auto r = tally(p);
  EXPECT_EQ(r.outcome, "consensus");
  EXPECT_TRUE(r.passed);
  ASSERT_FALSE(p.cast("chi", "chi", Choice{"block", {}, "silent on undocumented workers"}));
  r = tally(p);
  EXPECT_EQ(r.outcome, "blocked");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail["blocks"][0]["reason"], "silent on undocumented workers");
  EXPECT_EQ(r.detail["blocks"][0]["by"], "chi");
}

TEST(Tally, ConsensusAllStandAsideIsNoConsensus) {
  PollSettings s;
  s.method = Method::consensus;
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", Choice{"stand_aside", {}, {}}));
  EXPECT_EQ(tally(p).outcome, "no_consensus");
}

TEST(Tally, ConsensusFallbackThresholdAndSecrecy) {
  PollSettings s;
  s.method = Method::consensus;
  s.secret = true;
  s.consensus_fallback = ThresholdRule{ThresholdRule::Kind::two_thirds};
  Poll p = open_poll(s);
  ASSERT_FALSE(p.cast("ana", "ana", Choice{"agree", {}, {}}));
  ASSERT_FALSE(p.cast("ben", "ben", Choice{"agree", {}, {}}));
  ASSERT_FALSE(p.cast("chi", "chi", Choice{"block", {}, "too weak"}));
  auto r = tally(p);
  EXPECT_EQ(r.outcome, "adopted_by_fallback");  // 2 of 3: exactly two thirds
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.detail["consensus"], "blocked");
  EXPECT_FALSE(r.detail["blocks"][0].contains("by"));
  ASSERT_FALSE(p.cast("dev", "dev", Choice{"block", {}, "no"}));
  EXPECT_EQ(tally(p).outcome, "rejected_by_fallback");
}

TEST(Ballot, ChoiceJsonRoundTrip) {
  Choice c{"block", {}, "reason"};
  auto back = choice_from_json(Method::consensus, {}, to_json(Method::consensus, c));
  ASSERT_TRUE(std::holds_alternative<Choice>(back));
  EXPECT_EQ(std::get<Choice>(back), c);
  Choice r{{}, {"b", "a"}, {}};
  auto back2 = choice_from_json(Method::ranked, {"a", "b"}, to_json(Method::ranked, r));
  ASSERT_TRUE(std::holds_alternative<Choice>(back2));
  EXPECT_EQ(std::get<Choice>(back2), r);
}

TEST(PollSettingsJson, RoundTripAndErrors) {
  PollSettings s;
  s.method = Method::ranked;
  s.options = {"a", "b", "c"};
  s.unit = VoteUnit::organisation;
  s.revote = true;
  s.max_proxies = 3;
  s.quorum = Quorum{Quorum::Kind::absolute, {1, 2}, 40};
  s.weights = {{"unionA", 2}};
  auto back = settings_from_json(to_json(s));
  ASSERT_TRUE(std::holds_alternative<PollSettings>(back));
  const auto& b = std::get<PollSettings>(back);
  EXPECT_EQ(b.method, Method::ranked);
  EXPECT_EQ(b.options, s.options);
  EXPECT_EQ(b.unit, VoteUnit::organisation);
  EXPECT_TRUE(b.revote);
  EXPECT_EQ(b.max_proxies, 3);
  ASSERT_TRUE(b.quorum.has_value());
  EXPECT_EQ(b.quorum->minimum, 40);
  EXPECT_EQ(b.weights.at("unionA"), 2);

  auto code = [](const json& j) {
    auto r = settings_from_json(j);
    return std::holds_alternative<BallotError>(r) ? std::get<BallotError>(r).code : std::string("ok");
  };
  EXPECT_EQ(code(json{{"method", "approval"}}), codes::kBadMessage);  // unknown method
  EXPECT_EQ(code(json{{"method", "ranked"}, {"options", {"a"}}}), codes::kBadMessage);
  EXPECT_EQ(code(json{{"method", "ranked"}, {"options", {"a", "a"}}}), codes::kBadMessage);
  EXPECT_EQ(code(json{{"method", "yes_no_abstain"}, {"threshold", {{"kind", "most"}}}}), codes::kBadMessage);
  EXPECT_EQ(code(json{{"method", "yes_no_abstain"}, {"unit", "region"}}), codes::kBadMessage);
  EXPECT_EQ(code(json{{"method", "yes_no_abstain"}, {"weights", {{"ana", 0}}}}), codes::kBadMessage);
  EXPECT_EQ(code(json::array()), codes::kBadMessage);
  EXPECT_EQ(code(json{{"method", "consensus"}, {"consensus_fallback", {{"kind", "two_thirds"}}}}), "ok");
}
