// hello, login (badge code or password), register, logout; session expiry and revocation.
#include <chrono>

#include "app/hub.hpp"
#include "store/events.hpp"
#include "auth/secrets.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
const std::set<std::string> kConstituencies = {"migrant_association", "trade_union", "ngo", "faith_based",
                                               "womens_group", "academic", "other"};
}  // namespace

json Hub::delegate_json(std::int64_t delegate, bool with_email) {
  auto& st = reader_.prepare(
      "SELECT id, forum, name, email, organisation, country, region, languages, gender, accessibility, status, "
      "reject_reason FROM delegates WHERE id=?");
  st.bind(1, delegate);
  if (!st.step()) {
    st.reset();
    fail("not_found", "no such delegate");
  }
  json d = {{"id", st.int64(0)},
            {"forum", st.int64(1)},
            {"name", st.text(2)},
            {"organisation", st.is_null(4) ? json(nullptr) : json(st.int64(4))},
            {"country", st.is_null(5) || st.text(5).empty() ? json(nullptr) : json(st.text(5))},
            {"region", st.is_null(6) || st.text(6).empty() ? json(nullptr) : json(st.text(6))},
            {"languages", json::parse(st.text(7))},
            {"status", st.text(10)}};
  if (!st.is_null(8)) d["gender"] = st.text(8);
  if (!st.is_null(9)) d["accessibility"] = st.text(9);
  if (!st.is_null(11)) d["reject_reason"] = st.text(11);
  if (with_email && !st.is_null(3)) d["email"] = st.text(3);
  st.reset();
  json roles = json::array();
  auto& r = reader_.prepare("SELECT role FROM roles WHERE delegate=? ORDER BY role");
  r.bind(1, delegate);
  while (r.step()) roles.push_back(r.text(0));
  r.reset();
  d["roles"] = roles;
  return d;
}

void Hub::attach_identity(ConnState& c, std::int64_t delegate, const std::string& session_hash, std::int64_t expires) {
  json d = delegate_json(delegate, true);
  c.delegate = delegate;
  c.forum = d["forum"].get<std::int64_t>();
  c.session_hash = session_hash;
  c.expires_at = expires;
  c.name = d["name"].get<std::string>();
  c.organisation = d["organisation"].is_null() ? 0 : d["organisation"].get<std::int64_t>();
  c.status = d["status"].get<std::string>();
  c.roles.clear();
  for (auto& r : d["roles"]) c.roles.insert(r.get<std::string>());
}

void Hub::on_hello(ConnState& c, const json& m, const Reply& reply) {
  auto it = m.find("protocol");
  if (it == m.end() || !it->is_number_integer()) fail("bad_message", "field 'protocol' (the integer 1) is required");
  if (it->get<int>() != 1) fail("protocol_version", "this server speaks protocol 1");
  if (auto lang = opt_string_of(m, "lang", 10)) {
    if (!is_lang(*lang)) fail("bad_message", "field 'lang' must be a language code");
    c.lang = *lang;
  }
  json out = {{"protocol", 1}, {"server", "plenary"}};
  if (auto token = opt_string_of(m, "token", 200)) {
    auto hash = auth::hash_secret(*token);
    auto& st = reader_.prepare("SELECT delegate, expires_at, revoked_at FROM sessions WHERE token_hash=?");
    st.bind(1, hash);
    if (!st.step()) {
      st.reset();
      fail("unauthenticated", "this session is not known; log in again");
    }
    std::int64_t delegate = st.int64(0), expires = st.int64(1);
    bool revoked = !st.is_null(2);
    st.reset();
    if (revoked) fail("unauthenticated", "this session was ended; log in again");
    if (expires <= now_s()) fail("token_expired", "this session has expired; log in again");
    attach_identity(c, delegate, hash, expires);
    out["delegate"] = delegate_json(delegate, true);
  }
  reply.ok(out);
}

void Hub::start_session(const Reply& reply, std::int64_t delegate, std::int64_t forum, std::string event_type) {
  std::string token = auth::new_token();
  std::string hash = auth::hash_secret(token);
  std::int64_t expires = now_s() + config_.session_ttl;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("INSERT INTO sessions(token_hash, delegate, forum, expires_at) VALUES(?,?,?,?)")
            .bind(1, hash).bind(2, delegate).bind(3, forum).bind(4, expires).run();
        store::record_event(db, forum, event_type, delegate, json{{"delegate", delegate}});
        return json();
      },
      [=, this](json) {
        auto* c = state(reply.conn());
        if (!c) return;
        attach_identity(*c, delegate, hash, expires);
        reply.ok({{"token", token}, {"expires", expires}, {"delegate", delegate_json(delegate, true)}});
      });
}

