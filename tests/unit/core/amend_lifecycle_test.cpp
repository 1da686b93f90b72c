// The amendment workflow table, actors, content checks, versioned co-sponsorship, composites.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/amendments/lifecycle.hpp"
#include "core/ot/text_op.hpp"
#include "core/votes/codes.hpp"

using namespace plenary;
using namespace plenary::amendments;
using nlohmann::json;
namespace codes = plenary::votes::codes;

namespace {

Amendment modify(std::string id, std::string org) {
  Amendment a;
  a.id = std::move(id);
  a.proposer = "ana";
  a.organisation = std::move(org);
  a.kind = Kind::modify;
  a.clause = "c25";
  a.base_revision = 3;
  a.op = ot::parse(json::parse(R"([8, {"d":7}, "domestic workers"])"));
  a.justification = "name them";
  return a;
}

std::string code_of(const Outcome& o) { return o ? o->code : "ok"; }

}  // namespace

TEST(Lifecycle, TheHappyPathToAdoption) {
  Amendment a = modify("a1", "unionA");
  EXPECT_EQ(code_of(transition(a, State::tabled, Actor::proposer)), "ok");
  EXPECT_EQ(code_of(transition(a, State::admissible, Actor::organiser)), "ok");
  EXPECT_EQ(code_of(transition(a, State::scheduled, Actor::organiser)), "ok");
  EXPECT_EQ(code_of(transition(a, State::voting, Actor::organiser)), "ok");
  EXPECT_EQ(code_of(transition(a, State::adopted, Actor::poll)), "ok");
  EXPECT_EQ(a.state, State::adopted);
  EXPECT_TRUE(is_final(a.state));
  EXPECT_TRUE(next_states(a.state, Actor::organiser).empty());
}

TEST(Lifecycle, ActorsAreChecked) {
  EXPECT_TRUE(may_transition(State::draft, State::tabled, Actor::proposer));
  EXPECT_FALSE(may_transition(State::draft, State::tabled, Actor::organiser));
  EXPECT_FALSE(may_transition(State::voting, State::adopted, Actor::organiser));
  EXPECT_FALSE(may_transition(State::tabled, State::admissible, Actor::proposer));
  Amendment a = modify("a1", "unionA");
  a.state = State::tabled;
  EXPECT_EQ(code_of(transition(a, State::admissible, Actor::proposer)), codes::kNotAllowed);
  EXPECT_EQ(code_of(transition(a, State::adopted, Actor::poll)), codes::kInvalidState);
  EXPECT_EQ(a.state, State::tabled);
}

TEST(Lifecycle, NextStatesByActor) {
  EXPECT_EQ(next_states(State::tabled, Actor::organiser),
            (std::vector<State>{State::admissible, State::ruled_out, State::composited, State::fallen}));
  EXPECT_EQ(next_states(State::tabled, Actor::proposer), (std::vector<State>{State::withdrawn}));
  EXPECT_EQ(next_states(State::voting, Actor::poll), (std::vector<State>{State::adopted, State::rejected}));
  EXPECT_TRUE(next_states(State::voting, Actor::proposer).empty());  // no withdrawal once voting
}

TEST(Lifecycle, WithdrawOnlyBeforeVoting) {
  for (State s : {State::draft, State::tabled, State::admissible, State::scheduled}) {
    Amendment a = modify("a", "o");
    a.state = s;
    EXPECT_EQ(code_of(transition(a, State::withdrawn, Actor::proposer)), "ok") << to_string(s);
  }
  Amendment v = modify("a", "o");
  v.state = State::voting;
  EXPECT_EQ(code_of(transition(v, State::withdrawn, Actor::proposer)), codes::kInvalidState);
}

TEST(Lifecycle, RuledOutAndFallenNeedAReason) {
  Amendment a = modify("a1", "unionA");
  a.state = State::tabled;
  EXPECT_EQ(code_of(transition(a, State::ruled_out, Actor::organiser)), codes::kBadMessage);
  EXPECT_EQ(code_of(transition(a, State::ruled_out, Actor::organiser, "outside the scope")), "ok");
  EXPECT_EQ(a.reason, "outside the scope");
  Amendment b = modify("a2", "unionA");
  b.state = State::scheduled;
  EXPECT_EQ(code_of(transition(b, State::fallen, Actor::organiser, " ")), codes::kBadMessage);
  EXPECT_EQ(code_of(transition(b, State::fallen, Actor::organiser, "conflicts with adopted a7")), "ok");
  EXPECT_EQ(b.state, State::fallen);
}

