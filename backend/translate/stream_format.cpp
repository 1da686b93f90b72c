#include "translate/stream_format.hpp"

#include <algorithm>

namespace plenary::translate::stream {
namespace {

// Decode the code point at s[i] and advance i past it. Malformed bytes decode as U+FFFD, one
// byte each (input is validated before it gets here; this only keeps the scan total).
char32_t next_cp(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 1;
  char32_t cp = b0;
  if (b0 >= 0xF0) {
    len = 4;
    cp = b0 & 0x07U;
  } else if (b0 >= 0xE0) {
    len = 3;
    cp = b0 & 0x0FU;
  } else if (b0 >= 0xC0) {
    len = 2;
    cp = b0 & 0x1FU;
  } else if (b0 >= 0x80) {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0U) != 0x80U) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3FU);
  }
  i += len;
  return cp;
}

// Characters with a meaning in Apertium's stream format: escaped with a backslash in text.
bool stream_special(char c) {
  switch (c) {
    case '\\': case '[': case ']': case '^': case '$': case '/': case '<': case '>':
    case '{': case '}': case '@':
      return true;
    default:
      return false;
  }
}

// Bytes that go into superblanks rather than being translated: ASCII whitespace and controls,
// and Apertium's own mark characters. (C1 controls are handled on the code point level.)
bool gap_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7F || c == ' ' || c == '*' || c == '#' || c == '~';
}

bool is_mark(char c) { return c == '*' || c == '#' || c == '@'; }

class Deformatter {
public:
  explicit Deformatter(const FormatOptions& options) : options_(options) {}

  void add_text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
      const char c = s[i];
      if (c == '\0') {
        ++i;
      } else if (gap_byte(c)) {
        gap_ += c;
        ++i;
      } else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
                 static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                 static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
        gap_.append(s.substr(i, 2));  // C1 control character
        i += 2;
      } else {
        flush_gap();
        if (stream_special(c)) out_ += '\\';
        out_ += c;
        text_since_mark_ = true;
        ++i;
      }
    }
  }

  void add_format(std::string_view s) {
    for (char c : s) {
      if (c != '\0') gap_ += c;
    }
  }

  std::string finish() {
    if (text_since_mark_) out_ += ".[]";
    text_since_mark_ = false;
    if (!gap_.empty()) superblank(gap_);
    gap_.clear();
    return std::move(out_);
  }

private:
  void flush_gap() {
    if (gap_.empty()) return;
    if (gap_ == " " && !out_.empty()) {
      out_ += ' ';
    } else {
      if (text_since_mark_ && ends_sentence(gap_)) {
        out_ += ".[]";
        text_since_mark_ = false;
      }
      superblank(gap_);
    }
    gap_.clear();
  }

  bool ends_sentence(std::string_view gap) const {
    const auto newlines = std::count(gap.begin(), gap.end(), '\n');
    return options_.lines_end_sentences ? newlines >= 1 : newlines >= 2;
  }

  void superblank(std::string_view content) {
    out_ += '[';
    for (char c : content) {
      if (c == '\\' || c == '[' || c == ']') out_ += '\\';
      out_ += c;
    }
    out_ += ']';
  }

  const FormatOptions& options_;
  std::string out_;
  std::string gap_;
  bool text_since_mark_ = false;
};

// Append to the last piece when it has the same kind (text and format only).
void append_piece(std::vector<Piece>& pieces, Piece::Kind kind, std::string_view s) {
  if (s.empty()) return;
  if (kind != Piece::Kind::marked && !pieces.empty() && pieces.back().kind == kind) {
    pieces.back().value.append(s);
  } else {
    pieces.push_back(Piece{kind, std::string(s)});
  }
}

// Byte length of the word starting at s[i] (0 if none).
std::size_t word_length(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size()) {
    std::size_t k = j;
    if (!word_code_point(next_cp(s, k))) break;
    j = k;
  }
  return j - i;
}

}  // namespace

