// The server-side document (transform past history, op-id dedup), declaration phases and the
// word diff.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/drafting/document.hpp"
#include "core/drafting/phase.hpp"
#include "core/drafting/word_diff.hpp"
#include "core/ot/text_op.hpp"

using namespace plenary;
using nlohmann::json;

namespace {
ot::Op op(const char* j) { return ot::parse(json::parse(j)); }
}  // namespace

TEST(Document, AppliesOpsAndCountsRevisions) {
  drafting::Document d("Hello world", 0);
  auto& e = d.submit(op(R"([5, ","])"), 0, "a", 1);
  EXPECT_EQ(e.rev, 1);
  EXPECT_EQ(d.text(), "Hello, world");
  EXPECT_EQ(d.rev(), 1);
}

TEST(Document, TransformsAConcurrentOpPastHistory) {
  drafting::Document d("abc", 0);
  d.submit(op(R"(["X"])"), 0, "a", 1);        // rev 1: Xabc
  auto& e = d.submit(op(R"([3, "Y"])"), 0, "b", 2);  // based on rev 0: abcY
  EXPECT_EQ(e.rev, 2);
  EXPECT_EQ(d.text(), "XabcY");
  EXPECT_EQ(ot::to_json(e.op), json::parse(R"([4, "Y"])"));
}

TEST(Document, ConcurrentInsertsAtOnePlaceOrderByArrival) {
  drafting::Document d("", 0);
  d.submit(op(R"(["first"])"), 0, "a", 1);
  d.submit(op(R"(["second"])"), 0, "b", 2);
  // The later op takes side Left against history: its insert goes first, as in ShareDB.
  EXPECT_EQ(d.text(), "secondfirst");
}

TEST(Document, RejectsBadRevisionsAndOpsWithoutChange) {
  drafting::Document d("abc", 0);
  EXPECT_THROW(d.submit(op(R"([1, "x"])"), 5, "a", 1), drafting::SubmitError);
  try {
    d.submit(op(R"([10, "x"])"), 0, "b", 1);
    FAIL() << "an op past the end must be refused";
  } catch (const drafting::SubmitError& e) {
    EXPECT_EQ(e.code, "bad_op");
  }
  EXPECT_EQ(d.text(), "abc");
  EXPECT_EQ(d.rev(), 0);
}

TEST(Document, RemembersOpIds) {
  drafting::Document d("abc", 0);
  d.submit(op(R"(["x"])"), 0, "op-1", 1);
  ASSERT_TRUE(d.rev_of("op-1").has_value());
  EXPECT_EQ(*d.rev_of("op-1"), 1);
  EXPECT_FALSE(d.rev_of("op-2").has_value());
}

TEST(Document, HistoryLimitMakesOldBasesTooOld) {
  drafting::Document d("", 0, 3);
  for (int i = 0; i < 5; ++i) d.submit(op(R"(["x"])"), d.rev(), "o" + std::to_string(i), 1);
  EXPECT_EQ(d.oldest_rev(), 2);
  try {
    d.submit(op(R"(["y"])"), 1, "late", 1);
    FAIL() << "a base older than the history must be refused";
  } catch (const drafting::SubmitError& e) {
    EXPECT_EQ(e.code, "bad_revision");
  }
  EXPECT_NO_THROW(d.submit(op(R"(["y"])"), 2, "ok", 1));
}

TEST(Phase, TransitionsAreData) {
  EXPECT_TRUE(drafting::may_move("drafting", "amendments"));
  EXPECT_TRUE(drafting::may_move("amendments", "drafting"));
  EXPECT_FALSE(drafting::may_move("drafting", "adopted"));
  EXPECT_FALSE(drafting::may_move("published", "drafting"));
  EXPECT_TRUE(drafting::is_phase("voting"));
  EXPECT_FALSE(drafting::is_phase("draft"));
}

TEST(WordDiff, ShowsAChangedWordAsDeleteAndInsert) {
  auto parts = drafting::word_diff("the right to stay", "the right not to emigrate");
  std::string before, after;
  for (auto& p : parts) {
    if (p.kind != drafting::DiffPart::Kind::Insert) before += p.text;
    if (p.kind != drafting::DiffPart::Kind::Delete) after += p.text;
  }
  EXPECT_EQ(before, "the right to stay");
  EXPECT_EQ(after, "the right not to emigrate");
  bool saw_delete_stay = false;
  for (auto& p : parts)
    if (p.kind == drafting::DiffPart::Kind::Delete && p.text.find("stay") != std::string::npos) saw_delete_stay = true;
  EXPECT_TRUE(saw_delete_stay);
}

TEST(WordDiff, KeepsNonLatinWordsWhole) {
  auto parts = drafting::word_diff("حق العودة", "حق البقاء");
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(parts[0].kind, drafting::DiffPart::Kind::Equal);
  EXPECT_EQ(parts[0].text, "حق ");
}
