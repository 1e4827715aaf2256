// PNG cards read back for the tests: decoded with cairo, as a grid of RGB pixels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memeops::test {

struct Rgb {
    int r = 0, g = 0, b = 0;
};

struct DecodedPng {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  // cairo's RGB24, row after row
    Rgb at(int x, int y) const;
};

// Decodes `png` (cairo_image_surface_create_from_png_stream). Throws std::runtime_error when it
// is not a PNG.
DecodedPng decode_png(const std::string& png);

// How many pixels of `image` in the rectangle differ from `background` by more than `tolerance`
// on some channel.
long pixels_unlike(const DecodedPng& image, Rgb background, int x, int y, int w, int h, int tolerance = 24);

// How many pixels in the rectangle are colourful: their channels differ by more than 60 (grey,
// black and white text have equal channels; colour emoji do not).
long colourful_pixels(const DecodedPng& image, int x, int y, int w, int h);

// The chunk types of `png` in order ("IHDR", "IDAT", …, "IEND").
std::vector<std::string> png_chunks(const std::string& png);

}  // namespace memeops::test
