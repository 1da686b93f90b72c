#include "core/publish/blocks.hpp"
#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
const char* kCss = R"css(
:root { color-scheme: light; }
body { font-family: "Noto Serif", "Noto Naskh Arabic", "Noto Serif Devanagari", "Noto Serif CJK SC", serif;
       line-height: 1.5; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.8rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.subtitle { font-weight: bold; margin: 0; }
.meta { color: #444; font-size: .9rem; }
.clause .num { font-weight: bold; }
.note { color: #555; font-size: .85rem; font-style: italic; margin-top: -.6rem; }
.row { display: grid; grid-template-columns: repeat(var(--cols), minmax(0, 1fr)); gap: 1.2rem;
       border-bottom: 1px solid #ddd; padding: .2rem 0; }
.row > * { margin: .4rem 0; }
[dir=rtl] { text-align: right; }
ul { padding-inline-start: 1.4rem; }
.page-break { break-after: page; border: 0; }
@media print {
  @page { size: A4; margin: 20mm 18mm; }
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  h1, h2, h3 { break-after: avoid; }
  .row, p, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string attrs(const Block& b, const std::string& doc_lang, const char* cls) {
  std::string a;
  if (!b.id.empty()) a += " id=\"" + html_escape(b.id) + "\"";
  if (cls) a += std::string(" class=\"") + cls + "\"";
  if (!b.lang.empty() && b.lang != doc_lang) a += " lang=\"" + html_escape(b.lang) + "\" dir=\"" + dir_of(b.lang) + "\"";
  return a;
}

void block_html(const Block& b, const std::string& L, std::string& out, bool& in_list) {
  using K = Block::Kind;
  if (in_list && b.kind != K::item) {
    out += "</ul>\n";
    in_list = false;
  }
  switch (b.kind) {
    case K::title: out += "<h1" + attrs(b, L, nullptr) + ">" + html_escape(b.text) + "</h1>\n"; break;
    case K::subtitle: out += "<p" + attrs(b, L, "subtitle") + ">" + html_escape(b.text) + "</p>\n"; break;
    case K::meta: out += "<p" + attrs(b, L, "meta") + ">" + html_escape(b.text) + "</p>\n"; break;
    case K::heading: out += "<h2" + attrs(b, L, nullptr) + ">" + html_escape(b.text) + "</h2>\n"; break;
    case K::subheading: out += "<h3" + attrs(b, L, nullptr) + ">" + html_escape(b.text) + "</h3>\n"; break;
    case K::paragraph: out += "<p" + attrs(b, L, "preamble") + ">" + html_escape(b.text) + "</p>\n"; break;
    case K::clause:
      out += "<p" + attrs(b, L, "clause") + "><span class=\"num\">" + html_escape(b.label) + ".</span> " +
             html_escape(b.text) + "</p>\n";
      break;
    case K::note: out += "<p" + attrs(b, L, "note") + ">" + html_escape(b.text) + "</p>\n"; break;
    case K::item:
      if (!in_list) {
        out += "<ul>\n";
        in_list = true;
      }
      out += "<li" + attrs(b, L, nullptr) + ">" + html_escape(b.text) + "</li>\n";
      break;
    case K::page_break: out += "<hr class=\"page-break\">\n"; break;
    case K::row: {
      out += "<div class=\"row\" style=\"--cols:" + std::to_string(b.cells.size()) + "\">\n";
      for (auto& c : b.cells) {
        // Each cell is its own block with its own language and direction.
        Block cell = c;
        cell.id = c.id.empty() ? "" : c.id + "_" + c.lang;
        bool list = false;
        if (c.kind == K::item) {
          out += "<ul" + attrs(cell, L, nullptr) + "><li>" + html_escape(c.text) + "</li></ul>\n";
        } else {
          block_html(cell, "", out, list);
          if (list) out += "</ul>\n";
        }
        if (!c.note.empty()) {
          Block n;
          n.kind = K::note;
          n.text = c.note;
          n.lang = c.lang;
          block_html(n, "", out, list);
        }
      }
      out += "</div>\n";
      return;
    }
  }
  if (!b.note.empty()) {
    Block n;
    n.kind = K::note;
    n.text = b.note;
    n.lang = b.lang;
    block_html(n, L, out, in_list);
  }
}
}  // namespace

std::string render_html(const Document& doc) {
  std::string L = doc.lang.empty() ? "mul" : doc.lang;
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + html_escape(L) + "\"";
  if (L != "mul") out += std::string(" dir=\"") + dir_of(L) + "\"";
  out += ">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + html_escape(doc.title) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n<main>\n";
  // Runs of blocks in one language sit in a <div lang dir>, which converters (pandoc) carry
  // into their output as the paragraphs' language and direction.
  bool in_list = false;
  std::string group;
  for (auto& b : doc.blocks) {
    std::string want = b.kind == Block::Kind::row ? "" : b.lang;
    if (want != group) {
      if (in_list) out += "</ul>\n";
      in_list = false;
      if (!group.empty()) out += "</div>\n";
      if (!want.empty()) out += "<div lang=\"" + html_escape(want) + "\" dir=\"" + dir_of(want) + "\">\n";
      group = want;
    }
    block_html(b, group.empty() ? L : group, out, in_list);
  }
  if (in_list) out += "</ul>\n";
  if (!group.empty()) out += "</div>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace plenary::publish
