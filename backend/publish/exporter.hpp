// One entry point from an export model to a downloadable file: the format's bytes, its
// Content-Type and its file name. Markdown, HTML, Akoma Ntoso and JSON come from the pure
// renderers of core/publish; PDF from Pango/Cairo (publish/pdf); DOCX and ODT from pandoc
// (publish/pandoc) fed with the one-language-after-another HTML.
// Invariant: pure function of (model, options, format): nothing is read or written elsewhere.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/publish/model.hpp"
#include "core/publish/record.hpp"

namespace plenary::publish_shell {

enum class Format { md, html, pdf, akn, docx, odt, json };

std::optional<Format> parse_format(std::string_view s);
std::string_view extension(Format f);
std::string_view content_type(Format f);

struct ExportFile {
  std::string body;
  std::string content_type;
  std::string file_name;
};

// `lang_name` is the language code asked for, or "all". Throws ConverterMissing (pandoc) or
// std::runtime_error (rendering failed).
ExportFile export_declaration(const publish::Declaration& d, const publish::Options& o, Format f,
                              const std::string& lang_name);
// Format html or pdf only.
ExportFile export_record(const publish::ForumRecord& r, Format f);

}  // namespace plenary::publish_shell
