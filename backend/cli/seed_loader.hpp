// Loads a demo forum (seed/forum.json, format "plenary-seed/1") into a database.
// Invariants: loading is idempotent (a forum whose key exists is left as it is); everything of
// one seed commits in one transaction or not at all; passwords are stored only as Argon2id
// hashes and badge codes only as hashes (demo badge codes are marked reusable).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "store/db.hpp"

namespace plenary::cli {

struct SeedResult {
  std::int64_t forum = 0;
  bool created = false;  // false: it was there already
};

SeedResult load_seed(store::Db& db, const nlohmann::json& seed);

}  // namespace plenary::cli
