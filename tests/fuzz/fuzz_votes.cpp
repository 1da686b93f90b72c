// libFuzzer target: the votes core (core/votes: settings, Poll, ballots, tally, Schulze).
//
// Input, two forms:
//   - JSON {"settings":{..poll settings..}, "roll":[["delegate","organisation"],..],
//           "proxies":[["principal","holder"],..], "ballots":[["caster","voter",{choice}],..],
//           "close":true}
//     settings_from_json must not throw (it returns BallotError); Poll's constructor may throw
//     std::invalid_argument (documented); cast_json returns errors as data and must not throw;
//     tally must not throw (std::invalid_argument is accepted only when the roll's total
//     weight exceeds kMaxCount, which the threshold functions document as out of range).
//   - other bytes: a direct schulze() run on generated ranked ballots.
// Checked: one counted ballot per unit, every counted ballot valid for the poll, no holder over
// max_proxies, and for every Schulze result: d recomputed from the ballots, p recomputed by
// Floyd–Warshall, winners = exactly the unbeaten candidates, ranking a permutation starting
// with a winner, the tally's winner = the first of the ranking.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "core/votes/ballot.hpp"
#include "core/votes/poll.hpp"
#include "core/votes/schulze.hpp"
#include "core/votes/tally.hpp"

namespace v = plenary::votes;
using json = nlohmann::json;

namespace {

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz_votes: %s\n", what.c_str());
  std::abort();
}

void check_schulze(std::size_t n, const std::vector<v::RankedBallot>& ballots, const v::SchulzeResult& r) {
  using M = std::vector<std::vector<std::int64_t>>;
  M d(n, std::vector<std::int64_t>(n, 0));
  for (const auto& b : ballots) {
    std::vector<bool> ranked(n, false);
    for (std::size_t k = 0; k < b.ranking.size(); ++k) {
      std::size_t i = b.ranking[k];
      for (std::size_t l = k + 1; l < b.ranking.size(); ++l) d[i][b.ranking[l]] += b.weight;
      ranked[i] = true;
    }
    for (std::size_t i : b.ranking)
      for (std::size_t j = 0; j < n; ++j)
        if (!ranked[j]) d[i][j] += b.weight;
  }
  if (r.d != d) bug("schulze: pairwise matrix d differs from the ballots");
  M p(n, std::vector<std::int64_t>(n, 0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i != j && d[i][j] > d[j][i]) p[i][j] = d[i][j];
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i)
      if (i != k)
        for (std::size_t j = 0; j < n; ++j)
          if (j != i && j != k) p[i][j] = std::max(p[i][j], std::min(p[i][k], p[k][j]));
  if (r.p != p) bug("schulze: strongest paths p differ from Floyd–Warshall on d");
  std::vector<std::size_t> unbeaten;
  for (std::size_t i = 0; i < n; ++i) {
    bool beaten = false;
    for (std::size_t j = 0; j < n; ++j)
      if (p[j][i] > p[i][j]) beaten = true;
    if (!beaten) unbeaten.push_back(i);
  }
  std::vector<std::size_t> w = r.winners;
  std::sort(w.begin(), w.end());
  if (w != unbeaten) bug("schulze: winners are not exactly the unbeaten candidates");
  if (n > 0 && unbeaten.empty()) bug("schulze: no unbeaten candidate (beat relation not acyclic)");
  std::vector<std::size_t> perm = r.ranking;
  std::sort(perm.begin(), perm.end());
  for (std::size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != i) bug("schulze: ranking is not a permutation of the candidates");
  if (perm.size() != n) bug("schulze: ranking does not hold every candidate");
  if (n > 0 && std::find(r.winners.begin(), r.winners.end(), r.ranking.front()) == r.winners.end())
    bug("schulze: first of the ranking is not a winner");
  // No candidate is ranked above one that beats it.
  for (std::size_t a = 0; a < r.ranking.size(); ++a)
    for (std::size_t b = a + 1; b < r.ranking.size(); ++b)
      if (p[r.ranking[b]][r.ranking[a]] > p[r.ranking[a]][r.ranking[b]]) bug("schulze: ranking puts a beaten candidate first");
  for (const auto& t : r.ties) {
    if (t.candidates.size() < 2) bug("schulze: a reported tie with fewer than two candidates");
    if (t.position >= n || r.ranking[t.position] != t.chosen) bug("schulze: tie's chosen candidate not at its position");
    if (!std::is_sorted(t.candidates.begin(), t.candidates.end()) || t.chosen != t.candidates.front())
      bug("schulze: tie not broken by candidate order");
  }
}

