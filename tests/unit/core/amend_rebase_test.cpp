// Rebasing an adopted amendment past the clause's later history, and refusing on conflicts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/amendments/rebase.hpp"
#include "core/ot/text_op.hpp"

using namespace plenary;
using amendments::Conflict;
using amendments::Range;
using nlohmann::json;

namespace {

ot::Op op(const char* j) { return ot::parse(json::parse(j)); }

// Applies history to `base`, rebases `amend` and returns the final text (or fails the test).
std::string merged(const std::string& base, const ot::Op& amend, const std::vector<ot::Op>& history) {
  std::string text = base;
  for (const auto& h : history) text = ot::apply(text, h);
  auto r = amendments::rebase(amend, 7, history);
  if (auto* c = std::get_if<Conflict>(&r)) {
    ADD_FAILURE() << "unexpected conflict: " << c->reason;
    return {};
  }
  return ot::apply(text, std::get<ot::Op>(r));
}

Conflict conflict(const ot::Op& amend, const std::vector<ot::Op>& history) {
  auto r = amendments::rebase(amend, 7, history);
  if (!std::holds_alternative<Conflict>(r)) {
    ADD_FAILURE() << "expected a conflict, got " << ot::to_json(std::get<ot::Op>(r)).dump();
    return {};
  }
  return std::get<Conflict>(r);
}

const std::string kClause = "Migrant workers have the right to organise.";
//                           0         1         2         3         4
//                           0123456789012345678901234567890123456789012

}  // namespace

TEST(Rebase, NoHistoryReturnsTheOp) {
  auto a = op(R"([8, {"d":7}, "domestic workers"])");
  EXPECT_EQ(merged(kClause, a, {}), "Migrant domestic workers have the right to organise.");
}

TEST(Rebase, CleanWhenLaterEditIsBefore) {
  // Amendment: "organise" -> "organise and strike". Later: "Migrant" -> "All migrant".
  auto a = op(R"([42, " and strike"])");
  auto h = op(R"([{"d":1}, "All m"])");
  EXPECT_EQ(merged(kClause, a, {h}), "All migrant workers have the right to organise and strike.");
}

TEST(Rebase, CleanWhenLaterEditIsAfter) {
  auto a = op(R"([8, {"d":7}, "domestic workers"])");
  auto h = op(R"([34, {"d":8}, "unionise"])");
  EXPECT_EQ(merged(kClause, a, {h}), "Migrant domestic workers have the right to unionise.");
}

TEST(Rebase, CleanOverSeveralLaterOps) {
  auto a = op(R"([16, {"d":4}, "shall have"])");  // "have" -> "shall have"
  std::vector<ot::Op> h = {op(R"(["Article 1. "])"), op(R"([53, " freely"])"), op(R"([18, " domestic"])")};
  EXPECT_EQ(merged(kClause, a, h), "Article 1. Migrant domestic workers shall have the right to organise freely.");
}

TEST(Rebase, ConflictWhenLaterEditChangedTheReplacedText) {
  auto a = op(R"([8, {"d":7}, "domestic workers"])");  // replaces "workers"
  auto h = op(R"([8, {"d":7}, "labourers"])");
  auto c = conflict(a, {h});
  EXPECT_EQ(c.reason, "deleted_text_changed");
  EXPECT_EQ(c.revision, 7u);
  EXPECT_EQ(c.ranges, (std::vector<Range>{{8, 15}}));
}

TEST(Rebase, ConflictWhenTargetTextWasDeleted) {
  auto a = op(R"([25, {"d":5}, "duty"])");          // "right" -> "duty"
  std::vector<ot::Op> h = {op(R"(["Now: "])"),      // harmless first
                           op(R"([25, {"d":16}])")};  // then " the right to or" ... deleted
  auto c = conflict(a, h);
  EXPECT_EQ(c.reason, "deleted_text_changed");
  EXPECT_EQ(c.revision, 8u);  // the second later op, applied to revision 8
  ASSERT_EQ(c.ranges.size(), 1u);
  EXPECT_EQ(c.ranges[0], (Range{30, 35}));  // "right", shifted by "Now: " (5 code points)
}

TEST(Rebase, ConflictOnPartialOverlap) {
  auto a = op(R"([16, {"d":9}])");  // deletes "have the "
  auto h = op(R"([21, {"d":10}, "a"])");  // deletes "the right "
  auto c = conflict(a, {h});
  EXPECT_EQ(c.reason, "deleted_text_changed");
  EXPECT_EQ(c.ranges, (std::vector<Range>{{21, 25}}));
}

TEST(Rebase, ConflictWhenLaterEditInsertedInsideTheDeletedRange) {
  auto a = op(R"([16, {"d":9}])");  // deletes "have the "
  auto h = op(R"([21, "always "])");
  auto c = conflict(a, {h});
  EXPECT_EQ(c.reason, "insert_inside_deleted");
  EXPECT_EQ(c.ranges, (std::vector<Range>{{16, 25}}));
}

