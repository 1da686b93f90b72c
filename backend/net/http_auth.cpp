#include "net/http_auth.hpp"

#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>

#include "auth/secrets.hpp"

namespace plenary::net {

HttpAnswer http_error(unsigned status, const std::string& code, const std::string& message) {
  HttpAnswer a;
  a.status = status;
  a.content_type = "application/json";
  a.body = nlohmann::json{{"error", code}, {"message", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  a.challenge = status == 401;
  return a;
}

std::string bearer_token(std::string_view auth) {
  std::string token;
  if (auth.size() > 7) {
    std::string scheme(auth.substr(0, 7));
    for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (scheme == "bearer ") token = std::string(auth.substr(7));
  }
  while (!token.empty() && token.back() == ' ') token.pop_back();
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  if (token.size() > 200) return "";
  return token;
}

std::variant<HttpCaller, HttpAnswer> authenticate(store::Db& db, std::string_view authorization) {
  std::string token = bearer_token(authorization);
  if (token.empty()) return http_error(401, "unauthenticated", "send Authorization: Bearer <session token>");
  auto& s = db.prepare(
      "SELECT s.delegate, s.forum, s.expires_at, s.revoked_at IS NOT NULL, d.status FROM sessions s "
      "JOIN delegates d ON d.id=s.delegate WHERE s.token_hash=?");
  s.bind(1, auth::hash_secret(token));
  if (!s.step()) {
    s.reset();
    return http_error(401, "unauthenticated", "unknown session token");
  }
  HttpCaller c;
  c.delegate = s.int64(0);
  c.forum = s.int64(1);
  std::int64_t expires = s.int64(2);
  bool revoked = s.int64(3) != 0;
  c.status = s.text(4);
  s.reset();
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (revoked) return http_error(401, "unauthenticated", "this session was ended");
  if (expires <= now) return http_error(401, "token_expired", "this session has expired; log in again");
  auto& r = db.prepare("SELECT role FROM roles WHERE delegate=?");
  r.bind(1, c.delegate);
  while (r.step()) c.roles.insert(r.text(0));
  r.reset();
  return c;
}

namespace {
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}
}  // namespace

std::map<std::string, std::string> query_params(std::string_view target) {
  std::map<std::string, std::string> params;
  auto q = target.find('?');
  if (q == std::string_view::npos) return params;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos) params[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return params;
}

std::optional<std::int64_t> positive(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  auto v = std::stoll(s);
  if (v < 1) return std::nullopt;
  return v;
}

}  // namespace plenary::net
