// The closed list of protocol error codes (protocols/errors.json documents each one) and the
// exception that carries one from a handler to the reply.
// Invariant: every error the server sends uses a code from kErrorCodes.
#pragma once
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace plenary::protocol {

inline constexpr auto kErrorCodes = std::to_array<std::string_view>({
    "bad_json",        "bad_message",   "unknown_type",    "too_large",      "bad_utf8",
    "rate_limited",    "protocol_version", "unauthenticated", "token_expired", "bad_credentials",
    "throttled",       "not_allowed",   "not_accredited",  "not_found",      "conflict",
    "invalid_state",   "bad_op",        "bad_revision",    "duplicate",      "translation_unavailable",
    "unavailable",     "internal",
    "deadline_passed",  // amendments (issue 4)
});

bool is_error_code(std::string_view code);

class Error : public std::runtime_error {
public:
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }
private:
  std::string code_;
};

[[noreturn]] inline void fail(std::string code, const std::string& message) {
  throw Error(std::move(code), message);
}

}  // namespace plenary::protocol
