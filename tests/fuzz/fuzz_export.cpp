// libFuzzer target: the export renderers of core/publish (Markdown, HTML, Akoma Ntoso, JSON,
// the record of a forum). Input: byte 0 picks the languages (two of en, es, ar, hi, zh) and the
// options; the rest, split at NUL bytes, gives the title, the forum key, then clause texts
// (each piece alternately in the first and second language; statuses vary).
// Checked: no renderer throws; the JSON parses; clean_utf8 gives valid UTF-8; and escaping is
// complete: the HTML and Akoma Ntoso outputs have exactly as many '<' and '>' as the same
// declaration with every text replaced by "a" (so no text ever becomes markup).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/publish/blocks.hpp"
#include "core/publish/record.hpp"
#include "core/publish/render_akn.hpp"
#include "core/publish/render_json.hpp"
#include "core/publish/text.hpp"

using namespace plenary::publish;

namespace {

[[noreturn]] void bug(const char* what) {
  std::fprintf(stderr, "fuzz_export: %s\n", what);
  std::abort();
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!n || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

size_t angles(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '<' || c == '>';
  return n;
}

Declaration build(const std::vector<std::string>& pieces, const std::string& l1, const std::string& l2, bool blank) {
  auto t = [&](const std::string& s) { return blank ? std::string("a") : s; };
  Declaration d;
  d.forum_key = pieces.size() > 1 ? pieces[1] : "f";
  d.key = "k";
  d.id = 1;
  d.title = {{l1, t(pieces.empty() ? "" : pieces[0])}};
  d.languages = {l1, l2};
  d.original = l1;
  d.version = 2;
  d.version_date = "2026-12-04";
  d.generated = "2026-12-05";
  d.assembly = {{l1, t(d.forum_key)}};
  d.sections = {{5, {{l1, t("s")}}}};
  static const char* statuses[] = {"current", "stale", "machine", "missing"};
  int number = 0;
  for (size_t i = 2; i < pieces.size(); ++i) {
    Clause c;
    c.id = static_cast<std::int64_t>(i);
    c.kind = i == 2 ? "preamble" : "clause";
    c.section = i > 3 ? 5 : 0;
    if (c.kind == "clause") c.number = ++number;
    c.texts[l1] = {t(pieces[i]), "original"};
    c.texts[l2] = {t(pieces[i]), statuses[i % 4]};
    if (i % 3 == 0) {
      AmendmentEntry a;
      a.number = static_cast<std::int64_t>(i);
      a.kind = "modify";
      a.state = "adopted";
      a.text = t(pieces[i]);
      a.sponsor = t(pieces[i]);
      c.history.push_back(a);
    }
    d.clauses.push_back(std::move(c));
  }
  PollOutcome p;
  p.title = t(pieces.empty() ? "" : pieces[0]);
  p.secret = pieces.size() % 2 == 0;
  p.named = {{t(d.forum_key), "yes", 1}};
  p.counts = {{"yes", 1}};
  d.polls = {p};
  d.signatories = {{1, "organisation", t(d.forum_key), ""}};
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 1 << 16) return 0;
  static const char* langs[] = {"en", "es", "ar", "hi", "zh"};
  std::string l1 = langs[data[0] % 5], l2 = langs[(data[0] / 5) % 5];
  if (l2 == l1) l2 = l1 == "ar" ? "en" : "ar";
  std::vector<std::string> pieces(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0) pieces.emplace_back();
    else pieces.back() += static_cast<char>(data[i]);
  }
  if (pieces.size() > 200) return 0;
  Options o;
  o.langs = data[0] & 0x80 ? std::vector<std::string>{l1, l2} : std::vector<std::string>{l2};
  o.history = data[0] & 0x40;
  o.annexes = {true, true, false};

  auto d = build(pieces, l1, l2, false), blank = build(pieces, l1, l2, true);
  for (bool columns : {true, false}) {
    auto html = render_html(declaration_blocks(d, o, columns));
    if (angles(html) != angles(render_html(declaration_blocks(blank, o, columns)))) bug("text became HTML markup");
    if (!valid_utf8(html)) bug("HTML is not valid UTF-8");
    auto md = render_markdown(declaration_blocks(d, o, columns));
    if (!valid_utf8(md)) bug("Markdown is not valid UTF-8");
  }
  auto akn = render_akn(d, o);
  if (angles(akn) != angles(render_akn(blank, o))) bug("text became XML markup");
  if (!valid_utf8(akn)) bug("Akoma Ntoso is not valid UTF-8");
  auto j = nlohmann::json::parse(render_json(d, o), nullptr, false);
  if (j.is_discarded()) bug("JSON export does not parse");
  for (auto& p : pieces)
    if (!valid_utf8(clean_utf8(p))) bug("clean_utf8 gave invalid UTF-8");
  ForumRecord r;
  r.key = d.forum_key;
  r.lang = l1;
  r.name = d.title;
  r.polls = d.polls;
  WorkshopRecord w;
  w.title = d.title;
  w.moderator = d.forum_key;
  w.speakers = {{d.forum_key, d.forum_key, 61, true}};
  r.unscheduled = {w};
  auto rec = render_html(record_blocks(r));
  if (!valid_utf8(rec)) bug("record HTML is not valid UTF-8");
  return 0;
}
