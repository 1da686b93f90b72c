#include "translate/apertium.hpp"

#include "core/ot/utf8.hpp"
#include "translate/modes.hpp"
#include "translate/pipeline.hpp"
#include "translate/stream_format.hpp"

#include <algorithm>
#include <set>

namespace plenary::translate {
namespace {

const char* const kArrow = "\u2192";  // →

// Plenary code for a caller's code, or the code as given (so messages can name it).
std::string normalise(const std::string& code) {
  auto c = plenary_language(code);
  return c ? *c : code;
}

std::string mode_names(const std::string& from, const std::string& to) {
  const std::string a = from + "-" + to;
  const std::string b = apertium3_language(from) + "-" + apertium3_language(to);
  return a == b ? a : a + " or " + b;
}

}  // namespace

Translator::Translator(Options options) : options_(std::move(options)) {
  if (!options_.pivot.empty()) options_.pivot = normalise(options_.pivot);
  Discovery found = discover_modes(options_.modes_dir, options_.mark_unknown ? "-g" : "-n");
  problems_ = std::move(found.problems);
  for (auto& [key, mode] : found.modes) {
    pipelines_.emplace(key, std::make_unique<Pipeline>(mode.name, std::move(mode.stages),
                                                       options_.child_stderr));
  }
}

Translator::~Translator() = default;

Pipeline* Translator::direct(const std::string& from, const std::string& to) const {
  const auto it = pipelines_.find({from, to});
  return it == pipelines_.end() ? nullptr : it->second.get();
}

std::vector<Pipeline*> Translator::legs(const std::string& from, const std::string& to) const {
  if (Pipeline* p = direct(from, to)) return {p};
  const std::string& pivot = options_.pivot;
  if (pivot.empty() || from == pivot || to == pivot) return {};
  Pipeline* first = direct(from, pivot);
  Pipeline* second = direct(pivot, to);
  if (first == nullptr || second == nullptr) return {};
  return {first, second};
}

std::string Translator::unavailable_message(const std::string& from, const std::string& to) const {
  if (!plenary_language(from) || !plenary_language(to)) {
    return "no Apertium pair for " + from + kArrow + to + ": not a language code (use ISO 639-1)";
  }
  std::string m = "no Apertium pair installed for " + from + kArrow + to + " (no mode " +
                  mode_names(from, to) + " in " + options_.modes_dir.string();
  const std::string& pivot = options_.pivot;
  if (!pivot.empty() && from != pivot && to != pivot) {
    std::string missing;
    if (direct(from, pivot) == nullptr) missing = from + kArrow + pivot;
    if (direct(pivot, to) == nullptr) {
      missing += (missing.empty() ? "" : " and ") + pivot + kArrow + to;
    }
    m += "; no route through " + pivot + ": " + missing + " missing";
  }
  m += "; install an apertium language pair package for it, see `apt-cache search apertium`)";
  return m;
}

bool Translator::available(std::string from, std::string to) const {
  from = normalise(from);
  to = normalise(to);
  if (!plenary_language(from) || !plenary_language(to)) return false;
  return from == to || !legs(from, to).empty();
}

std::vector<std::pair<std::string, std::string>> Translator::pairs() const {
  std::set<std::string> languages;
  for (const auto& [key, p] : pipelines_) {
    languages.insert(key.first);
    languages.insert(key.second);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : languages) {
    for (const auto& b : languages) {
      if (a != b && !legs(a, b).empty()) out.emplace_back(a, b);
    }
  }
  return out;  // sorted: std::set iteration order, nested
}

std::vector<std::string> Translator::route(std::string from, std::string to) const {
  std::vector<std::string> names;
  for (Pipeline* p : legs(normalise(from), normalise(to))) names.push_back(p->name());
  return names;
}

Result Translator::translate(std::string_view text, std::string from, std::string to) {
  const auto deadline = Pipeline::Clock::now() + options_.timeout;
  from = normalise(from);
  to = normalise(to);
  if (!ot::valid_utf8(text)) {
    throw TranslateError(Failure::bad_input, "text to translate is not valid UTF-8");
  }
  if (from == to && plenary_language(from)) return Result{std::string(text), {}, {}};
  const auto path = legs(from, to);
  if (path.empty()) throw TranslateError(Failure::no_pair, unavailable_message(from, to));

  Result result;
  for (Pipeline* p : path) result.route.push_back(p->name());
  if (!stream::has_translatable_text(text)) {  // only blanks: nothing for Apertium to do
    result.text = std::string(text);
    return result;
  }

  const stream::FormatOptions format{options_.lines_end_sentences};
  std::vector<stream::Piece> pieces{{stream::Piece::Kind::text, std::string(text)}};
  for (Pipeline* p : path) {
    std::string answer;
    try {
      answer = p->request(stream::deformat(pieces, format), deadline);
    } catch (const TranslateError& e) {
      std::string m = "machine translation " + from + kArrow + to + " failed: " + e.what();
      if (e.failure() == Failure::timeout) {
        m += " (timeout " + std::to_string(options_.timeout.count()) + " ms)";
      }
      throw TranslateError(e.failure(), m);
    }
    pieces = stream::parse_output(answer);
    for (auto& w : stream::unknown_in(pieces)) {
      if (std::find(result.unknown.begin(), result.unknown.end(), w) == result.unknown.end()) {
        result.unknown.push_back(std::move(w));
      }
    }
  }
  result.text = stream::to_plain(pieces);
  return result;
}

void Translator::warm_up(std::string from, std::string to) {
  const auto deadline = Pipeline::Clock::now() + options_.timeout;
  from = normalise(from);
  to = normalise(to);
  if (from == to) return;
  const auto path = legs(from, to);
  if (path.empty()) throw TranslateError(Failure::no_pair, unavailable_message(from, to));
  try {
    for (Pipeline* p : path) p->ensure_started(deadline);
  } catch (const TranslateError& e) {
    throw TranslateError(e.failure(), "machine translation " + from + kArrow + to +
                                          " cannot start: " + e.what());
  }
}

std::vector<int> Translator::pipeline_pids(std::string from, std::string to) const {
  const Pipeline* p = direct(normalise(from), normalise(to));
  return p == nullptr ? std::vector<int>{} : p->pids();
}

std::uint64_t Translator::pipeline_starts(std::string from, std::string to) const {
  const Pipeline* p = direct(normalise(from), normalise(to));
  return p == nullptr ? 0 : p->starts();
}

std::vector<std::string> unknown_words(std::string_view translated) {
  return stream::marked_words(translated, '*');
}

}  // namespace plenary::translate
