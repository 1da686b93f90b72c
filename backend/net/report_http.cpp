#include "net/report_http.hpp"

#include <cctype>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "app/report_data.hpp"
#include "auth/secrets.hpp"
#include "protocol/errors.hpp"
#include "store/db.hpp"

namespace plenary::net {

namespace {
HttpAnswer error(unsigned status, const std::string& code, const std::string& message) {
  HttpAnswer a;
  a.status = status;
  a.content_type = "application/json";
  a.body = nlohmann::json{{"error", code}, {"message", message}}.dump();
  a.challenge = status == 401;
  return a;
}

// A positive integer query value (digits only, at most 15 of them).
std::optional<std::int64_t> positive(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  auto v = std::stoll(s);
  if (v < 1) return std::nullopt;
  return v;
}
}  // namespace

std::optional<HttpAnswer> report_csv(const Config& config, std::string_view target, std::string_view authorization) {
  auto q = target.find('?');
  if (target.substr(0, q) != kReportCsvPath) return std::nullopt;

  // Who is asking: a bearer token of a live session.
  std::string_view auth = authorization;
  std::string token;
  if (auth.size() > 7) {
    std::string scheme(auth.substr(0, 7));
    for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (scheme == "bearer ") token = std::string(auth.substr(7));
  }
  while (!token.empty() && token.back() == ' ') token.pop_back();
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  if (token.empty() || token.size() > 200) return error(401, "unauthenticated", "send Authorization: Bearer <session token>");

  try {
    store::Db db(config.db, store::Db::Mode::ReadOnly);
    auto& s = db.prepare(
        "SELECT s.delegate, s.forum, s.expires_at, s.revoked_at IS NOT NULL, d.status FROM sessions s "
        "JOIN delegates d ON d.id=s.delegate WHERE s.token_hash=?");
    s.bind(1, auth::hash_secret(token));
    if (!s.step()) {
      s.reset();
      return error(401, "unauthenticated", "unknown session token");
    }
    std::int64_t delegate = s.int64(0), session_forum = s.int64(1), expires = s.int64(2);
    bool revoked = s.int64(3) != 0;
    std::string status = s.text(4);
    s.reset();
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (revoked) return error(401, "unauthenticated", "this session was ended");
    if (expires <= now) return error(401, "token_expired", "this session has expired; log in again");

    // What is asked: forum, workshop, k.
    std::map<std::string, std::string> params;
    if (q != std::string_view::npos) {
      std::string_view rest = target.substr(q + 1);
      while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos) params[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
      }
    }
    auto forum = params.count("forum") ? positive(params["forum"]) : std::nullopt;
    if (!forum) return error(400, "bad_message", "query parameter 'forum' (a positive integer) is required");
    std::optional<std::int64_t> workshop;
    if (params.count("workshop")) {
      workshop = positive(params["workshop"]);
      if (!workshop) return error(400, "bad_message", "query parameter 'workshop' must be a positive integer");
    }
    std::int64_t k = app::kDefaultReportK;
    if (params.count("k")) {
      auto v = positive(params["k"]);
      if (!v || *v > 1000) return error(400, "bad_message", "query parameter 'k' must be an integer between 1 and 1000");
      k = *v;
    }

    // May they: an accredited organiser or rapporteur of that forum.
    auto& r = db.prepare("SELECT 1 FROM roles WHERE delegate=? AND role IN ('organiser','rapporteur')");
    r.bind(1, delegate);
    bool role = r.step();
    r.reset();
    if (status != "accredited") return error(403, "not_accredited", "your registration is " + status);
    if (!role) return error(403, "not_allowed", "this needs the role organiser or rapporteur");
    if (session_forum != *forum) return error(403, "not_allowed", "you are logged in to another forum");

    auto rep = app::participation_report(db, *forum, workshop, k);
    HttpAnswer a;
    a.content_type = "text/csv; charset=utf-8";
    a.body = report::to_csv(rep);
    std::string name = "participation-forum-" + std::to_string(*forum);
    if (workshop) name += "-workshop-" + std::to_string(*workshop);
    a.disposition = "attachment; filename=\"" + name + ".csv\"";
    return a;
  } catch (const protocol::Error& e) {
    return error(e.code() == "not_found" ? 404 : 400, e.code(), e.what());
  } catch (const std::exception& e) {
    return error(503, "unavailable", std::string("storage error: ") + e.what());
  }
}

}  // namespace plenary::net
