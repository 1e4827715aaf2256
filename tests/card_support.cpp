#include "card_support.hpp"

#include <cairo.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace memeops::test {
namespace {

struct Reader {
    const std::string& data;
    size_t at = 0;
};

cairo_status_t read_bytes(void* closure, unsigned char* out, unsigned int length) {
    auto* reader = static_cast<Reader*>(closure);
    if (reader->data.size() - reader->at < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(out, reader->data.data() + reader->at, length);
    reader->at += length;
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Rgb DecodedPng::at(int x, int y) const {
    std::uint32_t p = pixels[size_t(y) * size_t(width) + size_t(x)];
    return {int((p >> 16) & 0xff), int((p >> 8) & 0xff), int(p & 0xff)};
}

DecodedPng decode_png(const std::string& png) {
    Reader reader{png};
    cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(read_bytes, &reader);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        throw std::runtime_error("not a PNG");
    }
    DecodedPng out;
    out.width = cairo_image_surface_get_width(surface);
    out.height = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    for (int y = 0; y < out.height; ++y) {
        auto row = reinterpret_cast<const std::uint32_t*>(data + size_t(y) * size_t(stride));
        out.pixels.insert(out.pixels.end(), row, row + out.width);
    }
    cairo_surface_destroy(surface);
    return out;
}

long pixels_unlike(const DecodedPng& image, Rgb bg, int x0, int y0, int w, int h, int tolerance) {
    long count = 0;
    for (int y = std::max(0, y0); y < std::min(image.height, y0 + h); ++y)
        for (int x = std::max(0, x0); x < std::min(image.width, x0 + w); ++x) {
            Rgb p = image.at(x, y);
            count += std::abs(p.r - bg.r) > tolerance || std::abs(p.g - bg.g) > tolerance || std::abs(p.b - bg.b) > tolerance;
        }
    return count;
}

long colourful_pixels(const DecodedPng& image, int x0, int y0, int w, int h) {
    long count = 0;
    for (int y = std::max(0, y0); y < std::min(image.height, y0 + h); ++y)
        for (int x = std::max(0, x0); x < std::min(image.width, x0 + w); ++x) {
            Rgb p = image.at(x, y);
            count += std::max({p.r, p.g, p.b}) - std::min({p.r, p.g, p.b}) > 60;
        }
    return count;
}

std::vector<std::string> png_chunks(const std::string& png) {
    std::vector<std::string> chunks;
    for (size_t at = 8; at + 8 <= png.size();) {
        auto byte = [&](size_t i) { return std::uint32_t(static_cast<unsigned char>(png[at + i])); };
        std::uint32_t length = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
        chunks.push_back(png.substr(at + 4, 4));
        at += 12 + length;
    }
    return chunks;
}

}  // namespace memeops::test
