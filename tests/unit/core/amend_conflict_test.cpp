// A conflicting adopted amendment falls by a separate edge (kConflictTransitions), which leaves
// `adopted` final in the ordinary workflow table.
#include <gtest/gtest.h>

#include "core/amendments/lifecycle.hpp"
#include "core/amendments/rebase.hpp"
#include "core/ot/text_op.hpp"

#include <nlohmann/json.hpp>

using namespace plenary;
using namespace plenary::amendments;

namespace {
Amendment adopted() {
  Amendment a;
  a.id = "7";
  a.proposer = "ana";
  a.organisation = "org1";
  a.kind = Kind::modify;
  a.clause = "c1";
  a.op = ot::parse(nlohmann::json::parse(R"([4, {"d":3}, "new"])"));
  a.state = State::adopted;
  return a;
}
}  // namespace

TEST(AmendConflict, AdoptedStaysFinalInTheWorkflow) {
  EXPECT_TRUE(is_final(State::adopted));
  EXPECT_FALSE(may_transition(State::adopted, State::fallen, Actor::organiser));
  Amendment a = adopted();
  auto o = transition(a, State::fallen, Actor::organiser, "conflict");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->code, "invalid_state");
  EXPECT_EQ(a.state, State::adopted);
}

TEST(AmendConflict, OrganiserFallsAConflictingAdoptedAmendment) {
  Amendment a = adopted();
  EXPECT_FALSE(fall_conflicting(a, Actor::organiser, "an adopted amendment changed the same words"));
  EXPECT_EQ(a.state, State::fallen);
  EXPECT_EQ(a.reason, "an adopted amendment changed the same words");
}

TEST(AmendConflict, RefusalsLeaveTheAmendmentUnchanged) {
  Amendment a = adopted();
  auto by_proposer = fall_conflicting(a, Actor::proposer, "mine");
  ASSERT_TRUE(by_proposer);
  EXPECT_EQ(by_proposer->code, "not_allowed");
  auto by_poll = fall_conflicting(a, Actor::poll, "x");
  ASSERT_TRUE(by_poll);
  EXPECT_EQ(by_poll->code, "not_allowed");
  auto no_reason = fall_conflicting(a, Actor::organiser, "  ");
  ASSERT_TRUE(no_reason);
  EXPECT_EQ(no_reason->code, "bad_message");
  EXPECT_EQ(a.state, State::adopted);
  EXPECT_TRUE(a.reason.empty());
  for (State s : {State::draft, State::tabled, State::admissible, State::scheduled, State::voting, State::rejected,
                  State::withdrawn, State::fallen, State::ruled_out, State::composited}) {
    Amendment b = adopted();
    b.state = s;
    auto o = fall_conflicting(b, Actor::organiser, "why");
    ASSERT_TRUE(o) << to_string(s);
    EXPECT_EQ(o->code, "invalid_state") << to_string(s);
    EXPECT_EQ(b.state, s);
  }
}

TEST(AmendConflict, RebaseConflictThenFall) {
  // "The quick fox": the amendment replaces "quick"; a later edit deleted "quick" first.
  Amendment a = adopted();
  auto r = rebase(a.op, 0, {ot::parse(nlohmann::json::parse(R"([4, {"d":6}])"))});
  ASSERT_TRUE(std::holds_alternative<Conflict>(r));
  EXPECT_EQ(std::get<Conflict>(r).reason, "deleted_text_changed");
  EXPECT_FALSE(fall_conflicting(a, Actor::organiser, std::get<Conflict>(r).message));
  EXPECT_EQ(a.state, State::fallen);
}
