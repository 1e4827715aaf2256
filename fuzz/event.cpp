// Events as the bot's API, memeify and emit read them: the document (JSON plus Python's bare NaN
// and infinities), then validation. Bad input may only end in InvalidEvent or a parse error;
// a valid event must survive being archived as JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "meme/event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto document = memeops::meme::parse_event_document(text);
    if (!document.ok()) return 0;
    try {
        for (const auto& event : memeops::meme::parse_events(document.value, 0)) {
            (void)memeops::meme::entry_kind(event);
            (void)event.raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    } catch (const memeops::meme::InvalidEvent&) {
    }
    return 0;
}
