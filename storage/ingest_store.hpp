// What the bot's ingest keeps beside the entries: idempotency keys, each training run's detector
// state and entry, and per-epoch metrics. Built on an open Archive and its connection; every
// write joins the caller's transaction when there is one.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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
    };
    std::optional<RunState> run_state(const std::string& run);
    void save_run_state(const std::string& run, const RunState& state, core::TimeMs updated);

    // Records one epoch's metrics for the run entry (a resent epoch replaces the first), makes
    // them the entry's current metrics and summary, and moves the entry's time to `time`.
    void add_epoch(std::int64_t entry_id, int epoch, core::TimeMs time, const Metrics& metrics,
                   const std::string& summary);

private:
    Archive& m_archive;
};

}  // namespace memeops::storage
