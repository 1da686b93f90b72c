// Numbered versions of a declaration: each applied amendment records one (version 1 is the
// text just before the first), with a snapshot of every clause in every language. Listing,
// fetching one, and comparing two word by word in one language.
#include <map>

#include "app/amendment_store.hpp"
#include "app/hub.hpp"
#include "core/drafting/word_diff.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
struct Version {
  std::int64_t number = 0;
  std::string at, reason;
  std::int64_t amendment = 0;
  json clauses;
};

std::optional<Version> version_of(store::Db& db, std::int64_t declaration, std::int64_t number) {
  auto& st = db.prepare("SELECT at, reason, COALESCE(amendment,0), snapshot FROM declaration_versions WHERE declaration=? AND number=?");
  st.bind(1, declaration).bind(2, number);
  if (!st.step()) {
    st.reset();
    return std::nullopt;
  }
  Version v{number, st.text(0), st.text(1), st.int64(2), json::parse(st.text(3))};
  st.reset();
  return v;
}

json summary(const Version& v) {
  json j = {{"number", v.number}, {"at", v.at}, {"reason", v.reason}};
  if (v.amendment) j["amendment"] = v.amendment;
  return j;
}

std::int64_t number_field(const json& m, const char* f) {
  auto it = m.find(f);
  if (it == m.end() || !it->is_number_integer() || it->get<std::int64_t>() < 1)
    fail("bad_message", std::string("field '") + f + "' must be a version number (an integer ≥ 1)");
  return it->get<std::int64_t>();
}
}  // namespace

void Hub::on_declaration_versions(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  require_login(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  json list = json::array();
  auto& st = reader_.prepare("SELECT number, at, reason, COALESCE(amendment,0) FROM declaration_versions WHERE declaration=? ORDER BY number");
  st.bind(1, declaration);
  while (st.step()) list.push_back(summary(Version{st.int64(0), st.text(1), st.text(2), st.int64(3), nullptr}));
  st.reset();
  reply.ok({{"declaration", declaration}, {"versions", list}});
}

void Hub::on_declaration_version(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  std::int64_t number = number_field(m, "number");
  require_login(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  auto v = version_of(reader_, declaration, number);
  if (!v) fail("not_found", "the declaration has no version " + std::to_string(number));
  json out = summary(*v);
  out["clauses"] = v->clauses;
  reply.ok({{"declaration", declaration}, {"version", out}});
}

void Hub::on_declaration_compare(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  std::int64_t from = number_field(m, "from"), to = number_field(m, "to");
  std::string lang = lang_of(m, "lang");
  require_login(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!info.has_lang(lang)) fail("bad_message", "'" + lang + "' is not one of the declaration's languages");
  auto a = version_of(reader_, declaration, from);
  if (!a) fail("not_found", "the declaration has no version " + std::to_string(from));
  auto b = version_of(reader_, declaration, to);
  if (!b) fail("not_found", "the declaration has no version " + std::to_string(to));
  std::map<std::int64_t, const json*> before;
  for (auto& cl : a->clauses) before[cl["clause"].get<std::int64_t>()] = &cl;
  auto text_in = [&](const json& cl) { return cl["texts"].value(lang, std::string()); };
  auto diff = [](const std::string& x, const std::string& y) {
    json d = json::array();
    for (auto& p : drafting::word_diff(x, y)) d.push_back({{"op", drafting::kind_name(p.kind)}, {"text", p.text}});
    return d;
  };
  json out = json::array();
  std::set<std::int64_t> seen;
  for (auto& cl : b->clauses) {
    std::int64_t id = cl["clause"].get<std::int64_t>();
    seen.insert(id);
    auto it = before.find(id);
    std::string x = it == before.end() ? std::string() : text_in(*it->second), y = text_in(cl);
    std::string change = it == before.end() ? "inserted" : (x == y ? "same" : "modified");
    out.push_back({{"clause", id}, {"number", cl["number"]}, {"change", change}, {"diff", diff(x, y)}});
  }
  for (auto& cl : a->clauses) {
    std::int64_t id = cl["clause"].get<std::int64_t>();
    if (seen.count(id)) continue;
    out.push_back({{"clause", id}, {"number", cl["number"]}, {"change", "deleted"}, {"diff", diff(text_in(cl), "")}});
  }
  reply.ok({{"declaration", declaration}, {"from", from}, {"to", to}, {"lang", lang}, {"clauses", out}});
}

}  // namespace plenary::app
