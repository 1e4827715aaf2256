// PNG encoding of a drawn card, tuned for what cards are: flat colours, text and lines. Cairo's
// own writer lets libpng try every row filter with zlib's default effort, which made PNG
// encoding about nine tenths of a card's render time; one filter ("up", which suits rows that
// repeat the row above) at zlib's fastest level encodes several times faster for files about a
// tenth larger. The same pixels always give the same bytes.
#pragma once

#include <cstdint>
#include <string>

namespace memeops::meme::card {

// The PNG file (8-bit RGB, no alpha) of `height` rows of `width` pixels in cairo's RGB24 layout
// (one native-endian 32-bit word per pixel, 0x00RRGGBB), rows `stride` bytes apart.
// Throws std::runtime_error when libpng fails (out of memory).
std::string encode_png_rgb24(const unsigned char* pixels, int width, int height, int stride);

}  // namespace memeops::meme::card
