// Malformed ops and ops that do not fit their document: each class must raise OpError (never
// crash, never silently succeed), and a failed apply_in_place must leave the document as it was.
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"

namespace plenary::ot {
namespace {

using nlohmann::json;

void expect_rejected(const json& j, const char* why) {
  EXPECT_THROW(parse(j), OpError) << why << ": " << j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(OtValidation, OpMustBeAnArray) {
  expect_rejected(json::object(), "object");
  expect_rejected(json(3), "number");
  expect_rejected(json("abc"), "string");
  expect_rejected(json(nullptr), "null");
  expect_rejected(json(true), "bool");
}

TEST(OtValidation, SkipsMustBePositiveIntegers) {
  expect_rejected(json::parse("[0]"), "zero skip");
  expect_rejected(json::parse("[-3]"), "negative skip");
  expect_rejected(json::parse("[1.5]"), "fractional skip");
  expect_rejected(json::parse("[2.0]"), "float skip");
  expect_rejected(json::parse("[9007199254740992]"), "skip above 2^53-1");
  EXPECT_NO_THROW(parse(json::parse("[9007199254740991]")));
}

TEST(OtValidation, InsertsMustBeNonEmpty) {
  expect_rejected(json::parse(R"([""])"), "empty insert");
  expect_rejected(json::parse(R"([3, ""])"), "empty insert after skip");
  expect_rejected(json::parse(R"([{"i": ""}])"), "empty legacy insert");
  expect_rejected(json::parse(R"([{"i": 4}])"), "legacy insert of a number");
}

TEST(OtValidation, DeletesMustBePositive) {
  expect_rejected(json::parse(R"([{"d": 0}])"), "zero delete");
  expect_rejected(json::parse(R"([{"d": -1}])"), "negative delete");
  expect_rejected(json::parse(R"([{"d": ""}])"), "empty-string delete");
  expect_rejected(json::parse(R"([{"d": 1.5}])"), "fractional delete");
  expect_rejected(json::parse(R"([{"d": null}])"), "null delete");
  expect_rejected(json::parse(R"([{"d": [1]}])"), "array delete");
}

TEST(OtValidation, UnknownComponentsAreRejected) {
  expect_rejected(json::parse(R"([{}])"), "empty object");
  expect_rejected(json::parse(R"([{"x": 1}])"), "unknown key");
  expect_rejected(json::parse(R"([{"d": 1, "x": 2}])"), "extra key");
  expect_rejected(json::parse(R"([{"d": 1, "i": "a"}])"), "both keys");
  expect_rejected(json::parse("[null]"), "null component");
  expect_rejected(json::parse("[true]"), "bool component");
  expect_rejected(json::parse("[[1]]"), "nested array");
}

TEST(OtValidation, InvalidUtf8IsRejected) {
  const std::vector<std::string> bad = {
      "\xff",              // never valid
      "\x80",              // lone continuation byte
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong, 3 bytes
      "\xed\xa0\x80",      // UTF-16 surrogate U+D800
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xe2\x82",          // truncated
      "ok\xe2\x82 then",   // truncated in the middle
  };
  for (const std::string& s : bad) {
    SCOPED_TRACE(::testing::PrintToString(s));
    EXPECT_FALSE(valid_utf8(s));
    expect_rejected(json::array({json(s)}), "insert");
    expect_rejected(json::array({1, json{{"d", s}}}), "delete text");
    expect_rejected(json::array({json{{"i", s}}}), "legacy insert");
    EXPECT_THROW(Component::insert(s), OpError);
    EXPECT_THROW(from_patch(0, 0, s), OpError);
    EXPECT_THROW(TextDoc{s}, OpError);
  }
  EXPECT_TRUE(valid_utf8("a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"));  // "aé中😀"
  EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));                        // U+10FFFF
}

TEST(OtValidation, ErrorNamesTheComponent) {
  try {
    parse(json::parse(R"([1, "a", {"d": 0}])"));
    FAIL() << "expected OpError";
  } catch (const OpError& e) {
    EXPECT_NE(std::string(e.what()).find("component 2"), std::string::npos) << e.what();
  }
  static_assert(std::is_base_of_v<std::runtime_error, OpError>);
}

TEST(OtValidation, FactoriesCheckInvariants) {
  EXPECT_THROW(Component::skip(0), OpError);
  EXPECT_THROW(Component::del(0), OpError);
  EXPECT_THROW(Component::insert(""), OpError);
  EXPECT_THROW(Component::del_text(""), OpError);
  EXPECT_THROW(Component::skip(kMaxCount + 1), OpError);
}

TEST(OtValidation, HandBuiltMalformedOpsAreRejectedByTransformAndCompose) {
  const Op good = {Component::skip(1), Component::insert("x")};
  const Op zero_skip = {Component{Component::Kind::Skip, 0, {}}, Component::insert("x")};
  const Op lying_insert = {Component{Component::Kind::Insert, 5, "ab"}};
  const Op empty_insert = {Component{Component::Kind::Insert, 1, ""}};
  for (const Op* bad : {&zero_skip, &lying_insert, &empty_insert}) {
    EXPECT_THROW(transform(*bad, good, Side::Left), OpError);
    EXPECT_THROW(transform(good, *bad, Side::Left), OpError);
    EXPECT_THROW(compose(*bad, good), OpError);
    EXPECT_THROW(compose(good, *bad), OpError);
    EXPECT_THROW(check(*bad), OpError);
    TextDoc doc("abc");
    EXPECT_THROW(apply_in_place(doc, *bad), OpError);
    EXPECT_EQ(doc.str(), "abc");
  }
}

TEST(OtValidation, ApplyPastTheEndThrows) {
  const std::string doc = "h\xc3\xa9llo \xf0\x9f\x98\x80";  // "héllo 😀": 7 code points, 11 bytes
  ASSERT_EQ(length_cp(doc), 7U);
  EXPECT_EQ(apply(doc, parse(json::parse("[7]"))), doc);
  EXPECT_THROW(apply(doc, parse(json::parse("[8]"))), OpError);
  EXPECT_THROW(apply(doc, parse(json::parse("[11]"))), OpError);  // byte length is not enough
  EXPECT_THROW(apply(doc, parse(json::parse("[6, {\"d\": 2}]"))), OpError);
  EXPECT_THROW(apply(doc, parse(json::parse("[{\"d\": 8}]"))), OpError);
  EXPECT_THROW(apply(doc, parse(json::parse("[8, \"x\"]"))), OpError);
  EXPECT_EQ(apply(doc, parse(json::parse("[7, \"x\"]"))), doc + "x");
  EXPECT_EQ(apply(doc, parse(json::parse("[6, {\"d\": 1}]"))), "h\xc3\xa9llo ");
}

TEST(OtValidation, InvertibleDeleteMustMatchTheDocument) {
  const std::string doc = "abc\xf0\x9f\x98\x80" "def";  // "abc😀def"
  EXPECT_EQ(apply(doc, parse(json::parse(R"([2, {"d": "c😀d"}])"))), "abef");
  EXPECT_THROW(apply(doc, parse(json::parse(R"([2, {"d": "cXd"}])"))), OpError);
  EXPECT_THROW(apply(doc, parse(json::parse(R"([1, {"d": "c😀d"}])"))), OpError);
  EXPECT_THROW(apply(doc, parse(json::parse(R"([5, {"d": "defg"}])"))), OpError);
}

TEST(OtValidation, FailedApplyInPlaceLeavesTheDocumentUnchanged) {
  const std::string text = "abc\xf0\x9f\x98\x80" "def";
  TextDoc doc(text);
  // The first components would succeed; the later ones do not fit.
  EXPECT_THROW(apply_in_place(doc, parse(json::parse(R"(["X", 2, {"d": "Q"}])"))), OpError);
  EXPECT_EQ(doc.str(), text);
  EXPECT_THROW(apply_in_place(doc, parse(json::parse(R"(["X", 5, {"d": 3}])"))), OpError);
  EXPECT_EQ(doc.str(), text);
  EXPECT_THROW(apply_in_place(doc, parse(json::parse(R"([{"d": 1}, 7, "x"])"))), OpError);
  EXPECT_EQ(doc.str(), text);
  EXPECT_EQ(doc.length_cp(), 7U);
  apply_in_place(doc, parse(json::parse(R"([{"d": 1}, 2, {"d": "😀"}, "!"])")));
  EXPECT_EQ(doc.str(), "bc!def");
  EXPECT_THROW(doc.insert(7, "x", 1), OpError);
  EXPECT_THROW(doc.erase(5, 2), OpError);
}

}  // namespace
}  // namespace plenary::ot