TEST(Lifecycle, TablingChecksContent) {
  Amendment a = modify("a1", "unionA");
  a.op = ot::parse(json::parse("[5]"));  // changes nothing
  EXPECT_EQ(code_of(transition(a, State::tabled, Actor::proposer)), codes::kBadMessage);
  Amendment ins;
  ins.kind = Kind::insert;
  ins.text = "The right not to emigrate.";
  EXPECT_EQ(code_of(transition(ins, State::tabled, Actor::proposer)), codes::kBadMessage);  // next to no clause
  ins.clause = "c31";
  ins.text.clear();
  EXPECT_EQ(code_of(transition(ins, State::tabled, Actor::proposer)), codes::kBadMessage);
  ins.text = "The right not to emigrate.";
  EXPECT_EQ(code_of(transition(ins, State::tabled, Actor::proposer)), "ok");
  Amendment del;
  del.kind = Kind::del;
  EXPECT_EQ(code_of(transition(del, State::tabled, Actor::proposer)), codes::kBadMessage);
  del.clause = "c12";
  EXPECT_EQ(code_of(transition(del, State::tabled, Actor::proposer)), "ok");
}

TEST(Lifecycle, StateNamesRoundTrip) {
  for (State s : {State::draft, State::ruled_out, State::composited, State::fallen})
    EXPECT_EQ(state_from_string(to_string(s)), s);
  EXPECT_FALSE(state_from_string("lost").has_value());
  EXPECT_EQ(to_string(Kind::del), "delete");
}

TEST(Sponsors, EditingRequiresReconfirmation) {
  Amendment a = modify("a1", "unionA");
  ASSERT_FALSE(invite_sponsor(a, "migrantsB"));
  ASSERT_FALSE(invite_sponsor(a, "womenC"));
  EXPECT_EQ(pending_reconfirmation(a), (std::vector<std::string>{"migrantsB", "womenC"}));
  ASSERT_FALSE(confirm_support(a, "migrantsB", 1));
  ASSERT_FALSE(confirm_support(a, "womenC", 1));
  EXPECT_TRUE(pending_reconfirmation(a).empty());
  ASSERT_FALSE(transition(a, State::tabled, Actor::proposer));

  Amendment changed = a;
  changed.op = ot::parse(json::parse(R"([8, {"d":7}, "all workers"])"));
  ASSERT_FALSE(edit(a, changed, Actor::proposer));
  EXPECT_EQ(a.version, 2u);
  EXPECT_EQ(a.state, State::tabled);
  EXPECT_EQ(pending_reconfirmation(a), (std::vector<std::string>{"migrantsB", "womenC"}));
  EXPECT_TRUE(confirmed_sponsors(a).empty());
  EXPECT_EQ(code_of(confirm_support(a, "womenC", 1)), codes::kBadRevision);  // stale version
  ASSERT_FALSE(confirm_support(a, "womenC", 2));
  EXPECT_EQ(pending_reconfirmation(a), (std::vector<std::string>{"migrantsB"}));
  EXPECT_EQ(confirmed_sponsors(a), (std::vector<std::string>{"womenC"}));
}

TEST(Sponsors, RulesForInvitingAndWithdrawing) {
  Amendment a = modify("a1", "unionA");
  EXPECT_EQ(code_of(invite_sponsor(a, "unionA")), codes::kBadMessage);
  EXPECT_EQ(code_of(confirm_support(a, "stranger", 1)), codes::kNotFound);
  ASSERT_FALSE(invite_sponsor(a, "migrantsB"));
  EXPECT_EQ(code_of(withdraw_support(a, "migrantsB")), "ok");
  EXPECT_EQ(code_of(withdraw_support(a, "migrantsB")), codes::kNotFound);
  a.state = State::voting;
  EXPECT_EQ(code_of(invite_sponsor(a, "womenC")), codes::kInvalidState);
}

