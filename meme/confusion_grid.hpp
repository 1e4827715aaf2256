// The emoji of a confusion matrix's cells, shared by the text grid (render_confusion) and the
// meme card's picture.
#pragma once

#include <cstddef>
#include <string>

#include "meme/confusion.hpp"

namespace memeops::meme {

// The emoji of one cell (row: true label, column: predicted). Two classes: "💯 TP", "🔥 TN",
// "⚠️ FN", "❌ FP"; more: the heat emoji render_confusion describes (🟩 correct; 🟨, 🟧, 🟥 by
// the error's share of the true class's row; ⬜ none).
std::string cell_emoji(const ConfusionMatrix& matrix, size_t row, size_t column);

}  // namespace memeops::meme
