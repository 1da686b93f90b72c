// The speakers' list: requests, withdrawals, points of order, time limits, the record, and
// every balancing mode (switched live).
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/floor/speakers.hpp"

using namespace plenary::floor;

namespace {

Request req(std::string d, std::string gender, std::string constituency = "unions", std::string org = "",
            bool first = false) {
  return Request{d, org.empty() ? "org-" + d : org, std::move(gender), std::move(constituency), first};
}

std::vector<std::string> names(const std::vector<Queued>& q) {
  std::vector<std::string> out;
  for (const auto& x : q) out.push_back(x.request.delegate);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST(Speakers, PlainOrderIsArrivalOrder) {
  SpeakersList l;
  EXPECT_TRUE(l.request(req("ana", "woman")));
  EXPECT_TRUE(l.request(req("ben", "man")));
  EXPECT_TRUE(l.request(req("cam", "man")));
  EXPECT_FALSE(l.request(req("ben", "man")));  // already queued
  EXPECT_EQ(names(l.order()), (V{"ana", "ben", "cam"}));
}

TEST(Speakers, WithdrawRemovesTheRequest) {
  SpeakersList l;
  l.request(req("ana", "woman"));
  l.request(req("ben", "man"));
  EXPECT_TRUE(l.withdraw("ana"));
  EXPECT_FALSE(l.withdraw("ana"));
  EXPECT_EQ(names(l.order()), (V{"ben"}));
}

TEST(Speakers, PointOfOrderJumpsTheQueueAndIsNotATurn) {
  SpeakersList l;
  l.set_balance(Balance::alternate_gender);
  l.request(req("ana", "woman"));
  l.request(req("ben", "man"));
  EXPECT_TRUE(l.point_of_order(req("dan", "man")));
  EXPECT_FALSE(l.point_of_order(req("dan", "man")));
  EXPECT_TRUE(l.point_of_order(req("eve", "woman")));
  EXPECT_EQ(names(l.order()), (V{"dan", "eve", "ana", "ben"}));
  ASSERT_EQ(l.next(0)->request.delegate, "dan");
  ASSERT_EQ(l.next(30)->request.delegate, "eve");
  // Two points of order by a man and a woman do not change whose turn it is.
  EXPECT_EQ(names(l.order()), (V{"ana", "ben"}));
  EXPECT_TRUE(l.record()[0].point_of_order);
}

TEST(Speakers, AlternateByGenderWhenPossible) {
  SpeakersList l;
  l.request(req("m1", "man"));
  l.request(req("m2", "Male"));
  l.request(req("m3", "m"));
  l.request(req("w1", "woman"));
  l.request(req("n1", "non-binary"));
  EXPECT_EQ(names(l.order()), (V{"m1", "m2", "m3", "w1", "n1"}));
  l.set_balance(Balance::alternate_gender);
  EXPECT_EQ(names(l.order()), (V{"m1", "w1", "m2", "n1", "m3"}));
  // Computed from who spoke: after a man, a woman or non-binary delegate comes first.
  l.next(0);  // m1 speaks
  EXPECT_EQ(names(l.order()), (V{"w1", "m2", "n1", "m3"}));
  l.set_balance(Balance::plain);  // switching back restores arrival order
  EXPECT_EQ(names(l.order()), (V{"m2", "m3", "w1", "n1"}));
}

TEST(Speakers, GenderGroups) {
  EXPECT_EQ(gender_group("MAN"), "men");
  EXPECT_EQ(gender_group("woman"), "women_and_non_binary");
  EXPECT_EQ(gender_group("non_binary"), "women_and_non_binary");
  EXPECT_EQ(gender_group(""), "unspecified");
}

TEST(Speakers, AlternateByConstituencyRoundRobin) {
  SpeakersList l;
  l.set_balance(Balance::alternate_constituency);
  l.request(req("u1", "", "unions"));
  l.request(req("u2", "", "unions"));
  l.request(req("u3", "", "unions"));
  l.request(req("m1", "", "migrant_associations"));
  l.request(req("m2", "", "migrant_associations"));
  l.request(req("f1", "", "faith_groups"));
  EXPECT_EQ(names(l.order()), (V{"u1", "m1", "f1", "u2", "m2", "u3"}));
}

TEST(Speakers, ConstituencyRotationRemembersWhoWasHeard) {
  SpeakersList l;
  l.request(req("u1", "", "unions"));
  l.next(0);  // unions heard (plain mode while it happened)
  l.request(req("u2", "", "unions"));
  l.request(req("m1", "", "migrant_associations"));
  l.set_balance(Balance::alternate_constituency);
  EXPECT_EQ(names(l.order()), (V{"m1", "u2"}));
}

TEST(Speakers, FirstTimeSpeakersFirst) {
  SpeakersList l;
  l.request(req("old1", "", "unions"));
  l.request(req("new1", "", "unions", "", true));
  l.request(req("old2", "", "unions"));
  l.request(req("new2", "", "unions", "", true));
  l.set_balance(Balance::first_time_first);
  EXPECT_EQ(names(l.order()), (V{"new1", "new2", "old1", "old2"}));
  // Once heard on this list, a first-timer is no longer first.
  l.next(0);   // new1
  l.next(60);  // new2
  l.request(req("new1", "", "unions", "", true));
  l.request(req("new3", "", "unions", "", true));
  EXPECT_EQ(names(l.order()), (V{"new3", "old1", "old2", "new1"}));
}

TEST(Speakers, CapPerOrganisation) {
  SpeakersList l;
  l.request(req("a1", "", "x", "bigUnion"));
  l.request(req("a2", "", "x", "bigUnion"));
  l.request(req("a3", "", "x", "bigUnion"));
  l.request(req("b1", "", "x", "smallNet"));
  l.set_balance(Balance::cap_per_organisation, 1);
  EXPECT_EQ(names(l.order()), (V{"a1", "b1", "a2", "a3"}));
  l.set_balance(Balance::cap_per_organisation, 2);
  EXPECT_EQ(names(l.order()), (V{"a1", "a2", "b1", "a3"}));
  l.next(0);  // a1 speaks: bigUnion has used one of two turns
  l.next(10);  // a2: both used
  EXPECT_EQ(names(l.order()), (V{"b1", "a3"}));
  EXPECT_THROW(l.set_balance(Balance::cap_per_organisation, 0), std::invalid_argument);
}

TEST(Speakers, NextRecordsWhoSpokeAndForHowLong) {
  SpeakersList l;
  l.set_time_limit(120);
  l.request(req("ana", "woman"));
  l.request(req("ben", "man"));
  EXPECT_FALSE(l.current().has_value());
  EXPECT_EQ(l.next(1000)->request.delegate, "ana");
  EXPECT_EQ(l.remaining(1030), 90);
  EXPECT_EQ(l.next(1150)->request.delegate, "ben");  // ana: 150 s, over the limit
  l.finish(1200);
  EXPECT_FALSE(l.next(1300).has_value());
  ASSERT_EQ(l.record().size(), 2u);
  EXPECT_EQ(l.record()[0].seconds(), 150);
  EXPECT_TRUE(l.record()[0].over_time());
  EXPECT_EQ(l.record()[1].seconds(), 50);
  EXPECT_FALSE(l.record()[1].over_time());
  auto j = to_json(l.record()[0]);
  EXPECT_EQ(j["seconds"], 150);
  EXPECT_EQ(j["over_time"], true);
  EXPECT_EQ(j["delegate"], "ana");
}

TEST(Speakers, NoLimitMeansNoRemaining) {
  SpeakersList l;
  l.request(req("ana", "woman"));
  l.next(0);
  EXPECT_FALSE(l.remaining(10).has_value());
}

TEST(Speakers, SkipDropsTheHeadWithoutAFloor) {
  SpeakersList l;
  l.request(req("ana", "woman"));
  l.request(req("ben", "man"));
  EXPECT_EQ(l.skip()->request.delegate, "ana");
  EXPECT_EQ(names(l.order()), (V{"ben"}));
  EXPECT_EQ(l.skipped().size(), 1u);
  EXPECT_TRUE(l.record().empty());
}

TEST(Speakers, TimeMustNotGoBackwards) {
  SpeakersList l;
  l.request(req("ana", "woman"));
  l.request(req("ben", "man"));
  l.next(100);
  EXPECT_THROW(l.next(50), std::invalid_argument);
  EXPECT_THROW(l.set_time_limit(-1), std::invalid_argument);
}

TEST(Speakers, BalanceNamesRoundTrip) {
  EXPECT_EQ(balance_from_string("alternate_constituency"), Balance::alternate_constituency);
  EXPECT_EQ(to_string(Balance::first_time_first), "first_time_first");
  EXPECT_FALSE(balance_from_string("loudest_first").has_value());
}

TEST(Speakers, StateRoundTripRestoresOrderRecordAndCurrent) {
  SpeakersList l;
  l.request(req("a", "man"));
  l.request(req("b", "man"));
  l.request(req("c", "woman"));
  l.set_balance(Balance::alternate_gender);
  l.set_time_limit(90);
  ASSERT_TRUE(l.next(100));
  l.next(150);
  l.point_of_order(req("d", "woman"));
  auto r = SpeakersList::restore(l.state());
  EXPECT_EQ(names(r.order()), names(l.order()));
  EXPECT_EQ(r.record().size(), 1u);
  ASSERT_TRUE(r.current());
  EXPECT_EQ(r.current()->request.delegate, l.current()->request.delegate);
  EXPECT_EQ(r.remaining(160), l.remaining(160));
  EXPECT_EQ(r.balance(), Balance::alternate_gender);
  // New requests continue the arrival order.
  EXPECT_TRUE(r.request(req("e", "man")));
  EXPECT_EQ(r.queued().back().seq, l.state().next_seq);
  EXPECT_FALSE(r.request(req("b", "man")));
}

TEST(Speakers, RestoreRejectsBrokenState) {
  ListState s;
  s.queue.push_back({req("a", "man"), false, 1});
  s.next_seq = 1;
  EXPECT_THROW(SpeakersList::restore(s), std::invalid_argument);
  s.next_seq = 3;
  s.queue.push_back({req("a", "man"), false, 2});
  EXPECT_THROW(SpeakersList::restore(s), std::invalid_argument);
  s.queue.pop_back();
  s.cap = 0;
  EXPECT_THROW(SpeakersList::restore(s), std::invalid_argument);
  s.cap = 1;
  s.record.push_back(Speech{req("b", "man"), false, 50, 40, 0});
  EXPECT_THROW(SpeakersList::restore(s), std::invalid_argument);
  s.record.clear();
  EXPECT_NO_THROW(SpeakersList::restore(s));
}
