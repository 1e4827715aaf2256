// `memeops confusion`'s input: JSON [{"label","pred"}] or CSV label,pred (core/csv.hpp), then
// the matrix, its JSON and its emoji grid. Bad input may only end in the std::runtime_error
// naming the record.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "meme/confusion.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    memeops::meme::ConfusionMatrix matrix;
    try {
        matrix = memeops::meme::confusion_matrix(memeops::meme::parse_predictions(text));
    } catch (const std::runtime_error&) {
        return 0;
    }
    (void)memeops::meme::to_json(matrix).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)memeops::meme::render_confusion(matrix);
    return 0;
}
