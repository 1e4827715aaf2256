// Turns validated events into archive entries, memes and outbox rows: the one path every event
// takes, whether it came to the bot's HTTP API, a webhook, `emit` or `memeify`.
//
// A batch is handled in one write transaction, so it is archived whole or not at all, and the
// caller acknowledges it only after handle() returns. Per event: the idempotency key is checked
// (a key seen before makes it a duplicate, nothing else happens), the entry is archived, the
// reactions are derived (training detectors with their state kept per run in the archive, CI
// status against the last one of the same repo, branch and pipeline, the sarcasm score of
// messages), and each meme gets a pending delivery for every destination whose route takes it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/destinations.hpp"
#include "meme/caption.hpp"
#include "meme/detectors.hpp"
#include "meme/event.hpp"
#include "meme/sarcasm.hpp"
#include "storage/archive.hpp"

namespace memeops::bot {

struct HandledEvent {
    std::int64_t entry_id = 0;  // the entry it was archived as (for a duplicate: the first one's)
    bool duplicate = false;
    std::vector<storage::Meme> memes;           // what it made, with their deliveries
    std::optional<meme::SarcasmScore> sarcasm;  // message events: the score and its reasons
};

enum class Commit { yes, dry_run };

class EventHandler {
public:
    EventHandler(storage::Archive& archive, std::vector<core::Destination> destinations,
                 meme::DetectorThresholds thresholds = {});

    // Handles `events` in one transaction. `key_source` scopes their ids ("event", "github", …).
    // With Commit::dry_run everything is worked out the same way and then rolled back.
    // Throws storage::SqliteError or core::Fatal when the archive cannot take them: then none
    // was archived.
    std::vector<HandledEvent> handle(std::span<const meme::Event> events, const std::string& key_source,
                                     Commit commit = Commit::yes);

private:
    HandledEvent handle_one(const meme::Event& event, const std::string& key_source);
    void handle_training_epoch(const meme::Event& event, HandledEvent& out);
    void handle_training_end(const meme::Event& event, HandledEvent& out);
    void handle_training_crash(const meme::Event& event, HandledEvent& out);
    void handle_ci(const meme::Event& event, HandledEvent& out);
    void handle_commit(const meme::Event& event, HandledEvent& out);
    void handle_message(const meme::Event& event, HandledEvent& out);
    // The run's training entry, created on its first event, and its state version.
    std::pair<std::int64_t, std::int64_t> run_entry(const meme::Event& event);
    // The run's detector: the copy kept in memory while the archive's version matches it (no
    // other writer, no rollback since), else restored from the archive.
    meme::TrainingDetector& run_detector(const std::string& run, std::int64_t entry_id, std::int64_t version);
    void make_version(const meme::Event& event, HandledEvent& out);
    // A meme of `reaction`, routed to the destinations that take it, attached to the entry.
    void attach_meme(HandledEvent& out, const std::string& reaction, int priority, const meme::Caption& caption);

    storage::Archive& m_archive;
    std::vector<core::Destination> m_destinations;
    meme::DetectorThresholds m_thresholds;
    struct CachedRun {
        std::int64_t version = -1;
        meme::TrainingDetector detector;
    };
    std::unordered_map<std::string, CachedRun> m_runs;
    static constexpr size_t k_max_cached_runs = 10'000;
};

}  // namespace memeops::bot