void Hub::on_login(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  std::string ip_key = "ip:" + c.conn->remote();
  if (login_throttle_.blocked(ip_key)) fail("throttled", "too many failed logins from here; wait a few minutes");
  {
    auto& f = reader_.prepare("SELECT 1 FROM forums WHERE id=?");
    f.bind(1, forum);
    bool exists = f.step();
    f.reset();
    if (!exists) fail("not_found", "no such forum");
  }
  if (m.contains("code")) {
    if (m.contains("email") || m.contains("password")) fail("bad_message", "send either a code or an email and password");
    std::string code = auth::normalise_access_code(string_of(m, "code", 64));
    auto& st = reader_.prepare(
        "SELECT delegate, reusable, used_at FROM access_codes WHERE code_hash=? AND forum=?");
    st.bind(1, auth::hash_secret(code)).bind(2, forum);
    bool found = st.step();
    std::int64_t delegate = found ? st.int64(0) : 0;
    bool reusable = found && st.int64(1) != 0;
    bool used = found && !st.is_null(2);
    st.reset();
    if (!found || (used && !reusable)) {
      login_throttle_.failure(ip_key);
      fail("bad_credentials", found ? "this access code was already used; ask an organiser for a new one"
                                    : "this access code is not valid for this forum");
    }
    login_throttle_.success(ip_key);
    std::string hash = auth::hash_secret(code);
    std::string token = auth::new_token();
    std::string token_hash = auth::hash_secret(token);
    std::int64_t expires = now_s() + config_.session_ttl;
    commit(
        reply,
        [=](store::Db& db) {
          auto& u = db.prepare("UPDATE access_codes SET used_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                               "WHERE code_hash=? AND (used_at IS NULL OR reusable=1)");
          u.bind(1, hash).run();
          if (db.changes() != 1) throw store::WorkError("bad_credentials", "this access code was already used");
          db.prepare("INSERT INTO sessions(token_hash, delegate, forum, expires_at) VALUES(?,?,?,?)")
              .bind(1, token_hash).bind(2, delegate).bind(3, forum).bind(4, expires).run();
          store::record_event(db, forum, "session.code_login", delegate, json{{"delegate", delegate}});
          return json();
        },
        [=, this](json) {
          auto* cs = state(reply.conn());
          if (!cs) return;
          attach_identity(*cs, delegate, token_hash, expires);
          reply.ok({{"token", token}, {"expires", expires}, {"delegate", delegate_json(delegate, true)}});
        });
    return;
  }
  std::string email = string_of(m, "email", 254);
  std::string password = string_of(m, "password", 1024);
  std::string who_key = "who:" + std::to_string(forum) + ":" + email;
  if (login_throttle_.blocked(who_key)) fail("throttled", "too many failed logins for this account; wait a few minutes");
  auto& st = reader_.prepare("SELECT id, password_hash FROM delegates WHERE forum=? AND email=?");
  st.bind(1, forum).bind(2, email);
  std::int64_t delegate = 0;
  std::string stored;
  if (st.step()) {
    delegate = st.int64(0);
    stored = st.opt_text(1).value_or("");
  }
  st.reset();
  offload(
      [stored, password] {
        // Verify even when the account is unknown, so timing does not reveal which emails exist.
        static const std::string dummy = auth::hash_password("not a real password");
        bool ok = auth::verify_password(stored.empty() ? dummy : stored, password) && !stored.empty();
        return json(ok);
      },
      [=, this](json ok) {
        if (!ok.is_boolean() || !ok.get<bool>()) {
          login_throttle_.failure(ip_key);
          login_throttle_.failure(who_key);
          return reply.error("bad_credentials", "wrong email or password");
        }
        login_throttle_.success(who_key);
        start_session(reply, delegate, forum, "session.login");
      });
}

void Hub::on_register(ConnState&, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  std::string name = string_of(m, "name", 200);
  std::string email = string_of(m, "email", 254);
  if (email.find('@') == std::string::npos) fail("bad_message", "field 'email' must be an e-mail address");
  std::string password = string_of(m, "password", 1024);
  if (password.size() < 8) fail("bad_message", "field 'password' must have at least 8 characters");
  std::string country = string_of(m, "country", 2);
  auto region = opt_string_of(m, "region", 100);
  auto languages = strings_of(m, "languages", 20, 10);
  for (auto& l : languages)
    if (!is_lang(l)) fail("bad_message", "field 'languages' must hold language codes");
  auto gender = opt_string_of(m, "gender", 40);
  auto accessibility = opt_string_of(m, "accessibility", 500);
  {
    auto& f = reader_.prepare("SELECT 1 FROM forums WHERE id=?");
    f.bind(1, forum);
    bool exists = f.step();
    f.reset();
    if (!exists) fail("not_found", "no such forum");
  }
  std::int64_t org_id = 0;
  json new_org;
  auto org = m.find("organisation");
  if (org == m.end()) fail("bad_message", "field 'organisation' is required");
  if (org->is_number_integer()) {
    org_id = org->get<std::int64_t>();
    auto& o = reader_.prepare("SELECT 1 FROM organisations WHERE id=? AND forum=?");
    o.bind(1, org_id).bind(2, forum);
    bool exists = o.step();
    o.reset();
    if (!exists) fail("not_found", "no such organisation in this forum");
  } else if (org->is_object()) {
    new_org = {{"name", string_of(*org, "name", 200)},
               {"country", string_of(*org, "country", 2)},
               {"constituency", string_of(*org, "constituency", 40)}};
    if (!kConstituencies.count(new_org["constituency"].get<std::string>()))
      fail("bad_message", "organisation.constituency must be one of migrant_association, trade_union, ngo, "
                          "faith_based, womens_group, academic, other");
  } else {
    fail("bad_message", "field 'organisation' must be an organisation id or {name, country, constituency}");
  }
  {
    auto& e = reader_.prepare("SELECT 1 FROM delegates WHERE forum=? AND email=?");
    e.bind(1, forum).bind(2, email);
    bool taken = e.step();
    e.reset();
    if (taken) fail("conflict", "this email is already registered for this forum");
  }
  offload([password] { return json(auth::hash_password(password)); },
          [=, this](json hashed) {
            if (!hashed.is_string()) return reply.error("internal", "could not hash the password");
            std::string token = auth::new_token();
            std::string token_hash = auth::hash_secret(token);
            std::int64_t expires = std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch()).count() + config_.session_ttl;
            commit(
                reply,
                [=](store::Db& db) {
                  std::int64_t oid = org_id;
                  if (!new_org.is_null()) {
                    auto& find = db.prepare("SELECT id FROM organisations WHERE forum=? AND name=?");
                    find.bind(1, forum).bind(2, new_org["name"].get<std::string>());
                    if (find.step()) oid = find.int64(0);
                    find.reset();
                    if (!oid) {
                      db.prepare("INSERT INTO organisations(forum, name, country, constituency) VALUES(?,?,?,?)")
                          .bind(1, forum).bind(2, new_org["name"].get<std::string>())
                          .bind(3, new_org["country"].get<std::string>())
                          .bind(4, new_org["constituency"].get<std::string>()).run();
                      oid = db.last_insert_id();
                    }
                  }
                  db.prepare("INSERT INTO delegates(forum, name, email, password_hash, organisation, country, region, "
                             "languages, gender, accessibility, status) VALUES(?,?,?,?,?,?,?,?,?,?,'registered')")
                      .bind(1, forum).bind(2, name).bind(3, email).bind(4, hashed.get<std::string>()).bind(5, oid)
                      .bind(6, country).bind(7, region).bind(8, json(languages).dump()).bind(9, gender)
                      .bind(10, accessibility).run();
                  std::int64_t id = db.last_insert_id();
                  db.prepare("INSERT INTO roles(delegate, role) VALUES(?, 'delegate')").bind(1, id).run();
                  db.prepare("INSERT INTO sessions(token_hash, delegate, forum, expires_at) VALUES(?,?,?,?)")
                      .bind(1, token_hash).bind(2, id).bind(3, forum).bind(4, expires).run();
                  store::record_event(db, forum, "delegate.registered", id, json{{"delegate", id}, {"organisation", oid}});
                  return json(id);
                },
                [=, this](json id) {
                  std::int64_t delegate = id.get<std::int64_t>();
                  if (auto* c = state(reply.conn())) attach_identity(*c, delegate, token_hash, expires);
                  reply.ok({{"token", token}, {"expires", expires}, {"delegate", delegate_json(delegate, true)}});
                  notify_accreditation(forum, delegate);
                });
          });
}

