// What the HTTP downloads share: JSON error answers, the query string, and who is asking: the
// bearer token of a live session (`Authorization: Bearer <session token>`, the token `login`
// returned), checked against the sessions table the same way for every download.
// Invariants: only reads; a missing, unknown, revoked or expired token is a 401 with
// WWW-Authenticate; the caller's roles and accreditation are reported, never assumed.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "net/report_http.hpp"
#include "store/db.hpp"

namespace plenary::net {

struct HttpCaller {
  std::int64_t delegate = 0, forum = 0;  // forum: the forum the session is logged in to
  std::string status;                    // registered | accredited | rejected
  std::set<std::string> roles;
  bool has_role(const std::string& r) const { return roles.count(r) > 0; }
};

// {"error": code, "message": message} with `status`; 401s ask for a bearer token.
HttpAnswer http_error(unsigned status, const std::string& code, const std::string& message);

// The token of an `Authorization: Bearer ...` header ("" if none or malformed).
std::string bearer_token(std::string_view authorization);
// The caller of a live session, or the 401 to send.
std::variant<HttpCaller, HttpAnswer> authenticate(store::Db& db, std::string_view authorization);

// The query of a request target, percent-decoded ('+' is a space); later keys win.
std::map<std::string, std::string> query_params(std::string_view target);
// A positive integer (digits only, at most 15 of them).
std::optional<std::int64_t> positive(const std::string& s);

}  // namespace plenary::net
