// Plain text <-> Apertium stream format, without running Apertium.
#include "translate/apertium.hpp"
#include "translate/stream_format.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace plenary::translate;
using stream::Piece;

namespace {

std::string round_trip(std::string_view plain, bool lines_end_sentences = true) {
  return stream::to_plain(
      stream::parse_output(stream::deformat(plain, stream::FormatOptions{lines_end_sentences})));
}

}  // namespace

TEST(StreamFormat, EscapesStreamCharactersAndProtectsMarks) {
  EXPECT_EQ(stream::deformat("a [b] ^c$ d/e <f> {g} @h \\i", {}),
            "a \\[b\\] \\^c\\$ d\\/e \\<f\\> \\{g\\} \\@h \\\\i.[]");
  // Apertium's own mark characters and whitespace other than one space go into superblanks.
  EXPECT_EQ(stream::deformat("x *y #z ~w", {}), "x[ *]y[ #]z[ ~]w.[]");
  EXPECT_EQ(stream::deformat("a\tb  c", {}), "a[\t]b[  ]c.[]");
}

TEST(StreamFormat, SentenceMarksAtLineBreaksAndEnd) {
  EXPECT_EQ(stream::deformat("One\nTwo\n\nThree\n", {}), "One.[][\n]Two.[][\n\n]Three.[][\n]");
  // With lines_end_sentences off only blank lines end sentences (like apertium-destxt).
  EXPECT_EQ(stream::deformat("One\nTwo\n\nThree", stream::FormatOptions{false}),
            "One[\n]Two.[][\n\n]Three.[]");
  // Leading blanks are a superblank, not a lone space Apertium could drop.
  EXPECT_EQ(stream::deformat(" a", {}), "[ ]a.[]");
}

TEST(StreamFormat, NulBytesAreDropped) {
  EXPECT_EQ(stream::deformat(std::string_view("a\0b", 3), {}), "ab.[]");
}

TEST(StreamFormat, ParseOutputFindsMarksAndRemovesSentenceMarks) {
  const auto pieces = stream::parse_output("El *Zorblax es \\@aqu\xC3\xAD #de.[][\n]\\*x [*]y.[]");
  EXPECT_EQ(stream::to_plain(pieces), "El *Zorblax es @aqu\xC3\xAD #de\n*x *y");
  ASSERT_EQ(stream::unknown_in(pieces), std::vector<std::string>{"Zorblax"});
  // The escaped \* is text; the superblank [*] is format: neither is a mark.
  int marked = 0;
  for (const auto& p : pieces) marked += p.kind == Piece::Kind::marked ? 1 : 0;
  EXPECT_EQ(marked, 2);  // *Zorblax and #de
}

TEST(StreamFormat, KeepsAuthorsPeriods) {
  EXPECT_EQ(round_trip("End."), "End.");
  EXPECT_EQ(round_trip("Wait...\n\nU.S.\n"), "Wait...\n\nU.S.\n");
}

TEST(StreamFormat, PivotLegPassesWordsWithoutTheirMark) {
  const std::vector<Piece> leg1{{Piece::Kind::text, "El "},
                                {Piece::Kind::marked, "*Zorblax"},
                                {Piece::Kind::text, " va "},
                                {Piece::Kind::marked, "#de"},
                                {Piece::Kind::format, "\n"},
                                {Piece::Kind::marked, "@hello"}};
  EXPECT_EQ(stream::deformat(leg1, {}), "El Zorblax va.[][ #de\n]hello.[]");
}

// For an identity "translation", deformat + parse_output give back the text exactly.
TEST(StreamFormat, RoundTripIsIdentityOnRandomText) {
  const std::vector<std::string> atoms{
      "a", "Z", "word", " ", " ", "  ", "\n", "\n\n", "\r\n", "\t", ".", "..", "?", "[", "]", "[]",
      "^", "$", "\\", "/", "<", ">", "{", "}", "@", "*", "#", "~", "\x01", "\x7f", "\xC2\x85",
      "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9F\x98\x80", "'", "\"", "-", "_", "|", "%", "&", ";"};
  std::mt19937 rng(4711);
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    const int len = static_cast<int>(rng() % 25);
    for (int i = 0; i < len; ++i) s += atoms[rng() % atoms.size()];
    ASSERT_EQ(round_trip(s, true), s);
    ASSERT_EQ(round_trip(s, false), s);
  }
}

TEST(StreamFormat, HasTranslatableText) {
  EXPECT_FALSE(stream::has_translatable_text(""));
  EXPECT_FALSE(stream::has_translatable_text(" \n\t* # ~"));
  EXPECT_TRUE(stream::has_translatable_text("\n a"));
}

TEST(UnknownWords, ListsStarMarkedWordsOnce) {
  EXPECT_EQ(unknown_words("El *Zorblax y los *Flimps, *Zorblax otra vez; *an\xC3\xA1lisis."),
            (std::vector<std::string>{"Zorblax", "Flimps", "an\xC3\xA1lisis"}));
  // Not a mark: `*` inside a word, alone, or followed by punctuation.
  EXPECT_TRUE(unknown_words("5*3 = 15 * 1, nota* y *.").empty());
  // A mark right after a typed `*` is still found.
  EXPECT_EQ(unknown_words("**Zorblax"), std::vector<std::string>{"Zorblax"});
  // The word ends at punctuation and hyphens, as Apertium's tokens do.
  EXPECT_EQ(unknown_words("*anti-*Zorblax2."), (std::vector<std::string>{"anti", "Zorblax2"}));
}
