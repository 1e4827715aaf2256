#include "bot/ingest_queue.hpp"

#include <chrono>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"

namespace memeops::bot {
namespace {

constexpr size_t k_max_group_events = 4000;  // one transaction stays short even under a flood
constexpr auto k_checkpoint_interval = std::chrono::milliseconds(200);
constexpr auto k_file_check_interval = std::chrono::seconds(1);  // while no commit comes
// The most the log file keeps on disk once it starts over: what a burst grew it to beyond this
// is given back.
constexpr std::int64_t k_log_size_limit_bytes = 64 * 1024 * 1024;

// What a checkpoint found.
struct CheckpointResult {
    bool busy = false;         // another connection was checkpointing: nothing was copied
    std::int64_t frames = 0;   // in the log
};

// A passive checkpoint on `db`: it never waits for a writer or reader, nor blocks one from
// another connection.
CheckpointResult checkpoint_passively(storage::Database& db) {
    auto pragma = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    storage::Statement row(pragma.get());
    if (!row.step()) return {};
    return {row.column_int(0) != 0, row.column_int(1)};
}

}  // namespace

void configure_writer_connection(storage::Database& db) {
    db.exec("PRAGMA wal_autocheckpoint = 0");  // the checkpointer thread does it
    db.exec("PRAGMA journal_size_limit = " + std::to_string(k_log_size_limit_bytes));
    // Every id the pipeline writes names a row it read or created in the same transaction, and
    // the one delete it makes hands the rows that name the entry over first
    // (storage::RepoStore::join). So SQLite's checks of those references are skipped here: they
    // cost each insert a lookup and a statement journal, about 11% of the writer's instructions
    // per event. Every other connection still enforces them.
    db.exec("PRAGMA foreign_keys = OFF");
}

IngestQueue::IngestQueue(const std::string& archive_path, std::vector<core::Destination> destinations,
                         meme::DetectorThresholds thresholds,
                         std::function<void(const std::vector<pipeline::HandledEvent>&, const std::vector<meme::Event>&)> committed,
                         std::function<void()> archive_lost, std::int64_t log_frames_before_restart)
    : m_log_frames_before_restart(log_frames_before_restart),
      m_archive(storage::Archive::open(archive_path)),
      m_handler(*m_archive, std::move(destinations), thresholds),
      m_committed(std::move(committed)),
      m_archive_lost_callback(std::move(archive_lost)) {
    configure_writer_connection(m_archive->database());
    m_writer = std::thread([this] { writer_loop(); });
    m_answerer = std::thread([this] { answer_loop(); });
    // The checkpointer's connection is opened here, while the file is surely the queue's.
    m_checkpointer = std::thread([this, archive_path, archive = storage::Archive::open(archive_path)]() mutable {
        checkpoint_loop(std::move(archive), archive_path);
    });
}

IngestQueue::~IngestQueue() { stop(); }

void IngestQueue::stop() {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && !m_writer.joinable()) return;
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_writer.joinable()) m_writer.join();
    {
        std::lock_guard lock(m_mutex);
        m_writer_done = true;
    }
    m_answers_ready.notify_all();
    if (m_answerer.joinable()) m_answerer.join();  // every committed group is answered
    m_committed_some.notify_all();
    if (m_checkpointer.joinable()) m_checkpointer.join();
}

void IngestQueue::checkpoint_loop(std::unique_ptr<storage::Archive> archive, const std::string& archive_path) {
    for (;;) {
        bool committed = false;
        {
            std::unique_lock lock(m_mutex);
            m_checkpointer_waiting = true;
            m_committed_some.wait_for(lock, k_file_check_interval, [this] { return m_stopping || m_commits > 0; });
            m_checkpointer_waiting = false;
            if (m_stopping && m_commits == 0) return;  // stopping, and the log is checkpointed
            committed = m_commits > 0;
            m_commits = 0;
        }
        // Also while idle: the archive file deleted or replaced is found within a second, before
        // another process pairs the new file with the lost one's log.
        if (!check_archive_file()) return report_archive_lost();
        if (!committed) continue;
        try {
            if (!archive) archive = storage::Archive::open(archive_path);  // the file is still the queue's
            if (checkpoint_passively(archive->database()).frames >= m_log_frames_before_restart) {
                std::lock_guard lock(m_mutex);
                m_log_needs_restart = true;
            }
        } catch (const std::exception& e) {
            core::log(core::LogLevel::warn, "ingest.checkpoint_failed", {{"error", e.what()}});
            archive.reset();
        }
        std::unique_lock lock(m_mutex);
        m_committed_some.wait_for(lock, k_checkpoint_interval, [this] { return m_stopping; });
    }
}

void IngestQueue::report_archive_lost() {
    if (m_archive_lost.exchange(true)) return;
    core::log(core::LogLevel::error, "ingest.archive_lost", {{"archive", m_archive->path()}});
    if (m_archive_lost_callback) m_archive_lost_callback();
}

void IngestQueue::submit(std::vector<meme::Event> events, std::string key_source, std::function<void(IngestResult)> done) {
    {
        std::unique_lock lock(m_mutex);
        if (m_stopping) {
            lock.unlock();
            return done({{}, "the bot is shutting down"});
        }
        m_waiting.push_back({std::move(events), std::move(key_source), std::move(done)});
    }
    m_wake.notify_one();
}

