// The pictures of meme cards, one drawing function per kind (meme/card/card.hpp lists them).
// Internal to meme/card/.
#pragma once

#include "meme/card/canvas.hpp"
#include "meme/card/card.hpp"

namespace memeops::meme::card {

// Draws `picture` inside `area` of `canvas`.
void draw_picture(Canvas& canvas, const Picture& picture, const Rect& area, int priority);

}  // namespace memeops::meme::card
