// libFuzzer target: the client message decoder/validator (protocol/fields.hpp).
// The bytes are parsed as JSON (a parse error is fine: the server answers bad_json). For an
// object, every typed field accessor is run on every field a client message may carry; the
// accessors may only throw protocol::Error (and must return values within their promised
// bounds). Any other exception, a sanitizer report or a broken bound aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace pp = plenary::protocol;
using json = nlohmann::json;

namespace {

const char* const kFields[] = {
    "type",   "id",       "forum",        "room",        "doc",         "rev",      "declaration",
    "delegate", "clause", "section",      "workshop",    "after",       "since",    "head",
    "name",   "email",    "password",     "code",        "token",       "opid",     "reason",
    "role",   "status",   "phase",        "kind",        "anchor",      "country",  "region",
    "gender", "accessibility", "constituency", "organisation", "text", "languages", "roles",
    "title",  "lang",     "original",     "protocol",    "subscribe",   "format",   "op",
    "cursor", "position", "target",       "description", "es",          "en",       "fr",
    "",       "missing-field"};

[[noreturn]] void bug(const char* what, const char* field) {
  std::fprintf(stderr, "fuzz_message: %s (field '%s')\n", what, field);
  std::abort();
}

template <class F>
void guarded(const char* field, F&& f) {
  try {
    f();
  } catch (const pp::Error& e) {
    if (!pp::is_error_code(e.code())) bug("protocol::Error with a code outside the closed list", field);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_message: unexpected exception from an accessor on '%s': %s\n", field, e.what());
    std::abort();
  }
}

bool valid_utf8_len(const std::string& s, size_t max_len) { return s.size() <= max_len; }  // bytes

void check_fields(const json& m) {
  for (const char* f : kFields) {
    guarded(f, [&] {
      auto v = pp::id_of(m, f);
      if (v <= 0) bug("id_of returned a non-positive id", f);
    });
    guarded(f, [&] {
      auto v = pp::opt_id_of(m, f);
      if (v && *v <= 0) bug("opt_id_of returned a non-positive id", f);
    });
    guarded(f, [&] {
      auto s = pp::string_of(m, f);
      if (s.empty()) bug("string_of returned empty without allow_empty", f);
      if (!valid_utf8_len(s, 1000)) bug("string_of returned an over-long string", f);
    });
    guarded(f, [&] { (void)pp::string_of(m, f, 8, true); });
    guarded(f, [&] {
      auto s = pp::opt_string_of(m, f, 64);
      if (s && !valid_utf8_len(*s, 64)) bug("opt_string_of returned an over-long string", f);
    });
    guarded(f, [&] { (void)pp::bool_of(m, f, true); });
    guarded(f, [&] { (void)pp::bool_of(m, f, false); });
    guarded(f, [&] {
      auto v = pp::strings_of(m, f);
      if (v.size() > 32) bug("strings_of returned too many items", f);
      for (auto& s : v)
        if (!valid_utf8_len(s, 64)) bug("strings_of returned an over-long item", f);
    });
    guarded(f, [&] { (void)pp::strings_of(m, f, 2, 3); });
    guarded(f, [&] {
      auto l = pp::lang_of(m, f);
      if (!pp::is_lang(l)) bug("lang_of returned a string is_lang rejects", f);
    });
    guarded(f, [&] {
      json t = pp::texts_of(m, f);
      if (!t.is_object()) bug("texts_of returned a non-object", f);
      for (auto& [k, v] : t.items()) {
        if (!pp::is_lang(k)) bug("texts_of returned a key that is not a language", f);
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) bug("texts_of returned a non-string or empty text", f);
      }
    });
    guarded(f, [&] { (void)pp::texts_of(m, f, 5); });
  }
  // Every string value is also probed as a language code, and every member name as a field.
  for (auto& item : m.items()) {
    const std::string k = item.key();
    const json& v = item.value();
    if (v.is_string()) (void)pp::is_lang(v.get_ref<const std::string&>());
    (void)pp::is_lang(k);
    const char* f = k.c_str();
    guarded(f, [&] { (void)pp::id_of(m, f); });
    guarded(f, [&] { (void)pp::string_of(m, f); });
    guarded(f, [&] { (void)pp::strings_of(m, f); });
    guarded(f, [&] { (void)pp::texts_of(m, f); });
    guarded(f, [&] { (void)pp::lang_of(m, f); });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json m;
  try {
    m = json::parse(data, data + size);
  } catch (const json::exception&) {
    // The server answers bad_json for every json::exception from parsing, a number overflow
    // (e.g. 1e999, out_of_range.406) included; the reproducers under corpus/fuzz_message/
    // keep that case covered.
    return 0;
  }
  if (!m.is_object()) return 0;
  check_fields(m);
  // A nested object (e.g. "title") is validated the same way, as handlers do for sub-objects.
  for (auto& [k, v] : m.items())
    if (v.is_object()) check_fields(v);
  return 0;
}
