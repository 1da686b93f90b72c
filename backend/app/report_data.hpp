// The participation report's data: reads the record of speeches, tabled and co-sponsored
// amendments and has-voted records of a forum (or one workshop) from storage and hands them to
// core report::participation. Used by report.participation (WebSocket) and by the CSV download
// over HTTP, so both give the same numbers.
// Scope: a forum report covers all its rooms; a workshop report covers speeches made while the
// room held that workshop, amendments to declarations of that workshop and ballots of polls in
// its room. The people counted are the forum's accredited delegates (role `delegate`) and anyone
// else with activity in scope. A delegate's language is the first of their languages; their
// constituency is their organisation's.
// Invariant: only ever reads; never tells how anyone voted (has-voted rows only).
#pragma once
#include <cstdint>
#include <optional>

#include "core/report/participation.hpp"
#include "store/db.hpp"

namespace plenary::app {

inline constexpr std::int64_t kDefaultReportK = 5;

// Throws protocol::Error("not_found") if the forum, or the workshop in that forum, does not exist.
report::Report participation_report(store::Db& db, std::int64_t forum, std::optional<std::int64_t> workshop,
                                    std::int64_t k);

}  // namespace plenary::app
