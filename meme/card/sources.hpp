// What a card shows, from what MemeOps knows about a meme: the picture that fits its reaction
// (meme/card/card.hpp) from a run's epochs, a matrix, CI statuses, a version or a score. Pure:
// callers read the archive and pass what they found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "meme/card/card.hpp"
#include "meme/detectors.hpp"
#include "storage/entry.hpp"

namespace memeops::meme::card {

// The curves of a training reaction over `epochs` (oldest first): loss and val_loss for
// overfitting, NaN, plateau and the end of a run; the loss alone for a sudden drop and an
// oscillation; validation (else training) accuracy with the breakthrough line for breakthrough
// and a falling streak. Metrics the run lacks are left out. `marked` is the firing epoch.
CurvePicture training_picture(const std::string& reaction, const std::vector<EpochMetrics>& epochs,
                              std::optional<int> marked, const DetectorThresholds& thresholds);

// The epoch `reaction` fired at when `epochs` are replayed with `thresholds`: the last epoch it
// fired at (the bot posts each once, so that is the meme's). For training.crash and
// training.finished, and a reaction that never fires in them: the last epoch; nullopt without
// epochs.
std::optional<int> firing_epoch(const std::string& reaction, const std::vector<EpochMetrics>& epochs,
                                const DetectorThresholds& thresholds);

// The subject an archive entry names: run, pipeline (a CI entry's event "name"), branch, tag,
// commit, repository.
Subject subject_of(const storage::Entry& entry);

// A card of `meme` about `subject` with `picture`.
Card card_of(const storage::Meme& meme, Subject subject, Picture picture);

// The meme of `memes` a card shows by default: the most urgent, the newest of those.
// REQUIRES: `memes` is not empty.
const storage::Meme& card_meme(const std::vector<storage::Meme>& memes);

// A file name for the card of `meme` about `subject`: "memeops-<subject>-<reaction>.png",
// reduced to letters, digits, '-', '_' and '.' (so it is safe in any folder).
std::string card_file_name(const Subject& subject, const std::string& reaction);

}  // namespace memeops::meme::card
