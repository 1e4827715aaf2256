// What the two webhook targets share: the server's path from a delivery's body to events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "bot/webhooks.hpp"
#include "core/json.hpp"
#include "meme/event.hpp"

namespace memeops::fuzz {

// Parses `data` as the server does and maps it as each of `kinds` with `mapper` (called as
// mapper(kind, payload) -> std::optional<bot::WebhookEvent>); every mapped event must either
// validate or be refused with InvalidEvent (the server's 400). Returns 0 for libFuzzer.
template <typename Mapper>
int map_webhook(const std::uint8_t* data, std::size_t size, Mapper mapper, std::initializer_list<const char*> kinds) {
    auto payload = core::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!payload.ok()) return 0;
    for (const char* kind : kinds) {
        std::optional<bot::WebhookEvent> mapped = mapper(std::string(kind), payload.value);
        if (!mapped) continue;
        try {
            (void)meme::parse_events(mapped->event, 0);
        } catch (const meme::InvalidEvent&) {
        }
    }
    return 0;
}

}  // namespace memeops::fuzz
