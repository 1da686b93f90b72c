#include "publish/pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <stdexcept>

#include "core/publish/text.hpp"

namespace plenary::publish_shell {

using publish::Block;

namespace {
constexpr double kPageW = 595.276, kPageH = 841.890;  // A4 in points
constexpr double kMargin = 56.0, kFooter = 28.0;
constexpr double kWidth = kPageW - 2 * kMargin;
const char* kFamilies = "Noto Serif, Noto Naskh Arabic, Noto Serif Devanagari, Noto Serif CJK SC, serif";

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct Style {
  double size = 11, before = 0, after = 6, indent = 0;
  PangoWeight weight = PANGO_WEIGHT_NORMAL;
  PangoStyle slant = PANGO_STYLE_NORMAL;
  double grey = 0.07;
};

Style style_of(Block::Kind k) {
  using K = Block::Kind;
  switch (k) {
    case K::title: return {20, 0, 6, 0, PANGO_WEIGHT_BOLD};
    case K::subtitle: return {12, 0, 4, 0, PANGO_WEIGHT_SEMIBOLD};
    case K::meta: return {9.5, 0, 10, 0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, 0.3};
    case K::heading: return {14, 12, 6, 0, PANGO_WEIGHT_BOLD};
    case K::subheading: return {11.5, 8, 4, 0, PANGO_WEIGHT_BOLD};
    case K::note: return {9, 0, 8, 0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, 0.35};
    case K::item: return {10, 0, 3, 14};
    default: return {11, 0, 7};
  }
}

class Writer {
public:
  explicit Writer(const std::string& date, const std::string& title) {
    surface_ = cairo_pdf_surface_create_for_stream(append, &out_, kPageW, kPageH);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Plenary");
    std::string when = (date.size() == 10 ? date : std::string("1970-01-01")) + "T00:00:00Z";
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, when.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, when.c_str());
    cr_ = cairo_create(surface_);
    y_ = kMargin;
  }
  ~Writer() {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void block(const Block& b) {
    using K = Block::Kind;
    if (b.kind == K::row) {
      for (auto& c : b.cells) block(c);
      return;
    }
    if (b.kind == K::page_break) {
      if (y_ > kMargin) new_page();
      return;
    }
    std::string text = b.kind == K::item ? "• " + b.text : b.text;
    std::size_t bold = 0;
    if (!b.label.empty()) {
      text = b.label + ". " + b.text;
      bold = b.label.size() + 1;
    }
    paragraph(publish::clean_utf8(text), b.lang, style_of(b.kind), bold);
    if (!b.note.empty()) paragraph(publish::clean_utf8(b.note), b.lang, style_of(K::note), 0);
  }

  std::string finish() {
    footer();
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    auto status = cairo_surface_status(surface_);
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(status));
    return std::move(out_);
  }

private:
  void paragraph(const std::string& text, const std::string& lang, const Style& s, std::size_t bold_bytes) {
    y_ += s.before;
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoContext* ctx = pango_layout_get_context(layout);
    bool rtl = publish::is_rtl(lang);
    pango_context_set_base_dir(ctx, rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    pango_context_set_language(ctx, pango_language_from_string(lang.empty() ? "en" : lang.c_str()));
    pango_layout_context_changed(layout);
    PangoFontDescription* font = pango_font_description_from_string(kFamilies);
    pango_font_description_set_size(font, static_cast<int>(s.size * PANGO_SCALE));
    pango_font_description_set_weight(font, s.weight);
    pango_font_description_set_style(font, s.slant);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>((kWidth - s.indent) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_auto_dir(layout, FALSE);
    pango_layout_set_alignment(layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
    PangoAttrList* attrs = pango_attr_list_new();
    PangoAttribute* language = pango_attr_language_new(pango_language_from_string(lang.empty() ? "en" : lang.c_str()));
    pango_attr_list_insert(attrs, language);
    if (bold_bytes) {
      PangoAttribute* w = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
      w->start_index = 0;
      w->end_index = static_cast<guint>(bold_bytes);
      pango_attr_list_insert(attrs, w);
    }
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);

    // Line by line, so a long paragraph continues on the next page.
    cairo_set_source_rgb(cr_, s.grey, s.grey, s.grey);
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    double top = -1;  // layout y of the first line drawn on this page
    double origin = y_;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double ly = logical.y / double(PANGO_SCALE), lh = logical.height / double(PANGO_SCALE);
      if (top < 0) top = ly;
      if (origin + (ly - top) + lh > kPageH - kMargin - kFooter) {
        new_page();
        cairo_set_source_rgb(cr_, s.grey, s.grey, s.grey);
        origin = y_;
        top = ly;
      }
      double baseline = pango_layout_iter_get_baseline(it) / double(PANGO_SCALE);
      cairo_move_to(cr_, kMargin + s.indent + logical.x / double(PANGO_SCALE), origin + (baseline - top));
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = origin + (ly - top) + lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    y_ += s.after;
  }

  void footer() {
    ++page_;
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = pango_font_description_from_string("Noto Serif 9");
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    std::string n = std::to_string(page_);
    pango_layout_set_text(layout, n.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
    cairo_move_to(cr_, (kPageW - w) / 2, kPageH - kMargin + (kFooter - h) / 2);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
  }

  void new_page() {
    footer();
    cairo_show_page(cr_);
    y_ = kMargin;
  }

  std::string out_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  double y_ = 0;
  int page_ = 0;
};
}  // namespace

std::string render_pdf(const publish::Document& doc, const std::string& date) {
  Writer w(date, doc.title);
  for (auto& b : doc.blocks) w.block(b);
  return w.finish();
}

}  // namespace plenary::publish_shell
