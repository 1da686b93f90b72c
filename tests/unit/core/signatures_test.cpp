// The signatories' rules: the list's state from the phase, who speaks for an organisation or a
// network, and the refusals (with their protocol codes) for signing, withdrawing, closing and
// reopening.
#include <gtest/gtest.h>

#include "core/signatures/endorsement.hpp"

using namespace plenary::signatures;

namespace {
Person delegate_of(std::int64_t org, std::set<std::int64_t> nets = {}) {
  Person p;
  p.accredited = true;
  p.delegate = true;
  p.organisation = org;
  p.networks = std::move(nets);
  return p;
}
Person organiser() {
  Person p;
  p.accredited = true;
  p.organiser = true;
  p.organisation = 9;
  return p;
}
std::string code(const Outcome& o) { return o ? o->code : "ok"; }
const Signer kOrg5{SignerKind::organisation, 5}, kOrg6{SignerKind::organisation, 6};
const Signer kNet3{SignerKind::network, 3}, kNet4{SignerKind::network, 4};
}  // namespace

TEST(Signatures, ListStateFollowsThePhase) {
  for (auto phase : {"drafting", "amendments", "voting"}) {
    EXPECT_EQ(list_state(phase, ""), ListState::not_open) << phase;
    EXPECT_EQ(list_state(phase, "open"), ListState::not_open) << phase;
    EXPECT_FALSE(signing_phase(phase));
  }
  for (auto phase : {"adopted", "published"}) {
    EXPECT_TRUE(signing_phase(phase));
    EXPECT_EQ(list_state(phase, "open"), ListState::open);
    EXPECT_EQ(list_state(phase, ""), ListState::open);  // adopted before lists were stored
    EXPECT_EQ(list_state(phase, "closed"), ListState::closed);
  }
  EXPECT_EQ(to_string(ListState::not_open), "not_open");
  EXPECT_EQ(to_string(ListState::closed), "closed");
  EXPECT_EQ(signer_kind("network"), SignerKind::network);
  EXPECT_EQ(signer_kind("organisation"), SignerKind::organisation);
  EXPECT_FALSE(signer_kind("forum").has_value());
}

TEST(Signatures, WhoSpeaksForASigner) {
  EXPECT_TRUE(speaks_for(delegate_of(5), kOrg5));
  EXPECT_FALSE(speaks_for(delegate_of(5), kOrg6));
  EXPECT_TRUE(speaks_for(delegate_of(5, {3}), kNet3));
  EXPECT_FALSE(speaks_for(delegate_of(5, {3}), kNet4));
  Person observer = delegate_of(5, {3});
  observer.delegate = false;
  EXPECT_FALSE(speaks_for(observer, kOrg5));
  EXPECT_FALSE(speaks_for(observer, kNet3));
  Person unaccredited = delegate_of(5);
  unaccredited.accredited = false;
  EXPECT_FALSE(speaks_for(unaccredited, kOrg5));
  EXPECT_FALSE(speaks_for(delegate_of(0), Signer{SignerKind::organisation, 0}));
  EXPECT_FALSE(speaks_for(organiser(), Signer{SignerKind::organisation, 9}));  // organisers are not delegates
}

TEST(Signatures, SigningRefusals) {
  EXPECT_EQ(code(may_sign(ListState::open, delegate_of(5), kOrg5)), "ok");
  EXPECT_EQ(code(may_sign(ListState::open, delegate_of(5, {3}), kNet3)), "ok");
  EXPECT_EQ(code(may_sign(ListState::not_open, delegate_of(5), kOrg5)), "invalid_state");
  EXPECT_EQ(code(may_sign(ListState::closed, delegate_of(5), kOrg5)), "invalid_state");
  EXPECT_EQ(code(may_sign(ListState::open, delegate_of(5), kOrg6)), "not_allowed");
  EXPECT_EQ(code(may_sign(ListState::open, delegate_of(5, {3}), kNet4)), "not_allowed");
  EXPECT_EQ(code(may_sign(ListState::open, organiser(), kOrg5)), "not_allowed");
  Person observer = delegate_of(5);
  observer.delegate = false;
  auto r = may_sign(ListState::open, observer, kOrg5);
  EXPECT_EQ(code(r), "not_allowed");
  EXPECT_NE(r->detail.find("observer"), std::string::npos);
  Person unaccredited = delegate_of(5);
  unaccredited.accredited = false;
  EXPECT_EQ(code(may_sign(ListState::open, unaccredited, kOrg5)), "not_accredited");
  // Authorisation is judged before the list's state: a stranger learns nothing more.
  EXPECT_EQ(code(may_sign(ListState::closed, delegate_of(5), kOrg6)), "not_allowed");
}

TEST(Signatures, WithdrawCloseReopen) {
  EXPECT_EQ(code(may_withdraw(ListState::open, delegate_of(5), kOrg5)), "ok");
  EXPECT_EQ(code(may_withdraw(ListState::open, delegate_of(6), kOrg5)), "not_allowed");
  EXPECT_EQ(code(may_withdraw(ListState::open, organiser(), kNet4)), "ok");
  EXPECT_EQ(code(may_withdraw(ListState::closed, organiser(), kNet4)), "invalid_state");
  EXPECT_EQ(code(may_withdraw(ListState::closed, delegate_of(5), kOrg5)), "invalid_state");

  EXPECT_EQ(code(may_close(ListState::open, organiser())), "ok");
  EXPECT_EQ(code(may_close(ListState::closed, organiser())), "invalid_state");
  EXPECT_EQ(code(may_close(ListState::not_open, organiser())), "invalid_state");
  EXPECT_EQ(code(may_close(ListState::open, delegate_of(5))), "not_allowed");

  EXPECT_EQ(code(may_reopen(ListState::closed, organiser())), "ok");
  EXPECT_EQ(code(may_reopen(ListState::open, organiser())), "invalid_state");
  EXPECT_EQ(code(may_reopen(ListState::not_open, organiser())), "invalid_state");
  EXPECT_EQ(code(may_reopen(ListState::closed, delegate_of(5))), "not_allowed");
  Person lapsed = organiser();
  lapsed.accredited = false;
  EXPECT_EQ(code(may_close(ListState::open, lapsed)), "not_accredited");
}
