// Public links to meme cards, for Slack image blocks (Slack fetches an image block's URL
// anonymously, so the link itself is the credential):
//   <MEMEOPS_PUBLIC_URL>/v1/memes/<meme id>-<signature>.png
// The signature is HMAC-SHA256 over the meme id with a key the archive keeps (32 random bytes
// made on first use, storage/card_store.hpp), cut to 128 bits. A key of its own, not one derived
// from MEMEOPS_TOKEN: the links work without a token (a bot on loopback behind a proxy), a token
// can be rotated without breaking the links already posted, and a published signature gives no
// one a way to test guesses of the token offline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/archive.hpp"

namespace memeops::delivery {

// Where `serve` answers the card links: the route's prefix.
inline constexpr std::string_view k_card_route = "/v1/memes/";

// The link to meme `meme_id`'s card under `public_url` (a trailing "/" allowed), making the
// archive's key when it has none yet (so `archive` must be writable).
std::string card_link(storage::Archive& archive, const std::string& public_url, std::int64_t meme_id);

// The meme id of `file` ("<id>-<signature>.png", what follows k_card_route) when its signature is
// right (compared in constant time); nullopt for anything else, a missing key included.
std::optional<std::int64_t> verified_card_id(storage::Archive& archive, std::string_view file);

}  // namespace memeops::delivery
