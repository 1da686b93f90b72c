// Example-based tests of the OT text type: wire format, normalize, apply, compose,
// transform_position, helpers, and the UTF-8 and TextDoc building blocks.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"

namespace plenary::ot {
namespace {

using nlohmann::json;

Op op_of(const char* s) { return parse(json::parse(s)); }
json j(const char* s) { return json::parse(s); }

const std::string kEmoji = "\xf0\x9f\x98\x80";  // U+1F600, 4 bytes, 1 code point

TEST(OtUtf8, CountsAndSeeksCodePoints) {
  const std::string s = "a\xc3\xa9" + kEmoji + "\xe4\xb8\xad" "b";  // "aé😀中b"
  EXPECT_EQ(length_cp(s), 5U);
  EXPECT_EQ(byte_offset(s, 0), 0U);
  EXPECT_EQ(byte_offset(s, 2), 3U);
  EXPECT_EQ(byte_offset(s, 3), 7U);
  EXPECT_EQ(byte_offset(s, 5), s.size());
  EXPECT_EQ(byte_offset(s, 6), std::string::npos);
  EXPECT_EQ(retreat_cp(s, s.size(), 2), 7U);
  EXPECT_EQ(retreat_cp(s, s.size(), 5), 0U);
  EXPECT_EQ(retreat_cp(s, s.size(), 6), std::string::npos);
  EXPECT_EQ(slice_cp(s, 2, 4), kEmoji + "\xe4\xb8\xad");
  std::string out;
  append_utf8(out, U'\U0001D11E');
  EXPECT_EQ(out, "\xf0\x9d\x84\x9e");
}

TEST(OtUtf8, WordAtATimeSeekAgreesWithBytewise) {
  // Long mixed text so the 8-byte paths run, checked against a simple byte walk.
  std::string s;
  for (int i = 0; i < 300; ++i) {
    append_utf8(s, static_cast<char32_t>(i % 7 == 0 ? 0x1F600 + i : i % 5 == 0 ? 0x4E00 + i : 'a' + i % 26));
  }
  std::vector<std::size_t> starts;
  for (std::size_t b = 0; b < s.size(); ++b) {
    if (is_lead_byte(s[b])) starts.push_back(b);
  }
  starts.push_back(s.size());
  ASSERT_EQ(length_cp(s), 300U);
  for (std::size_t from = 0; from < starts.size(); from += 13) {
    for (std::size_t k = 0; from + k < starts.size(); k += 3) {
      ASSERT_EQ(advance_cp(s, starts[from], k), starts[from + k]) << from << "+" << k;
      ASSERT_EQ(retreat_cp(s, starts[from + k], k), starts[from]) << from + k << "-" << k;
    }
  }
}

TEST(OtTextOp, ParseAndToJsonRoundTrip) {
  const json canonical = j(R"([3, "hi", {"d": 2}, 1, {"d": "x😀"}])");
  const Op op = parse(canonical);
  ASSERT_EQ(op.size(), 5U);
  EXPECT_EQ(op[1].n, 2U);
  EXPECT_EQ(op[4].n, 2U);  // "x😀" is 2 code points, 5 bytes
  EXPECT_TRUE(op[4].has_deleted_text());
  EXPECT_FALSE(op[2].has_deleted_text());
  EXPECT_EQ(to_json(op), canonical);
  // Legacy insert form reads as a plain insert.
  EXPECT_EQ(to_json(op_of(R"([{"i": "abc"}])")), j(R"(["abc"])"));
}

TEST(OtTextOp, NormalizeMergesAndTrims) {
  EXPECT_EQ(to_json(normalize(op_of(R"([1, 2, "a", {"i": "b"}, {"d": 1}, {"d": 2}, 5])"))),
            j(R"([3, "ab", {"d": 3}])"));
  EXPECT_EQ(to_json(normalize(op_of(R"([{"d": "ab"}, {"d": "c"}])"))), j(R"([{"d": "abc"}])"));
  // Mixing a kept text with a bare count cannot keep the text.
  EXPECT_EQ(to_json(normalize(op_of(R"([{"d": "ab"}, {"d": 1}])"))), j(R"([{"d": 3}])"));
  EXPECT_TRUE(normalize(op_of("[4]")).empty());
  EXPECT_TRUE(normalize(op_of("[]")).empty());
}

TEST(OtTextOp, ApplyCountsCodePoints) {
  const std::string doc = "a" + kEmoji + "b";
  EXPECT_EQ(apply(doc, op_of(R"([1, "X"])")), "aX" + kEmoji + "b");
  EXPECT_EQ(apply(doc, op_of(R"([2, "X"])")), "a" + kEmoji + "Xb");
  EXPECT_EQ(apply(doc, op_of(R"([1, {"d": 1}])")), "ab");
  EXPECT_EQ(apply(doc, op_of(R"(["e\u0301", 3, "\u05e9"])")), "e\xcc\x81" + doc + "\xd7\xa9");
  EXPECT_EQ(apply("", op_of(R"(["\ud83d\ude00"])")), kEmoji);  // JSON surrogate pair escape
  EXPECT_EQ(apply(doc, op_of("[]")), doc);
}

TEST(OtTextOp, ComposeExamples) {
  EXPECT_EQ(to_json(compose(op_of(R"([1, "abc"])"), op_of(R"([2, {"d": 1}])"))), j(R"([1, "ac"])"));
  EXPECT_EQ(to_json(compose(op_of(R"([{"d": "xy"}])"), op_of(R"(["q"])"))), j(R"(["q", {"d": "xy"}])"));
  // b deletes original text that a skipped: the deleted text comes from b's component, sliced.
  EXPECT_EQ(to_json(compose(op_of(R"([1, "Z"])"), op_of(R"([{"d": "aZ😀"}])"))),
            j(R"([{"d": "a😀"}])"));
  EXPECT_TRUE(compose(op_of(R"(["abc"])"), op_of(R"([{"d": 3}])")).empty());
}

TEST(OtTextOp, TransformPositionExamples) {
  const Op ins = op_of(R"([2, "xyz"])");
  EXPECT_EQ(transform_position(1, ins), 1U);
  EXPECT_EQ(transform_position(2, ins), 2U);  // insert at the cursor stays after it
  EXPECT_EQ(transform_position(3, ins), 6U);
  const Op del = op_of(R"([1, {"d": 3}])");
  EXPECT_EQ(transform_position(1, del), 1U);
  EXPECT_EQ(transform_position(3, del), 1U);  // inside the deleted range
  EXPECT_EQ(transform_position(6, del), 3U);
  // Own op: the cursor follows the end of the edit.
  EXPECT_EQ(transform_position(0, ins, true), 5U);
  EXPECT_EQ(transform_position(9, del, true), 1U);
  EXPECT_EQ(transform_position(4, op_of(R"([1, "ab", 3, {"d": 1}, 7])"), true), 6U);
}

TEST(OtTextOp, Helpers) {
  const Op op = op_of(R"([2, "abc", {"d": 4}, 1])");
  EXPECT_EQ(base_length_min(op), 7U);
  EXPECT_EQ(target_length(op, 10), 9U);
  EXPECT_FALSE(is_noop(op));
  EXPECT_TRUE(is_noop(op_of("[5]")));
  EXPECT_TRUE(is_noop(op_of("[]")));
  EXPECT_EQ(to_json(from_patch(3, 2, "hi")), j(R"([3, {"d": 2}, "hi"])"));
  EXPECT_EQ(to_json(from_patch(0, 0, "hi")), j(R"(["hi"])"));
  EXPECT_EQ(to_json(from_patch(0, 1, "")), j(R"([{"d": 1}])"));
  EXPECT_TRUE(from_patch(7, 0, "").empty());
}

TEST(OtTextOp, InvertUndoes) {
  const std::string doc = "h\xc3\xa9llo" + kEmoji;
  const Op op = op_of(R"([1, {"d": 2}, "ELL", 2, "!"])");
  EXPECT_FALSE(is_invertible(op));
  EXPECT_THROW(invert(op), OpError);
  const Op inv = make_invertible(op, doc);
  EXPECT_TRUE(is_invertible(inv));
  EXPECT_EQ(to_json(inv), j(R"([1, {"d": "él"}, "ELL", 2, "!"])"));
  EXPECT_EQ(apply(apply(doc, op), invert(inv)), doc);
}

TEST(OtTextDoc, EditsAcrossTheGap) {
  TextDoc doc("abc" + kEmoji + "def");
  EXPECT_EQ(doc.length_cp(), 7U);
  EXPECT_EQ(doc.size_bytes(), 10U);
  doc.insert(7, "Z", 1);
  doc.insert(0, "\xd7\xa9", 1);  // Hebrew shin at the start: the gap crosses the whole text
  doc.erase(4, 1);               // the emoji
  EXPECT_EQ(doc.str(), "\xd7\xa9" "abcdefZ");
  EXPECT_TRUE(doc.matches(1, "abc"));
  EXPECT_TRUE(doc.matches(3, "cde"));
  EXPECT_FALSE(doc.matches(3, "cdf"));
  EXPECT_FALSE(doc.matches(7, "Z!"));
  EXPECT_EQ(doc.view(), "\xd7\xa9" "abcdefZ");
  doc.erase(0, doc.length_cp());
  EXPECT_EQ(doc.str(), "");
  EXPECT_EQ(doc.length_cp(), 0U);
}

TEST(OtTextOp, AppendJsonWritesWhatDumpWrites) {
  // Every escape nlohmann::json writes, multi-byte text, DEL, and each component kind.
  std::string ctl;
  for (int c = 1; c < 0x20; ++c) ctl += static_cast<char>(c);
  const std::vector<Op> ops = {
      Op{},
      op_of(R"([5])"),
      op_of(R"(["plain"])"),
      op_of(R"([3, {"d": 2}, "hi"])"),
      op_of(R"([{"d": "x\"y\\z"}, "tab\there\nnew\rline\bb\ff"])"),
      Op{Component::insert(ctl + "\x7f" + kEmoji + "\xc3\xa9\"\\/")},
      Op{Component::skip(1ULL << 40), Component::del_text(kEmoji + "\x01"), Component::del(7)},
  };
  for (const Op& op : ops) {
    std::string out = "prefix";
    append_json(out, op);
    EXPECT_EQ(out, "prefix" + to_json(op).dump());
  }
  std::string s;
  append_json_string(s, "a\"b\\c\x1f" + kEmoji);
  EXPECT_EQ(s, json("a\"b\\c\x1f" + kEmoji).dump());
}

}  // namespace
}  // namespace plenary::ot
