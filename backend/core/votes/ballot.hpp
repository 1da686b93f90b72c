// Poll methods, the choice a ballot carries, and ballot validation.
//
// A Choice is validated against its poll's method and options before it is stored; a stored
// choice is always valid for its poll. Failures are data: a BallotError carries a code from
// codes.hpp (the protocol's closed list) and a human-readable detail.
//
// Wire forms of a choice, by method:
//   yes_no_abstain  {"vote":"yes"|"no"|"abstain"}
//   single_choice   {"option":"<option id>"}
//   ranked          {"ranking":["<option id>", ...]}   most preferred first; partial allowed
//   consensus       {"position":"agree"|"stand_aside"|"block","reason":"..."}  reason required
//                                                        for a block
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::votes {

enum class Method { yes_no_abstain, single_choice, ranked, consensus };

std::string_view to_string(Method m);
std::optional<Method> method_from_string(std::string_view s);

struct Choice {
  std::string value;                 // vote, option or consensus position (empty for ranked)
  std::vector<std::string> ranking;  // ranked only
  std::string reason;                // consensus only (required for a block)
  friend bool operator==(const Choice&, const Choice&) = default;
};

struct BallotError {
  std::string code;    // one of codes.hpp
  std::string detail;  // for developers and logs
};

// Checks a choice against the method and the poll's options (options are ignored by
// yes_no_abstain and consensus). nullopt when valid.
std::optional<BallotError> validate(Method m, const std::vector<std::string>& options, const Choice& c);

// Parses the wire form and validates it. Malformed JSON shapes give "bad_message".
std::variant<Choice, BallotError> choice_from_json(Method m, const std::vector<std::string>& options,
                                                   const nlohmann::json& j);
nlohmann::json to_json(Method m, const Choice& c);

}  // namespace plenary::votes
