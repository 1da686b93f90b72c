// Amendments in storage: loading one into the core record (amendments::Amendment) with the
// shell's extra columns, saving it back, checking what it targets, its wire form, and the
// numbered versions of a declaration. Plain functions over a store::Db, so the same code runs in
// the Committer's work (the writer) and on the Hub's strand (the reader).
// Invariants: the core record's ids are the decimal forms of the integer ids in storage; save()
// writes every field load() reads, so load(save(r)) == r; nothing here caches state, so a direct
// SQL update by another part of the shell (the polls moving `state`) is always seen.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/amendments/lifecycle.hpp"
#include "store/db.hpp"

namespace plenary::app::amend {

using json = nlohmann::json;

struct Record {
  amendments::Amendment a;  // the core record
  std::int64_t id = 0, declaration = 0, forum = 0, number = 0, proposer = 0;
  std::int64_t organisation = 0;  // 0: none
  std::int64_t clause = 0;        // modify/delete: the clause; insert: the clause it goes after
  std::string lang;               // the language it was written in
  // Its rendering in the declaration's original language (when written in another one): what
  // is applied. Current only while orig_version equals the amendment's version.
  std::optional<std::int64_t> orig_base;
  std::optional<std::string> orig_op;  // JSON text of the op
  std::optional<std::string> orig_text;
  std::int64_t orig_version = 0, orig_by = 0;
  json conflict;  // null, or the core Conflict's JSON (plus a reason of the shell's own)
  bool applied = false;
  std::int64_t applied_version = 0;
  std::string created_at, updated_at;
};

// Co-sponsors in the core record are keyed by organisation id ("12") or, for a network that
// co-sponsors as one, by "n" and the network id ("n3").
std::string network_key(std::int64_t network);
std::optional<std::int64_t> network_of(const std::string& key);

struct DeclInfo {
  std::int64_t forum = 0, workshop = 0;
  std::string phase, original;
  json languages;
  bool has_lang(const std::string& l) const;
};

// Throws protocol::Error("not_found") when there is no such declaration.
DeclInfo declaration_info(store::Db& db, std::int64_t declaration);

std::optional<Record> load(store::Db& db, std::int64_t id);
// Writes state, content, version, reason, links, the original rendering, conflict, applied and
// the co-sponsors of an existing amendment.
void save(store::Db& db, const Record& r);
// Inserts a new amendment (number = the next per declaration); sets r.id, r.number, r.a.id.
void insert(store::Db& db, Record& r);

// The id of a clause's document in `lang`, or 0.
std::int64_t doc_of(store::Db& db, std::int64_t clause, const std::string& lang);
// The newest durable revision of a document (0 when empty).
std::int64_t doc_rev(store::Db& db, std::int64_t doc);
// Whether a clause belongs to the declaration and is not deleted.
bool clause_live(store::Db& db, std::int64_t declaration, std::int64_t clause);

// Checks what an amendment targets, inside the work that stores it: the clause exists, the
// language is one of the declaration's, a modify's op fits the clause's text in `lang` at its
// base revision (which defaults to the newest). Throws store::WorkError (not_found, bad_message,
// bad_revision, bad_op). `op_json`/`text` are the content fields as sent.
void check_target(store::Db& db, const DeclInfo& d, std::int64_t declaration, Record& r);

// The wire object of an amendment (see protocols/README.md), with its word diff.
json to_wire(store::Db& db, const Record& r);

// The tabling deadline of a declaration: {iso, unix seconds}, or nullopt.
std::optional<std::pair<std::string, std::int64_t>> deadline(store::Db& db, std::int64_t declaration);
// Parses an ISO-8601 date-time with Z or an offset into Unix seconds; nullopt if malformed.
std::optional<std::int64_t> parse_iso(const std::string& s);
std::string format_iso(std::int64_t unix_s);
std::int64_t now_s();

// A snapshot of the declaration's text: every live clause in order, its number and its text in
// every language.
json snapshot(store::Db& db, std::int64_t declaration);
// Records version 1 (the text before any adopted amendment) if the declaration has no version.
void ensure_base_version(store::Db& db, std::int64_t declaration);
// Records the next numbered version; returns its number.
std::int64_t record_version(store::Db& db, std::int64_t declaration, const std::string& reason,
                            std::int64_t amendment);

}  // namespace plenary::app::amend
