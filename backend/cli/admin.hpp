// Administration commands that work on the database directly, also while a server runs on it:
// create a forum with its first organiser, and issue access codes. Each prints one JSON object.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace plenary::cli {

// {"forum": id, "code": "...", "delegate": id}
nlohmann::json create_forum(store::Db& db, const std::string& name, const std::vector<std::string>& languages);
// {"forum": id, "code": "...", "delegate": id}
nlohmann::json create_access_code(store::Db& db, std::int64_t forum, const std::string& role, const std::string& name);
// Copies a live database with SQLite's online backup API (safe while the server writes).
void backup(const std::string& db_path, const std::string& out_path);

}  // namespace plenary::cli