int run_json(const json& in) {
  if (!in.is_object() || !in.contains("settings")) return 0;
  std::variant<v::PollSettings, v::BallotError> sv;
  try {
    sv = v::settings_from_json(in["settings"]);
  } catch (const std::exception& e) {
    bug(std::string("settings_from_json threw instead of returning bad_message: ") + e.what());
  }
  if (auto* e = std::get_if<v::BallotError>(&sv)) {
    if (std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_votes: settings refused: %s\n", e->detail.c_str());
    if (e->code != "bad_message") bug("settings_from_json error with code " + e->code);
    return 0;
  }
  v::PollSettings settings = std::get<v::PollSettings>(sv);
  // The wire form round-trips.
  {
    auto again = v::settings_from_json(v::to_json(settings));
    if (!std::holds_alternative<v::PollSettings>(again)) bug("to_json(settings) does not parse back");
  }
  std::vector<v::Voter> roll;
  if (in.contains("roll") && in["roll"].is_array()) {
    for (const auto& r : in["roll"]) {
      if (roll.size() >= 64) break;
      if (r.is_array() && r.size() == 2 && r[0].is_string() && r[1].is_string())
        roll.push_back({r[0].get<std::string>(), r[1].get<std::string>()});
    }
  }
  std::optional<v::Poll> poll;
  try {
    poll.emplace("p1", settings, roll);
  } catch (const std::invalid_argument& e) {
    if (std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_votes: Poll refused settings: %s\n", e.what());
    return 0;
  }
  if (in.value("open", true)) {
    if (poll->move_to(v::PollState::open)) bug("created -> open refused");
  }
  if (auto* px = in.contains("proxies") && in["proxies"].is_array() ? &in["proxies"] : nullptr)
    for (const auto& p : *px)
      if (p.is_array() && p.size() == 2 && p[0].is_string() && p[1].is_string())
        (void)poll->grant_proxy(p[0].get<std::string>(), p[1].get<std::string>());
  if (in.contains("ballots") && in["ballots"].is_array()) {
    int k = 0;
    for (const auto& b : in["ballots"]) {
      if (++k > 256) break;
      if (!b.is_array() || b.size() != 3 || !b[0].is_string() || !b[1].is_string()) continue;
      std::size_t before = poll->ballots().size();
      std::optional<v::BallotError> err;
      try {
        err = poll->cast_json(b[0].get<std::string>(), b[1].get<std::string>(), b[2]);
      } catch (const std::exception& e) {
        bug(std::string("cast_json threw instead of returning an error: ") + e.what());
      }
      if (err && std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_votes: ballot refused: %s %s\n", err->code.c_str(), err->detail.c_str());
      if (err) {
        static const std::set<std::string> ok = {"bad_message", "invalid_state", "duplicate", "not_allowed"};
        if (!ok.count(err->code)) bug("cast_json error with unexpected code " + err->code);
        if (poll->ballots().size() != before) bug("a refused ballot changed the ballot box");
      }
    }
  }
  // Ballot box invariants.
  std::set<std::string> units;
  std::map<std::string, std::int64_t> proxy_count;
  for (const auto& b : poll->ballots()) {
    if (!units.insert(b.unit).second) bug("two counted ballots for unit " + b.unit);
    if (v::validate(settings.method, settings.options, b.choice)) bug("a counted ballot is not valid for the poll");
    if (b.weight < 1) bug("a counted ballot with weight < 1");
    if (b.cast_by != b.voter) ++proxy_count[b.cast_by];
  }
  for (const auto& [h, c] : proxy_count)
    if (c > settings.max_proxies) bug("proxy holder " + h + " has more than max_proxies ballots counted");
  if (in.value("close", true)) (void)poll->move_to(v::PollState::closed);
  v::Result r;
  try {
    r = v::tally(*poll);
    (void)v::to_json(r).dump();
  } catch (const std::invalid_argument& e) {
    if (poll->entitled() > v::kMaxCount) return 0;  // documented out-of-range count
    bug(std::string("tally threw std::invalid_argument: ") + e.what());
  } catch (const std::exception& e) {
    bug(std::string("tally threw: ") + e.what());
  }
  if (std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_votes: %s\n", v::to_json(r).dump().c_str());
  if (r.ballots != static_cast<std::int64_t>(poll->ballots().size())) bug("tally counted a different number of ballots");
  if (settings.method == v::Method::ranked) {
    std::vector<v::RankedBallot> rb;
    for (const auto& b : poll->ballots()) {
      v::RankedBallot x;
      x.weight = b.weight;
      for (const auto& o : b.choice.ranking)
        x.ranking.push_back(static_cast<std::size_t>(std::find(settings.options.begin(), settings.options.end(), o) -
                                                     settings.options.begin()));
      rb.push_back(std::move(x));
    }
    v::SchulzeResult s = v::schulze(settings.options.size(), rb);
    check_schulze(settings.options.size(), rb, s);
    if (r.outcome == "elected") {
      if (!r.winner || *r.winner != settings.options[s.ranking.front()]) bug("ranked tally winner is not Schulze's first");
      if (std::find(s.winners.begin(), s.winners.end(), s.ranking.front()) == s.winners.end()) bug("ranked winner is beaten");
    }
  }
  if (r.passed && r.outcome == "no_quorum") bug("passed with no quorum");
  return 0;
}

void run_bytes(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  std::size_t n = fdp.ConsumeIntegralInRange<std::size_t>(0, 7);
  std::vector<v::RankedBallot> ballots;
  std::size_t m = fdp.ConsumeIntegralInRange<std::size_t>(0, 40);
  for (std::size_t k = 0; k < m && fdp.remaining_bytes() > 0; ++k) {
    v::RankedBallot b;
    b.weight = fdp.ConsumeIntegralInRange<std::int64_t>(1, 5);
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    std::size_t len = fdp.ConsumeIntegralInRange<std::size_t>(0, n);
    for (std::size_t i = 0; i < len; ++i) {
      std::size_t pick = fdp.ConsumeIntegralInRange<std::size_t>(i, n - 1);
      std::swap(all[i], all[pick]);
      b.ranking.push_back(all[i]);
    }
    ballots.push_back(std::move(b));
  }
  bool corrupt = fdp.ConsumeBool() && !ballots.empty() && n > 0;
  if (corrupt) ballots.back().ranking.push_back(fdp.ConsumeBool() ? n : ballots.back().ranking.empty() ? n : ballots.back().ranking.front());
  v::SchulzeResult r;
  try {
    r = v::schulze(n, ballots);
  } catch (const std::invalid_argument&) {
    if (!corrupt) bug("schulze rejected valid ballots");
    return;
  }
  if (corrupt) bug("schulze accepted a ballot with an out-of-range or repeated candidate");
  check_schulze(n, ballots, r);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back("c" + std::to_string(i));
  (void)v::to_json(r, names).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 0 && data[0] == '{') {
    json in;
    try {
      in = json::parse(data, data + size);
    } catch (const json::exception&) {  // input decoding only (incl. out_of_range 406)
      return 0;
    }
    return run_json(in);
  }
  run_bytes(data, size);
  return 0;
}
