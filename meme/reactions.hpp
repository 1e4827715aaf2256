// What an event is worth saying, as captions: one pure function per kind of reaction, from the
// event and the facts the pipeline looked up for it (the previous CI status, the version's
// names, the detector's findings). Nothing here reads or writes the archive.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "meme/caption.hpp"
#include "meme/detectors.hpp"
#include "meme/event.hpp"
#include "meme/sarcasm.hpp"

namespace memeops::meme {

// A reaction about to become a meme: contract §3's name, its priority (0 = P0) and captions.
struct Reaction {
    std::string reaction;
    int priority = 3;
    Caption caption;
};


// training.crash: P0, quoting the first line of the error.
Reaction crash_reaction(const Event& event);

// training.end with success: P2, naming the metric the run is best described by.
Reaction finished_reaction(const Event& event);

// ci.pipeline: failed, fixed or passed against `previous` (the last status of the same repo,
// branch and pipeline); nullopt for a status that says neither (running, cancelled, …).
std::optional<Reaction> ci_pipeline_reaction(const Event& event, const std::optional<std::string>& previous);

// version.tagged for `names`; `summary` is the commit's subject or "run <id>".
Reaction version_reaction(const storage::VersionNames& names, const Event& event, const std::string& summary);

// sarcasm for a message whose score says so; nullopt otherwise.
std::optional<Reaction> sarcasm_reaction(const Event& event, const SarcasmScore& score);

// confusion.matrix: P3, the emoji grid with the accuracy.
Reaction confusion_reaction(const Event& event);

// One reaction per detection of `run`'s detector, with the metric's sparkline.
std::vector<Reaction> training_reactions(const std::vector<Detection>& detections, const std::string& run,
                                         const TrainingDetector& detector);

// "run r · epoch 3 · loss 0.31 · val_loss 0.35", the summary line of a run's latest epoch.
std::string epoch_summary(const std::string& run, int epoch, const storage::Metrics& metrics);

}  // namespace memeops::meme
