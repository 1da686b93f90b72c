// Text helpers shared by the export renderers: escaping for HTML, XML and Markdown, the
// writing direction of a language, picking a localised string, the fixed labels of an export
// in each language, and ASCII-safe file names.
// Invariants: escaping is total (any byte string in, well-formed output out; invalid UTF-8 is
// replaced by U+FFFD so XML/HTML stay valid); labels fall back to English, never to nothing.
#pragma once
#include <string>
#include <string_view>

#include "core/publish/model.hpp"

namespace plenary::publish {

// Replaces invalid UTF-8 sequences and C0 controls other than TAB/LF (which XML 1.0 forbids)
// by U+FFFD; CR is dropped.
std::string clean_utf8(std::string_view s);
std::string html_escape(std::string_view s);  // & < > " ' (after clean_utf8)
std::string xml_escape(std::string_view s);   // & < > " (after clean_utf8)
// Backslash-escapes Markdown's inline specials so text renders literally; newlines stay, and a
// line that would start a block (#, >, -, +, 1.) is escaped at its start.
std::string md_escape(std::string_view s);

bool is_rtl(std::string_view lang);  // ar, he, fa, ur, ps, sd, yi, dv, ckb, ug
inline const char* dir_of(std::string_view lang) { return is_rtl(lang) ? "rtl" : "ltr"; }

// The string for `lang`, else for `fallback`, else English, else the first there is, else "".
std::string pick(const Localised& l, const std::string& lang, const std::string& fallback);

// Fixed words of an export (preamble, clause, annex titles, ...) in `lang` (English fallback).
std::string label(std::string_view key, std::string_view lang);
// The name of a language in itself (es -> Español), or the code.
std::string language_name(std::string_view lang);

// An ASCII-safe name part: letters and digits kept (lower-cased), anything else one '-',
// trimmed; "x" if nothing is left.
std::string slug(std::string_view s);
// forum-key_declaration-key_lang_vN.ext, e.g. wsfm_final_es_v3.pdf.
std::string file_name(const Declaration& d, const std::string& lang, const std::string& ext);

}  // namespace plenary::publish