void IngestQueue::writer_loop() {
    for (;;) {
        std::vector<Request> group;
        bool restart_log = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_waiting.empty(); });
            if (m_waiting.empty()) return;  // stopping, and everything submitted is answered
            size_t events = 0;
            while (!m_waiting.empty() && (group.empty() || events + m_waiting.front().events.size() <= k_max_group_events)) {
                events += m_waiting.front().events.size();
                group.push_back(std::move(m_waiting.front()));
                m_waiting.pop_front();
            }
            restart_log = std::exchange(m_log_needs_restart, false);
        }
        if (restart_log) let_log_restart();
        commit_group(group);
    }
}

void IngestQueue::let_log_restart() {
    try {
        if (!checkpoint_passively(m_archive->database()).busy) return;
        std::lock_guard lock(m_mutex);
        m_log_needs_restart = true;
    } catch (const std::exception& e) {
        core::log(core::LogLevel::warn, "ingest.checkpoint_failed", {{"error", e.what()}});
    }
}

void IngestQueue::refuse_group(std::vector<Request>& group, const std::string& error) {
    for (auto& request : group) request.done({{}, error});
}

bool IngestQueue::check_archive_file() const {
    if (m_archive->still_at_path()) return true;
    m_archive->remove_log_of_lost_file();
    return false;
}

std::string IngestQueue::lost_archive_error() const {
    return "the archive " + m_archive->path() + " was deleted or replaced while the bot ran; it is being reopened, send again";
}

void IngestQueue::commit_group(std::vector<Request>& group) {
    if (m_archive_lost) return refuse_group(group, lost_archive_error());
    std::vector<IngestResult> results(group.size());
    if (!commit_together(group, results)) commit_one_by_one(group, results);
    if (!check_archive_file()) {  // committed into a file no one will read again
        refuse_group(group, lost_archive_error());
        return report_archive_lost();
    }
    bool wake_checkpointer = false;
    {
        std::lock_guard lock(m_mutex);
        ++m_commits;
        wake_checkpointer = m_checkpointer_waiting;  // not while it pauses between checkpoints
        m_answers.push_back({std::move(group), std::move(results)});
    }
    if (wake_checkpointer) m_committed_some.notify_one();
    m_answers_ready.notify_one();
}

bool IngestQueue::commit_together(std::vector<Request>& group, std::vector<IngestResult>& results) {
    try {
        storage::Transaction transaction(m_archive->database());
        for (size_t i = 0; i < group.size(); ++i)
            results[i].handled = m_handler.handle_within(group[i].events, group[i].key_source);
        transaction.commit();
        return true;
    } catch (const std::exception& e) {
        m_handler.forget_cached_state();
        if (group.size() > 1)
            core::log(core::LogLevel::debug, "ingest.group_retried", {{"requests", std::to_string(group.size())}, {"error", e.what()}});
        return false;
    }
}

void IngestQueue::commit_one_by_one(std::vector<Request>& group, std::vector<IngestResult>& results) {
    for (size_t i = 0; i < group.size(); ++i) {
        try {
            results[i] = {m_handler.handle(group[i].events, group[i].key_source), {}};
        } catch (const storage::SqliteError& e) {
            results[i] = {{}, std::string("the archive could not commit: ") + e.what()};
            core::log(core::LogLevel::error, "ingest.commit_failed", {{"events", std::to_string(group[i].events.size())}, {"error", e.what()}});
        } catch (const std::exception& e) {
            results[i] = {{}, e.what()};
            core::log(core::LogLevel::error, "ingest.failed", {{"events", std::to_string(group[i].events.size())}, {"error", e.what()}});
        }
    }
}

void IngestQueue::answer_loop() {
    for (;;) {
        std::deque<Answers> ready;
        {
            std::unique_lock lock(m_mutex);
            m_answers_ready.wait(lock, [this] { return m_writer_done || !m_answers.empty(); });
            if (m_answers.empty()) return;  // the writer stopped, and every group is answered
            ready.swap(m_answers);
        }
        for (auto& answers : ready) answer(answers);
    }
}

void IngestQueue::answer(Answers& answers) {
    // Observers (metrics, the dashboard's change feed, the dispatcher) learn of the group before
    // any sender hears 202, so whatever a client reads after its answer already counts the event.
    std::vector<pipeline::HandledEvent> all_handled;
    std::vector<meme::Event> all_events;
    for (size_t i = 0; i < answers.group.size(); ++i) {
        if (!answers.results[i].error.empty()) continue;
        const auto& handled = answers.results[i].handled;
        auto& events = answers.group[i].events;
        all_handled.insert(all_handled.end(), handled.begin(), handled.end());
        all_events.insert(all_events.end(), std::make_move_iterator(events.begin()),
                          std::make_move_iterator(events.end()));  // handled: no longer needed
    }
    try {
        if (m_committed && !all_handled.empty()) m_committed(all_handled, all_events);
    } catch (const std::exception& e) {  // the events are committed: their senders get 202 whatever an observer did
        core::log(core::LogLevel::error, "ingest.observer_failed", {{"error", e.what()}});
    }
    for (size_t i = 0; i < answers.group.size(); ++i) answers.group[i].done(std::move(answers.results[i]));
}

}  // namespace memeops::bot
