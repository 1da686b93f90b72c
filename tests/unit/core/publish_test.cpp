// The export renderers of core/publish on a hand-made declaration: escaping, right-to-left
// blocks, eIds equal across languages, history and annexes only when asked, secret polls by
// totals only and named polls by names, attribution to the assembly, stable output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/publish/blocks.hpp"
#include "core/publish/render_akn.hpp"
#include "core/publish/render_json.hpp"
#include "core/publish/text.hpp"

using namespace plenary::publish;

namespace {

Declaration sample() {
  Declaration d;
  d.forum_key = "wsfm-oaxaca";
  d.forum_id = 1;
  d.forum_name = {{"en", "World Social Forum on Migration"}, {"ar", "المنتدى الاجتماعي العالمي للهجرة"}};
  d.id = 7;
  d.key = "final";
  d.title = {{"en", "Rights <here> & there"}, {"ar", "حقوق هنا وهناك"}};
  d.languages = {"en", "ar"};
  d.original = "en";
  d.phase = "published";
  d.version = 3;
  d.version_date = "2026-12-04";
  d.generated = "2026-12-05";
  d.assembly = {{"en", "Plenary assembly of the World Social Forum on Migration"}, {"ar", "الجمعية العامة"}};
  d.sections = {{11, {{"en", "Labour rights"}, {"ar", "حقوق العمل"}}}};
  Clause p;
  p.id = 100;
  p.kind = "preamble";
  p.texts = {{"en", {"We, migrant workers, *meeting* in Oaxaca", "original"}}, {"ar", {"نحن العمال المهاجرين", "current"}}};
  Clause c1;
  c1.id = 101;
  c1.kind = "clause";
  c1.section = 11;
  c1.number = 1;
  c1.texts = {{"en", {"# Not a heading: 1. no list <script>", "original"}}, {"ar", {"الحق في العمل اللائق", "current"}}};
  Clause c2;
  c2.id = 102;
  c2.kind = "clause";
  c2.section = 11;
  c2.number = 2;
  c2.texts = {{"en", {"The right not to emigrate.", "original"}}, {"ar", {"الحق في عدم الهجرة", "machine"}}};
  PollOutcome named;
  named.id = 5;
  named.title = "Amendment 4";
  named.subject = "amendment";
  named.ref = 40;
  named.method = "yes_no_abstain";
  named.secret = false;
  named.state = "published";
  named.outcome = "adopted";
  named.passed = true;
  named.ballots = 2;
  named.present = 2;
  named.entitled = 3;
  named.counts = {{"yes", 2}, {"no", 0}, {"abstain", 0}};
  named.named = {{"Amina Abdi", "yes", 1}, {"Rahim Chowdhury", "yes", 1}};
  PollOutcome secret = named;
  secret.id = 6;
  secret.title = "Adoption of the declaration";
  secret.subject = "declaration";
  secret.secret = true;
  secret.named = {{"Hidden Voter", "no", 1}};  // must never be shown
  AmendmentEntry a;
  a.id = 40;
  a.number = 4;
  a.kind = "modify";
  a.state = "adopted";
  a.lang = "en";
  a.sponsor = "SBMIS";
  a.vote = named;
  c2.history = {a};
  d.clauses = {p, c1, c2};
  d.polls = {named, secret};
  d.signatories = {{1, "organisation", "Colectivo Mujeres en Tránsito", "MX"}, {2, "network", "Migrant Rights Network", ""}};
  d.signatures_state = "open";
  return d;
}

Options opts(std::vector<std::string> langs, bool history = false, Annexes annexes = {}) {
  Options o;
  o.langs = std::move(langs);
  o.history = history;
  o.annexes = annexes;
  return o;
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(PublishText, EscapesHtmlXmlAndMarkdown) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(xml_escape("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
  EXPECT_EQ(md_escape("# title"), "\\# title");
  EXPECT_EQ(md_escape("1. first"), "1\\. first");
  EXPECT_EQ(md_escape("*x* [y](z) <b>"), "\\*x\\* \\[y\\](z) \\<b\\>");
  // Invalid UTF-8 and control characters become U+FFFD; valid multibyte text passes.
  EXPECT_EQ(clean_utf8(std::string("a\xff" "b\x01" "c")), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  EXPECT_EQ(clean_utf8("حقوق 权利 अधिकार"), "حقوق 权利 अधिकार");
  EXPECT_EQ(clean_utf8(std::string("\xED\xA0\x80")), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(PublishText, DirectionFileNamesAndLabels) {
  EXPECT_TRUE(is_rtl("ar"));
  EXPECT_TRUE(is_rtl("fa-IR"));
  EXPECT_FALSE(is_rtl("hi"));
  EXPECT_FALSE(is_rtl("zh"));
  auto d = sample();
  EXPECT_EQ(file_name(d, "es", "pdf"), "wsfm-oaxaca_final_es_v3.pdf");
  d.key = "";
  d.forum_key = "Foro Social Mundial ñ!";
  EXPECT_EQ(file_name(d, "all", "akn.xml"), "foro-social-mundial_declaration-7_all_v3.akn.xml");
  EXPECT_EQ(label("clause", "es"), "Cláusula");
  EXPECT_EQ(label("clause", "xx"), "Clause");
}

TEST(PublishHtml, SingleRtlLanguageSetsDirectionOnTheDocument) {
  auto html = render_html(declaration_blocks(sample(), opts({"ar"}), true));
  EXPECT_NE(html.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(html.find("<div lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(html.find("البند 1"), std::string::npos);  // the clause label in Arabic
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find(label("machine", "ar")), std::string::npos);  // clause 2 is a machine translation
}

TEST(PublishHtml, AllLanguagesAreParallelColumnsWithTheirOwnDirection) {
  auto html = render_html(declaration_blocks(sample(), opts({"en", "ar"}), true));
  EXPECT_NE(html.find("<html lang=\"mul\">"), std::string::npos);
  EXPECT_EQ(count(html, "class=\"row\""), 7u);  // title, assembly, meta, section, preamble, 2 clauses
  EXPECT_NE(html.find("id=\"clause_2_en\" class=\"clause\" lang=\"en\" dir=\"ltr\""), std::string::npos) << html;
  EXPECT_NE(html.find("id=\"clause_2_ar\" class=\"clause\" lang=\"ar\" dir=\"rtl\""), std::string::npos);
  // Text is escaped, never markup.
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Rights &lt;here&gt; &amp; there"), std::string::npos);
}

TEST(PublishMarkdown, EscapesAndNumbersClauses) {
  auto md = render_markdown(declaration_blocks(sample(), opts({"en"}), false));
  EXPECT_EQ(md.rfind("# Rights \\<here\\> &amp; there\n", 0), 0u) << md.substr(0, 80);
  EXPECT_NE(md.find("**Clause 1.** \\# Not a heading: 1. no list \\<script\\>"), std::string::npos) << md;
  EXPECT_NE(md.find("We, migrant workers, \\*meeting\\* in Oaxaca"), std::string::npos);
  EXPECT_NE(md.find("## Labour rights"), std::string::npos);
  // All languages, one after another.
  auto all = render_markdown(declaration_blocks(sample(), opts({"en", "ar"}), false));
  EXPECT_NE(all.find("\n---\n"), std::string::npos);
  EXPECT_LT(all.find("The right not to emigrate."), all.find("الحق في عدم الهجرة"));
}

TEST(PublishAnnexes, HistoryAndAnnexesOnlyWhenAskedSecretByTotals) {
  auto plain = render_markdown(declaration_blocks(sample(), opts({"en"}), false));
  EXPECT_EQ(plain.find("Amendment 4"), std::string::npos);
  EXPECT_EQ(plain.find("Annex"), std::string::npos);
  auto full = render_markdown(declaration_blocks(sample(), opts({"en"}, true, {true, true, true}), false));
  EXPECT_NE(full.find("### Amendments to this clause"), std::string::npos) << full;
  EXPECT_NE(full.find("Amendment 4 · modify · adopted · SBMIS · yes 2 · no 0 · abstain 0 — adopted"), std::string::npos) << full;
  EXPECT_NE(full.find("## Annex: record of votes"), std::string::npos);
  EXPECT_NE(full.find("- Amina Abdi: yes"), std::string::npos);   // named poll: names
  EXPECT_EQ(full.find("Hidden Voter"), std::string::npos);         // secret poll: totals only
  EXPECT_NE(full.find("secret ballot: totals only"), std::string::npos);
  EXPECT_NE(full.find("- 1\\. Colectivo Mujeres en Tránsito (organisation, MX)"), std::string::npos) << full;
  EXPECT_NE(full.find("- 2\\. Migrant Rights Network (network)"), std::string::npos);
  EXPECT_NE(full.find("The list of signatories is open."), std::string::npos);
}

TEST(PublishAkn, OneStatementPerLanguageSharingOneWorkWithStableEids) {
  auto x = render_akn(sample(), opts({"en", "ar"}, false, {false, true, false}));
  EXPECT_EQ(count(x, "<statement name=\"declaration\">"), 2u);
  EXPECT_EQ(count(x, "<FRBRuri value=\"/akn/int/statement/wsfm-oaxaca/2026-12-04/final\"/>"), 2u);  // one work
  EXPECT_EQ(count(x, "<paragraph eId=\"clause_2\">"), 2u);
  EXPECT_EQ(count(x, "<p eId=\"preamble_1\">"), 2u);
  EXPECT_EQ(count(x, "<hcontainer name=\"section\" eId=\"sec_11\">"), 2u);
  EXPECT_NE(x.find("<component eId=\"cmp_ar\">"), std::string::npos);
  // The Arabic expression is a translation; with a machine clause it is not authoritative.
  EXPECT_NE(x.find("<FRBRtranslation href=\"/akn/int/statement/wsfm-oaxaca/2026-12-04/final/en@v3\" fromLanguage=\"en\" "
                   "authoritative=\"false\" by=\"#machine\"/>"),
            std::string::npos) << x;
  EXPECT_EQ(count(x, "<FRBRtranslation"), 1u);
  // The author is the assembly; signatories are organisations in the references.
  EXPECT_EQ(count(x, "<FRBRauthor href=\"#assembly\" as=\"#author\"/>"), 3u);  // work x2, original expression
  EXPECT_NE(x.find("<TLCOrganization eId=\"assembly\""), std::string::npos);
  EXPECT_NE(x.find("showAs=\"Plenary assembly of the World Social Forum on Migration\""), std::string::npos);
  EXPECT_NE(x.find("<TLCOrganization eId=\"signatory_2\""), std::string::npos);
  EXPECT_NE(x.find("Rights &lt;here&gt; &amp; there"), std::string::npos);
  EXPECT_EQ(x.find("<script>"), std::string::npos);
}

TEST(PublishJson, CompleteRecordAndSecretPollsWithoutBallots) {
  auto j = nlohmann::json::parse(render_json(sample(), opts({"en", "ar"})));
  EXPECT_EQ(j["format"], "plenary-export/1");
  EXPECT_EQ(j["clauses"].size(), 3u);
  EXPECT_EQ(j["clauses"][2]["eId"], "clause_2");
  EXPECT_EQ(j["clauses"][2]["texts"]["ar"]["status"], "machine");
  EXPECT_EQ(j["clauses"][2]["history"][0]["vote"]["outcome"], "adopted");
  EXPECT_EQ(j["annexes"]["votes"][0]["ballots_named"].size(), 2u);
  EXPECT_FALSE(j["annexes"]["votes"][1].contains("ballots_named"));
  EXPECT_EQ(j["annexes"]["signatories"]["list"][0]["name"], "Colectivo Mujeres en Tránsito");
  EXPECT_EQ(j["attribution"]["assembly"]["en"], "Plenary assembly of the World Social Forum on Migration");
}

TEST(PublishAll, OutputIsStable) {
  auto d = sample();
  auto o = opts({"en", "ar"}, true, {true, true, true});
  EXPECT_EQ(render_html(declaration_blocks(d, o, true)), render_html(declaration_blocks(d, o, true)));
  EXPECT_EQ(render_akn(d, o), render_akn(d, o));
  EXPECT_EQ(render_json(d, o), render_json(d, o));
}
