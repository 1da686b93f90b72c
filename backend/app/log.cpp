#include "app/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace plenary::app::log {

namespace {
std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}
}  // namespace

void write(const char* level, const char* event, nlohmann::json fields) {
  nlohmann::json line = {{"time", now_iso()}, {"level", level}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  std::string s = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  s += '\n';
  std::fwrite(s.data(), 1, s.size(), stderr);  // one write per line (stderr is unbuffered)
}

}  // namespace plenary::app::log
