// What posting meme cards needs from the archive: the key that signs their public links (made
// once per archive, so `serve` and `flush` on one archive sign alike and a restart keeps the
// links Slack already holds working) and the entry a meme belongs to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/archive.hpp"

namespace memeops::storage {

// The secret `name` (hex), or nullopt when it was never made. Works on a read-only archive.
std::optional<std::string> find_secret(Archive& archive, const std::string& name);

// The secret `name`, made now from `bytes` random bytes when the archive has none yet (two
// processes racing both end with the first one's). Needs a writable archive.
std::string secret(Archive& archive, const std::string& name, size_t bytes);

// The id of the entry meme `meme_id` belongs to, or nullopt for an unknown meme.
std::optional<std::int64_t> entry_of_meme(Archive& archive, std::int64_t meme_id);

}  // namespace memeops::storage
