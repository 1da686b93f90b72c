// Property tests on random documents and ops (fixed seeds, so every run is the same): TP1
// convergence of transform, compose against sequential apply, transform_position against a
// model, and TextDoc against apply. Texts mix ASCII, astral-plane characters, combining marks,
// Arabic, Hebrew, Devanagari and CJK.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"

namespace plenary::ot {
namespace {

// Multi-code-point pieces of text a generator draws from.
const std::vector<std::u32string> kPieces = {
    U"a", U"b", U"z", U" ", U"\n", U"The ",
    U"\U0001F600", U"\U0001D11E", U"\U0001F468\u200D\U0001F469",  // emoji, G clef, ZWJ family
    U"e\u0301", U"n\u0303",                                       // combining marks
    U"\u0627\u0644\u0633\u0644\u0627\u0645",                      // Arabic
    U"\u05E9\u05DC\u05D5\u05DD",                                  // Hebrew
    U"\u0928\u092E\u0938\u094D\u0924\u0947",                      // Devanagari
    U"\u4E2D\u6587\u5BA3\u8A00", U"\U00020BB7",                   // CJK, CJK ext. B
};

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::string text(std::size_t max_pieces) {
    std::string s;
    const std::size_t pieces = 1 + below(max_pieces);
    for (std::size_t i = 0; i < pieces; ++i) {
      for (char32_t cp : kPieces[below(kPieces.size())]) append_utf8(s, cp);
    }
    return s;
  }

  // A random op over `doc`. Deletes keep their text with probability `invertible`; sometimes
  // the op is left unnormalized (trailing skip, split skips) as a client may send it.
  Op op(const std::string& doc, double invertible) {
    const std::size_t len = length_cp(doc);
    Op out;
    std::size_t pos = 0;
    const std::size_t parts = 1 + below(5);
    for (std::size_t i = 0; i < parts; ++i) {
      const std::size_t rest = len - pos;
      switch (below(3)) {
        case 0:
          if (rest > 0) {
            const std::size_t k = 1 + below(std::min<std::size_t>(rest, 12));
            out.push_back(Component::skip(k));
            pos += k;
          }
          break;
        case 1: out.push_back(Component::insert(text(3))); break;
        case 2:
          if (rest > 0) {
            const std::size_t k = 1 + below(std::min<std::size_t>(rest, 8));
            if (chance(invertible)) {
              out.push_back(Component::del_text(std::string(slice_cp(doc, pos, pos + k))));
            } else {
              out.push_back(Component::del(k));
            }
            pos += k;
          }
          break;
      }
    }
    if (pos < len && chance(0.2)) out.push_back(Component::skip(len - pos));
    return chance(0.8) ? normalize(std::move(out)) : out;
  }

