// Plain text <-> Apertium stream format, done in-process (our own "-f txt" deformatter).
//
// apertium-destxt/retxt cannot be used in a long-lived null-flush pipeline (destxt swallows the
// NUL byte), so we do their job here, plus a little more:
//  - the stream's special characters \ [ ] ^ $ / < > { } @ are backslash-escaped;
//  - whitespace other than a single space (newlines, tabs, runs of spaces), control characters
//    and the characters Apertium itself uses as output marks (* # ~) go into superblanks
//    "[...]" that every stage copies through untouched, so a `*` in the output is always an
//    Apertium mark and never a character the author typed;
//  - a sentence mark ".[]" is inserted at the end of the text and before every line break
//    (or only before blank lines, if lines_end_sentences is false), so words are not reordered
//    across lines; the mark's "." is removed again when the output is read.
// Invariant: for an identity pipeline, to_plain(parse_output(deformat(p))) == p for any valid
// UTF-8 text p without NUL bytes (NULs are dropped: they frame requests).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace plenary::translate::stream {

struct Piece {
  enum class Kind {
    text,    // translated text
    format,  // copied through untouched (whitespace, controls, protected characters)
    marked,  // a word with Apertium's mark in front: *unknown, @untranslated, #ungenerated
  };
  Kind kind = Kind::text;
  std::string value;  // for `marked`, includes the mark character
};

struct FormatOptions {
  bool lines_end_sentences = true;
};

// Stream text for `pieces` (a first pivot leg's output, or one text piece): text pieces are
// deformatted; format pieces and #-marked words become superblanks, copied through as they
// are; *word and @word are source-language words Apertium did not translate: they go in as
// text without their mark, so the second leg translates the sentence around them normally and
// marks them again (as *word) when it does not know them either.
std::string deformat(const std::vector<Piece>& pieces, const FormatOptions& options);
std::string deformat(std::string_view plain, const FormatOptions& options);

// Read one output of the pipeline (without its NUL): unescape, superblanks -> format pieces,
// sentence marks removed, mark characters followed by a word -> marked pieces.
std::vector<Piece> parse_output(std::string_view stream);

std::string to_plain(const std::vector<Piece>& pieces);

// Words of the `*`-marked pieces, without the mark, distinct, in order of first appearance.
std::vector<std::string> unknown_in(const std::vector<Piece>& pieces);

// Words in plain text that follow `mark` at the start of a word ("*Zorblax" -> "Zorblax"),
// distinct, in order. A heuristic on final text, where a typed `*` and a mark look alike.
std::vector<std::string> marked_words(std::string_view plain, char mark);

// True for a code point that can be part of a word in a mark's extent: ASCII letters and digits
// and non-ASCII code points outside the common punctuation and space blocks.
bool word_code_point(char32_t cp) noexcept;

// True if `plain` has anything for Apertium to translate (not only spaces, controls, * # ~).
bool has_translatable_text(std::string_view plain) noexcept;

}  // namespace plenary::translate::stream
