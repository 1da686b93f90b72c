// The layout-neutral form of an export: a flat list of blocks (title, headings, numbered
// clauses, notes, list items, page breaks, rows of parallel cells) that the Markdown, HTML and
// PDF renderers draw each in their own way. A declaration and the record of a forum both
// become blocks, so every output format shares one reading of the content.
// Invariants: every text block carries the language it is written in (the renderers set
// lang/dir and shaping from it); a row's cells are text blocks, never rows themselves.
#pragma once
#include <string>
#include <vector>

#include "core/publish/model.hpp"

namespace plenary::publish {

struct Block {
  enum class Kind { title, subtitle, meta, heading, subheading, paragraph, clause, note, item, row, page_break };
  Kind kind = Kind::paragraph;
  std::string text;
  std::string lang;
  std::string label;  // a clause's "Clause 3", prefixed to its text
  std::string id;     // an anchor (clause_3, preamble_1, sec_2), or ""
  std::string note;   // status note of a clause text (machine, stale, missing), or ""
  std::vector<Block> cells;  // row: one cell per language
};

// A text block of `kind` in `lang` (with an anchor id, or none).
Block text_block(Block::Kind kind, std::string text, const std::string& lang, std::string id = "");

struct Document {
  std::string title;        // of the whole file (<title>, PDF metadata)
  std::string lang;         // the file's main language ("mul" for several)
  std::vector<Block> blocks;
};

// A declaration as blocks. With `columns`, several languages become rows of parallel cells;
// without, each language's full text follows the previous one after a page break.
Document declaration_blocks(const Declaration& d, const Options& o, bool columns);

// Markdown (CommonMark) of any document; rows become their cells one after another.
std::string render_markdown(const Document& doc);
// A standalone HTML page with embedded screen and print CSS (A4, page breaks, parallel columns
// as a grid), `lang` and `dir` on every block.
std::string render_html(const Document& doc);

}  // namespace plenary::publish
