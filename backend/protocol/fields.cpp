#include "protocol/fields.hpp"

#include <cctype>

namespace plenary::protocol {

namespace {
const json* find(const json& m, const char* field) {
  auto it = m.find(field);
  return it == m.end() ? nullptr : &*it;
}
[[noreturn]] void bad(const char* field, const std::string& what) {
  fail("bad_message", std::string("field '") + field + "' " + what);
}
}  // namespace

std::int64_t id_of(const json& m, const char* field) {
  auto v = opt_id_of(m, field);
  if (!v) bad(field, "is required");
  return *v;
}

std::optional<std::int64_t> opt_id_of(const json& m, const char* field) {
  const json* v = find(m, field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_number_integer()) bad(field, "must be a positive integer");
  auto n = v->get<std::int64_t>();
  if (n <= 0) bad(field, "must be a positive integer");
  return n;
}

std::string string_of(const json& m, const char* field, size_t max_len, bool allow_empty) {
  const json* v = find(m, field);
  if (!v) bad(field, "is required");
  if (!v->is_string()) bad(field, "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  if (!allow_empty && s.empty()) bad(field, "must not be empty");
  if (s.size() > max_len) bad(field, "is too long (at most " + std::to_string(max_len) + " bytes)");
  return s;
}

std::optional<std::string> opt_string_of(const json& m, const char* field, size_t max_len) {
  const json* v = find(m, field);
  if (!v || v->is_null()) return std::nullopt;
  return string_of(m, field, max_len, true);
}

bool bool_of(const json& m, const char* field, bool fallback) {
  const json* v = find(m, field);
  if (!v || v->is_null()) return fallback;
  if (!v->is_boolean()) bad(field, "must be true or false");
  return v->get<bool>();
}

std::vector<std::string> strings_of(const json& m, const char* field, size_t max_items, size_t max_len) {
  const json* v = find(m, field);
  if (!v) bad(field, "is required");
  if (!v->is_array()) bad(field, "must be an array of strings");
  if (v->size() > max_items) bad(field, "has too many items");
  std::vector<std::string> out;
  for (const auto& x : *v) {
    if (!x.is_string() || x.get_ref<const std::string&>().empty() || x.get_ref<const std::string&>().size() > max_len)
      bad(field, "must be an array of non-empty strings");
    out.push_back(x.get<std::string>());
  }
  return out;
}

bool is_lang(const std::string& s) {
  if (s.size() < 2 || s.size() > 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!(std::isalpha(static_cast<unsigned char>(c)) || (i >= 2 && c == '-'))) return false;
  }
  return true;
}

std::string lang_of(const json& m, const char* field) {
  auto s = string_of(m, field, 10);
  if (!is_lang(s)) bad(field, "must be a language code such as \"en\"");
  return s;
}

json texts_of(const json& m, const char* field, size_t max_len) {
  const json* v = find(m, field);
  if (!v) bad(field, "is required");
  if (!v->is_object() || v->empty()) bad(field, "must be an object of language → text");
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!is_lang(it.key())) bad(field, "has a key that is not a language code");
    if (!it.value().is_string() || it.value().get_ref<const std::string&>().size() > max_len)
      bad(field, "must map languages to texts");
  }
  return *v;
}

}  // namespace plenary::protocol
