// A word-level diff of two texts, for translators (what changed in the original since they
// last confirmed) and for amendments. Tokens are runs of letters/digits, runs of spaces, or
// single other characters, so a changed word shows as one deleted and one inserted word.
// Invariant: concatenating the equal+delete parts gives `before`; equal+insert gives `after`.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace plenary::drafting {

struct DiffPart {
  enum class Kind { Equal, Insert, Delete } kind;
  std::string text;
};

std::vector<std::string> word_tokens(std::string_view text);
std::vector<DiffPart> word_diff(std::string_view before, std::string_view after);
const char* kind_name(DiffPart::Kind k);

}  // namespace plenary::drafting
