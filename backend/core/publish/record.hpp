// The record of a forum: its programme by slot, every workshop with its moderator, rapporteur,
// the rapporteur's statement(s) and who spoke, the plenary's speakers, and every closed poll
// with its result (secret polls: totals only; named polls: names). Plain data read by the
// shell (publish/record_loader) and turned into blocks for HTML and PDF.
// Invariant: deterministic: the generation date is data, lists keep the order the loader gave
// (slots by start, workshops by slot then id, speeches by start, polls by id).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/publish/blocks.hpp"

namespace plenary::publish {

struct Speaker {
  std::string name;
  std::string organisation;
  std::int64_t seconds = 0;
  bool point_of_order = false;
};

struct StatementText {
  Localised title;
  std::string lang;  // the statement's original language
  std::string phase;
  std::vector<std::pair<int, std::string>> clauses;  // number (0: preamble), text in `lang`
};

struct WorkshopRecord {
  std::int64_t id = 0;
  Localised title;
  std::string location, working_language;
  std::string moderator, rapporteur;
  std::vector<StatementText> statements;
  std::vector<Speaker> speakers;
};

struct SlotRecord {
  Localised name;
  std::string starts, ends;
  std::vector<WorkshopRecord> workshops;
};

struct ForumRecord {
  std::int64_t id = 0;
  std::string key;
  Localised name;
  std::string starts, ends, lang;  // lang: the record's language (the forum's first)
  std::string generated;
  std::vector<SlotRecord> slots;
  std::vector<WorkshopRecord> unscheduled;  // workshops with no slot
  std::vector<Speaker> plenary_speakers;
  std::vector<PollOutcome> polls;
};

Document record_blocks(const ForumRecord& r);
// forum-key_record.ext
std::string record_file_name(const ForumRecord& r, const std::string& ext);

}  // namespace plenary::publish
