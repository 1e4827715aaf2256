// The card of an archived meme: the picture from what the archive holds (the run's epochs, the
// pipeline's last runs, the matrix, the version, the score), rendered to PNG. What `memeops
// card`, the chat messages and `serve`'s GET /v1/memes/… route all show for one meme.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "meme/card/card.hpp"
#include "meme/detectors.hpp"
#include "storage/archive.hpp"

namespace memeops::delivery {

// How many of a pipeline's runs its CI card shows.
inline constexpr int k_card_ci_runs = 12;

// Every epoch a training entry holds (a card draws the whole run), oldest first.
std::vector<meme::EpochMetrics> run_epochs(storage::Archive& archive, std::int64_t entry_id);

// A training reaction's picture: the curves, or for a crash before any epoch its error `text`.
meme::card::Picture training_picture(const std::string& reaction, const std::vector<meme::EpochMetrics>& epochs,
                                     std::optional<int> marked, const std::string& text,
                                     const meme::DetectorThresholds& thresholds);

// The card of `meme`, one of `entry`'s memes.
meme::card::Card meme_card(storage::Archive& archive, const storage::Entry& entry, const storage::Meme& meme,
                           const meme::DetectorThresholds& thresholds);

// The card of meme `meme_id`, or nullopt when the archive has no such meme.
std::optional<meme::card::Card> archived_card(storage::Archive& archive, std::int64_t meme_id,
                                              const meme::DetectorThresholds& thresholds);

// `card` rendered on a thread of its own, or nullopt when that takes longer than `limit_ms`
// (the render then finishes in the background and is thrown away): a slow render never holds
// a message back. Throws what render_card throws.
std::optional<std::string> render_within(meme::card::Card card, core::TimeMs limit_ms);

// The PNG of meme `meme_id`'s card, or nullopt when the archive has no such meme. Throws
// std::runtime_error when rendering fails.
std::optional<std::string> meme_card_png(storage::Archive& archive, std::int64_t meme_id,
                                         const meme::DetectorThresholds& thresholds);

}  // namespace memeops::delivery