 private:
  std::mt19937 rng_;
};

bool is_normalized(const Op& op) {
  for (std::size_t i = 0; i < op.size(); ++i) {
    if (op[i].n == 0) return false;
    if (i > 0 && op[i].kind == op[i - 1].kind) return false;
  }
  return op.empty() || !op.back().is_skip();
}

std::string dump(const Op& op) { return to_json(op).dump(); }

TEST(OtFuzz, TransformConvergesTP1) {
  std::size_t checked = 0;
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    Gen g(seed);
    for (int iter = 0; iter < 2500; ++iter) {
      const std::string doc = g.chance(0.1) ? std::string() : g.text(12);
      const double inv = g.chance(0.5) ? 1.0 : 0.3;
      const Op a = g.op(doc, inv);
      const Op b = g.op(doc, inv);
      const Op a2 = transform(a, b, Side::Left);
      const Op b2 = transform(b, a, Side::Right);
      SCOPED_TRACE("seed " + std::to_string(seed) + " iter " + std::to_string(iter) + " doc \"" + doc +
                   "\" a " + dump(a) + " b " + dump(b));
      ASSERT_TRUE(is_normalized(a2)) << dump(a2);
      ASSERT_TRUE(is_normalized(b2)) << dump(b2);
      // Invertible inputs give invertible outputs (apply checks every kept text).
      if (is_invertible(a) && is_invertible(b)) {
        ASSERT_TRUE(is_invertible(a2));
        ASSERT_TRUE(is_invertible(b2));
      }
      const std::string via_a = apply(apply(doc, a), b2);
      const std::string via_b = apply(apply(doc, b), a2);
      ASSERT_EQ(via_a, via_b) << "a' " << dump(a2) << " b' " << dump(b2);
      ASSERT_TRUE(valid_utf8(via_a));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 10000U);
}

TEST(OtFuzz, ComposeEqualsSequentialApply) {
  Gen g(99);
  for (int iter = 0; iter < 5000; ++iter) {
    const std::string doc = g.text(10);
    const double inv = g.chance(0.5) ? 1.0 : 0.0;
    const Op a = g.op(doc, inv);
    const std::string mid = apply(doc, a);
    const Op b = g.op(mid, inv);
    const Op ab = compose(a, b);
    SCOPED_TRACE("iter " + std::to_string(iter) + " doc \"" + doc + "\" a " + dump(a) + " b " + dump(b) +
                 " ab " + dump(ab));
    ASSERT_TRUE(is_normalized(ab));
    if (inv == 1.0) {
      ASSERT_TRUE(is_invertible(ab));
    }
    ASSERT_EQ(apply(doc, ab), apply(mid, b));
    // An invertible composition undoes cleanly.
    const Op undo = invert(make_invertible(ab, doc));
    ASSERT_EQ(apply(apply(doc, ab), undo), doc);
  }
}

// Transforming past two ops one at a time equals transforming past their composition, for the
// Right side. (With Side::Left it does not always hold: a tied insert can land on the other
// side of text the history both inserted and deleted around. Both results converge, but the
// server and clients must agree, hence DESIGN.md's rule: transform one history op at a time.)
TEST(OtFuzz, TransformPastSequenceMatchesComposition) {
  Gen g(7);
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string doc = g.text(10);
    const Op a = g.op(doc, 0.5);
    const Op b1 = g.op(doc, 0.5);
    const Op b2 = g.op(apply(doc, b1), 0.5);
    const Op stepwise = transform(transform(a, b1, Side::Right), b2, Side::Right);
    const Op at_once = transform(a, compose(b1, b2), Side::Right);
    const std::string base = apply(apply(doc, b1), b2);
    SCOPED_TRACE("iter " + std::to_string(iter) + " a " + dump(a) + " b1 " + dump(b1) + " b2 " + dump(b2));
    ASSERT_EQ(apply(base, stepwise), apply(base, at_once));
  }
}

// Model of the document as tags: an original code point, or an insert made at an original
// position. A cursor at c moves past everything that was before it: surviving original code
// points < c and text inserted at original positions < c (an insert at c stays after it).
std::size_t model_position(std::size_t cursor, const Op& op, std::size_t len) {
  std::size_t before = 0, orig = 0;
  for (const Component& c : op) {
    switch (c.kind) {
      case Component::Kind::Skip:
        for (std::size_t k = 0; k < c.n; ++k, ++orig) before += orig < cursor ? 1 : 0;
        break;
      case Component::Kind::Insert: before += orig < cursor ? c.n : 0; break;
      case Component::Kind::Delete: orig += c.n; break;
    }
  }
  for (; orig < len; ++orig) before += orig < cursor ? 1 : 0;
  return before;
}

TEST(OtFuzz, TransformPositionMatchesModel) {
  Gen g(2024);
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string doc = g.text(8);
    const std::size_t len = length_cp(doc);
    const Op op = g.op(doc, 0.0);
    const std::size_t new_len = length_cp(apply(doc, op));
    std::size_t last = 0;
    for (std::size_t cursor = 0; cursor <= len; ++cursor) {
      const std::size_t moved = transform_position(cursor, op);
      SCOPED_TRACE("op " + dump(op) + " cursor " + std::to_string(cursor));
      ASSERT_EQ(moved, model_position(cursor, op, len));
      ASSERT_LE(moved, new_len);
      ASSERT_GE(moved, last);  // cursors never cross
      last = moved;
    }
  }
}

// TextDoc (gap buffer) agrees with apply over long random edit sequences.
TEST(OtFuzz, TextDocMatchesApply) {
  Gen g(31337);
  for (int run = 0; run < 20; ++run) {
    std::string expected = g.text(20);
    TextDoc doc(expected);
    for (int step = 0; step < 400; ++step) {
      Op op = g.op(expected, 0.5);
      if (g.chance(0.3) && length_cp(expected) > 0) {
        // Far jumps, to move the gap across the whole document.
        const std::size_t len = length_cp(expected);
        op = from_patch(g.below(len + 1), 0, g.text(2));
        if (g.chance(0.5)) op = from_patch(g.below(len), 1, "");
      }
      expected = apply(expected, op);
      apply_in_place(doc, op);
      ASSERT_EQ(doc.length_cp(), length_cp(expected));
      ASSERT_EQ(doc.size_bytes(), expected.size());
      ASSERT_EQ(doc.str(), expected) << "run " << run << " step " << step << " op " << dump(op);
    }
    EXPECT_EQ(doc.view(), expected);
  }
}

}  // namespace
}  // namespace plenary::ot
