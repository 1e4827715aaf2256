#include "meme/card/card.hpp"

#include <algorithm>
#include <cctype>

#include "meme/card/canvas.hpp"
#include "meme/card/pictures.hpp"

namespace memeops::meme::card {
namespace {

// The dark band: the priority as a coloured pill, the reaction, and the product's name.
void draw_header(Canvas& canvas, const Card& card) {
    const CardLayout& l = canvas.layout();
    canvas.fill({0, 0, double(l.width), double(l.header_height)}, l.header);
    TextStyle pill{.px = l.pill_px, .colour = l.header_text, .bold = true};
    std::string priority = storage::priority_label(card.priority);
    TextSize size = canvas.measure(priority, pill);
    double pad = l.pill_px * 0.6, pill_h = size.h + pad * 0.6;
    double pill_y = (l.header_height - pill_h) / 2;
    canvas.rounded({double(l.margin), pill_y, size.w + 2 * pad, pill_h}, pill_h / 2, l.priority[std::clamp(card.priority, 0, 3)]);
    canvas.text(priority, l.margin + pad, pill_y + pad * 0.3, pill);
    TextStyle label{.px = l.pill_px, .colour = l.header_text};
    double label_y = (l.header_height - canvas.measure(card.reaction, label).h) / 2;
    canvas.text(card.reaction, l.margin + size.w + 3 * pad, label_y, label);
    TextStyle brand{.px = l.pill_px, .colour = l.header_text, .bold = true, .align = Align::right};
    canvas.text("MemeOps 🤖", l.width - l.margin, label_y, brand);
}

// A caption as a card shows it: without its ``` blocks (the confusion grid) and sparkline,
// which the card draws as its picture, and the white space they leave.
std::string card_text(const std::string& caption) {
    std::string out = caption;
    for (size_t open = out.find("```"); open != std::string::npos; open = out.find("```")) {
        size_t close = out.find("```", open + 3);
        out.erase(open, close == std::string::npos ? std::string::npos : close + 3 - open);
    }
    // The sparkline (U+2581 … U+2588, "\xE2\x96\x81" … "\xE2\x96\x88"): the card draws the curve.
    for (size_t at = out.find("\xE2\x96"); at != std::string::npos; at = out.find("\xE2\x96", at))
        if (at + 2 < out.size() && static_cast<unsigned char>(out[at + 2]) >= 0x81 && static_cast<unsigned char>(out[at + 2]) <= 0x88)
            out.erase(at, 3);
        else at += 3;
    std::replace(out.begin(), out.end(), '\n', ' ');
    for (size_t at = out.find("  "); at != std::string::npos; at = out.find("  ")) out.erase(at, 1);
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
}

// The captions, Chinese then English, each wrapped and cut to the layout's lines. Returns the
// y under them.
double draw_captions(Canvas& canvas, const Card& card) {
    const CardLayout& l = canvas.layout();
    double width = l.width - 2.0 * l.margin;
    double y = l.header_height + l.margin * 0.55;
    TextStyle zh{.px = l.caption_zh_px, .colour = l.text, .bold = true, .width = width, .max_lines = l.caption_lines};
    y += canvas.text(card_text(card.caption.zh), l.margin, y, zh).h + l.caption_gap;
    TextStyle en{.px = l.caption_en_px, .colour = l.muted, .width = width, .max_lines = l.caption_lines};
    return y + canvas.text(card_text(card.caption.en), l.margin, y, en).h;
}

// The subject under a thin rule at the bottom.
void draw_footer(Canvas& canvas, const Card& card) {
    const CardLayout& l = canvas.layout();
    double top = l.height - l.footer_height;
    canvas.line(l.margin, top, l.width - l.margin, top, 1, l.grid);
    TextStyle subject{.px = l.subject_px, .colour = l.muted, .width = l.width - 2.0 * l.margin};
    double h = canvas.measure("Ag", subject).h;
    canvas.text(subject_line(card.subject), l.margin, top + (l.footer_height - h) / 2, subject);
}

}  // namespace

std::string subject_line(const Subject& s) {
    std::string out;
    auto add = [&](const std::optional<std::string>& part, const std::string& prefix) {
        if (!part || part->empty()) return;
        out += (out.empty() ? "" : "  ·  ") + prefix + *part;
    };
    add(s.run, "run ");
    std::string pipeline = s.pipeline.value_or("") + (s.pipeline && s.branch ? " on " : "") + s.branch.value_or("");
    add(pipeline.empty() ? std::nullopt : std::optional(pipeline), s.pipeline ? "" : "branch ");
    add(s.tag, "🏷️ ");
    add(s.commit ? std::optional(s.commit->substr(0, 8)) : std::nullopt, "commit ");
    add(s.repo, "📦 ");
    return out;
}

RenderedCard render_card(const Card& card, const CardLayout& layout) {
    Canvas canvas(layout.width, layout.height, layout);
    canvas.fill({0, 0, double(layout.width), double(layout.height)}, layout.background);
    draw_header(canvas, card);
    double top = draw_captions(canvas, card) + layout.margin * 0.5;
    draw_footer(canvas, card);
    double bottom = layout.height - layout.footer_height - layout.margin * 0.4;
    Rect area{double(layout.margin), top, layout.width - 2.0 * layout.margin, std::max(40.0, bottom - top)};
    draw_picture(canvas, card.picture, area, card.priority);
    return {canvas.png(), area};
}

int unknown_glyphs(const std::string& text, const CardLayout& layout) { return count_unknown_glyphs(text, layout); }

}  // namespace memeops::meme::card
