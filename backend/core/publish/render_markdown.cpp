#include "core/publish/blocks.hpp"
#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
void block_md(const Block& b, std::string& out) {
  using K = Block::Kind;
  switch (b.kind) {
    case K::title: out += "# " + md_escape(b.text) + "\n\n"; break;
    case K::subtitle: out += "**" + md_escape(b.text) + "**\n\n"; break;
    case K::meta: out += "*" + md_escape(b.text) + "*\n\n"; break;
    case K::heading: out += "## " + md_escape(b.text) + "\n\n"; break;
    case K::subheading: out += "### " + md_escape(b.text) + "\n\n"; break;
    case K::paragraph: out += md_escape(b.text) + "\n\n"; break;
    case K::clause:
      out += "**" + md_escape(b.label) + ".** " + md_escape(b.text) + "\n\n";
      break;
    case K::note: out += "> " + md_escape(b.text) + "\n\n"; break;
    case K::item: out += "- " + md_escape(b.text) + "\n"; break;
    case K::page_break: out += "\n---\n\n"; break;
    case K::row:
      for (auto& c : b.cells) block_md(c, out);
      return;
  }
  if (!b.note.empty()) out += "> *" + md_escape(b.note) + "*\n\n";
}
}  // namespace

std::string render_markdown(const Document& doc) {
  std::string out;
  Block::Kind prev = Block::Kind::title;
  for (auto& b : doc.blocks) {
    if (prev == Block::Kind::item && b.kind != Block::Kind::item) out += "\n";
    block_md(b, out);
    prev = b.kind;
  }
  if (prev == Block::Kind::item) out += "\n";
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace plenary::publish
