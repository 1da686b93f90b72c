// Discovery of installed Apertium translation directions ("modes") and parsing of .mode files.
//
// A .mode file is a one-line shell pipeline written by an Apertium language pair package. This
// file turns it into argument vectors we can spawn directly (no shell): each stage gets `-z`
// (null-flush) after its program name, `$1` becomes the generator flag (-g keeps unknown-word
// marks, -n drops them) and `$2` (tagger options) expands to nothing. Anything beyond plain
// words, quotes and `|` (redirections, `;`, `$(...)`, backticks) is refused, not guessed at.
// Invariants: a discovered Mode always has at least one stage and every stage a program name;
// language codes in a Mode are Plenary's (ISO 639-1 where one exists, lower case).
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plenary::translate {

// Plenary's code for a language code found in a mode name or passed by a caller: ISO 639-3 codes
// Apertium uses (eng, spa, fra, por, cat, ...) map to ISO 639-1; two-letter codes pass through;
// case is folded. Returns nullopt for anything that is not 2-3 ASCII letters.
std::optional<std::string> plenary_language(std::string_view code);

// The ISO 639-3 code for a Plenary code when we know it ("en" -> "eng"), else the code itself.
std::string apertium3_language(std::string_view code);

// One installed translation direction.
struct Mode {
  std::string name;                               // file stem, e.g. "eng-spa" or "es-fr"
  std::string from, to;                           // Plenary codes, e.g. "en", "es"
  std::filesystem::path file;                     // the .mode file it was read from
  std::vector<std::vector<std::string>> stages;   // argv per pipeline stage, -z inserted
};

// Parse the text of a .mode file into stages. `generator_flag` replaces $1 ("-g" or "-n").
// Throws std::invalid_argument naming the offending construct on unsupported syntax.
std::vector<std::vector<std::string>> parse_mode_pipeline(std::string_view text,
                                                          std::string_view generator_flag);

struct Discovery {
  std::map<std::pair<std::string, std::string>, Mode> modes;  // keyed by (from, to)
  std::vector<std::string> problems;  // modes skipped and why (for the server's startup log)
};

// Read every `<lang>-<lang>.mode` file in `dir` (variants such as spa-eng_US and multi-part
// names such as eco-es-fr are skipped). When two files give the same direction, the first in
// file-name order wins. A missing directory yields no modes and one problem line.
Discovery discover_modes(const std::filesystem::path& dir, std::string_view generator_flag);

}  // namespace plenary::translate
