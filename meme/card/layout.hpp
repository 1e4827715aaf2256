// The layout numbers of meme cards: size, margins, font sizes, fonts and colours, read from
// templates/card_layout.json (or the file of that name in the folder MEMEOPS_TEMPLATES names).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace memeops::meme::card {

// An sRGB colour, each channel 0..1.
struct Colour {
    double r = 0, g = 0, b = 0;
};

struct CardLayout {
    int width = 1200, height = 675;  // pixels
    int margin = 44;                 // left, right and between the blocks
    int header_height = 64;          // the dark band with the priority and the reaction
    int caption_zh_px = 40, caption_en_px = 25;
    int caption_lines = 2;  // each language is cut to this many lines, with "…"
    int caption_gap = 10;
    int footer_height = 46;  // the subject line
    int subject_px = 19, label_px = 17, pill_px = 20;
    // Text, Chinese included. Emoji come from fontconfig's fallback (Noto Color Emoji): naming
    // that font here too would take digits from it, which it has for keycaps, drawn wide.
    std::string font = "Noto Sans CJK SC";
    Colour background, header, header_text, text, muted, grid, panel, mark, threshold;
    std::vector<Colour> series;     // one per curve, in order (at least one)
    Colour passed, failed, other;   // the CI strip
    std::array<Colour, 4> priority;  // P0 … P3
};

// Reads a layout file's text; `source` names it in errors. Every key is required, so a layout
// never renders half from the file and half from defaults. Throws core::Fatal("template
// <source>", why) naming the bad key: missing, of the wrong type, out of range (sizes 1..4096,
// colours "#rrggbb").
CardLayout parse_card_layout(const std::string& text, const std::string& source);

// The layout in force, read and checked once per process.
const CardLayout& card_layout();

// The rectangle a card's picture is drawn in, below the captions and above the subject line.
struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
};

// The plot of a curve picture drawn in `picture`: inside it, leaving room for the axes' labels
// on the left and bottom and the legend on top.
Rect curve_plot_area(const Rect& picture, const CardLayout& layout);

}  // namespace memeops::meme::card
