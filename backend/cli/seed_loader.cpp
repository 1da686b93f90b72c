#include "cli/seed_loader.hpp"

#include <map>
#include <stdexcept>

#include "auth/secrets.hpp"
#include "store/events.hpp"

namespace plenary::cli {

using json = nlohmann::json;

namespace {
std::string str(const json& j, const char* k, const std::string& fallback = "") {
  auto it = j.find(k);
  return it == j.end() || it->is_null() ? fallback : it->get<std::string>();
}
std::int64_t need(const std::map<std::string, std::int64_t>& m, const json& key, const char* what) {
  auto it = m.find(key.get<std::string>());
  if (it == m.end()) throw std::runtime_error(std::string("seed: unknown ") + what + " '" + key.get<std::string>() + "'");
  return it->second;
}
}  // namespace

SeedResult load_seed(store::Db& db, const json& seed) {
  if (seed.value("format", "") != "plenary-seed/1") throw std::runtime_error("seed: format must be plenary-seed/1");
  const json& f = seed.at("forum");
  std::string key = f.at("key").get<std::string>();
  {
    auto& st = db.prepare("SELECT id FROM forums WHERE key=?");
    st.bind(1, key);
    if (st.step()) {
      SeedResult r{st.int64(0), false};
      st.reset();
      return r;
    }
    st.reset();
  }
  store::Tx tx(db);
  db.prepare("INSERT INTO forums(key, name, starts, ends, timezone, languages, voting_unit) VALUES(?,?,?,?,?,?,?)")
      .bind(1, key).bind(2, f.at("name").dump()).bind(3, str(f, "starts")).bind(4, str(f, "ends"))
      .bind(5, str(f, "timezone", "UTC")).bind(6, f.at("languages").dump()).bind(7, str(f, "voting_unit", "delegate")).run();
  std::int64_t forum = db.last_insert_id();

  std::map<std::string, std::int64_t> networks, orgs, slots, delegates, sections;
  std::map<std::string, std::string> locations;
  for (auto& n : seed.value("networks", json::array())) {
    db.prepare("INSERT INTO networks(forum, key, name, scope) VALUES(?,?,?,?)")
        .bind(1, forum).bind(2, n.at("key").get<std::string>()).bind(3, n.at("name").get<std::string>()).bind(4, str(n, "scope")).run();
    networks[n.at("key").get<std::string>()] = db.last_insert_id();
  }
  for (auto& o : seed.value("organisations", json::array())) {
    db.prepare("INSERT INTO organisations(forum, key, name, country, constituency) VALUES(?,?,?,?,?)")
        .bind(1, forum).bind(2, o.at("key").get<std::string>()).bind(3, o.at("name").get<std::string>())
        .bind(4, str(o, "country")).bind(5, o.at("constituency").get<std::string>()).run();
    std::int64_t id = db.last_insert_id();
    orgs[o.at("key").get<std::string>()] = id;
    for (auto& nk : o.value("networks", json::array()))
      db.prepare("INSERT INTO organisation_networks(organisation, network) VALUES(?,?)").bind(1, id).bind(2, need(networks, nk, "network")).run();
  }
  for (auto& s : seed.value("slots", json::array())) {
    db.prepare("INSERT INTO slots(forum, key, name, starts, ends) VALUES(?,?,?,?,?)")
        .bind(1, forum).bind(2, s.at("key").get<std::string>()).bind(3, s.at("name").dump())
        .bind(4, str(s, "starts")).bind(5, str(s, "ends")).run();
    slots[s.at("key").get<std::string>()] = db.last_insert_id();
  }
  for (auto& r : seed.value("rooms", json::array())) locations[r.at("key").get<std::string>()] = r.at("name").get<std::string>();

  for (auto& d : seed.value("delegates", json::array())) {
    std::optional<std::string> email, hash;
    if (d.contains("email") && d["email"].is_string()) email = d["email"].get<std::string>();
    if (d.contains("password") && d["password"].is_string()) hash = auth::hash_password(d["password"].get<std::string>());
    std::optional<std::int64_t> org;
    if (d.contains("organisation") && d["organisation"].is_string()) org = need(orgs, d["organisation"], "organisation");
    std::optional<std::string> gender, access;
    if (d.contains("gender") && d["gender"].is_string()) gender = d["gender"].get<std::string>();
    if (d.contains("accessibility") && d["accessibility"].is_string()) access = d["accessibility"].get<std::string>();
    db.prepare("INSERT INTO delegates(forum, key, name, email, password_hash, organisation, country, region, languages, "
               "gender, accessibility, status, reject_reason) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, forum).bind(2, d.at("key").get<std::string>()).bind(3, d.at("name").get<std::string>()).bind(4, email)
        .bind(5, hash).bind(6, org).bind(7, str(d, "country")).bind(8, str(d, "region"))
        .bind(9, d.value("languages", json::array()).dump()).bind(10, gender).bind(11, access)
        .bind(12, str(d, "status", "accredited"))
        .bind(13, str(d, "status") == "rejected" ? std::optional<std::string>("not a civil-society organisation") : std::nullopt)
        .run();
    std::int64_t id = db.last_insert_id();
    delegates[d.at("key").get<std::string>()] = id;
    for (auto& role : d.value("roles", json::array({"delegate"})))
      db.prepare("INSERT OR IGNORE INTO roles(delegate, role) VALUES(?,?)").bind(1, id).bind(2, role.get<std::string>()).run();
    if (d.contains("code") && d["code"].is_string())
      db.prepare("INSERT INTO access_codes(code_hash, forum, delegate, reusable) VALUES(?,?,?,1)")
          .bind(1, auth::hash_secret(auth::normalise_access_code(d["code"].get<std::string>()))).bind(2, forum).bind(3, id).run();
  }
  auto opt_delegate = [&](const json& w, const char* k) -> std::optional<std::int64_t> {
    if (!w.contains(k) || !w[k].is_string()) return std::nullopt;
    return need(delegates, w[k], "delegate");
  };
  std::map<std::string, std::int64_t> workshops;
  for (auto& w : seed.value("workshops", json::array())) {
    db.prepare("INSERT INTO rooms(forum, kind, name) VALUES(?, 'workshop', ?)").bind(1, forum).bind(2, w.at("title").value("en", "workshop")).run();
    std::int64_t room = db.last_insert_id();
    db.prepare("INSERT INTO workshops(forum, key, slot, room, location, title, description, working_language, interpretation, "
               "capacity, moderator, rapporteur) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, forum).bind(2, w.at("key").get<std::string>()).bind(3, need(slots, w.at("slot"), "slot")).bind(4, room)
        .bind(5, locations.count(str(w, "room")) ? locations[str(w, "room")] : str(w, "room"))
        .bind(6, w.at("title").dump()).bind(7, w.value("description", json::object()).dump())
        .bind(8, str(w, "working_language")).bind(9, w.value("interpretation", json::array()).dump())
        .bind(10, w.contains("capacity") ? std::optional<std::int64_t>(w["capacity"].get<std::int64_t>()) : std::nullopt)
        .bind(11, opt_delegate(w, "moderator")).bind(12, opt_delegate(w, "rapporteur")).run();
    workshops[w.at("key").get<std::string>()] = db.last_insert_id();
  }
  {
    db.prepare("INSERT INTO rooms(forum, kind, name) VALUES(?, 'plenary', 'Plenary')").bind(1, forum).run();
    std::int64_t room = db.last_insert_id();
    std::string where = seed.contains("plenary") ? str(seed["plenary"], "room") : "";
    db.prepare("INSERT INTO plenaries(forum, room, location) VALUES(?,?,?)")
        .bind(1, forum).bind(2, room).bind(3, locations.count(where) ? locations[where] : where).run();
  }
  for (auto& decl : seed.value("declarations", json::array())) {
    std::optional<std::int64_t> workshop;
    if (decl.contains("workshop") && decl["workshop"].is_string()) workshop = need(workshops, decl["workshop"], "workshop");
    std::string original = decl.at("original").get<std::string>();
    db.prepare("INSERT INTO declarations(forum, key, workshop, title, languages, original, phase) VALUES(?,?,?,?,?,?,?)")
        .bind(1, forum).bind(2, decl.at("key").get<std::string>()).bind(3, workshop).bind(4, decl.at("title").dump())
        .bind(5, decl.at("languages").dump()).bind(6, original).bind(7, str(decl, "phase", "drafting")).run();
    std::int64_t did = db.last_insert_id();
    sections.clear();
    std::int64_t pos = 0;
    for (auto& s : decl.value("sections", json::array())) {
      db.prepare("INSERT INTO sections(declaration, position, title) VALUES(?,?,?)").bind(1, did).bind(2, ++pos).bind(3, s.at("title").dump()).run();
      sections[s.at("key").get<std::string>()] = db.last_insert_id();
    }
    pos = 0;
    for (auto& c : decl.value("clauses", json::array())) {
      std::optional<std::int64_t> section;
      if (c.contains("section") && c["section"].is_string()) section = need(sections, c["section"], "section");
      db.prepare("INSERT INTO clauses(declaration, kind, section, position) VALUES(?,?,?,?)")
          .bind(1, did).bind(2, str(c, "kind", "clause")).bind(3, section).bind(4, ++pos).run();
      std::int64_t clause = db.last_insert_id();
      for (auto& lang : decl.at("languages")) {
        std::string l = lang.get<std::string>();
        std::string text = c.at("text").value(l, "");
        std::string status = l == original ? "original" : (text.empty() ? "stale" : "current");
        db.prepare("INSERT INTO docs(clause, lang, status, confirmed_rev) VALUES(?,?,?,0)").bind(1, clause).bind(2, l).bind(3, status).run();
        std::int64_t doc = db.last_insert_id();
        db.prepare("INSERT INTO doc_snapshots(doc, rev, text) VALUES(?,0,?)").bind(1, doc).bind(2, text).run();
      }
    }
  }
  store::record_event(db, forum, "forum.seeded", 0, json{{"key", key}});
  tx.commit();
  return {forum, true};
}

}  // namespace plenary::cli
