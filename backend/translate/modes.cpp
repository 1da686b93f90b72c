#include "translate/modes.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace plenary::translate {
namespace {

// ISO 639-3 (as used in Apertium mode names) -> ISO 639-1. Only languages with a 639-1 code.
constexpr std::array<std::pair<std::string_view, std::string_view>, 48> kIso3To1{{
    {"afr", "af"}, {"ara", "ar"}, {"arg", "an"}, {"bel", "be"}, {"bre", "br"}, {"bul", "bg"},
    {"cat", "ca"}, {"ces", "cs"}, {"cym", "cy"}, {"dan", "da"}, {"deu", "de"}, {"ell", "el"},
    {"eng", "en"}, {"epo", "eo"}, {"est", "et"}, {"eus", "eu"}, {"fas", "fa"}, {"fin", "fi"},
    {"fra", "fr"}, {"gla", "gd"}, {"gle", "ga"}, {"glg", "gl"}, {"heb", "he"}, {"hin", "hi"},
    {"hrv", "hr"}, {"hun", "hu"}, {"ind", "id"}, {"isl", "is"}, {"ita", "it"}, {"kaz", "kk"},
    {"lit", "lt"}, {"lav", "lv"}, {"mkd", "mk"}, {"mlt", "mt"}, {"nld", "nl"}, {"nno", "nn"},
    {"nob", "nb"}, {"oci", "oc"}, {"pol", "pl"}, {"por", "pt"}, {"ron", "ro"}, {"rus", "ru"},
    {"slv", "sl"}, {"spa", "es"}, {"swe", "sv"}, {"tat", "tt"}, {"ukr", "uk"}, {"urd", "ur"},
}};

bool ascii_letters(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

// Characters that would need a real shell; we refuse them outside quotes.
bool shell_special(char c) {
  switch (c) {
    case ';': case '&': case '<': case '>': case '`': case '(': case ')': case '*': case '?':
    case '{': case '}': case '~': case '#':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> plenary_language(std::string_view code) {
  if (code.size() < 2 || code.size() > 3 || !ascii_letters(code)) return std::nullopt;
  std::string lower(code);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower.size() == 3) {
    for (const auto& [three, two] : kIso3To1) {
      if (three == lower) return std::string(two);
    }
  }
  return lower;
}

std::string apertium3_language(std::string_view code) {
  for (const auto& [three, two] : kIso3To1) {
    if (two == code) return std::string(three);
  }
  return std::string(code);
}

std::vector<std::vector<std::string>> parse_mode_pipeline(std::string_view text,
                                                          std::string_view generator_flag) {
  std::vector<std::vector<std::string>> stages(1);
  std::string word;
  bool in_word = false;  // a word has started (even if it may end up empty, e.g. '')

  auto end_word = [&] {
    if (in_word) stages.back().push_back(word);
    word.clear();
    in_word = false;
  };
  // $1 / $2: expands to the generator flag / nothing. Unquoted and empty: no word at all.
  auto expand = [&](std::size_t& i) {
    if (i + 1 >= text.size()) throw std::invalid_argument("mode file: lone '$'");
    const char v = text[i + 1];
    if (v == '1') {
      word += generator_flag;
      if (!generator_flag.empty()) in_word = true;
    } else if (v != '2') {
      throw std::invalid_argument(std::string("mode file: unsupported expansion '$") + v + "'");
    }
    ++i;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      end_word();
    } else if (c == '|') {
      end_word();
      if (stages.back().empty()) throw std::invalid_argument("mode file: empty pipeline stage");
      stages.emplace_back();
    } else if (c == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos) throw std::invalid_argument("mode file: unclosed '");
      word.append(text.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '"') {
      in_word = true;
      for (++i;; ++i) {
        if (i >= text.size()) throw std::invalid_argument("mode file: unclosed \"");
        const char d = text[i];
        if (d == '"') break;
        if (d == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$')) {
          word += text[++i];
        } else if (d == '$') {
          expand(i);
        } else if (d == '`') {
          throw std::invalid_argument("mode file: command substitution is not supported");
        } else {
          word += d;
        }
      }
    } else if (c == '\\') {
      if (i + 1 >= text.size()) throw std::invalid_argument("mode file: trailing backslash");
      word += text[++i];
      in_word = true;
    } else if (c == '$') {
      expand(i);
    } else if (shell_special(c)) {
      throw std::invalid_argument(std::string("mode file: unsupported shell syntax '") + c + "'");
    } else {
      word += c;
      in_word = true;
    }
  }
  end_word();
  if (stages.back().empty()) {
    if (stages.size() == 1) throw std::invalid_argument("mode file: no command");
    throw std::invalid_argument("mode file: empty pipeline stage");
  }
  for (auto& argv : stages) argv.insert(argv.begin() + 1, "-z");
  return stages;
}

Discovery discover_modes(const std::filesystem::path& dir, std::string_view generator_flag) {
  Discovery out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".mode") files.push_back(it->path());
  }
  if (ec) {
    out.problems.push_back("cannot read Apertium modes directory " + dir.string() + ": " +
                           ec.message());
    return out;
  }
  std::sort(files.begin(), files.end());

  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    const auto dash = stem.find('-');
    if (dash == std::string::npos || stem.find('-', dash + 1) != std::string::npos) {
      out.problems.push_back("skipped " + file.filename().string() + ": not a <lang>-<lang> name");
      continue;
    }
    const auto from = plenary_language(std::string_view(stem).substr(0, dash));
    const auto to = plenary_language(std::string_view(stem).substr(dash + 1));
    if (!from || !to) {  // variants such as spa-eng_US, or odd names
      out.problems.push_back("skipped " + file.filename().string() +
                             ": variant or unrecognised language code");
      continue;
    }
    if (*from == *to) continue;
    if (out.modes.count({*from, *to}) != 0) {
      out.problems.push_back("skipped " + file.filename().string() + ": " + *from + "→" + *to +
                             " already provided by " + out.modes.at({*from, *to}).name);
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
      out.problems.push_back("skipped " + file.filename().string() + ": cannot open it");
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
      Mode mode{stem, *from, *to, file, parse_mode_pipeline(text.str(), generator_flag)};
      out.modes.emplace(std::make_pair(*from, *to), std::move(mode));
    } catch (const std::invalid_argument& e) {
      out.problems.push_back("skipped " + file.filename().string() + ": " + e.what());
    }
  }
  return out;
}

}  // namespace plenary::translate
