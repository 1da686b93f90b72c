// libFuzzer target: the word diff (core/drafting/word_diff.hpp).
// Input: `before` and `after` separated by the first NUL byte (no NUL: split in the middle).
// Checked: equal+delete parts concatenate to `before`, equal+insert parts to `after`; no empty
// parts; word_tokens concatenate to their text; a text diffed with itself is one Equal run (or
// nothing for an empty text).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/drafting/word_diff.hpp"

namespace dr = plenary::drafting;

namespace {

[[noreturn]] void bug(const char* what, std::string_view before, std::string_view after) {
  std::fprintf(stderr, "fuzz_word_diff: %s\n  before (%zu bytes), after (%zu bytes)\n", what, before.size(), after.size());
  std::abort();
}

void check_tokens(std::string_view text) {
  std::string joined;
  for (const auto& t : dr::word_tokens(text)) {
    if (t.empty()) bug("word_tokens returned an empty token", text, text);
    joined += t;
  }
  if (joined != text) bug("word_tokens do not concatenate to the text", text, text);
}

void check_diff(std::string_view before, std::string_view after) {
  const auto parts = dr::word_diff(before, after);
  std::string b, a;
  for (const auto& p : parts) {
    if (p.text.empty()) bug("an empty diff part", before, after);
    (void)dr::kind_name(p.kind);
    switch (p.kind) {
      case dr::DiffPart::Kind::Equal: b += p.text; a += p.text; break;
      case dr::DiffPart::Kind::Delete: b += p.text; break;
      case dr::DiffPart::Kind::Insert: a += p.text; break;
    }
  }
  if (b != before) bug("equal+delete parts do not concatenate to before", before, after);
  if (a != after) bug("equal+insert parts do not concatenate to after", before, after);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t cut = in.find('\0');
  std::string_view before, after;
  if (cut == std::string_view::npos) {
    before = in.substr(0, size / 2);
    after = in.substr(size / 2);
  } else {
    before = in.substr(0, cut);
    after = in.substr(cut + 1);
  }
  check_tokens(before);
  check_tokens(after);
  check_diff(before, after);
  check_diff(after, before);
  const auto same = dr::word_diff(before, before);
  if (before.empty() ? !same.empty() : (same.size() != 1 || same[0].kind != dr::DiffPart::Kind::Equal))
    bug("a text diffed with itself is not one Equal part", before, before);
  return 0;
}
