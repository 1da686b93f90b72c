#include "core/votes/ballot.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/votes/codes.hpp"

namespace plenary::votes {
namespace {

BallotError bad(std::string detail) { return {std::string(codes::kBadMessage), std::move(detail)}; }

bool is_option(const std::vector<std::string>& options, const std::string& s) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

}  // namespace

std::string_view to_string(Method m) {
  switch (m) {
    case Method::yes_no_abstain: return "yes_no_abstain";
    case Method::single_choice: return "single_choice";
    case Method::ranked: return "ranked";
    case Method::consensus: return "consensus";
  }
  return "yes_no_abstain";
}

std::optional<Method> method_from_string(std::string_view s) {
  for (Method m : {Method::yes_no_abstain, Method::single_choice, Method::ranked, Method::consensus})
    if (to_string(m) == s) return m;
  return std::nullopt;
}

std::optional<BallotError> validate(Method m, const std::vector<std::string>& options, const Choice& c) {
  switch (m) {
    case Method::yes_no_abstain:
      if (c.value != "yes" && c.value != "no" && c.value != "abstain")
        return bad("vote must be yes, no or abstain");
      if (!c.ranking.empty() || !c.reason.empty()) return bad("a yes/no/abstain ballot has only a vote");
      return std::nullopt;
    case Method::single_choice:
      if (!is_option(options, c.value)) return bad("choice is not an option: " + c.value);
      if (!c.ranking.empty() || !c.reason.empty()) return bad("a single-choice ballot has only an option");
      return std::nullopt;
    case Method::ranked: {
      if (c.ranking.empty()) return bad("empty ranking");
      if (!c.value.empty() || !c.reason.empty()) return bad("a ranked ballot has only a ranking");
      std::set<std::string> seen;
      for (const auto& o : c.ranking) {
        if (!is_option(options, o)) return bad("ranking names something that is not an option: " + o);
        if (!seen.insert(o).second) return bad("ranking repeats an option: " + o);
      }
      return std::nullopt;
    }
    case Method::consensus:
      if (c.value != "agree" && c.value != "stand_aside" && c.value != "block")
        return bad("position must be agree, stand_aside or block");
      if (c.value == "block" && c.reason.find_first_not_of(" \t\r\n") == std::string::npos)
        return bad("a block needs a reason");
      if (!c.ranking.empty()) return bad("a consensus ballot has no ranking");
      return std::nullopt;
  }
  return bad("unknown method");
}

std::variant<Choice, BallotError> choice_from_json(Method m, const std::vector<std::string>& options,
                                                   const nlohmann::json& j) {
  if (!j.is_object()) return bad("a choice is a JSON object");
  Choice c;
  auto string_field = [&](const char* name, std::string& out, bool required) -> std::optional<BallotError> {
    auto it = j.find(name);
    if (it == j.end()) {
      if (required) return bad(std::string("missing ") + name);
      return std::nullopt;
    }
    if (!it->is_string()) return bad(std::string(name) + " must be a string");
    out = it->get<std::string>();
    return std::nullopt;
  };
  std::optional<BallotError> err;
  switch (m) {
    case Method::yes_no_abstain: err = string_field("vote", c.value, true); break;
    case Method::single_choice: err = string_field("option", c.value, true); break;
    case Method::ranked: {
      auto it = j.find("ranking");
      if (it == j.end() || !it->is_array()) return bad("ranking must be an array");
      for (const auto& e : *it) {
        if (!e.is_string()) return bad("ranking entries must be strings");
        c.ranking.push_back(e.get<std::string>());
      }
      break;
    }
    case Method::consensus:
      err = string_field("position", c.value, true);
      if (!err) err = string_field("reason", c.reason, false);
      break;
  }
  if (err) return *err;
  if (auto v = validate(m, options, c)) return *v;
  return c;
}

nlohmann::json to_json(Method m, const Choice& c) {
  switch (m) {
    case Method::yes_no_abstain: return {{"vote", c.value}};
    case Method::single_choice: return {{"option", c.value}};
    case Method::ranked: return {{"ranking", c.ranking}};
    case Method::consensus: {
      nlohmann::json j = {{"position", c.value}};
      if (!c.reason.empty()) j["reason"] = c.reason;
      return j;
    }
  }
  return nullptr;
}

}  // namespace plenary::votes
