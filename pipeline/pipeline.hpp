// The one path every event takes, whoever produced it: the hooks and `tag` (commit events),
// `emit`, `memeify --post`, `confusion --post`, the bot's POST /v1/events and its webhooks.
//
//   validate (meme::parse_events, by the producer) → normalise → deduplicate → archive →
//   react (meme/: detectors, CI status, sarcasm, versions; no storage) → enqueue (memes and
//   their outbox rows, one per destination that takes them) → remember (detector state, key)
//
// Nothing else writes entries' memes or deliveries. A batch is handled in one write
// transaction, so it is archived whole or not at all, and a caller acknowledges it only after
// handle() returns.
//
// Thread safety: a Pipeline is used by one thread at a time (it owns per-run detector copies).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/destinations.hpp"
#include "meme/detectors.hpp"
#include "meme/event.hpp"
#include "meme/reactions.hpp"
#include "meme/sarcasm.hpp"
#include "storage/archive.hpp"
#include "storage/ingest_store.hpp"

namespace memeops::pipeline {

// A model version an event made or updated.
struct VersionResult {
    storage::VersionNames names;
    bool made = false;                         // it became a version with this event
    std::vector<std::string> metrics_changed;  // metrics whose value is new or different
};

// What handling one event did.
struct HandledEvent {
    std::int64_t entry_id = 0;  // the entry it was archived as (for a duplicate: the first one's)
    bool duplicate = false;     // its id, or its commit, was seen before: nothing new was said
    std::vector<storage::Meme> memes;           // what it made, with their deliveries
    std::optional<meme::SarcasmScore> sarcasm;  // message events: the score and its reasons
    std::optional<VersionResult> version;       // commit and training.end events
};

// Mode::preview works everything out the same way, then rolls it all back.
enum class Mode { apply, preview };

// ConsoleShown::yes: the producer already showed these memes to the person at the console (a
// hook's tag line), so console deliveries are recorded as delivered.
enum class ConsoleShown { no, yes };

// The archive entry of a "commit" event: git's facts (author, parents, diff stats) as the hooks
// send them. Backfill archives history in bulk with the same shape.
storage::Entry commit_entry(const meme::Event& event);

class Pipeline {
public:
    // `archive` must outlive the Pipeline. `destinations` decide where memes are queued.
    Pipeline(storage::Archive& archive, std::vector<core::Destination> destinations,
             meme::DetectorThresholds thresholds = {});

    // Handles `events` in one transaction. `key_source` scopes their ids ("event", "github", …).
    // Throws storage::SqliteError or core::Fatal when the archive cannot take them: then none
    // was archived.
    std::vector<HandledEvent> handle(std::span<const meme::Event> events, const std::string& key_source,
                                Mode mode = Mode::apply, ConsoleShown shown = ConsoleShown::no);

    // Like handle() in apply mode, inside the caller's open write transaction and without a
    // savepoint of its own (a savepoint copies every page it first changes, which costs more
    // than the rest of an epoch). When this throws, part of `events` may be written: the caller
    // must roll back its whole transaction. The cached state is forgotten already.
    std::vector<HandledEvent> handle_within(std::span<const meme::Event> events, const std::string& key_source);
    // Drops what this pipeline keeps in memory about the archive (detector copies, known repos).
    // For a caller whose own enclosing transaction rolled back after handle() returned.
    void forget_cached_state();

private:
    // What the archive stage found out that the react stage needs.
    struct Archived {
        std::int64_t entry_id = 0;
        bool seen_commit = false;  // a commit event for a commit archived before
        std::optional<std::string> previous_ci;   // ci.pipeline: the last status before this one
        meme::TrainingDetector* detector = nullptr;  // training.epoch: set when the epoch is new
        storage::IngestStore::RunVersion run;  // training.*: the run as the archive held it before this event
        std::optional<meme::SarcasmScore> sarcasm;
        std::optional<VersionResult> version;
        std::string version_summary;
    };

    // Every stage for each of `events`, in the transaction already open.
    std::vector<HandledEvent> handle_all(std::span<const meme::Event> events, const std::string& key_source);
    HandledEvent handle_one(const meme::Event& received, const std::string& key_source);
    Archived archive(const meme::Event& event);
    std::vector<meme::Reaction> react(const meme::Event& event, Archived& archived);
    // `console_shown`: the person saw these memes already (a hook's line, `tag`'s output).
    // `epoch`: the training.epoch event's, stored with each meme.
    std::vector<storage::Meme> enqueue(std::int64_t entry_id, const std::vector<meme::Reaction>& reactions,
                                       bool console_shown, std::optional<int> epoch);
    void remember(const meme::Event& event, const Archived& archived);

    Archived archive_training(const meme::Event& event);
    Archived archive_ci(const meme::Event& event);
    Archived archive_commit(const meme::Event& event);
    Archived archive_message(const meme::Event& event);
    Archived archive_confusion(const meme::Event& event);
    // The run's training entry, created on its first event, its state version and newest epoch.
    storage::IngestStore::RunVersion run_entry(const meme::Event& event);
    // The git entry of the event's commit, archived as a plain commit when it is not yet.
    std::int64_t commit_entry_id(const meme::Event& event, bool& seen);
    VersionResult make_version(std::int64_t entry_id, const meme::Event& event);

    storage::Archive& m_archive;
    std::vector<core::Destination> m_destinations;
    std::vector<core::Destination> m_console_destinations;
    meme::DetectorThresholds m_thresholds;
    ConsoleShown m_shown = ConsoleShown::no;
    struct CachedRun {
        std::int64_t version = -1;  // of the state saved last (-1: unknown, restore)
        meme::TrainingDetector detector;
        int state_epoch = -1;       // the epoch that state is the state after
        int fed_since_saved = 0;    // epochs fed since that state
        core::TimeMs entry_time_at_least = 0;  // of the run's entry (storage::IngestStore::add_epoch)
    };
    // A run's detector state is saved once this many epochs were fed since the last save, not
    // after every epoch: that would rewrite a page of its own for each epoch. Restoring feeds
    // the epochs archived since then again (about this many: cheap), and the rules are
    // deterministic, so the restored copy says what the dropped one would have. An epoch resent,
    // or arriving after a later one, is never judged: when it is newer than the state saved, the
    // state is saved at once, so a restore never feeds it either.
    static constexpr int k_epochs_per_state_save = 16;
    // The run's detector and what is known of its entry: the copy kept in memory while it
    // matches the archive (the same state version and newest epoch: no other writer, no
    // rollback since), else restored from the archive: its saved state, then the epochs
    // archived after it fed again, silently.
    CachedRun& cached_run(const std::string& run, const storage::IngestStore::RunVersion& archived);
    // Saves the state of `cached`, the detector of `run` (its entry `entry_id`), given the
    // version read in this transaction; it is then current.
    void save_state(const std::string& run, std::int64_t entry_id, CachedRun& cached, std::int64_t version_read,
                    core::TimeMs time);
    std::unordered_map<std::string, CachedRun> m_runs;
    static constexpr size_t k_max_cached_runs = 10'000;
};

}  // namespace memeops::pipeline
