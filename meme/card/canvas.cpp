#include "meme/card/canvas.hpp"

#include "meme/card/png_encode.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace memeops::meme::card {
namespace {

// The pango context of this thread: font maps and contexts are not thread-safe, and making one
// per card would load the font configuration again each time (most of a card's cost).
PangoContext* thread_context() {
    struct Owned {
        PangoContext* context = nullptr;
        ~Owned() {
            if (context) g_object_unref(context);
        }
    };
    thread_local Owned owned;
    if (!owned.context) {
        owned.context = pango_font_map_create_context(pango_cairo_font_map_get_default());
        // Han characters in their Simplified Chinese forms (the captions are written in zh-CN).
        pango_context_set_language(owned.context, pango_language_from_string("zh-cn"));
        cairo_font_options_t* options = cairo_font_options_create();
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
        pango_cairo_context_set_font_options(owned.context, options);
        cairo_font_options_destroy(options);
    }
    return owned.context;
}

using LayoutPtr = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

LayoutPtr make_layout(const std::string& text, const TextStyle& style, const CardLayout& card) {
    LayoutPtr layout(pango_layout_new(thread_context()), g_object_unref);
    PangoFontDescription* font = pango_font_description_from_string(card.font.c_str());
    pango_font_description_set_absolute_size(font, style.px * PANGO_SCALE);
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    if (style.width > 0) {
        pango_layout_set_width(layout.get(), static_cast<int>(style.width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        pango_layout_set_height(layout.get(), -style.max_lines);
        pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
    return layout;
}

TextSize size_of(PangoLayout* layout) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
}

}  // namespace

void set_colour(cairo_t* cr, const Colour& colour) { cairo_set_source_rgb(cr, colour.r, colour.g, colour.b); }

Canvas::Canvas(int width, int height, const CardLayout& layout) : m_layout(layout) {
    m_surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    m_cr = cairo_create(m_surface);
    if (cairo_status_t status = cairo_status(m_cr); status != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(m_cr);
        cairo_surface_destroy(m_surface);
        throw std::runtime_error(std::string("cannot make a card: ") + cairo_status_to_string(status));
    }
    pango_cairo_update_context(m_cr, thread_context());
}

Canvas::~Canvas() {
    cairo_destroy(m_cr);
    cairo_surface_destroy(m_surface);
}

void Canvas::fill(const Rect& r, const Colour& colour) {
    set_colour(m_cr, colour);
    cairo_rectangle(m_cr, r.x, r.y, r.w, r.h);
    cairo_fill(m_cr);
}

void Canvas::rounded(const Rect& r, double radius, const Colour& colour) {
    radius = std::min({radius, r.w / 2, r.h / 2});
    cairo_new_sub_path(m_cr);
    cairo_arc(m_cr, r.x + r.w - radius, r.y + radius, radius, -M_PI / 2, 0);
    cairo_arc(m_cr, r.x + r.w - radius, r.y + r.h - radius, radius, 0, M_PI / 2);
    cairo_arc(m_cr, r.x + radius, r.y + r.h - radius, radius, M_PI / 2, M_PI);
    cairo_arc(m_cr, r.x + radius, r.y + radius, radius, M_PI, 3 * M_PI / 2);
    cairo_close_path(m_cr);
    set_colour(m_cr, colour);
    cairo_fill(m_cr);
}

void Canvas::line(double x0, double y0, double x1, double y1, double width, const Colour& colour) {
    set_colour(m_cr, colour);
    cairo_set_line_width(m_cr, width);
    cairo_move_to(m_cr, x0, y0);
    cairo_line_to(m_cr, x1, y1);
    cairo_stroke(m_cr);
}

TextSize Canvas::measure(const std::string& text, const TextStyle& style) {
    return size_of(make_layout(text, style, m_layout).get());
}

TextSize Canvas::text(const std::string& text, double x, double y, const TextStyle& style) {
    auto layout = make_layout(text, style, m_layout);
    TextSize size = size_of(layout.get());
    if (style.align == Align::centre) x -= size.w / 2;
    if (style.align == Align::right) x -= size.w;
    set_colour(m_cr, style.colour);
    cairo_move_to(m_cr, x, y);
    pango_cairo_show_layout(m_cr, layout.get());
    return size;
}

std::string Canvas::png() {
    cairo_surface_flush(m_surface);
    return encode_png_rgb24(cairo_image_surface_get_data(m_surface), cairo_image_surface_get_width(m_surface),
                            cairo_image_surface_get_height(m_surface), cairo_image_surface_get_stride(m_surface));
}

int count_unknown_glyphs(const std::string& text, const CardLayout& layout) {
    return pango_layout_get_unknown_glyphs_count(make_layout(text, {.px = 20}, layout).get());
}

}  // namespace memeops::meme::card
