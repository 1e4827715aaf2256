// The drawing surface of a card: a cairo image with pango text in the layout's fonts. Internal
// to meme/card/ (the renderer and its pictures).
#pragma once

#include <cairo.h>

#include <string>

#include "meme/card/layout.hpp"

namespace memeops::meme::card {

enum class Align { left, centre, right };

// How Canvas::text sets a piece of text: size in pixels, colour, weight, wrapping and alignment.
struct TextStyle {
    int px = 20;
    Colour colour;
    bool bold = false;
    double width = -1;  // wrap at this width (pixels); -1: one line, never wrapped
    int max_lines = 1;  // with a width: lines kept, the last ending in "…" when cut
    Align align = Align::left;
};

// The extent of text as set (pixels), from its top-left corner.
struct TextSize {
    double w = 0, h = 0;
};

// A width × height RGB image (no alpha: cards are opaque, which keeps PNGs small).
// Not copyable; one per card, on one thread.
class Canvas {
public:
    Canvas(int width, int height, const CardLayout& layout);
    ~Canvas();
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    // The cairo context, for pictures that draw paths of their own (the curve, the matrix);
    // it belongs to the canvas and lives as long as it.
    cairo_t* cr() { return m_cr; }
    // The fonts, colours and sizes the card is drawn with (the one given at construction).
    const CardLayout& layout() const { return m_layout; }

    // Paints `rect` in `colour`.
    void fill(const Rect& rect, const Colour& colour);
    // Paints `rect` with corners rounded to `radius` pixels.
    void rounded(const Rect& rect, double radius, const Colour& colour);
    // A straight line `width` pixels wide from (x0, y0) to (x1, y1).
    void line(double x0, double y0, double x1, double y1, double width, const Colour& colour);
    // Draws `text` with its top-left corner at (x, y) (for Align::centre and right, x is the
    // centre or right edge); returns its size.
    TextSize text(const std::string& text, double x, double y, const TextStyle& style);
    // The size text() would give `text` in `style`, without drawing it.
    TextSize measure(const std::string& text, const TextStyle& style);
    // The image as a PNG file, with no metadata chunks (no time, no software name).
    std::string png();

private:
    const CardLayout& m_layout;
    cairo_surface_t* m_surface = nullptr;
    cairo_t* m_cr = nullptr;
};

// `colour` as cairo's source colour.
void set_colour(cairo_t* cr, const Colour& colour);

// How many characters of `text` the layout's fonts have no glyph for.
int count_unknown_glyphs(const std::string& text, const CardLayout& layout);

}  // namespace memeops::meme::card
