// The destinations as people and monitoring see them (`status`, /healthz, /metrics): every
// configured destination, then every destination key that still has memes waiting but is not
// configured any more (its URL removed or changed), so no meme waits unseen. A key is a
// fingerprint, never the URL; configured URLs appear only redacted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/destinations.hpp"
#include "storage/outbox.hpp"

namespace memeops::delivery {

struct DestinationView {
    std::string key;                  // core::Destination::key()
    std::optional<std::string> name;  // nullopt: not configured
    std::string type;                 // "slack", "discord", "console" ("unbound" for rows of before keys)
    std::optional<std::string> url;   // redacted (core::redact_url)
    bool disabled = false;
    std::optional<std::string> last_error;
    std::int64_t pending = 0;

    bool configured() const { return name.has_value(); }
    // What to call it: its name, else its key (metrics labels).
    std::string label() const { return name.value_or(key); }
};

// The configured destinations (once per key, first name wins) with their health and waiting
// count, then the unconfigured keys with memes waiting, by key.
std::vector<DestinationView> destination_views(storage::Outbox& outbox,
                                               const std::vector<core::Destination>& configured);

}  // namespace memeops::delivery