void Hub::on_logout(ConnState& c, const json&, const Reply& reply) {
  require_login(c);
  std::string hash = c.session_hash;
  std::int64_t forum = c.forum, delegate = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("UPDATE sessions SET revoked_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE token_hash=?")
            .bind(1, hash).run();
        store::record_event(db, forum, "session.logout", delegate, json::object());
        return json();
      },
      [=, this](json) {
        if (auto* cs = state(reply.conn())) {
          auto rooms = cs->rooms;
          for (auto& [room, seq] : rooms) leave_room(*cs, room);
          cs->delegate = 0;
          cs->forum = 0;
          cs->roles.clear();
          cs->status.clear();
          cs->session_hash.clear();
        }
        reply.ok();
        // Other sockets on the same session end too.
        for (auto& [id, other] : conns_)
          if (id != reply.conn() && other.session_hash == hash) {
            push(other, {{"type", "revoked"}, {"reason", "logged out"}});
            other.conn->close(1008, "revoked");
          }
      });
}

void Hub::close_delegate(std::int64_t delegate, const std::string& reason) {
  for (auto& [id, c] : conns_) {
    if (c.delegate != delegate) continue;
    push(c, {{"type", "revoked"}, {"reason", reason}});
    c.delegate = 0;
    c.roles.clear();
    c.conn->close(1008, "revoked");
  }
}

void Hub::expire_sessions() {
  auto now = now_s();
  for (auto& [id, c] : conns_) {
    if (c.delegate != 0 && c.expires_at != 0 && c.expires_at <= now) {
      push(c, {{"type", "revoked"}, {"reason", "session expired"}});
      c.delegate = 0;
      c.roles.clear();
      c.conn->close(1008, "token_expired");
    }
  }
}

}  // namespace plenary::app