TEST(Edit, OnlyProposerOnlyInDraftOrTabled) {
  Amendment a = modify("a1", "unionA");
  Amendment changed = a;
  changed.justification = "better";
  EXPECT_EQ(code_of(edit(a, changed, Actor::organiser)), codes::kNotAllowed);
  ASSERT_FALSE(edit(a, changed, Actor::proposer));
  EXPECT_EQ(a.justification, "better");
  EXPECT_EQ(a.version, 2u);
  a.state = State::admissible;
  EXPECT_EQ(code_of(edit(a, changed, Actor::proposer)), codes::kInvalidState);
  EXPECT_EQ(a.version, 2u);
  // In tabled an edit must still be a valid amendment.
  a.state = State::tabled;
  Amendment empty = a;
  empty.op = ot::Op{};
  EXPECT_EQ(code_of(edit(a, empty, Actor::proposer)), codes::kBadMessage);
  EXPECT_EQ(a.version, 2u);
  // An edit may move an insertion from after its clause to before it; a modification never
  // carries `before`.
  Amendment ins = a;
  ins.kind = Kind::insert;
  ins.text = "A new opening clause.";
  ins.before = true;
  ASSERT_FALSE(edit(a, ins, Actor::proposer));
  EXPECT_TRUE(a.before);
  EXPECT_EQ(to_json(a)["before"], true);
  Amendment back = a;
  back.kind = Kind::modify;
  back.op = ot::parse(json::parse("[\"x\"]"));
  back.before = true;
  ASSERT_FALSE(edit(a, back, Actor::proposer));
  EXPECT_FALSE(a.before);
  EXPECT_FALSE(to_json(a).contains("before"));
}

TEST(Composite, MergesAndKeepsLinks) {
  Amendment a = modify("a1", "unionA"), b = modify("a2", "migrantsB");
  a.state = State::tabled;
  b.state = State::admissible;
  Amendment c = modify("c1", "organisers");
  EXPECT_EQ(code_of(make_composite({&a, &b}, c, Actor::proposer)), codes::kNotAllowed);
  ASSERT_FALSE(make_composite({&a, &b}, c, Actor::organiser));
  EXPECT_EQ(a.state, State::composited);
  EXPECT_EQ(b.composited_into, "c1");
  EXPECT_EQ(c.state, State::tabled);
  EXPECT_EQ(c.composited_from, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(pending_reconfirmation(c), (std::vector<std::string>{"migrantsB", "unionA"}));
  auto j = to_json(c);
  EXPECT_EQ(j["composited_from"], json({"a1", "a2"}));
  EXPECT_EQ(j["state"], "tabled");
  EXPECT_EQ(to_json(a)["composited_into"], "c1");
}

TEST(Composite, RefusedWithoutChangesIfAnOriginalCannotBeComposited) {
  Amendment a = modify("a1", "unionA"), b = modify("a2", "migrantsB");
  a.state = State::tabled;
  b.state = State::voting;
  Amendment c = modify("c1", "organisers");
  EXPECT_EQ(code_of(make_composite({&a, &b}, c, Actor::organiser)), codes::kInvalidState);
  EXPECT_EQ(a.state, State::tabled);
  EXPECT_TRUE(c.composited_from.empty());
}

TEST(AmendmentJson, NamesStateVersionAndSponsors) {
  Amendment a = modify("a1", "unionA");
  ASSERT_FALSE(invite_sponsor(a, "migrantsB"));
  auto j = to_json(a);
  EXPECT_EQ(j["kind"], "modify");
  EXPECT_EQ(j["op"], json::parse(R"([8, {"d":7}, "domestic workers"])"));
  EXPECT_EQ(j["sponsors"][0]["current"], false);
  EXPECT_EQ(j["version"], 1);
}

#include "core/amendments/decide.hpp"

TEST(Decide, ClosedPollResultAdoptsOrRejects) {
  votes::PollSettings s;
  votes::Poll p("poll-a1", s, {{"ana", "unionA"}, {"ben", "migrantsB"}, {"chi", "womenC"}});
  ASSERT_FALSE(p.move_to(votes::PollState::open));
  ASSERT_FALSE(p.cast("ana", "ana", votes::Choice{"yes", {}, {}}));
  ASSERT_FALSE(p.cast("ben", "ben", votes::Choice{"no", {}, {}}));
  Amendment a = modify("a1", "unionA");
  a.state = State::voting;
  // A tie (1:1) while the poll is still open: not yet decided.
  EXPECT_EQ(code_of(decide(a, votes::tally(p))), codes::kInvalidState);
  EXPECT_EQ(a.state, State::voting);
  ASSERT_FALSE(p.move_to(votes::PollState::closed));
  ASSERT_FALSE(decide(a, votes::tally(p)));
  EXPECT_EQ(a.state, State::rejected);  // a tie fails

  Amendment b = modify("a2", "unionA");
  b.state = State::scheduled;  // not voting: the poll may not move it
  EXPECT_EQ(code_of(decide(b, votes::tally(p))), codes::kInvalidState);
}
