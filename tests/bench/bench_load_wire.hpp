// bench_load's shared pieces: the options (coordinator and worker read the same flags), the
// JSON-lines pipe between them (write_line), and per-second latency histograms (Timeline) that
// workers send up and the coordinator merges. One clock for all: Clock (steady, system-wide).
#pragma once

#include "bench_drafting.hpp"

#include <cmath>
#include <map>

namespace bench::load {

struct Options {
  std::string scenario = "mixed";
  int connections = -1, authors = -1, voters = -1;
  double rate = 5, spread = 5, seconds = -1;
  int per_worker = 5000, parallel = 100;
  std::string out;
  // Worker only.
  int worker = -1, workers = 1;
  unsigned short port = 0;
  std::int64_t forum = 0, room = 0, doc = 0;
};

inline const char* kUsage =
    "usage: bench_load [--scenario idle|vote|drafting|mixed] [--connections N] [--authors 400] [--rate 5]\n"
    "                  [--voters 5000] [--spread 5] [--seconds 30] [--per-worker 5000] [--parallel 100] [--out DIR]\n";

inline std::int64_t now_ns() { return Clock::now().time_since_epoch().count(); }

inline void write_line(int fd, const std::string& s) {
  std::string l = s + "\n";
  const char* p = l.data();
  size_t left = l.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the other side is gone; it notices on its own
    p += w;
    left -= static_cast<size_t>(w);
  }
}

// Latencies per second of arrival (whole seconds of the monotonic clock, the same in every
// process), in 1 ms buckets up to 5 s: enough for a p95 per second, small enough to send.
struct Timeline {
  static constexpr size_t kBins = 5000;
  std::map<std::int64_t, std::vector<std::uint32_t>> per_s;
  void add(double ms, std::int64_t at_ns) {
    auto& v = per_s[at_ns / 1000000000];
    if (v.empty()) v.resize(kBins);
    ++v[std::min(kBins - 1, static_cast<size_t>(std::max(0.0, ms)))];
  }
  json to_json() const {
    json out = json::array();
    for (auto& [sec, v] : per_s) {
      json b = json::array();
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i]) b.push_back({i, v[i]});
      out.push_back({sec, b});
    }
    return out;
  }
  void add_json(const json& j) {
    for (auto& e : j) {
      auto& v = per_s[e[0].get<std::int64_t>()];
      if (v.empty()) v.resize(kBins);
      for (auto& b : e[1]) v[std::min(kBins - 1, b[0].get<size_t>())] += b[1].get<std::uint32_t>();
    }
  }
  // (second, p95 in ms) for every second with at least one sample.
  std::vector<std::pair<std::int64_t, double>> p95() const {
    std::vector<std::pair<std::int64_t, double>> out;
    for (auto& [sec, v] : per_s) {
      std::uint64_t n = 0, acc = 0;
      for (auto c : v) n += c;
      std::uint64_t want = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(0.95 * double(n))));
      for (size_t i = 0; i < v.size(); ++i)
        if ((acc += v[i]) >= want) {
          out.emplace_back(sec, double(i) + 0.5);
          break;
        }
    }
    return out;
  }
};

}  // namespace bench::load
