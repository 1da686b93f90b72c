#include "core/drafting/word_diff.hpp"

#include <cstdint>

namespace plenary::drafting {

namespace {
enum class Class { Word, Space, Other };
Class classify(unsigned char c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return Class::Space;
  if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Class::Word;
  return Class::Other;
}
void push(std::vector<DiffPart>& out, DiffPart::Kind k, const std::string& t) {
  if (!out.empty() && out.back().kind == k) out.back().text += t;
  else out.push_back({k, t});
}
}  // namespace

const char* kind_name(DiffPart::Kind k) {
  switch (k) {
    case DiffPart::Kind::Equal: return "equal";
    case DiffPart::Kind::Insert: return "insert";
    case DiffPart::Kind::Delete: return "delete";
  }
  return "equal";
}

std::vector<std::string> word_tokens(std::string_view text) {
  // Non-ASCII bytes count as word characters, so words in any script stay whole
  // (punctuation outside ASCII joins the word next to it, which is harmless for a diff).
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    Class k = classify(static_cast<unsigned char>(text[i]));
    size_t j = i + 1;
    if (k != Class::Other)
      while (j < text.size() && classify(static_cast<unsigned char>(text[j])) == k) ++j;
    out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<DiffPart> word_diff(std::string_view before, std::string_view after) {
  auto a = word_tokens(before), b = word_tokens(after);
  // Trim the common prefix and suffix, then LCS over what is left.
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  std::vector<DiffPart> out;
  for (size_t i = 0; i < pre; ++i) push(out, DiffPart::Kind::Equal, a[i]);
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  if (n * m > 4'000'000) {  // too large for a table: replace the middle wholesale
    for (size_t i = 0; i < n; ++i) push(out, DiffPart::Kind::Delete, a[pre + i]);
    for (size_t j = 0; j < m; ++j) push(out, DiffPart::Kind::Insert, b[pre + j]);
  } else {
    std::vector<std::uint32_t> t((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> std::uint32_t& { return t[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        at(i, j) = a[pre + i] == b[pre + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        push(out, DiffPart::Kind::Equal, a[pre + i]);
        ++i, ++j;
      } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
        push(out, DiffPart::Kind::Insert, b[pre + j++]);
      } else {
        push(out, DiffPart::Kind::Delete, a[pre + i++]);
      }
    }
  }
  for (size_t i = a.size() - suf; i < a.size(); ++i) push(out, DiffPart::Kind::Equal, a[i]);
  return out;
}

}  // namespace plenary::drafting
