// libFuzzer target: the seed import (cli::load_seed) into a fresh in-memory database.
// The bytes are parsed as JSON (parse errors are fine), a fresh ":memory:" database is migrated,
// and load_seed runs. A bad seed must fail with a std::exception and leave the database as
// the migrations left it (no half-loaded forum: every table holds the rows it held before).
// A seed that loads must load again as a no-op (created == false, nothing changes).
// Passwords are hashed with the light Argon2 profile (PLENARY_ARGON2_PROFILE=min) so a
// fuzzer-made "password" does not cost a second per input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/seed_loader.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

namespace st = plenary::store;
using json = nlohmann::json;

namespace {

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz_seed: %s\n", what.c_str());
  std::abort();
}

std::map<std::string, std::int64_t> row_counts(st::Db& db) {
  std::map<std::string, std::int64_t> names;
  {
    auto& s = db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
    while (s.step()) names[s.text(0)] = 0;
    s.reset();
  }
  for (auto& [name, n] : names) {
    st::Stmt q(db.handle(), "SELECT count(*) FROM \"" + name + "\"");
    if (q.step()) n = q.int64(0);
  }
  return names;
}

std::string diff(const std::map<std::string, std::int64_t>& a, const std::map<std::string, std::int64_t>& b) {
  std::string out;
  for (auto& [k, v] : b) {
    auto it = a.find(k);
    std::int64_t was = it == a.end() ? -1 : it->second;
    if (was != v) out += " " + k + ":" + std::to_string(was) + "->" + std::to_string(v);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("PLENARY_ARGON2_PROFILE", "min", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json seed;
  try {
    seed = json::parse(data, data + size);
  } catch (const json::exception&) {  // input decoding only (incl. out_of_range 406)
    return 0;
  }
  st::Db db(":memory:");
  st::migrate(db);
  const auto before = row_counts(db);
  plenary::cli::SeedResult r;
  try {
    r = plenary::cli::load_seed(db, seed);
  } catch (const std::exception& e) {
    if (std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_seed: rejected: %s\n", e.what());
    const auto after = row_counts(db);
    if (after != before) bug(std::string("a failed load_seed (") + e.what() + ") left rows behind:" + diff(before, after));
    return 0;
  } catch (...) {
    bug("load_seed threw something that is not a std::exception");
  }
  if (std::getenv("FUZZ_VERBOSE")) std::fprintf(stderr, "fuzz_seed: loaded forum %lld\n", (long long)r.forum);
  if (!r.created || r.forum <= 0) bug("load_seed into an empty database did not create the forum");
  const auto loaded = row_counts(db);
  if (loaded.at("forums") != 1) bug("a loaded seed did not leave exactly one forum");
  plenary::cli::SeedResult again;
  try {
    again = plenary::cli::load_seed(db, seed);
  } catch (const std::exception& e) {
    bug(std::string("loading the same seed twice threw: ") + e.what());
  }
  if (again.created || again.forum != r.forum) bug("loading the same seed twice is not a no-op");
  const auto after = row_counts(db);
  if (after != loaded) bug("loading the same seed twice changed rows:" + diff(loaded, after));
  return 0;
}
