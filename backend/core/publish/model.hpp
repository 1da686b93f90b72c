// The export model: everything a published form of a declaration shows, as plain data, read
// once from storage by the shell (publish/export_loader) and handed to the pure renderers.
// Invariants: clauses are in document order; `number` is 1.. over kind "clause" only (0 for
// preamble paragraphs); every clause has an entry in `texts` for every language of
// `languages` (status "missing" and empty text where no document exists); nothing in the
// model is "now": the generation date is data (`generated`), so output is reproducible.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/report/participation.hpp"

namespace plenary::publish {

// A text in several languages (titles of forum, declaration, sections, workshops, slots).
using Localised = std::map<std::string, std::string>;

// The text of one clause in one language and how it stands.
struct LangText {
  std::string text;
  std::string status;  // original | current | stale | machine | missing
};

// The outcome of one closed poll. Secret polls carry totals only; named polls also list
// every ballot by the voter's name.
struct NamedBallot {
  std::string name;
  std::string choice;
  std::int64_t weight = 1;
};
struct PollOutcome {
  std::int64_t id = 0;
  std::string title;       // the poll's title or question
  std::string subject;     // question | amendment | declaration
  std::int64_t ref = 0;    // the amendment or declaration it decided
  std::string method;      // yes_no_abstain, single_choice, ...
  bool secret = true;
  std::string state;       // closed | published
  std::string outcome;     // adopted, rejected, elected, ...
  bool passed = false;
  std::int64_t ballots = 0, present = 0, entitled = 0;
  std::vector<std::pair<std::string, std::int64_t>> counts;  // option -> weight, in result order
  std::vector<NamedBallot> named;                            // empty for secret polls
};

// One amendment that targeted a clause (its history entry).
struct AmendmentEntry {
  std::int64_t id = 0, number = 0;
  std::string kind;   // modify | insert | delete
  std::string state;  // adopted, rejected, fallen, withdrawn, ...
  std::string lang;
  std::string text;   // proposed text (for insert), or the justification-free summary
  std::string justification;
  std::string sponsor;  // tabling organisation's name, or empty
  std::optional<PollOutcome> vote;
};

struct Section {
  std::int64_t id = 0;
  Localised title;
};

struct Clause {
  std::int64_t id = 0;
  std::string kind;          // clause | preamble
  std::int64_t section = 0;  // 0: none
  int number = 0;            // 1.. for clauses, 0 for preamble paragraphs
  std::map<std::string, LangText> texts;
  std::vector<AmendmentEntry> history;  // amendments that targeted this clause, by number
};

struct Signatory {
  std::int64_t seq = 0;
  std::string kind;  // organisation | network
  std::string name;
  std::string country;  // organisations only
};

struct Annexes {
  bool votes = false, signatories = false, participation = false;
  bool any() const { return votes || signatories || participation; }
};

struct Declaration {
  std::string forum_key;
  Localised forum_name;
  std::int64_t forum_id = 0;
  std::int64_t id = 0;
  std::string key;  // may be empty: the id names it then
  Localised title;
  std::vector<std::string> languages;
  std::string original;
  std::string phase;
  std::int64_t version = 0;  // newest numbered version (0: none recorded yet)
  std::string version_date;  // YYYY-MM-DD of that version (or of the declaration's creation)
  std::string generated;     // YYYY-MM-DD the export was made (data, never read from a clock)
  // The assembly that adopts it: the forum's plenary, or the workshop for a workshop statement.
  std::int64_t workshop = 0;
  Localised assembly;
  std::vector<Section> sections;
  std::vector<Clause> clauses;
  std::vector<PollOutcome> polls;  // closed polls on the declaration and its amendments
  std::vector<Signatory> signatories;
  std::string signatures_state;  // "" (never opened) | open | closed
  std::optional<report::Report> participation;
};

// What to render.
struct Options {
  std::vector<std::string> langs;  // one language, or every language of the declaration
  bool history = false;
  Annexes annexes;
};

}  // namespace plenary::publish
