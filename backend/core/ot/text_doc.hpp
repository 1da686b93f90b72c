// TextDoc: a mutable UTF-8 document that ops are applied to in place (the server's hot path).
//
// A gap buffer: the text is buf_[0, gap_begin_) followed by buf_[gap_end_, buf_.size()), and
// the gap stays where the last edit happened, so a run of nearby edits (typing) costs time in
// proportion to the distance between edits, not to the document size. Invariants: the text is
// valid UTF-8; both gap ends sit on code point boundaries; gap_cp_ is the number of code
// points before the gap and length_cp_ the number in the whole text. Code point positions are
// found by counting lead bytes from the nearest of the start, the gap and the end.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/ot/text_op.hpp"

namespace plenary::ot {

class TextDoc {
 public:
  TextDoc() = default;
  // Throws OpError if `text` is not valid UTF-8.
  explicit TextDoc(std::string_view text);

  std::size_t length_cp() const noexcept { return length_cp_; }
  std::size_t size_bytes() const noexcept { return buf_.size() - (gap_end_ - gap_begin_); }

  // A copy of the text.
  std::string str() const;
  // The text as one contiguous view (moves the gap to the end); valid until the next edit.
  std::string_view view();

  // Inserts `text` (valid UTF-8 of `n_cp` code points) at code point `pos`.
  // Throws OpError if pos > length_cp().
  void insert(std::size_t pos, std::string_view text, std::size_t n_cp);
  // Erases `n` code points from `pos`. Throws OpError if the range passes the end.
  void erase(std::size_t pos, std::size_t n);
  // True if the text at code point `pos` starts with the bytes of `utf8`.
  bool matches(std::size_t pos, std::string_view utf8) const;

 private:
  // Physical byte index in buf_ of code point `pos` (< gap_begin_ or >= gap_end_; equals
  // gap_begin_ only when pos == gap_cp_ and nothing follows it before the gap).
  std::size_t locate(std::size_t pos) const;
  void move_gap(std::size_t pos);
  void reserve_gap(std::size_t bytes);

  std::string buf_;
  std::size_t gap_begin_ = 0;
  std::size_t gap_end_ = 0;
  std::size_t gap_cp_ = 0;
  std::size_t length_cp_ = 0;
};

// Applies `op` to `doc` in place. Strong guarantee: the op is checked against the document
// (length, invertible delete texts) before any change, so on OpError `doc` is unchanged.
void apply_in_place(TextDoc& doc, const Op& op);

}  // namespace plenary::ot
