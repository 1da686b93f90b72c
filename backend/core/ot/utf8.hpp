// UTF-8 <-> Unicode code point helpers for the OT text type.
//
// Text is stored as UTF-8 in std::string, but every OT position and length is a count of
// Unicode code points (never bytes, never UTF-16 units). These functions convert between the
// two. Invariant they rely on: a code point starts at every byte that is not a continuation
// byte (10xxxxxx), so counting and seeking need no decoding. Only `valid_utf8` decodes; it is
// the gate that keeps malformed bytes (overlong forms, surrogates, > U+10FFFF, truncated
// sequences) out of ops and documents.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plenary::ot {

// True if `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;

// Number of code points in `s` (counts non-continuation bytes; exact for valid UTF-8).
std::size_t length_cp(std::string_view s) noexcept;

// True if byte `c` starts a code point (is not a 10xxxxxx continuation byte).
constexpr bool is_lead_byte(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
}

// Byte offset reached by advancing `count` code points from byte offset `from` (which must be
// at a code point boundary). Returns std::string_view::npos if `s` has fewer than `count`
// code points after `from`. Advancing to exactly the end of `s` is allowed.
std::size_t advance_cp(std::string_view s, std::size_t from, std::size_t count) noexcept;

// Byte offset reached by moving back `count` code points from byte offset `from` (a code point
// boundary, at most s.size()). Returns npos if `s` has fewer than `count` code points before.
std::size_t retreat_cp(std::string_view s, std::size_t from, std::size_t count) noexcept;

// Byte offset of code point index `cp`, or npos if cp > length_cp(s).
inline std::size_t byte_offset(std::string_view s, std::size_t cp) noexcept {
  return advance_cp(s, 0, cp);
}

// The code points [start, end) of `s` (clamped to its length).
std::string_view slice_cp(std::string_view s, std::size_t start, std::size_t end) noexcept;

// Append the UTF-8 encoding of code point `cp` (must be a Unicode scalar value).
void append_utf8(std::string& out, char32_t cp);

}  // namespace plenary::ot
