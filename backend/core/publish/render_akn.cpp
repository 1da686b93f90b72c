#include "core/publish/render_akn.hpp"

#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
std::string attr(std::string_view s) { return xml_escape(s); }

struct Uris {
  std::string work, expression, manifestation;
};

Uris uris(const Declaration& d, const std::string& L) {
  std::string name = d.key.empty() ? std::to_string(d.id) : slug(d.key);
  std::string forum = d.forum_key.empty() ? std::to_string(d.forum_id) : slug(d.forum_key);
  Uris u;
  u.work = "/akn/int/statement/" + forum + "/" + d.version_date + "/" + name;
  u.expression = u.work + "/" + L + "@v" + std::to_string(d.version);
  u.manifestation = u.expression + "/!main.xml";
  return u;
}

// Whether the expression in `L` is authoritative: the original always; a translation only
// when no clause of it is machine-made, stale or missing.
bool authoritative(const Declaration& d, const std::string& L) {
  if (L == d.original) return true;
  for (auto& c : d.clauses) {
    auto it = c.texts.find(L);
    if (it == c.texts.end() || it->second.status != "current") return false;
  }
  return true;
}

bool any_machine(const Declaration& d, const std::string& L) {
  for (auto& c : d.clauses) {
    auto it = c.texts.find(L);
    if (it != c.texts.end() && it->second.status == "machine") return true;
  }
  return false;
}

void meta(const Declaration& d, const std::string& L, std::string& x) {
  Uris u = uris(d, L);
  std::string date = d.version_date.empty() ? "1970-01-01" : d.version_date;
  x += "<meta>\n<identification source=\"#assembly\">\n<FRBRWork>\n";
  x += "<FRBRthis value=\"" + attr(u.work) + "/!main\"/>\n<FRBRuri value=\"" + attr(u.work) + "\"/>\n";
  x += "<FRBRdate date=\"" + attr(date) + "\" name=\"version\"/>\n";
  x += "<FRBRauthor href=\"#assembly\" as=\"#author\"/>\n";
  x += "<FRBRcountry value=\"int\"/>\n<FRBRsubtype value=\"declaration\"/>\n";
  if (d.version) x += "<FRBRnumber value=\"" + std::to_string(d.version) + "\"/>\n";
  x += "<FRBRname value=\"" + attr(pick(d.title, d.original, d.original)) + "\"/>\n";
  x += "<FRBRprescriptive value=\"false\"/>\n";
  x += "</FRBRWork>\n<FRBRExpression>\n";
  x += "<FRBRthis value=\"" + attr(u.expression) + "/!main\"/>\n<FRBRuri value=\"" + attr(u.expression) + "\"/>\n";
  x += "<FRBRdate date=\"" + attr(date) + "\" name=\"version\"/>\n";
  x += std::string("<FRBRauthor href=\"") + (L == d.original ? "#assembly" : "#translators") + "\" as=\"#author\"/>\n";
  x += "<FRBRauthoritative value=\"" + std::string(authoritative(d, L) ? "true" : "false") + "\"/>\n";
  x += "<FRBRlanguage language=\"" + attr(L) + "\"/>\n";
  if (L != d.original) {
    x += "<FRBRtranslation href=\"" + attr(uris(d, d.original).expression) + "\" fromLanguage=\"" + attr(d.original) +
         "\" authoritative=\"" + (authoritative(d, L) ? "true" : "false") + "\" by=\"" +
         (any_machine(d, L) ? "#machine" : "#translators") + "\"/>\n";
  }
  x += "</FRBRExpression>\n<FRBRManifestation>\n";
  x += "<FRBRthis value=\"" + attr(u.manifestation) + "\"/>\n<FRBRuri value=\"" + attr(u.manifestation) + "\"/>\n";
  x += "<FRBRdate date=\"" + attr(d.generated.empty() ? date : d.generated) + "\" name=\"generation\"/>\n";
  x += "<FRBRauthor href=\"#plenary\" as=\"#publisher\"/>\n";
  x += "</FRBRManifestation>\n</identification>\n";
  x += "<references source=\"#assembly\">\n";
  x += "<TLCOrganization eId=\"assembly\" href=\"/ontology/organization/" + attr(slug(d.forum_key)) + "/" +
       (d.workshop ? "workshop-" + std::to_string(d.workshop) : std::string("plenary")) + "\" showAs=\"" +
       attr(pick(d.assembly, L, d.original)) + "\"/>\n";
  x += "<TLCOrganization eId=\"translators\" href=\"/ontology/organization/" + attr(slug(d.forum_key)) +
       "/translators\" showAs=\"Translators\"/>\n";
  x += "<TLCOrganization eId=\"plenary\" href=\"/ontology/organization/plenary\" showAs=\"Plenary\"/>\n";
  for (auto& s : d.signatories)
    x += "<TLCOrganization eId=\"signatory_" + std::to_string(s.seq) + "\" href=\"/ontology/organization/" +
         attr(slug(d.forum_key)) + "/" + s.kind + "-" + attr(slug(s.name)) + "\" showAs=\"" + attr(s.name) + "\"/>\n";
  x += "<TLCConcept eId=\"machine\" href=\"/ontology/concept/machine-translation\" showAs=\"machine translation\"/>\n";
  x += "<TLCRole eId=\"author\" href=\"/ontology/role/author\" showAs=\"Author\"/>\n";
  x += "<TLCRole eId=\"publisher\" href=\"/ontology/role/publisher\" showAs=\"Publisher\"/>\n";
  x += "</references>\n</meta>\n";
}

