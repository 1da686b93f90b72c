// Machine pre-translation with Apertium: a Translator keeps one long-lived Apertium pipeline per
// installed translation direction and sends it null-flushed requests.
//
// What it keeps true:
//  - no process per request: each direction's pipeline (the stages of its .mode file, spawned
//    directly with posix_spawnp, never through a shell) is started on first use, reused, and
//    restarted when it has died; a request that meets a dead pipeline twice fails;
//  - requests to one pipeline are serialised by that pipeline's own lock; pipelines never wait
//    for each other (a pivot translation holds one leg's lock at a time);
//  - every failure is a TranslateError with the wire code "translation_unavailable" (only
//    invalid UTF-8 gives "bad_message") and a message naming the direction; a failed request
//    leaves the Translator usable;
//  - Apertium's marks stay in the text for the translator to review: *unknown (source word not
//    in the dictionary), @word (no bilingual entry), #word (could not be generated);
//  - line breaks, blank lines, runs of spaces, tabs and characters special to Apertium's stream
//    format come back as they were written (see stream_format.hpp).
// Language codes are Plenary's ISO 639-1 codes ("en", "es", "fr", "pt"); Apertium's names
// (eng-spa, fr-es, ...) stay inside. A direction without a direct pair goes through the pivot
// language (Spanish by default): en→fr = eng-spa then es-fr.
//
// How the server uses it: create one Translator at startup (optionally warm_up() the
// directions a forum uses) and call translate() only from the blocking worker thread pool,
// never from a network thread or a room's strand: a call blocks for milliseconds when warm,
// for about a second on a pipeline's first use, and up to Options::timeout when Apertium is
// stuck. Post the result (or the TranslateError's code and message) back to the room's strand.
// Requests for one direction queue behind each other (waiting counts against the timeout);
// different directions run in parallel. translate() is thread-safe; destroy the Translator
// only after the pool has been joined.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plenary::translate {

class Pipeline;

struct Options {
  std::filesystem::path modes_dir{"/usr/share/apertium/modes"};
  std::string pivot{"es"};                     // "" disables pivoting
  std::chrono::milliseconds timeout{20'000};   // per translate() call, queueing included
  bool mark_unknown = true;                    // keep * # @ marks (lt-proc -g), else -n
  bool lines_end_sentences = true;             // no reordering across line breaks
  bool child_stderr = false;                   // Apertium's stderr to ours (else /dev/null)
};

enum class Failure {
  no_pair,       // no direct pair and no pivot route installed, or unknown language code
  cannot_start,  // a pipeline program is missing or cannot be executed
  died,          // the pipeline died again right after a restart
  timeout,       // no answer (or no turn at a busy pipeline) before the deadline
  bad_input,     // the text is not valid UTF-8
};

class TranslateError : public std::runtime_error {
public:
  TranslateError(Failure failure, const std::string& message)
      : std::runtime_error(message), failure_(failure) {}
  Failure failure() const noexcept { return failure_; }
  // The protocol's error code (protocols/errors.json).
  std::string_view code() const noexcept {
    return failure_ == Failure::bad_input ? "bad_message" : "translation_unavailable";
  }

private:
  Failure failure_;
};

struct Result {
  std::string text;                  // the translation, with Apertium's marks
  std::vector<std::string> unknown;  // the *-marked words, without '*', distinct, in order
  std::vector<std::string> route;    // modes used, e.g. {"eng-spa", "es-fr"}; empty if from==to
};

class Translator {
public:
  explicit Translator(Options options = {});
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  // Whether from→to can be translated (directly or through the pivot). Same language: true.
  bool available(std::string from, std::string to) const;
  // Every translatable direction (direct and pivot), sorted.
  std::vector<std::pair<std::string, std::string>> pairs() const;
  // The Apertium modes from→to goes through; empty if none (or from == to).
  std::vector<std::string> route(std::string from, std::string to) const;

  // Translate `text` (UTF-8 plain text with newlines). Throws TranslateError.
  Result translate(std::string_view text, std::string from, std::string to);

  // Start the pipelines of from→to now, so the first translate() is not slow. Throws
  // TranslateError like translate().
  void warm_up(std::string from, std::string to);

  // Diagnostics. Process ids of the stages of the direct from→to pipeline (empty if it is not
  // running or not a direct pair), and how many times that pipeline has been started.
  std::vector<int> pipeline_pids(std::string from, std::string to) const;
  std::uint64_t pipeline_starts(std::string from, std::string to) const;
  // Mode files that were skipped at startup, and why.
  const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
  std::vector<Pipeline*> legs(const std::string& from, const std::string& to) const;
  Pipeline* direct(const std::string& from, const std::string& to) const;
  std::string unavailable_message(const std::string& from, const std::string& to) const;

  Options options_;
  // Built once in the constructor and never changed: read without locks.
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Pipeline>> pipelines_;
  std::vector<std::string> problems_;
};

// The *-marked words of a translated text ("los *Zorblax" -> {"Zorblax"}), distinct, in order.
// Works on any text, so a `*` the author typed in front of a word is counted too; prefer
// Result::unknown, which is exact, when you have it.
std::vector<std::string> unknown_words(std::string_view translated);

}  // namespace plenary::translate
