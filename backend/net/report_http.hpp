// GET /api/report/participation.csv?forum=F[&workshop=W][&k=K]: the participation report as a
// CSV download, for organisers and rapporteurs of forum F, authenticated with
// `Authorization: Bearer <session token>` (the token `login` returned).
// Answers 401 without a valid, unexpired, unrevoked session; 403 for another role or forum;
// 400 for a malformed query; 404 for an unknown forum or workshop; 200 with
// `Content-Disposition: attachment` otherwise. Reads the database through its own read-only
// connection (the same numbers as report.participation).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "net/config.hpp"

namespace plenary::net {

struct HttpAnswer {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::string disposition;  // Content-Disposition, if any
  bool challenge = false;   // send WWW-Authenticate: Bearer
  std::string cache_control = "no-store";
  unsigned retry_after = 0;  // seconds, for a 503 when busy (0: no header)
};

inline constexpr std::string_view kReportCsvPath = "/api/report/participation.csv";

// nullopt when `target` is not the report's path.
std::optional<HttpAnswer> report_csv(const Config& config, std::string_view target, std::string_view authorization);

}  // namespace plenary::net
