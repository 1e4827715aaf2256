// Durable ingest with group commit: the HTTP loops hand their validated events to one writer
// thread and go on serving; the writer takes every request waiting, handles them (pipeline/pipeline.hpp)
// in one archive transaction, commits, and only then answers them all. So a 202 always means
// "committed", and a burst of requests costs one commit, not one each. The answers (and the
// `committed` callback) go out from a second thread while the writer starts the next group:
// the one writer does nothing but archive.
//
// The group runs in one transaction without savepoints (they would copy every page each
// request changes). When any request or the commit fails, all of it is rolled back and the
// group is handled again a request at a time, each in its own transaction: the one that fails
// is answered with its error, the others commit.
//
// After each commit, and every second while idle, the queue checks that the archive file is
// still the one it opened: once it was deleted or replaced (another file moved over it),
// nothing more is accepted into the lost file: that group and every later request are answered
// with an error (503), and `archive_lost` is called once, so the server can reopen the archive
// at its path.
//
// The writer's connection does not enforce foreign keys (configure_writer_connection says why
// that is safe); tests/bot_ingest_queue_test.cpp checks that every kind of event leaves the
// archive with none dangling.
//
// A checkpointer thread with its own connection copies the write-ahead log into the archive
// after commits (passive: it never blocks the writer), so requests seldom wait behind a
// checkpoint. The log starts over from its beginning only when a commit finds it all copied
// and no one reading it, which a writer that never pauses never does: it grew by about 130 MB
// a second under bench/bot_bench.sh. So once the log holds `log_frames_before_restart` frames,
// the writer copies the rest itself between two groups (the checkpointer already copied most
// of it; the group waits for the copy and its two syncs), and the next commit starts the log
// over, giving back what it grew beyond 64 MiB. When a checkpoint was running already, the
// writer tries again before its next group; when a reader was reading (the dashboard, the
// delivery workers, a CLI command), the log carries on until the checkpointer's next pass
// asks again.
#pragma once

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/pipeline.hpp"

namespace memeops::bot {

struct IngestResult {
    std::vector<pipeline::HandledEvent> handled;  // in the order submitted; empty on error
    std::string error;                  // set when the archive could not take them
};

// Sets up the writer's own connection: no automatic checkpoints (a thread of the queue makes
// them), a log that gives back what it grew beyond 64 MiB when it starts over, and no
// foreign-key enforcement (see the comment above). bench/ingest_bench uses it too.
void configure_writer_connection(storage::Database& db);

class IngestQueue {
public:
    // Opens its own connection to the archive at `archive_path`. `committed` is called (on the
    // answering thread) after every commit with the handled events, for metrics, the dashboard
    // and to wake the delivery workers, before the group's senders are answered.
    // `archive_lost` is called (once, on the writer or checkpointer thread) when the archive file is found
    // deleted or replaced. `log_frames_before_restart`: see above (16,384 frames: 64 MiB of
    // 4 KiB pages).
    IngestQueue(const std::string& archive_path, std::vector<core::Destination> destinations,
                meme::DetectorThresholds thresholds,
                std::function<void(const std::vector<pipeline::HandledEvent>&, const std::vector<meme::Event>&)> committed,
                std::function<void()> archive_lost = {}, std::int64_t log_frames_before_restart = 16'384);
    ~IngestQueue();

    // Calls `done` once the events are committed (or failed): on the answering or the writer
    // thread, or at once on this one when the queue is stopped. Thread-safe; never blocks on the archive.
    void submit(std::vector<meme::Event> events, std::string key_source, std::function<void(IngestResult)> done);

    // True while the file at the archive's path is the one this queue opened. Once it is not
    // (deleted or replaced), removes that file's leftover log from the path (so it is never
    // replayed into the new file: storage::Archive::remove_log_of_lost_file) and returns false.
    // Thread-safe.
    bool check_archive_file() const;

    // Finishes the requests already submitted, then stops the writer. Later submits fail.
    void stop();

private:
    struct Request {
        std::vector<meme::Event> events;
        std::string key_source;
        std::function<void(IngestResult)> done;
    };

    // A committed (or failed) group, with each request's result, waiting to be answered.
    struct Answers {
        std::vector<Request> group;
        std::vector<IngestResult> results;
    };
    void writer_loop();
    // Copies what is left of the log into the archive, on the writer's connection between two
    // groups, so the next commit starts the log over; asks again when a checkpoint was running.
    void let_log_restart();
    // Handles `group` and hands it, committed or failed, to the answerer.
    void commit_group(std::vector<Request>& group);
    // The whole group in one transaction; false (and all of it rolled back) when anything failed.
    bool commit_together(std::vector<Request>& group, std::vector<IngestResult>& results);
    // Each request in its own transaction, its error in its result.
    void commit_one_by_one(std::vector<Request>& group, std::vector<IngestResult>& results);
    void answer_loop();
    // Calls each request's `done` with its result, then `committed` with what was committed.
    void answer(Answers& answers);
    // Answers every request of `group` with `error`.
    static void refuse_group(std::vector<Request>& group, const std::string& error);
    // The error for requests once the archive file was deleted or replaced.
    std::string lost_archive_error() const;
    // Checkpoints the log after commits with `archive` (its own connection; reopened at
    // `archive_path` after a failure), and checks the archive file every second.
    void checkpoint_loop(std::unique_ptr<storage::Archive> archive, const std::string& archive_path);
    // Marks the archive lost, logs it and calls the archive_lost callback: once, from any thread.
    void report_archive_lost();

    std::int64_t m_log_frames_before_restart;
    std::unique_ptr<storage::Archive> m_archive;
    pipeline::Pipeline m_handler;
    std::function<void(const std::vector<pipeline::HandledEvent>&, const std::vector<meme::Event>&)> m_committed;
    std::function<void()> m_archive_lost_callback;
    std::atomic<bool> m_archive_lost{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Request> m_waiting;
    bool m_stopping = false;
    long m_commits = 0;  // since the last checkpoint; guarded by m_mutex
    // The checkpointer waits for a commit (not in its pause after a checkpoint, which only a
    // stop ends): a commit wakes it only then. Guarded by m_mutex.
    bool m_checkpointer_waiting = false;
    bool m_log_needs_restart = false;  // set by the checkpointer; guarded by m_mutex
    std::condition_variable m_committed_some;
    std::deque<Answers> m_answers;  // guarded by m_mutex
    bool m_writer_done = false;     // guarded by m_mutex
    std::condition_variable m_answers_ready;
    std::thread m_writer;
    std::thread m_answerer;
    std::thread m_checkpointer;
};

}  // namespace memeops::bot
