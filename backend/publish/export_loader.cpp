#include "publish/export_loader.hpp"

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "app/documents.hpp"
#include "app/report_data.hpp"
#include "core/publish/text.hpp"
#include "protocol/errors.hpp"

namespace plenary::publish_shell {

using json = nlohmann::json;
using namespace plenary::publish;

namespace {
json parse(const std::string& s, json fallback) {
  auto j = json::parse(s, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

std::string delegate_name(store::Db& db, std::int64_t id) {
  auto& st = db.prepare("SELECT name FROM delegates WHERE id=?");
  st.bind(1, id);
  std::string n = st.step() ? st.text(0) : "";
  st.reset();
  return n;
}

std::string date_part(const std::string& iso) { return iso.substr(0, 10); }
}  // namespace

std::string today_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Localised localised(const std::string& stored, const std::string& fallback_lang) {
  Localised l;
  json j = parse(stored, json(stored));
  if (j.is_string()) {
    l[fallback_lang] = j.get<std::string>();
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items())
      if (v.is_string()) l[k] = v.get<std::string>();
  }
  return l;
}

PollOutcome poll_outcome(store::Db& db, std::int64_t id, const std::string& subject, std::int64_t ref,
                         const std::string& title, const std::string& settings, const std::string& state,
                         const std::string& result) {
  PollOutcome p;
  p.id = id;
  p.subject = subject;
  p.ref = ref;
  p.title = title;
  p.state = state;
  json s = parse(settings, json::object());
  json r = parse(result, json::object());
  if (!s.is_object()) s = json::object();
  if (!r.is_object()) r = json::object();
  p.secret = s.value("secret", true);
  p.method = s.value("method", r.value("method", ""));
  p.outcome = r.value("outcome", "");
  p.passed = r.value("passed", false);
  p.ballots = r.value("ballots", std::int64_t{0});
  p.present = r.value("present", std::int64_t{0});
  p.entitled = r.value("entitled", std::int64_t{0});
  json counts = r.contains("detail") && r["detail"].is_object() ? r["detail"].value("counts", json()) : json();
  if (counts.is_object()) {
    // The usual options first, in their natural order; any others after, by name.
    static const char* order[] = {"yes", "no", "abstain", "agree", "stand_aside", "block"};
    for (auto* k : order)
      if (counts.contains(k) && counts[k].is_number_integer()) p.counts.emplace_back(k, counts[k].get<std::int64_t>());
    for (auto& [k, v] : counts.items()) {
      bool known = k == "cast";
      for (auto* o : order) known |= k == o;
      if (!known && v.is_number_integer()) p.counts.emplace_back(k, v.get<std::int64_t>());
    }
  }
  if (!p.secret && r.contains("votes") && r["votes"].is_array()) {
    for (auto& v : r["votes"]) {
      if (!v.is_object()) continue;
      NamedBallot b;
      b.name = v.contains("voter") && v["voter"].is_number_integer() ? delegate_name(db, v["voter"].get<std::int64_t>()) : "";
      const json& c = v.contains("choice") ? v["choice"] : json();
      b.choice = c.is_string() ? c.get<std::string>() : c.dump();
      b.weight = v.value("weight", std::int64_t{1});
      p.named.push_back(std::move(b));
    }
    std::sort(p.named.begin(), p.named.end(), [](auto& a, auto& b) { return a.name < b.name; });
  }
  return p;
}

std::vector<PollOutcome> published_polls(store::Db& db, std::int64_t forum, std::int64_t declaration) {
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t, std::string, std::string, std::string, std::string>> rows;
  auto& st = db.prepare(
      "SELECT id, subject, COALESCE(ref,0), COALESCE(title, question, ''), settings, state, result FROM polls "
      "WHERE forum=?1 AND state='published' AND result IS NOT NULL AND (?2=0 OR (subject='declaration' AND ref=?2) OR "
      "(subject='amendment' AND ref IN (SELECT id FROM amendments WHERE declaration=?2))) ORDER BY id");
  st.bind(1, forum).bind(2, declaration);
  while (st.step()) rows.emplace_back(st.int64(0), st.text(1), st.int64(2), st.text(3), st.text(4), st.text(5), st.text(6));
  st.reset();
  std::vector<PollOutcome> out;
  for (auto& [pid, subject, ref, title, settings, state, result] : rows)
    out.push_back(poll_outcome(db, pid, subject, ref, title, settings, state, result));
  return out;
}

Declaration load_declaration(store::Db& db, std::int64_t id, const std::string& generated) {
  Declaration d;
  d.id = id;
  d.generated = generated;
  std::string created;
  {
    auto& st = db.prepare(
        "SELECT x.forum, COALESCE(x.key,''), COALESCE(x.workshop,0), x.title, x.languages, x.original, x.phase, "
        "x.created_at, COALESCE(f.key,''), f.name FROM declarations x JOIN forums f ON f.id=x.forum WHERE x.id=?");
    st.bind(1, id);
    if (!st.step()) {
      st.reset();
      protocol::fail("not_found", "no such declaration");
    }
    d.forum_id = st.int64(0);
    d.key = st.text(1);
    d.workshop = st.int64(2);
    d.original = st.text(5);
    d.title = localised(st.text(3), d.original);
    json langs = parse(st.text(4), json::array());
    if (langs.is_array())
      for (auto& l : langs)
        if (l.is_string()) d.languages.push_back(l.get<std::string>());
    d.phase = st.text(6);
    created = st.text(7);
    d.forum_key = st.text(8);
    d.forum_name = localised(st.text(9), d.original);
    st.reset();
  }
  {
    auto& st = db.prepare("SELECT number, at FROM declaration_versions WHERE declaration=? ORDER BY number DESC LIMIT 1");
    st.bind(1, id);
    if (st.step()) {
      d.version = st.int64(0);
      d.version_date = date_part(st.text(1));
    } else {
      d.version_date = date_part(created);
    }
    st.reset();
  }
  // The assembly: the workshop for a workshop statement, else the forum's plenary.
  if (d.workshop) {
    auto& st = db.prepare("SELECT title FROM workshops WHERE id=?");
    st.bind(1, d.workshop);
    Localised title = st.step() ? localised(st.text(0), d.original) : Localised{};
    st.reset();
    for (auto& L : d.languages) d.assembly[L] = label("workshop", L) + ": " + pick(title, L, d.original);
  } else {
    for (auto& L : d.languages) {
      std::string name = pick(d.forum_name, L, d.original);
      d.assembly[L] = L == "hi" ? name + " " + label("plenary_of", L) : label("plenary_of", L) + " " + name;
    }
  }
  {
    auto& st = db.prepare("SELECT id, title FROM sections WHERE declaration=? AND deleted=0 ORDER BY position");
    st.bind(1, id);
    while (st.step()) d.sections.push_back({st.int64(0), localised(st.text(1), d.original)});
    st.reset();
  }
  {
    auto& st = db.prepare("SELECT id, kind, COALESCE(section,0) FROM clauses WHERE declaration=? AND deleted=0 ORDER BY position");
    st.bind(1, id);
    int number = 0;
    while (st.step()) {
      Clause c;
      c.id = st.int64(0);
      c.kind = st.text(1);
      c.section = st.int64(2);
      if (c.kind == "clause") c.number = ++number;
      d.clauses.push_back(std::move(c));
    }
    st.reset();
  }
  std::map<std::int64_t, Clause*> by_id;
  for (auto& c : d.clauses) by_id[c.id] = &c;
  {
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t, std::string>> docs;
    auto& st = db.prepare(
        "SELECT d.clause, d.lang, d.id, d.status FROM docs d JOIN clauses c ON c.id=d.clause "
        "WHERE c.declaration=? AND c.deleted=0 ORDER BY d.clause, d.lang");
    st.bind(1, id);
    while (st.step()) docs.emplace_back(st.int64(0), st.text(1), st.int64(2), st.text(3));
    st.reset();
    for (auto& [clause, lang, doc, status] : docs)
      by_id[clause]->texts[lang] = {app::Documents::text_at(db, doc, INT64_MAX), status};
    for (auto& c : d.clauses)
      for (auto& L : d.languages)
        if (!c.texts.count(L)) c.texts[L] = {"", "missing"};
  }
  // Published polls on the declaration or its amendments.
  std::map<std::int64_t, PollOutcome> amendment_votes;
  d.polls = published_polls(db, d.forum_id, id);
  for (auto& p : d.polls)
    if (p.subject == "amendment") amendment_votes[p.ref] = p;  // the newest poll decides
  {
    auto& st = db.prepare(
        "SELECT a.id, a.number, a.kind, a.state, a.lang, COALESCE(a.text,''), a.justification, COALESCE(o.name,''), "
        "COALESCE(a.clause,0) FROM amendments a LEFT JOIN organisations o ON o.id=a.organisation "
        "WHERE a.declaration=? AND a.state<>'draft' ORDER BY a.number");
    st.bind(1, id);
    while (st.step()) {
      AmendmentEntry a;
      a.id = st.int64(0);
      a.number = st.int64(1);
      a.kind = st.text(2);
      a.state = st.text(3);
      a.lang = st.text(4);
      a.text = st.text(5);
      a.justification = st.text(6);
      a.sponsor = st.text(7);
      if (auto v = amendment_votes.find(a.id); v != amendment_votes.end()) a.vote = v->second;
      if (auto c = by_id.find(st.int64(8)); c != by_id.end()) c->second->history.push_back(std::move(a));
    }
    st.reset();
  }
  {
    auto& st = db.prepare("SELECT state FROM signature_lists WHERE declaration=?");
    st.bind(1, id);
    if (st.step()) d.signatures_state = st.text(0);
    st.reset();
    auto& s = db.prepare(
        "SELECT s.seq, s.signer_kind, COALESCE(o.name, n.name, ''), COALESCE(o.country, '') FROM signatures s "
        "LEFT JOIN organisations o ON s.signer_kind='organisation' AND o.id=s.signer "
        "LEFT JOIN networks n ON s.signer_kind='network' AND n.id=s.signer WHERE s.declaration=? ORDER BY s.seq");
    s.bind(1, id);
    while (s.step()) d.signatories.push_back({s.int64(0), s.text(1), s.text(2), s.text(3)});
    s.reset();
  }
  d.participation = app::participation_report(db, d.forum_id, d.workshop ? std::optional<std::int64_t>(d.workshop) : std::nullopt,
                                              app::kDefaultReportK);
  return d;
}

}  // namespace plenary::publish_shell
