// Replays the real editing traces in ../shared/traces: every patch through from_patch and
// apply_in_place must end at endContent exactly; the std::string apply path and compose are
// checked on the same data.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"
#include "trace_loader.hpp"

namespace plenary::ot {
namespace {

using plenary::test::load_trace;
using plenary::test::Trace;
using plenary::test::trace_path;

class OtTrace : public ::testing::TestWithParam<const char*> {
 protected:
  // Each trace is decompressed and parsed once for all the tests that use it.
  static const Trace& load(const char* name) {
    static std::map<std::string, Trace> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    Trace t;
    try {
      t = load_trace(trace_path(name));
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    return cache.emplace(name, std::move(t)).first->second;
  }
};

TEST_P(OtTrace, ReplayEveryPatchInPlace) {
  const Trace& t = load(GetParam());
  ASSERT_GT(t.patches.size(), 0U) << "no patches loaded from " << trace_path(GetParam());
  TextDoc doc(t.start);
  for (std::size_t i = 0; i < t.patches.size(); ++i) {
    const auto& p = t.patches[i];
    const Op op = from_patch(p.pos, p.del, p.ins);
    ASSERT_NO_THROW(apply_in_place(doc, op)) << "patch " << i;
  }
  EXPECT_EQ(doc.length_cp(), length_cp(t.end));
  EXPECT_TRUE(doc.str() == t.end) << "final text differs from endContent";
}

// The std::string apply path, patch by patch, over a prefix (each call copies the document),
// checked against TextDoc at the end of the prefix.
TEST_P(OtTrace, StringApplyAgreesOnPrefix) {
  const Trace& t = load(GetParam());
  ASSERT_GT(t.patches.size(), 0U);
  const std::size_t prefix = std::min<std::size_t>(t.patches.size(), 20000);
  std::string text = t.start;
  TextDoc doc(t.start);
  for (std::size_t i = 0; i < prefix; ++i) {
    const auto& p = t.patches[i];
    const Op op = from_patch(p.pos, p.del, p.ins);
    text = apply(text, op);
    apply_in_place(doc, op);
  }
  EXPECT_TRUE(doc.str() == text);
  EXPECT_GT(length_cp(text), 0U);
}

// Whole trace through apply(string), composing runs of consecutive patches into one op first.
TEST_P(OtTrace, ComposedBatchesReachEndContent) {
  const Trace& t = load(GetParam());
  ASSERT_GT(t.patches.size(), 0U);
  constexpr std::size_t kBatch = 100;
  std::string text = t.start;
  std::size_t applied = 0;
  for (std::size_t i = 0; i < t.patches.size(); i += kBatch) {
    Op batch;
    for (std::size_t k = i; k < std::min(t.patches.size(), i + kBatch); ++k) {
      const auto& p = t.patches[k];
      batch = compose(batch, from_patch(p.pos, p.del, p.ins));
    }
    text = apply(text, batch);
    ++applied;
  }
  EXPECT_EQ(applied, (t.patches.size() + kBatch - 1) / kBatch);
  EXPECT_TRUE(text == t.end) << "final text differs from endContent";
}

INSTANTIATE_TEST_SUITE_P(SharedTraces, OtTrace,
                         ::testing::Values("automerge-paper.json.gz", "seph-blog1.json.gz"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.')) == "automerge-paper" ? std::string("AutomergePaper")
                                                                                     : std::string("SephBlog1");
                         });

}  // namespace
}  // namespace plenary::ot
