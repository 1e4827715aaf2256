// The console form of memes: what `serve` and `flush` print when no webhook is configured.
// Plain text, most urgent first, one block per meme: priority and reaction, the caption, the
// English caption. Control characters in user text are shown as "?" so nothing can move the
// cursor or recolour the terminal. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "delivery/chat_meme.hpp"

namespace memeops::delivery::console {

std::string payload(const std::vector<ChatMeme>& memes);

}  // namespace memeops::delivery::console
