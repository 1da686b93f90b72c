// The event record: every accepted mutation leaves one row in `events` (forum, type, actor,
// JSON payload, time), which is the audit trail and the source of the participation report.
// Invariant: record_event is called inside the same transaction as the change it records, so
// a change and its event are durable together or not at all.
#pragma once
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/db.hpp"

namespace plenary::store {

// Appends an event. `actor` 0 means the server itself (no delegate).
void record_event(Db& db, std::int64_t forum, std::string_view type, std::int64_t actor,
                  const nlohmann::json& payload);

}  // namespace plenary::store
