// Typed access to the fields of a client message. Each accessor either returns a value of the
// promised type within its bounds or throws protocol::Error("bad_message") naming the field,
// so handlers never see ill-typed input.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "protocol/errors.hpp"

namespace plenary::protocol {

using json = nlohmann::json;

std::int64_t id_of(const json& m, const char* field);                       // positive integer
std::optional<std::int64_t> opt_id_of(const json& m, const char* field);    // absent or null → nullopt
std::string string_of(const json& m, const char* field, size_t max_len = 1000, bool allow_empty = false);
std::optional<std::string> opt_string_of(const json& m, const char* field, size_t max_len = 1000);
bool bool_of(const json& m, const char* field, bool fallback);
std::vector<std::string> strings_of(const json& m, const char* field, size_t max_items = 32, size_t max_len = 64);
std::string lang_of(const json& m, const char* field);                      // "en", "es", "pt-BR"
bool is_lang(const std::string& s);
// An object mapping language codes to non-empty strings, e.g. {"en": "Title"}.
json texts_of(const json& m, const char* field, size_t max_len = 2000);

}  // namespace plenary::protocol
