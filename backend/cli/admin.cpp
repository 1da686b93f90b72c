#include "cli/admin.hpp"

#include <sqlite3.h>

#include <set>
#include <stdexcept>

#include "auth/secrets.hpp"
#include "store/events.hpp"

namespace plenary::cli {

using json = nlohmann::json;

namespace {
const std::set<std::string> kRoles = {"delegate", "observer", "organiser", "moderator", "rapporteur", "translator", "drafting"};
}

json create_access_code(store::Db& db, std::int64_t forum, const std::string& role, const std::string& name) {
  if (!kRoles.count(role)) throw std::runtime_error("unknown role '" + role + "'");
  if (name.empty()) throw std::runtime_error("--name must not be empty");
  store::Tx tx(db);
  auto& f = db.prepare("SELECT 1 FROM forums WHERE id=?");
  f.bind(1, forum);
  bool exists = f.step();
  f.reset();
  if (!exists) throw std::runtime_error("no forum with id " + std::to_string(forum));
  std::string code = auth::new_access_code();
  db.prepare("INSERT INTO delegates(forum, name, status) VALUES(?,?,'accredited')").bind(1, forum).bind(2, name).run();
  std::int64_t delegate = db.last_insert_id();
  db.prepare("INSERT INTO roles(delegate, role) VALUES(?,?)").bind(1, delegate).bind(2, role).run();
  db.prepare("INSERT INTO access_codes(code_hash, forum, delegate) VALUES(?,?,?)")
      .bind(1, auth::hash_secret(code)).bind(2, forum).bind(3, delegate).run();
  store::record_event(db, forum, "access_code.created", 0, json{{"delegate", delegate}, {"role", role}, {"by", "cli"}});
  tx.commit();
  return {{"forum", forum}, {"code", code}, {"delegate", delegate}};
}

json create_forum(store::Db& db, const std::string& name, const std::vector<std::string>& languages) {
  if (name.empty()) throw std::runtime_error("--name must not be empty");
  if (languages.empty()) throw std::runtime_error("--languages must name at least one language");
  std::int64_t forum;
  {
    store::Tx tx(db);
    json names = json::object();
    for (auto& l : languages) names[l] = name;
    db.prepare("INSERT INTO forums(name, languages) VALUES(?,?)").bind(1, names.dump()).bind(2, json(languages).dump()).run();
    forum = db.last_insert_id();
    db.prepare("INSERT INTO rooms(forum, kind, name) VALUES(?, 'plenary', 'Plenary')").bind(1, forum).run();
    db.prepare("INSERT INTO plenaries(forum, room) VALUES(?,?)").bind(1, forum).bind(2, db.last_insert_id()).run();
    store::record_event(db, forum, "forum.created", 0, json{{"name", name}});
    tx.commit();
  }
  return create_access_code(db, forum, "organiser", "First organiser");
}

void backup(const std::string& db_path, const std::string& out_path) {
  store::Db src(db_path, store::Db::Mode::ReadOnly);
  sqlite3* dst = nullptr;
  if (sqlite3_open(out_path.c_str(), &dst) != SQLITE_OK) {
    sqlite3_close(dst);
    throw std::runtime_error("cannot open " + out_path);
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src.handle(), "main");
  if (!b) {
    std::string e = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    throw std::runtime_error("backup: " + e);
  }
  int rc;
  while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  sqlite3_backup_finish(b);
  std::string e = sqlite3_errmsg(dst);
  sqlite3_close(dst);
  if (rc != SQLITE_DONE) throw std::runtime_error("backup: " + e);
}

}  // namespace plenary::cli
