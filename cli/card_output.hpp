// Meme cards in the CLI: the card of an archive entry or of an event a preview handled, with
// the picture from what the archive holds (the run's epochs, the pipeline's last runs), and
// writing it to a file. Shared by `card`, `memeify --png`, `replay --png` and `confusion --png`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "delivery/deliverer.hpp"
#include "meme/card/card.hpp"
#include "meme/event.hpp"
#include "pipeline/pipeline.hpp"
#include "storage/archive.hpp"

namespace memeops::cli {

// How this process delivers: cards posted as the environment says (delivery/card_post.hpp),
// their curves marked with the context's detector thresholds.
delivery::DelivererOptions delivery_options(Context& context);

// The card of `entry`'s meme of `reaction` (the newest of that reaction), or by default its most
// urgent. Throws core::Fatal when the entry has no meme (of that reaction).
meme::card::Card entry_card(storage::Archive& archive, const storage::Entry& entry,
                            const std::optional<std::string>& reaction, const meme::DetectorThresholds& thresholds);

// The card of the most urgent meme a preview made for `events` (handled[i] is events[i]'s
// outcome); `archive` is what the preview read, holding what came before the events. nullopt
// when they made no meme.
std::optional<meme::card::Card> event_card(storage::Archive& archive, const std::vector<meme::Event>& events,
                                           const std::vector<pipeline::HandledEvent>& handled,
                                           const meme::DetectorThresholds& thresholds);

// The card of `events` as a preview shows them (event_card), worked out against the archive
// without changing it. nullopt when they make no meme.
std::optional<meme::card::Card> preview_card(Context& context, const std::vector<meme::Event>& events);

// Renders `card` into `path` (write_card) and says so on `note`: "Wrote FILE (reaction, N bytes)."
void save_card(const meme::card::Card& card, const std::string& path, Io& io, std::ostream& note);

// Writes `png` to `path`; "-" is standard output, refused when it is a terminal (a PNG there
// is noise). Throws core::Fatal naming the file when it cannot be written.
void write_card(const std::string& path, const std::string& png, Io& io);

}  // namespace memeops::cli
