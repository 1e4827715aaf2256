// What the bot's ingest keeps beside the entries: idempotency keys, each training run's detector
// state and entry, and per-epoch metrics. Built on an open Archive and its connection; every
// write joins the caller's transaction when there is one.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/archive.hpp"

namespace memeops::storage {

class IngestStore {
public:
    explicit IngestStore(Archive& archive) : m_archive(archive) {}

    // The entry an idempotency key ("<source>:<id>") was first accepted as (0 when it made
    // none), or nullopt for a key not seen before.
    std::optional<std::int64_t> find_key(const std::string& key);
    void remember_key(const std::string& key, std::int64_t entry_id, core::TimeMs received);

    struct RunState {
        std::int64_t entry_id = 0;  // the run's training entry
        nlohmann::json state;       // the detectors' memory (meme::TrainingDetector::state)
        std::int64_t version = 0;   // grows with every save; a rolled-back save leaves the old one
        core::TimeMs entry_time = 0;  // the run entry's (0: no entry)
    };
    std::optional<RunState> run_state(const std::string& run);

    // Enough to tell whether a copy of the run's detector kept in memory is still current,
    // without reading its state.
    struct RunVersion {
        std::int64_t entry_id = 0;  // the run's training entry
        std::int64_t version = 0;   // of its saved state
        int newest_epoch = -1;      // the newest epoch archived for the entry (-1: none)
    };
    std::optional<RunVersion> run_version(const std::string& run);
    // Saves the state (`state_json`: the text of its JSON object) and returns its new version:
    // `version_read` + 1, where `version_read` is the run's version as read in this same write
    // transaction (0: the run had no row). The archive adds one to the version it holds; a stale `version_read` only
    // makes the copy kept in memory look out of date, so it is restored from the archive.
    // (No RETURNING clause: SQLite builds a temporary table for it on every call.)
    std::int64_t save_run_state(const std::string& run, std::int64_t entry_id, std::string_view state_json,
                                core::TimeMs updated, std::int64_t version_read);

    // The last `limit` epochs recorded for the run entry, oldest first.
    std::vector<std::pair<int, Metrics>> recent_epochs(std::int64_t entry_id, int limit);
    // What restoring a detector saved after epoch `state_epoch` reads, oldest first: the last
    // `window` epochs up to `state_epoch`, then every epoch after it.
    std::vector<std::pair<int, Metrics>> epochs_to_restore(std::int64_t entry_id, int state_epoch, int window);

    // Records one epoch's metrics for the run entry (a resent epoch replaces the first), makes
    // them the entry's current metrics and summary, and moves the entry's time to `time` when
    // it is more than a minute newer. Returns what the entry's time is now known to be at least;
    // given that back as `entry_time_at_least` with the next epoch, it saves the look at the
    // entry's time while that is under a minute old.
    core::TimeMs add_epoch(std::int64_t entry_id, int epoch, core::TimeMs time, const Metrics& metrics,
                           const std::string& summary, core::TimeMs entry_time_at_least = 0);

private:
    Archive& m_archive;
};

}  // namespace memeops::storage
