#include "publish/exporter.hpp"

#include <stdexcept>

#include "core/publish/blocks.hpp"
#include "core/publish/render_akn.hpp"
#include "core/publish/render_json.hpp"
#include "core/publish/text.hpp"
#include "publish/pandoc.hpp"
#include "publish/pdf.hpp"

namespace plenary::publish_shell {

std::optional<Format> parse_format(std::string_view s) {
  if (s == "md" || s == "markdown") return Format::md;
  if (s == "html") return Format::html;
  if (s == "pdf") return Format::pdf;
  if (s == "akn" || s == "xml") return Format::akn;
  if (s == "docx") return Format::docx;
  if (s == "odt") return Format::odt;
  if (s == "json") return Format::json;
  return std::nullopt;
}

std::string_view extension(Format f) {
  switch (f) {
    case Format::md: return "md";
    case Format::html: return "html";
    case Format::pdf: return "pdf";
    case Format::akn: return "akn.xml";
    case Format::docx: return "docx";
    case Format::odt: return "odt";
    case Format::json: return "json";
  }
  return "bin";
}

std::string_view content_type(Format f) {
  switch (f) {
    case Format::md: return "text/markdown; charset=utf-8";
    case Format::html: return "text/html; charset=utf-8";
    case Format::pdf: return "application/pdf";
    case Format::akn: return "application/akn+xml";
    case Format::docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case Format::odt: return "application/vnd.oasis.opendocument.text";
    case Format::json: return "application/json";
  }
  return "application/octet-stream";
}

ExportFile export_declaration(const publish::Declaration& d, const publish::Options& o, Format f,
                              const std::string& lang_name) {
  ExportFile out;
  out.content_type = std::string(content_type(f));
  out.file_name = publish::file_name(d, lang_name, std::string(extension(f)));
  switch (f) {
    case Format::md: out.body = publish::render_markdown(publish::declaration_blocks(d, o, false)); break;
    case Format::html: out.body = publish::render_html(publish::declaration_blocks(d, o, true)); break;
    case Format::pdf: out.body = render_pdf(publish::declaration_blocks(d, o, false), d.generated); break;
    case Format::akn: out.body = publish::render_akn(d, o); break;
    case Format::json: out.body = publish::render_json(d, o); break;
    case Format::docx:
    case Format::odt:
      out.body = html_to_office(publish::render_html(publish::declaration_blocks(d, o, false)),
                                std::string(extension(f)), d.generated);
      break;
  }
  return out;
}

ExportFile export_record(const publish::ForumRecord& r, Format f) {
  if (f != Format::html && f != Format::pdf) throw std::invalid_argument("the record is exported as html or pdf");
  ExportFile out;
  out.content_type = std::string(content_type(f));
  out.file_name = publish::record_file_name(r, std::string(extension(f)));
  auto doc = publish::record_blocks(r);
  out.body = f == Format::html ? publish::render_html(doc) : render_pdf(doc, r.generated);
  return out;
}

}  // namespace plenary::publish_shell
