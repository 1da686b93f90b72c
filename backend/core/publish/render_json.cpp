#include "core/publish/render_json.hpp"

#include <nlohmann/json.hpp>

#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
using json = nlohmann::json;

json localised(const Localised& l) {
  json j = json::object();
  for (auto& [k, v] : l) j[k] = clean_utf8(v);
  return j;
}

json poll_json(const PollOutcome& p) {
  json counts = json::array();
  for (auto& [option, n] : p.counts) counts.push_back({{"option", option}, {"weight", n}});
  json j = {{"id", p.id}, {"title", clean_utf8(p.title)}, {"subject", p.subject}, {"ref", p.ref},
            {"method", p.method}, {"secret", p.secret}, {"state", p.state}, {"outcome", p.outcome},
            {"passed", p.passed}, {"ballots", p.ballots}, {"present", p.present}, {"entitled", p.entitled},
            {"counts", counts}};
  if (!p.secret) {
    json named = json::array();
    for (auto& b : p.named) named.push_back({{"name", clean_utf8(b.name)}, {"choice", b.choice}, {"weight", b.weight}});
    j["ballots_named"] = named;
  }
  return j;
}
}  // namespace

std::string render_json(const Declaration& d, const Options& o) {
  json j;
  j["format"] = "plenary-export/1";
  j["forum"] = {{"id", d.forum_id}, {"key", d.forum_key}, {"name", localised(d.forum_name)}};
  j["declaration"] = {{"id", d.id}, {"key", d.key}, {"title", localised(d.title)}, {"languages", d.languages},
                      {"original", d.original}, {"phase", d.phase}, {"version", d.version},
                      {"version_date", d.version_date}, {"workshop", d.workshop ? json(d.workshop) : json(nullptr)}};
  j["generated"] = d.generated;
  j["attribution"] = {{"assembly", localised(d.assembly)}, {"signatories", d.signatories.size()}};
  j["languages"] = o.langs;
  json sections = json::array();
  for (auto& s : d.sections) sections.push_back({{"id", s.id}, {"eId", "sec_" + std::to_string(s.id)}, {"title", localised(s.title)}});
  j["sections"] = sections;
  json clauses = json::array();
  int preamble = 0;
  for (auto& c : d.clauses) {
    json texts = json::object();
    for (auto& L : o.langs) {
      auto it = c.texts.find(L);
      LangText t = it == c.texts.end() ? LangText{"", "missing"} : it->second;
      texts[L] = {{"text", clean_utf8(t.text)}, {"status", t.status}};
    }
    json history = json::array();
    for (auto& a : c.history) {
      history.push_back({{"id", a.id}, {"number", a.number}, {"kind", a.kind}, {"state", a.state}, {"lang", a.lang},
                         {"text", clean_utf8(a.text)}, {"justification", clean_utf8(a.justification)},
                         {"sponsor", clean_utf8(a.sponsor)}, {"vote", a.vote ? poll_json(*a.vote) : json(nullptr)}});
    }
    std::string eid = c.kind == "clause" ? "clause_" + std::to_string(c.number) : "preamble_" + std::to_string(++preamble);
    clauses.push_back({{"id", c.id}, {"eId", eid}, {"kind", c.kind},
                       {"section", c.section ? json(c.section) : json(nullptr)},
                       {"number", c.number ? json(c.number) : json(nullptr)}, {"texts", texts}, {"history", history}});
  }
  j["clauses"] = clauses;
  json polls = json::array();
  for (auto& p : d.polls) polls.push_back(poll_json(p));
  json signatories = json::array();
  for (auto& s : d.signatories)
    signatories.push_back({{"seq", s.seq}, {"kind", s.kind}, {"name", clean_utf8(s.name)}, {"country", s.country}});
  j["annexes"] = {{"votes", polls},
                  {"signatories", {{"state", d.signatures_state.empty() ? json(nullptr) : json(d.signatures_state)},
                                   {"list", signatories}}},
                  {"participation", d.participation ? report::to_json(*d.participation) : json(nullptr)}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace plenary::publish
