// Reads one declaration (or one forum's record) from storage into the pure export model of
// core/publish: forum, assembly, sections, clauses with their current text in every language
// (snapshot plus committed ops, as Documents::text_at), the newest numbered version, each
// clause's amendments with their poll results, the published polls on the declaration and its
// amendments, the signatories in signing order and the participation summary.
// Invariants: only reads (callers pass a read-only connection); polls appear only once their
// result is published; a secret poll contributes its totals and never a ballot; `generated` is
// passed in, so the same database gives the same model.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/publish/model.hpp"
#include "core/publish/record.hpp"
#include "store/db.hpp"

namespace plenary::publish_shell {

// Throws protocol::Error("not_found") for an unknown declaration.
publish::Declaration load_declaration(store::Db& db, std::int64_t declaration, const std::string& generated);
// Throws protocol::Error("not_found") for an unknown forum.
publish::ForumRecord load_record(store::Db& db, std::int64_t forum, const std::string& generated);

// A poll's outcome from its stored settings and result JSON, with named ballots resolved to
// delegates' names (named polls only).
publish::PollOutcome poll_outcome(store::Db& db, std::int64_t id, const std::string& subject, std::int64_t ref,
                                  const std::string& title, const std::string& settings, const std::string& state,
                                  const std::string& result);
// The published polls of a forum (all of them), or only those on `declaration` and its
// amendments, by id.
std::vector<publish::PollOutcome> published_polls(store::Db& db, std::int64_t forum, std::int64_t declaration = 0);
// A stored JSON object of strings ({"en": "...", ...}) as a Localised; a plain string goes under
// `fallback_lang`.
publish::Localised localised(const std::string& stored, const std::string& fallback_lang);
// Today's date (UTC) as YYYY-MM-DD: what the shell passes as `generated`.
std::string today_utc();

}  // namespace plenary::publish_shell