bool word_code_point(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp == 0xFFFD) return false;
  if (cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // ª µ º; rest: controls, ¡ « » ...
  if (cp == 0xD7 || cp == 0xF7) return false;                     // × ÷
  if (cp >= 0x2000 && cp <= 0x206F) return false;                 // general punctuation, spaces
  if (cp >= 0x20A0 && cp <= 0x20CF) return false;                 // currency symbols
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;                 // arrows, maths, shapes
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;                 // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return false;                 // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;                 // CJK compatibility forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;                 // fullwidth punctuation
  return true;
}

std::string deformat(const std::vector<Piece>& pieces, const FormatOptions& options) {
  Deformatter d(options);
  for (const auto& p : pieces) {
    if (p.kind == Piece::Kind::text) {
      d.add_text(p.value);
    } else if (p.kind == Piece::Kind::marked && p.value.size() > 1 && p.value.front() != '#') {
      // *word / @word: a source-language word; as text (mark dropped) the next leg keeps the
      // sentence around it intact and marks the word again when it does not know it either.
      d.add_text(std::string_view(p.value).substr(1));
    } else {
      d.add_format(p.value);
    }
  }
  return d.finish();
}

std::string deformat(std::string_view plain, const FormatOptions& options) {
  Deformatter d(options);
  d.add_text(plain);
  return d.finish();
}

std::vector<Piece> parse_output(std::string_view s) {
  std::vector<Piece> pieces;
  std::string run;  // pending text
  auto flush_text = [&] {
    append_piece(pieces, Piece::Kind::text, run);
    run.clear();
  };

  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      run += s[i + 1];
      i += 2;
    } else if (c == '[') {
      std::string content;
      std::size_t j = i + 1;
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          content += s[j + 1];
          j += 2;
        } else if (s[j] == ']') {
          closed = true;
          break;
        } else {
          content += s[j++];
        }
      }
      if (!closed) {  // not a superblank after all: keep the characters
        run.append(s.substr(i));
        break;
      }
      if (content.empty()) {  // our sentence mark: drop the "." we put before it
        if (!run.empty() && run.back() == '.') {
          run.pop_back();
        } else if (run.empty() && !pieces.empty() && pieces.back().kind == Piece::Kind::text &&
                   !pieces.back().value.empty() && pieces.back().value.back() == '.') {
          pieces.back().value.pop_back();
          if (pieces.back().value.empty()) pieces.pop_back();
        }
      } else {
        flush_text();
        append_piece(pieces, Piece::Kind::format, content);
      }
      i = j + 1;
    } else if (is_mark(c) && word_length(s, i + 1) > 0) {
      flush_text();
      const std::size_t len = 1 + word_length(s, i + 1);
      append_piece(pieces, Piece::Kind::marked, s.substr(i, len));
      i += len;
    } else {
      run += c;
      ++i;
    }
  }
  flush_text();
  return pieces;
}

std::string to_plain(const std::vector<Piece>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p.value;
  return out;
}

std::vector<std::string> unknown_in(const std::vector<Piece>& pieces) {
  std::vector<std::string> words;
  for (const auto& p : pieces) {
    if (p.kind != Piece::Kind::marked || p.value.empty() || p.value.front() != '*') continue;
    std::string w = p.value.substr(1);
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(std::move(w));
  }
  return words;
}

bool has_translatable_text(std::string_view plain) noexcept {
  return std::any_of(plain.begin(), plain.end(), [](char c) { return !gap_byte(c); });
}

std::vector<std::string> marked_words(std::string_view text, char mark) {
  std::vector<std::string> words;
  bool prev_word = false;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == mark && !prev_word) {
      const std::size_t len = word_length(text, i + 1);
      if (len > 0) {
        std::string w(text.substr(i + 1, len));
        if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(std::move(w));
        i += 1 + len;
        prev_word = true;
        continue;
      }
    }
    prev_word = word_code_point(next_cp(text, i));
  }
  return words;
}

}  // namespace plenary::translate::stream