void clause_xml(const Clause& c, const std::string& L, std::string& x) {
  auto it = c.texts.find(L);
  std::string text = it == c.texts.end() ? "" : it->second.text;
  std::string id = "clause_" + std::to_string(c.number);
  x += "<paragraph eId=\"" + id + "\"><num>" + std::to_string(c.number) + "</num><content><p>" + xml_escape(text) + "</p></content></paragraph>\n";
}

void statement(const Declaration& d, const Options& o, const std::string& L, std::string& x) {
  x += "<statement name=\"declaration\">\n";
  meta(d, L, x);
  x += "<preface>\n<p class=\"title\"><docTitle>" + xml_escape(pick(d.title, L, d.original)) + "</docTitle></p>\n";
  x += "<p class=\"assembly\"><organization refersTo=\"#assembly\">" + xml_escape(pick(d.assembly, L, d.original)) +
       "</organization></p>\n</preface>\n";
  int preamble = 0;
  bool any_preamble = false;
  for (auto& c : d.clauses) any_preamble |= c.kind == "preamble";
  if (any_preamble) {
    x += "<preamble>\n";
    for (auto& c : d.clauses) {
      if (c.kind != "preamble") continue;
      auto it = c.texts.find(L);
      x += "<p eId=\"preamble_" + std::to_string(++preamble) + "\">" + xml_escape(it == c.texts.end() ? "" : it->second.text) + "</p>\n";
    }
    x += "</preamble>\n";
  }
  x += "<mainBody>\n";
  std::int64_t open = 0;
  bool any = false;
  for (auto& c : d.clauses) {
    if (c.kind != "clause") continue;
    any = true;
    if (c.section != open) {
      if (open) x += "</hcontainer>\n";
      open = c.section;
      if (open) {
        std::string title;
        for (auto& s : d.sections)
          if (s.id == open) title = pick(s.title, L, d.original);
        x += "<hcontainer name=\"section\" eId=\"sec_" + std::to_string(open) + "\"><heading>" + xml_escape(title) + "</heading>\n";
      }
    }
    clause_xml(c, L, x);
  }
  if (open) x += "</hcontainer>\n";
  if (!any) x += "<p/>\n";
  x += "</mainBody>\n";
  if (o.annexes.signatories && !d.signatories.empty()) {
    x += "<conclusions>\n";
    for (auto& s : d.signatories)
      x += "<p><signature><organization refersTo=\"#signatory_" + std::to_string(s.seq) + "\">" + xml_escape(s.name) +
           "</organization></signature></p>\n";
    x += "</conclusions>\n";
  }
  x += "</statement>\n";
}
}  // namespace

std::string render_akn(const Declaration& d, const Options& o) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">\n";
  const std::vector<std::string>& langs = o.langs.empty() ? std::vector<std::string>{d.original} : o.langs;
  statement(d, o, langs.front(), x);
  if (langs.size() > 1) {
    x += "<components>\n";
    for (size_t i = 1; i < langs.size(); ++i) {
      x += "<component eId=\"cmp_" + attr(slug(langs[i])) + "\">\n";
      statement(d, o, langs[i], x);
      x += "</component>\n";
    }
    x += "</components>\n";
  }
  x += "</akomaNtoso>\n";
  return x;
}

}  // namespace plenary::publish