TEST(Rebase, InsertAtTheBoundaryOfADeletedRangeIsClean) {
  auto a = op(R"([16, {"d":9}, "hold the "])");  // "have the " -> "hold the "
  auto at_start = op(R"([16, "shall "])");
  EXPECT_EQ(merged(kClause, a, {at_start}), "Migrant workers shall hold the right to organise.");
  auto at_end = op(R"([25, "full "])");
  EXPECT_EQ(merged(kClause, a, {at_end}), "Migrant workers hold the full right to organise.");
}

TEST(Rebase, InsertionAtTheSamePointPutsTheAmendmentFirst) {
  auto a = op(R"([15, " and their families"])");
  auto h = op(R"([15, " everywhere"])");
  EXPECT_EQ(merged(kClause, a, {h}), "Migrant workers and their families everywhere have the right to organise.");
}

TEST(Rebase, ConflictWhenInsertionContextWasDeleted) {
  auto a = op(R"([15, " and their families"])");  // after "workers"
  auto c = conflict(a, {op(R"([8, {"d":8}])")});   // "workers " deleted
  EXPECT_EQ(c.reason, "context_deleted");
  EXPECT_EQ(c.ranges, (std::vector<Range>{{14, 15}, {15, 16}}));
  // Only the code point after the insertion point.
  auto c2 = conflict(a, {op(R"([15, {"d":5}])")});
  EXPECT_EQ(c2.reason, "context_deleted");
  EXPECT_EQ(c2.ranges, (std::vector<Range>{{15, 16}}));
  // A deletion one code point away is not the immediate context.
  EXPECT_EQ(merged(kClause, a, {op(R"([16, {"d":5}])")}), "Migrant workers and their families the right to organise.");
}

TEST(Rebase, InsertionAtTheVeryStart) {
  auto a = op(R"(["Recalling ILO C189, "])");
  EXPECT_EQ(merged(kClause, a, {op(R"([43, " now"])")}),
            "Recalling ILO C189, Migrant workers have the right to organise. now");
  EXPECT_EQ(conflict(a, {op(R"([{"d":8}])")}).reason, "context_deleted");
}

TEST(Rebase, ArabicTextCountsCodePoints) {
  const std::string base = "للعمال المهاجرين الحق في التنظيم";  // 32 code points
  // Amendment replaces "الحق" (code points 17..21) with "كل الحقوق".
  auto a = op(R"([17, {"d":4}, "كل الحقوق"])");
  auto h = op(R"([32, " والإضراب"])");  // appends " and striking"
  EXPECT_EQ(merged(base, a, {h}), "للعمال المهاجرين كل الحقوق في التنظيم والإضراب");
  auto c = conflict(a, {op(R"([19, {"d":1}])")});
  EXPECT_EQ(c.reason, "deleted_text_changed");
  EXPECT_EQ(c.ranges, (std::vector<Range>{{19, 20}}));
}

TEST(Rebase, EmojiAndAstralCharacters) {
  const std::string base = "We ✊ together 🌍 for rights";
  // Code points: "We " 0-2, ✊ 3, " together " 4-13, 🌍 14, " for rights" 15-25.
  auto a = op(R"([15, " 🤝"])");  // insert after the globe
  auto before = op(R"([3, {"d":1}, "💪"])");  // replace the fist: elsewhere
  EXPECT_EQ(merged(base, a, {before}), "We 💪 together 🌍 🤝 for rights");
  auto c = conflict(a, {op(R"([14, {"d":1}])")});  // the globe, right before the insert, deleted
  EXPECT_EQ(c.reason, "context_deleted");
  EXPECT_EQ(c.ranges, (std::vector<Range>{{14, 15}}));
}

TEST(Rebase, InvertibleDeletesAreCarriedForward) {
  auto a = op(R"([8, {"d":"workers"}, "domestic workers"])");
  auto h = op(R"(["All "])");
  auto r = amendments::rebase(a, 0, {h});
  ASSERT_TRUE(std::holds_alternative<ot::Op>(r));
  EXPECT_EQ(ot::apply(ot::apply(kClause, h), std::get<ot::Op>(r)),
            "All Migrant domestic workers have the right to organise.");
}

TEST(Rebase, ConflictJson) {
  auto c = conflict(op(R"([16, {"d":9}])"), {op(R"([21, "always "])")});
  auto j = amendments::to_json(c);
  EXPECT_EQ(j["reason"], "insert_inside_deleted");
  EXPECT_EQ(j["ranges"][0]["start"], 16);
  EXPECT_EQ(j["revision"], 7);
}
