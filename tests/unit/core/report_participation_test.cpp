// The participation report: aggregation by dimension, small-group suppression (primary and
// secondary), JSON and RFC 4180 CSV.
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/report/participation.hpp"

using namespace plenary::report;

namespace {

// 6 women (unions, Asia, es), 4 men (migrants, Africa, fr), 1 non-binary (faith, Asia, es),
// and 2 women in "Domestic workers, informal" (Americas, pt).
Activity sample() {
  Activity a;
  for (int i = 0; i < 6; ++i) a.delegates.push_back({"w" + std::to_string(i), "unions", "Asia", "woman", "es"});
  for (int i = 0; i < 4; ++i) a.delegates.push_back({"m" + std::to_string(i), "migrants", "Africa", "man", "fr"});
  a.delegates.push_back({"n0", "faith", "Asia", "non-binary", "es"});
  a.delegates.push_back({"d0", "Domestic workers, informal", "Americas", "woman", "pt"});
  a.delegates.push_back({"d1", "Domestic workers, informal", "Americas", "woman", "pt"});
  a.speeches = {{"w0", 120}, {"w0", 60}, {"w1", 90}, {"m0", 300}, {"m1", 240}, {"n0", 30}};
  a.tablings = {"m0", "w2"};
  a.cosponsorships = {"w3", "w4", "m2"};
  a.ballots = {"w0", "w1", "w2", "m0", "m1", "m2", "m3", "n0", "d0"};
  return a;
}

const Row& row(const Report& r, const std::string& dim, const std::string& group) {
  for (const auto& x : r.rows)
    if (x.dimension == dim && x.group == group) return x;
  throw std::runtime_error("no row " + dim + "/" + group);
}

}  // namespace

TEST(Participation, CountsAndTimeByGroup) {
  auto r = participation(sample(), 1);
  EXPECT_EQ(r.total.delegates, 13);
  EXPECT_EQ(r.total.speeches, 6);
  EXPECT_EQ(r.total.speakers, 5);
  EXPECT_EQ(r.total.seconds, 840);
  EXPECT_EQ(r.total.ballots, 9);
  const Row& women = row(r, "gender", "woman");
  EXPECT_EQ(women.delegates, 8);
  EXPECT_EQ(women.speakers, 2);
  EXPECT_EQ(women.speeches, 3);
  EXPECT_EQ(women.seconds, 270);
  EXPECT_EQ(women.tablings, 1);
  EXPECT_EQ(women.cosponsorships, 2);
  EXPECT_EQ(women.voters, 4);
  const Row& men = row(r, "gender", "man");
  EXPECT_EQ(men.seconds, 540);
  EXPECT_EQ(row(r, "region", "Asia").delegates, 7);
  EXPECT_EQ(row(r, "language", "fr").speakers, 2);
  EXPECT_FALSE(women.suppressed);
}

TEST(Participation, SmallGroupsAreSuppressedWithSecondarySuppression) {
  auto r = participation(sample(), 3);
  // gender: non-binary (1) is under k; alone it could be recovered from the total, so the next
  // smallest group (men, 4) is suppressed too.
  EXPECT_TRUE(row(r, "gender", "non-binary").suppressed);
  EXPECT_TRUE(row(r, "gender", "man").suppressed);
  EXPECT_FALSE(row(r, "gender", "woman").suppressed);
  // constituency: faith (1) and domestic workers (2) together hold 3 >= k: nothing else hidden.
  EXPECT_TRUE(row(r, "constituency", "faith").suppressed);
  EXPECT_TRUE(row(r, "constituency", "Domestic workers, informal").suppressed);
  EXPECT_FALSE(row(r, "constituency", "migrants").suppressed);
  EXPECT_FALSE(row(r, "constituency", "unions").suppressed);
  // region: Americas (2) is under k, so Africa (4) goes too.
  EXPECT_TRUE(row(r, "region", "Americas").suppressed);
  EXPECT_TRUE(row(r, "region", "Africa").suppressed);
  EXPECT_FALSE(row(r, "region", "Asia").suppressed);
  EXPECT_FALSE(r.total.suppressed);
  // Every published row covers at least k delegates.
  for (const auto& x : r.rows) {
    if (!x.suppressed) {
      EXPECT_GE(x.delegates, 3) << x.dimension << "/" << x.group;
    }
  }
}

TEST(Participation, NothingSuppressedWhenAllGroupsAreLarge) {
  Activity a;
  for (int i = 0; i < 5; ++i) a.delegates.push_back({"a" + std::to_string(i), "x", "r", "woman", "en"});
  for (int i = 0; i < 5; ++i) a.delegates.push_back({"b" + std::to_string(i), "y", "r", "man", "en"});
  auto r = participation(a, 5);
  for (const auto& x : r.rows) EXPECT_FALSE(x.suppressed) << x.dimension << "/" << x.group;
}

TEST(Participation, UnknownAttributesAndUnlistedDelegates) {
  Activity a;
  a.delegates = {{"p", "", "", "", ""}};
  a.speeches = {{"ghost", 10}};
  auto r = participation(a, 1);
  EXPECT_EQ(row(r, "gender", "unknown").delegates, 2);
  EXPECT_EQ(row(r, "gender", "unknown").seconds, 10);
  EXPECT_EQ(r.total.delegates, 2);
}

TEST(Participation, RejectsBadInput) {
  EXPECT_THROW(participation(sample(), 0), std::invalid_argument);
  Activity a = sample();
  a.speeches.push_back({"w0", -5});
  EXPECT_THROW(participation(a, 1), std::invalid_argument);
  Activity b = sample();
  b.delegates.push_back(b.delegates.front());
  EXPECT_THROW(participation(b, 1), std::invalid_argument);
}

TEST(Participation, JsonShowsSuppressedInsteadOfNumbers) {
  auto j = to_json(participation(sample(), 3));
  EXPECT_EQ(j["k"], 3);
  EXPECT_EQ(j["total"]["delegates"], 13);
  bool found = false;
  for (const auto& g : j["dimensions"]["gender"]) {
    if (g["group"] == "non-binary") {
      found = true;
      EXPECT_EQ(g["suppressed"], true);
      EXPECT_EQ(g["delegates"], "suppressed");
      EXPECT_EQ(g["seconds"], "suppressed");
    }
    if (g["group"] == "woman") {
      EXPECT_EQ(g["delegates"], 8);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(j["columns"].size(), 8u);
}

TEST(Csv, QuotingFollowsRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("عمال"), "عمال");
}

TEST(Csv, ReportHasHeaderRowsAndCrlf) {
  auto csv = to_csv(participation(sample(), 3));
  const std::string header =
      "dimension,group,delegates,speakers,speeches,seconds,tablings,cosponsorships,voters,ballots\r\n";
  ASSERT_EQ(csv.substr(0, header.size()), header);
  EXPECT_NE(csv.find("total,all,13,5,6,840,2,3,9,9\r\n"), std::string::npos);
  EXPECT_NE(csv.find("constituency,\"Domestic workers, informal\",suppressed,suppressed,suppressed,suppressed,"
                     "suppressed,suppressed,suppressed,suppressed\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("gender,woman,8,2,3,270,1,2,4,4\r\n"), std::string::npos);
  // Every record ends with CRLF; no bare LF.
  std::size_t lines = 0;
  for (std::size_t i = 0; i < csv.size(); ++i)
    if (csv[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(csv[i - 1], '\r');
      ++lines;
    }
  // header, total, 4 constituencies, 3 regions, 3 genders, 3 languages
  EXPECT_EQ(lines, 15u);
}
