#include "meme/card/png_encode.hpp"

#include <png.h>

#include <stdexcept>
#include <vector>

namespace memeops::meme::card {
namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}

void no_flush(png_structp) {}

[[noreturn]] void fail(png_structp, png_const_charp message) {
    throw std::runtime_error(std::string("cannot encode a card: ") + message);
}

// One RGB24 row as the 3 bytes per pixel PNG wants.
void to_rgb(const unsigned char* row, int width, std::vector<png_byte>& out) {
    const auto* words = reinterpret_cast<const std::uint32_t*>(row);
    for (int x = 0; x < width; ++x) {
        out[size_t(3 * x)] = png_byte(words[x] >> 16);
        out[size_t(3 * x + 1)] = png_byte(words[x] >> 8);
        out[size_t(3 * x + 2)] = png_byte(words[x]);
    }
}

// Owns libpng's write state. libpng reports errors through fail(), which throws: C++
// exceptions pass through libpng's C frames here because it is built with unwind tables.
struct PngWriter {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, fail, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    ~PngWriter() { png_destroy_write_struct(&png, &info); }
};

}  // namespace

std::string encode_png_rgb24(const unsigned char* pixels, int width, int height, int stride) {
    PngWriter writer;
    if (!writer.png || !writer.info) throw std::runtime_error("cannot encode a card: out of memory");
    std::string out;
    png_set_write_fn(writer.png, &out, append_bytes, no_flush);
    png_set_IHDR(writer.png, writer.info, png_uint_32(width), png_uint_32(height), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(writer.png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(writer.png, 1);
    png_write_info(writer.png, writer.info);
    std::vector<png_byte> row(size_t(width) * 3);
    for (int y = 0; y < height; ++y) {
        to_rgb(pixels + size_t(y) * size_t(stride), width, row);
        png_write_row(writer.png, row.data());
    }
    png_write_end(writer.png, nullptr);
    return out;
}

}  // namespace memeops::meme::card
