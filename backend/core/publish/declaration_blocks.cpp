#include "core/publish/annexes.hpp"
#include "core/publish/blocks.hpp"
#include "core/publish/text.hpp"

namespace plenary::publish {

Block text_block(Block::Kind kind, std::string text, const std::string& lang, std::string id) {
  Block b;
  b.kind = kind;
  b.text = std::move(text);
  b.lang = lang;
  b.id = std::move(id);
  return b;
}

namespace {
using K = Block::Kind;

const Section* section_of(const Declaration& d, std::int64_t id) {
  for (auto& s : d.sections)
    if (s.id == id) return &s;
  return nullptr;
}

// The body (title to last clause, with history) in one language.
std::vector<Block> body(const Declaration& d, const Options& o, const std::string& L) {
  std::vector<Block> out;
  out.push_back(text_block(K::title, pick(d.title, L, d.original), L));
  out.push_back(text_block(K::subtitle, pick(d.assembly, L, d.original), L));
  std::string meta = label("version", L) + " " + std::to_string(d.version) + " · " + d.version_date + " · " +
                     language_name(L);
  out.push_back(text_block(K::meta, meta, L));
  std::int64_t section = 0;
  int preamble = 0;
  for (auto& c : d.clauses) {
    if (c.section != section) {
      section = c.section;
      if (auto* s = section_of(d, section))
        out.push_back(text_block(K::heading, pick(s->title, L, d.original), L, "sec_" + std::to_string(s->id)));
    }
    auto it = c.texts.find(L);
    LangText t = it == c.texts.end() ? LangText{"", "missing"} : it->second;
    Block b;
    if (c.kind == "preamble") {
      b = text_block(K::paragraph, t.text, L, "preamble_" + std::to_string(++preamble));
    } else {
      b = text_block(K::clause, t.text, L, "clause_" + std::to_string(c.number));
      b.label = label("clause", L) + " " + std::to_string(c.number);
    }
    if (t.status == "machine" || t.status == "stale" || t.status == "missing") b.note = label(t.status, L);
    out.push_back(std::move(b));
    if (o.history && !c.history.empty()) {
      out.push_back(text_block(K::subheading, label("history", L), L));
      for (auto& a : c.history) out.push_back(text_block(K::item, amendment_line(a, L), L));
    }
  }
  return out;
}
}  // namespace

Document declaration_blocks(const Declaration& d, const Options& o, bool columns) {
  Document doc;
  const std::string& first = o.langs.empty() ? d.original : o.langs.front();
  doc.lang = o.langs.size() == 1 ? first : "mul";
  doc.title = pick(d.title, first, d.original);
  if (o.langs.size() > 1 && columns) {
    std::vector<std::vector<Block>> per;
    for (auto& L : o.langs) per.push_back(body(d, o, L));
    for (size_t i = 0; i < per.front().size(); ++i) {
      Block row;
      row.kind = K::row;
      for (auto& p : per) row.cells.push_back(std::move(p[i]));
      doc.blocks.push_back(std::move(row));
    }
    annex_blocks(d, o, first, doc.blocks);
    return doc;
  }
  for (size_t i = 0; i < o.langs.size(); ++i) {
    if (i) doc.blocks.push_back(text_block(K::page_break, "", o.langs[i]));
    auto b = body(d, o, o.langs[i]);
    for (auto& x : b) doc.blocks.push_back(std::move(x));
  }
  annex_blocks(d, o, first, doc.blocks);
  return doc;
}

}  // namespace plenary::publish
