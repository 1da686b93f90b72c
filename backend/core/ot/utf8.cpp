// UTF-8 <-> code point helpers. See utf8.hpp.
#include "core/ot/utf8.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace plenary::ot {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Number of continuation bytes (10xxxxxx) among the 8 bytes of `w`: a byte is a continuation
// byte iff its bit 7 is set and its bit 6 is clear; `w << 1` moves each bit 6 under bit 7.
inline int continuation_bytes(std::uint64_t w) noexcept {
  return std::popcount(w & ~(w << 1) & kHighBits);
}

inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

}  // namespace

bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n && (load8(s.data() + i) & kHighBits) == 0) {
      i += 8;
      continue;
    }
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlongs
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlongs
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;  // continuation byte as lead, C0/C1 overlong lead, or F5..FF
    }
    if (i + len > n) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0U) != 0x80U) return false;
    }
    i += len;
  }
  return true;
}

std::size_t length_cp(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0, cont = 0;
  for (; i + 8 <= n; i += 8) cont += static_cast<std::size_t>(continuation_bytes(load8(p + i)));
  for (; i < n; ++i) cont += is_lead_byte(p[i]) ? 0 : 1;
  return n - cont;
}

std::size_t advance_cp(std::string_view s, std::size_t from, std::size_t count) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  if (from > n) return std::string_view::npos;
  // Whole words while they cannot hold the code point we stop at: a word holding at most
  // `count` lead bytes can be consumed entirely (the stop is the (count+1)-th lead byte).
  while (count >= 8 && from + 8 <= n) {
    const auto leads = static_cast<std::size_t>(8 - continuation_bytes(load8(p + from)));
    count -= leads;
    from += 8;
  }
  // Byte by byte; this also copes with `from` landing inside a multi-byte sequence above.
  for (; from < n; ++from) {
    if (is_lead_byte(p[from])) {
      if (count == 0) return from;
      --count;
    }
  }
  return count == 0 ? n : std::string_view::npos;
}

std::size_t retreat_cp(std::string_view s, std::size_t from, std::size_t count) noexcept {
  const char* p = s.data();
  if (from > s.size()) return std::string_view::npos;
  if (count == 0) return from;
  // Whole words while they hold fewer lead bytes than remain to pass (at most 8 < count), so
  // the code point we stop at lies before the word.
  while (count > 8 && from >= 8) {
    count -= static_cast<std::size_t>(8 - continuation_bytes(load8(p + from - 8)));
    from -= 8;
  }
  while (from > 0) {
    --from;
    if (is_lead_byte(p[from]) && --count == 0) return from;
  }
  return std::string_view::npos;
}

std::string_view slice_cp(std::string_view s, std::size_t start, std::size_t end) noexcept {
  if (end <= start) return {};
  std::size_t b0 = advance_cp(s, 0, start);
  if (b0 == std::string_view::npos) return {};
  std::size_t b1 = advance_cp(s, b0, end - start);
  if (b1 == std::string_view::npos) b1 = s.size();
  return s.substr(b0, b1 - b0);
}

void append_utf8(std::string& out, char32_t cp) {
  const auto c = static_cast<std::uint32_t>(cp);
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace plenary::ot
