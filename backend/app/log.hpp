// Structured logs: one JSON object per line on stderr, {"time", "level", "event", ...fields}.
// Invariant: a line is written with one call, so lines from several threads never interleave;
// callers pass ids, types, codes and durations only: never message contents, tokens,
// passwords or access codes (tests/integration/log_test.cpp checks a run's log for them).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace plenary::app::log {

void write(const char* level, const char* event, nlohmann::json fields = nlohmann::json::object());
inline void info(const char* event, nlohmann::json fields = nlohmann::json::object()) { write("info", event, std::move(fields)); }
inline void warn(const char* event, nlohmann::json fields = nlohmann::json::object()) { write("warn", event, std::move(fields)); }
inline void error(const char* event, nlohmann::json fields = nlohmann::json::object()) { write("error", event, std::move(fields)); }

}  // namespace plenary::app::log
