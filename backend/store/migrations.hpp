// Numbered schema migrations, applied in order at start, each in its own transaction.
// Invariant: PRAGMA user_version equals the number of the last migration applied; a migration
// is never edited once released, only followed by a new one.
#pragma once
#include "store/db.hpp"

namespace plenary::store {

// Applies every migration newer than the database's user_version. Returns the new version.
int migrate(Db& db);
int latest_schema_version();

}  // namespace plenary::store
