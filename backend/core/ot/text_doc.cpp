// TextDoc, the gap-buffer document, and apply_in_place. See text_doc.hpp.
#include "core/ot/text_doc.hpp"

#include <algorithm>
#include <cstring>

#include "core/ot/utf8.hpp"

namespace plenary::ot {

TextDoc::TextDoc(std::string_view text) : buf_(text) {
  if (!valid_utf8(text)) throw OpError("document is not valid UTF-8");
  gap_begin_ = gap_end_ = buf_.size();
  length_cp_ = gap_cp_ = ot::length_cp(text);
}

std::string TextDoc::str() const {
  std::string out;
  out.reserve(size_bytes());
  out.append(buf_, 0, gap_begin_);
  out.append(buf_, gap_end_, std::string::npos);
  return out;
}

std::string_view TextDoc::view() {
  move_gap(length_cp_);
  return std::string_view(buf_).substr(0, gap_begin_);
}

std::size_t TextDoc::locate(std::size_t pos) const {
  const std::string_view before = std::string_view(buf_).substr(0, gap_begin_);
  const std::string_view after = std::string_view(buf_).substr(gap_end_);
  if (pos < gap_cp_) {
    // Count from whichever of the start and the gap is nearer (in code points).
    if (pos <= gap_cp_ - pos) return advance_cp(before, 0, pos);
    return retreat_cp(before, before.size(), gap_cp_ - pos);
  }
  const std::size_t fwd = pos - gap_cp_;
  const std::size_t back = length_cp_ - pos;
  if (fwd <= back) return gap_end_ + advance_cp(after, 0, fwd);
  return gap_end_ + retreat_cp(after, after.size(), back);
}

void TextDoc::move_gap(std::size_t pos) {
  const std::size_t p = locate(pos);
  char* d = buf_.data();
  if (p < gap_begin_) {
    const std::size_t len = gap_begin_ - p;
    std::memmove(d + gap_end_ - len, d + p, len);
    gap_begin_ = p;
    gap_end_ -= len;
  } else if (p > gap_end_) {
    const std::size_t len = p - gap_end_;
    std::memmove(d + gap_begin_, d + gap_end_, len);
    gap_begin_ += len;
    gap_end_ = p;
  }
  gap_cp_ = pos;
}

void TextDoc::reserve_gap(std::size_t bytes) {
  if (gap_end_ - gap_begin_ >= bytes) return;
  const std::size_t used = size_bytes();
  const std::size_t cap = std::max(buf_.size() * 2, used + bytes + 64);
  const std::size_t tail = buf_.size() - gap_end_;
  std::string grown(cap, '\0');
  std::memcpy(grown.data(), buf_.data(), gap_begin_);
  std::memcpy(grown.data() + cap - tail, buf_.data() + gap_end_, tail);
  buf_ = std::move(grown);
  gap_end_ = cap - tail;
}

void TextDoc::insert(std::size_t pos, std::string_view text, std::size_t n_cp) {
  if (pos > length_cp_) throw OpError("insert past the end of the document");
  if (text.empty()) return;
  reserve_gap(text.size());
  move_gap(pos);
  std::memcpy(buf_.data() + gap_begin_, text.data(), text.size());
  gap_begin_ += text.size();
  gap_cp_ += n_cp;
  length_cp_ += n_cp;
}

void TextDoc::erase(std::size_t pos, std::size_t n) {
  if (pos > length_cp_ || n > length_cp_ - pos) throw OpError("delete past the end of the document");
  if (n == 0) return;
  move_gap(pos);
  if (pos + n == length_cp_) {
    gap_end_ = buf_.size();
  } else {
    gap_end_ += advance_cp(std::string_view(buf_).substr(gap_end_), 0, n);
  }
  length_cp_ -= n;
}

bool TextDoc::matches(std::size_t pos, std::string_view utf8) const {
  if (pos > length_cp_) return false;
  if (utf8.size() > size_bytes()) return false;
  const std::string_view buf(buf_);
  std::size_t p = locate(pos);
  if (p < gap_begin_) {
    const std::size_t first = std::min(utf8.size(), gap_begin_ - p);
    if (buf.substr(p, first) != utf8.substr(0, first)) return false;
    utf8.remove_prefix(first);
    p = gap_end_;
  }
  return buf.substr(p, utf8.size()) == utf8;
}

void apply_in_place(TextDoc& doc, const Op& op) {
  check(op);
  if (base_length_min(op) > doc.length_cp()) {
    throw OpError("op reaches past the end of the document");
  }
  // Invertible deletes must name the text they delete; check before touching the document.
  std::size_t pos = 0;  // in the original document
  for (const Component& c : op) {
    if (c.has_deleted_text() && !doc.matches(pos, c.text)) {
      throw OpError("deleted text does not match the document");
    }
    if (!c.is_insert()) pos += c.n;
  }
  pos = 0;  // in the document being edited
  for (const Component& c : op) {
    switch (c.kind) {
      case Component::Kind::Skip: pos += c.n; break;
      case Component::Kind::Insert:
        doc.insert(pos, c.text, c.n);
        pos += c.n;
        break;
      case Component::Kind::Delete: doc.erase(pos, c.n); break;
    }
  }
}

}  // namespace plenary::ot
