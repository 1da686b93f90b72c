// GET /api/export/declaration/{id}?format=F&lang=L&history=0|1&annexes=A and
// GET /api/export/forum/{id}/record?format=html|pdf: the published forms of a declaration and
// the record of a forum as downloads (protocols/README.md, "HTTP downloads").
// Who may: a declaration in phase `published` is public (no token needed); otherwise an
// accredited organiser of its forum, or a rapporteur of its forum (any declaration of the
// plenary; a workshop statement only of a workshop they are rapporteur of). The record: the
// forum's accredited organisers and rapporteurs.
// Invariants: reads through its own read-only connection, never writes; checks run in the
// order query (400), existence (404), caller (401/403), language (400); rendering runs off
// the IO threads on a small pool with a bound on exports in flight (503 `unavailable` with
// Retry-After past it).
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "net/config.hpp"
#include "net/report_http.hpp"

namespace plenary::net {

inline constexpr std::string_view kExportPrefix = "/api/export/";
inline constexpr int kExportThreads = 2;
inline constexpr int kExportsInFlight = 8;  // running plus queued

bool is_export_target(std::string_view target);
// Blocking: loads and renders. Run it through submit_export().
HttpAnswer export_answer(const Config& config, std::string_view target, std::string_view authorization);
// Runs `render` on the export pool, then `deliver` with its answer, and returns true; or returns false at once when kExportsInFlight exports are already running
// or queued, or the server is stopping.
// `render` must not throw (export_answer turns every failure into its own error answer).
bool submit_export(std::function<HttpAnswer()> render, std::function<void(HttpAnswer)> deliver);
// The export pool's gauges and counters in Prometheus text format, for /metrics.
std::string export_metrics_text();
// At shutdown, before the io_context stops: refuses new exports (submit_export returns false)
// and waits for the running and queued ones, so their answers are still written and no export
// thread outlives the server.
void drain_exports();

}  // namespace plenary::net
