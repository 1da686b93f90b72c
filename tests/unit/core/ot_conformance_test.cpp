// Conformance of transform with the reference ot-text-unicode library: every case of
// ../shared/conformance/text-unicode/text-transform-tests.json must give the expected op.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/ot/text_op.hpp"

namespace plenary::ot {
namespace {

const std::string kConformancePath =
    std::string(PLENARY_SOURCE_DIR) + "/../shared/conformance/text-unicode/text-transform-tests.json";

struct Case {
  std::size_t line = 0;  // 1-based line of the case's first line
  std::string op, other, side, expected;
};

// Four non-blank lines a case: op, other op, side, expected result.
std::vector<Case> read_cases(std::size_t& leftover) {
  std::ifstream in(kConformancePath);
  std::vector<std::pair<std::size_t, std::string>> lines;
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    lines.emplace_back(no, line);
  }
  std::vector<Case> cases;
  std::size_t i = 0;
  for (; i + 4 <= lines.size(); i += 4) {
    cases.push_back(Case{lines[i].first, lines[i].second, lines[i + 1].second, lines[i + 2].second,
                         lines[i + 3].second});
  }
  leftover = lines.size() - i;
  return cases;
}

TEST(OtConformance, EveryReferenceTransformCasePasses) {
  std::ifstream probe(kConformancePath);
  ASSERT_TRUE(probe.good()) << "conformance file missing or unreadable: " << kConformancePath;

  std::size_t leftover = 0;
  const std::vector<Case> cases = read_cases(leftover);
  ASSERT_GT(cases.size(), 0U) << "no cases read from " << kConformancePath;
  EXPECT_EQ(leftover, 0U) << "file does not hold a whole number of 4-line cases";

  std::size_t passed = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE("case at line " + std::to_string(c.line) + ": " + c.op + " by " + c.other + " (" +
                 c.side + ")");
    ASSERT_TRUE(c.side == "left" || c.side == "right") << "bad side word: " << c.side;
    const Side side = c.side == "left" ? Side::Left : Side::Right;
    const Op op = parse(nlohmann::json::parse(c.op));
    const Op other = parse(nlohmann::json::parse(c.other));
    const nlohmann::json expected = to_json(normalize(parse(nlohmann::json::parse(c.expected))));
    const nlohmann::json got = to_json(normalize(transform(op, other, side)));
    EXPECT_EQ(got, expected) << "got " << got.dump() << ", expected " << expected.dump();
    if (got == expected) ++passed;
  }
  EXPECT_EQ(passed, cases.size());
  RecordProperty("cases", static_cast<int>(cases.size()));
}

// The same kind of cases with multi-byte and astral text: splitting must follow code points.
TEST(OtConformance, SplitsInvertibleDeletesByCodePoint) {
  const auto j = [](const char* s) { return nlohmann::json::parse(s); };
  // "😀é中" deleted from position 1; the other op inserts after the emoji.
  const Op op = parse(j(R"([1, {"d": "😀é中"}])"));
  const Op other = parse(j(R"([2, "x"])"));
  EXPECT_EQ(to_json(transform(op, other, Side::Left)), j(R"([1, {"d": "😀"}, 1, {"d": "é中"}])"));
  EXPECT_EQ(to_json(transform(op, other, Side::Right)), j(R"([1, {"d": "😀"}, 1, {"d": "é中"}])"));
  // A concurrent delete of the middle code point removes it from our deleted text.
  const Op del_mid = parse(j(R"([2, {"d": 1}])"));
  EXPECT_EQ(to_json(transform(op, del_mid, Side::Left)), j(R"([1, {"d": "😀中"}])"));
  // Inserts at the same place: left goes first.
  const Op ins_a = parse(j(R"([1, "𝄞"])"));
  const Op ins_b = parse(j(R"([1, "ب"])"));
  EXPECT_EQ(to_json(transform(ins_a, ins_b, Side::Left)), j(R"([1, "𝄞"])"));
  EXPECT_EQ(to_json(transform(ins_a, ins_b, Side::Right)), j(R"([2, "𝄞"])"));
}

}  // namespace
}  // namespace plenary::ot
