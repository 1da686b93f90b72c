// The Schulze method (beatpath), with the strongest-paths algorithm (Floyd–Warshall, O(n^3)).
//
// Input: candidates in a fixed order and weighted rankings, most preferred first. A ranking may
// be partial: every ranked candidate is preferred to every unranked one, and unranked
// candidates are tied with each other (no preference counted either way).
// d[i][j] = weight of ballots preferring i to j; p[i][j] = strength of the strongest path,
// where a path's strength is its weakest link and a link i->j exists only when d[i][j] > d[j][i].
// i beats j when p[i][j] > p[j][i]; this relation is transitive (Schulze 2011).
//
// Invariant: the result is deterministic. The ranking is built by repeatedly taking the
// candidates no remaining candidate beats; when several are unbeaten they are tied, the tie is
// broken by candidate order (the order the organisers listed the options) and reported in `ties`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::votes {

struct RankedBallot {
  std::vector<std::size_t> ranking;  // candidate indices, most preferred first, no duplicates
  std::int64_t weight = 1;
};

struct SchulzeTie {
  std::size_t position = 0;             // 0-based place in the ranking where the tie was broken
  std::vector<std::size_t> candidates;  // the tied candidates, in candidate order
  std::size_t chosen = 0;               // the one placed first (the earliest in candidate order)
};

struct SchulzeResult {
  std::vector<std::vector<std::int64_t>> d;  // pairwise preferences
  std::vector<std::vector<std::int64_t>> p;  // strongest paths
  std::vector<std::size_t> winners;          // every candidate no other beats (Schulze winners)
  std::vector<std::size_t> ranking;          // a total order, ties broken as reported
  std::vector<SchulzeTie> ties;
};

// Throws std::invalid_argument if a ballot names a candidate index >= n or repeats one.
SchulzeResult schulze(std::size_t n, const std::vector<RankedBallot>& ballots);

// JSON with candidate names: {"pairwise":{"A":{"B":20,..}},"strongest_paths":..,"winners":[..],
// "ranking":[..],"ties":[{"position":0,"candidates":[..],"chosen":".."}],"tie_break":"option order"}
nlohmann::json to_json(const SchulzeResult& r, const std::vector<std::string>& names);

}  // namespace plenary::votes
