// PDF rendering of export blocks with Pango and Cairo, in the server, with no browser: A4
// pages, numbered; every paragraph is laid out by Pango with its language set (so shaping,
// bidi and font fallback follow the script: Latin with diacritics, Arabic right-to-left,
// Devanagari, CJK) using the Noto fonts (fonts-noto-core, fonts-noto-cjk).
// Invariants: thread-safe (one Cairo surface and Pango context per call, nothing shared);
// the same blocks and date give the same text layout; the creation date written into the
// file is `date`, never the clock.
#pragma once
#include <string>

#include "core/publish/blocks.hpp"

namespace plenary::publish_shell {

// `date` is YYYY-MM-DD (the export's generation date). Throws std::runtime_error if Cairo fails.
std::string render_pdf(const publish::Document& doc, const std::string& date);

}  // namespace plenary::publish_shell
