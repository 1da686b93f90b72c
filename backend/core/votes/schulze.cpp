#include "core/votes/schulze.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace plenary::votes {

SchulzeResult schulze(std::size_t n, const std::vector<RankedBallot>& ballots) {
  SchulzeResult r;
  r.d.assign(n, std::vector<std::int64_t>(n, 0));
  r.p.assign(n, std::vector<std::int64_t>(n, 0));

  std::vector<std::size_t> rank(n);
  for (const auto& b : ballots) {
    if (b.weight < 0) throw std::invalid_argument("negative ballot weight");
    const std::size_t unranked = n;  // every unranked candidate shares the lowest place
    std::fill(rank.begin(), rank.end(), unranked);
    for (std::size_t pos = 0; pos < b.ranking.size(); ++pos) {
      const std::size_t c = b.ranking[pos];
      if (c >= n) throw std::invalid_argument("ranking names an unknown candidate");
      if (rank[c] != unranked) throw std::invalid_argument("ranking repeats a candidate");
      rank[c] = pos;
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (rank[i] < rank[j]) r.d[i][j] += b.weight;
  }

  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i != j && r.d[i][j] > r.d[j][i]) r.p[i][j] = r.d[i][j];
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i) {
      if (i == k) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i || j == k) continue;
        r.p[i][j] = std::max(r.p[i][j], std::min(r.p[i][k], r.p[k][j]));
      }
    }

  auto beats = [&](std::size_t a, std::size_t b) { return r.p[a][b] > r.p[b][a]; };
  for (std::size_t i = 0; i < n; ++i) {
    bool unbeaten = true;
    for (std::size_t j = 0; j < n && unbeaten; ++j)
      if (j != i && beats(j, i)) unbeaten = false;
    if (unbeaten) r.winners.push_back(i);
  }

  std::vector<bool> placed(n, false);
  for (std::size_t pos = 0; pos < n; ++pos) {
    std::vector<std::size_t> top;
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      bool unbeaten = true;
      for (std::size_t j = 0; j < n && unbeaten; ++j)
        if (!placed[j] && j != i && beats(j, i)) unbeaten = false;
      if (unbeaten) top.push_back(i);
    }
    // A strict partial order on a finite set always has a maximal element.
    if (top.empty()) throw std::logic_error("schulze: no unbeaten candidate");
    if (top.size() > 1) r.ties.push_back({pos, top, top.front()});
    r.ranking.push_back(top.front());
    placed[top.front()] = true;
  }
  return r;
}

nlohmann::json to_json(const SchulzeResult& r, const std::vector<std::string>& names) {
  auto name = [&](std::size_t i) { return i < names.size() ? names[i] : std::to_string(i); };
  auto matrix = [&](const std::vector<std::vector<std::int64_t>>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < m.size(); ++i) {
      nlohmann::json row = nlohmann::json::object();
      for (std::size_t k = 0; k < m.size(); ++k)
        if (k != i) row[name(k)] = m[i][k];
      j[name(i)] = row;
    }
    return j;
  };
  auto list = [&](const std::vector<std::size_t>& v) {
    nlohmann::json j = nlohmann::json::array();
    for (auto i : v) j.push_back(name(i));
    return j;
  };
  nlohmann::json ties = nlohmann::json::array();
  for (const auto& t : r.ties)
    ties.push_back({{"position", t.position}, {"candidates", list(t.candidates)}, {"chosen", name(t.chosen)}});
  return {{"pairwise", matrix(r.d)},   {"strongest_paths", matrix(r.p)}, {"winners", list(r.winners)},
          {"ranking", list(r.ranking)}, {"ties", ties},                   {"tie_break", "option order"}};
}

}  // namespace plenary::votes
