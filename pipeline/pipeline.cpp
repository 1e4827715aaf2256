#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <cstdio>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "meme/ci_reactions.hpp"
#include "meme/pun_name.hpp"
#include "storage/ingest_store.hpp"
#include "storage/repo_store.hpp"

namespace memeops::pipeline {
namespace {

// Stage 1: the spellings every producer agrees on (a repository's identity, contract §2).
// Returns `received` itself when it already has them (the usual case, and no copy of its
// document), else `copy`, filled with the event so spelled.
const meme::Event& normalise(const meme::Event& received, std::optional<meme::Event>& copy) {
    auto respelled = [](const std::optional<std::string>& field, auto spell) {
        return field ? std::optional<std::string>(spell(*field)) : std::nullopt;
    };
    auto repo = respelled(received.repo, core::repo_identity);
    auto commit = respelled(received.commit, core::ascii_lower);
    auto rewrites = respelled(received.rewrites, core::ascii_lower);
    if (repo == received.repo && commit == received.commit && rewrites == received.rewrites) return received;
    copy = received;
    copy->repo = std::move(repo);
    copy->commit = std::move(commit);
    copy->rewrites = std::move(rewrites);
    return *copy;
}

// The idempotency keys of an event: its id, scoped by who sent it ("github:<delivery>"), and
// the occurrence a webhook found in it, shared by every hook that delivers the same outcome.
std::vector<std::string> keys_of(const meme::Event& event, const std::string& key_source) {
    std::vector<std::string> keys;
    if (event.id) keys.push_back(key_source + ":" + *event.id);
    if (event.occurrence) keys.push_back("occurrence:" + *event.occurrence);
    return keys;
}

storage::Entry base_entry(const meme::Event& event) {
    storage::Entry entry;
    entry.kind = meme::entry_kind(event);
    entry.time = event.time;
    entry.repo = event.repo;
    entry.branch = event.branch;
    entry.commit = event.commit;
    entry.run = event.run;
    entry.body = event.text.value_or("");
    entry.details = {{"event", event.raw}};
    return entry;
}


// True when a resent `epoch` is older than every epoch `detector` holds and it holds all it
// keeps: a reload from the archive would read the very same epochs, so it stays cached.
bool before_full_window(const meme::TrainingDetector& detector, int epoch) {
    const auto& held = detector.recent_epochs();
    return held.size() >= meme::TrainingDetector::k_kept_epochs && epoch < held.front().epoch;
}

}  // namespace

storage::Entry commit_entry(const meme::Event& event) {
    storage::Entry entry = base_entry(event);
    entry.kind = storage::EntryKind::commit;
    entry.run.reset();
    entry.summary = core::first_line(event.text.value_or(*event.commit));
    nlohmann::json details = nlohmann::json::object();
    for (const char* field : {"author", "parents", "files", "insertions", "deletions"})
        if (auto it = event.raw.find(field); it != event.raw.end()) details[field] = *it;
    if (details.empty()) details["event"] = event.raw;
    entry.details = details;
    return entry;
}

Pipeline::Pipeline(storage::Archive& archive, std::vector<core::Destination> destinations,
                   meme::DetectorThresholds thresholds)
    : m_archive(archive), m_destinations(std::move(destinations)), m_thresholds(thresholds) {
    for (const auto& d : m_destinations)
        if (d.type == core::DestinationType::console) m_console_destinations.push_back(d);
}

std::vector<HandledEvent> Pipeline::handle(std::span<const meme::Event> events, const std::string& key_source, Mode mode,
                                      ConsoleShown shown) {
    m_shown = shown;
    std::vector<HandledEvent> outcomes;
    try {
        storage::Transaction transaction(m_archive.database());
        outcomes = handle_all(events, key_source);
        if (mode == Mode::apply) transaction.commit();
    } catch (...) {
        forget_cached_state();  // the detectors moved ahead of an archive that rolled back
        throw;
    }
    if (mode == Mode::preview) forget_cached_state();
    return outcomes;
}

std::vector<HandledEvent> Pipeline::handle_within(std::span<const meme::Event> events, const std::string& key_source) {
    m_shown = ConsoleShown::no;
    try {
        return handle_all(events, key_source);
    } catch (...) {
        forget_cached_state();
        throw;
    }
}

std::vector<HandledEvent> Pipeline::handle_all(std::span<const meme::Event> events, const std::string& key_source) {
    // Another process may have joined a repository into its identity since the last request,
    // removing a repos row the archive remembers as there; the writer's connection does not
    // enforce foreign keys (bot/ingest_queue.hpp), so nothing else would notice.
    m_archive.forget_cached_repos();
    std::vector<HandledEvent> outcomes;
    outcomes.reserve(events.size());
    for (const auto& event : events) outcomes.push_back(handle_one(event, key_source));
    return outcomes;
}

void Pipeline::forget_cached_state() {
    m_runs.clear();
    m_archive.forget_cached_repos();
}

HandledEvent Pipeline::handle_one(const meme::Event& received, const std::string& key_source) {
    std::optional<meme::Event> respelled;
    const meme::Event& event = normalise(received, respelled);
    auto keys = keys_of(event, key_source);
    HandledEvent out;
    for (const auto& key : keys) {
        if (auto first = storage::IngestStore(m_archive).find_key(key)) {
            out.entry_id = *first;
            out.duplicate = true;
            return out;
        }
    }
    Archived archived = archive(event);
    auto reactions = react(event, archived);
    out.memes = enqueue(archived.entry_id, reactions, m_shown == ConsoleShown::yes || event.announced, event.epoch);
    remember(event, archived);
    for (const auto& key : keys) storage::IngestStore(m_archive).remember_key(key, archived.entry_id, event.time);
    out.entry_id = archived.entry_id;
    out.duplicate = archived.seen_commit && out.memes.empty() && !(archived.version && !archived.version->metrics_changed.empty());
    out.sarcasm = archived.sarcasm;
    out.version = archived.version;
    return out;
}

// --- stage: archive ----------------------------------------------------------------------

Pipeline::Archived Pipeline::archive(const meme::Event& event) {
    if (event.kind.starts_with("training.")) return archive_training(event);
    if (event.kind == "ci.pipeline") return archive_ci(event);
    if (event.kind == "commit") return archive_commit(event);
    if (event.kind == "confusion.matrix") return archive_confusion(event);
    return archive_message(event);
}

storage::IngestStore::RunVersion Pipeline::run_entry(const meme::Event& event) {
    storage::IngestStore store(m_archive);
    auto found = store.run_version(*event.run);
    if (found && found->entry_id) return *found;
    storage::Entry entry = base_entry(event);
    entry.kind = storage::EntryKind::training;
    entry.summary = "run " + *event.run;
    entry.body = *event.run;
    m_archive.add(entry);
    // A detector before its first epoch: restoring it feeds every epoch archived.
    return {entry.id,
            store.save_run_state(*event.run, entry.id, meme::TrainingDetector(m_thresholds).state(), event.time,
                                 found ? found->version : 0),
            -1};
}

Pipeline::CachedRun& Pipeline::cached_run(const std::string& run, const storage::IngestStore::RunVersion& archived) {
    auto cached = m_runs.find(run);
    if (cached != m_runs.end() && cached->second.version == archived.version &&
        cached->second.detector.last_epoch() == archived.newest_epoch)
        return cached->second;
    if (m_runs.size() >= k_max_cached_runs) m_runs.clear();
    storage::IngestStore store(m_archive);
    auto saved = store.run_state(run);
    int state_epoch = saved ? meme::TrainingDetector::epoch_of_state(saved->state, archived.newest_epoch) : -1;
    int window = static_cast<int>(meme::TrainingDetector::k_kept_epochs);
    std::vector<meme::EpochMetrics> held, since;
    for (auto& [epoch, metrics] : store.epochs_to_restore(archived.entry_id, state_epoch, window))
        (epoch <= state_epoch ? held : since).push_back({epoch, std::move(metrics)});
    CachedRun restored{archived.version,
                       meme::TrainingDetector::restore(saved ? saved->state : nlohmann::json::object(), std::move(held),
                                                       m_thresholds),
                       state_epoch, static_cast<int>(since.size()), saved ? saved->entry_time : 0};
    for (const auto& epoch : since) (void)restored.detector.feed(epoch);  // judged when they came
    return m_runs.insert_or_assign(run, std::move(restored)).first->second;
}

Pipeline::Archived Pipeline::archive_training(const meme::Event& event) {
    Archived archived;
    archived.run = run_entry(event);
    archived.entry_id = archived.run.entry_id;
    if (event.kind == "training.epoch") {
        CachedRun& run = cached_run(*event.run, archived.run);
        meme::TrainingDetector& detector = run.detector;
        int epoch = *event.epoch;
        run.entry_time_at_least = storage::IngestStore(m_archive).add_epoch(
            archived.entry_id, epoch, event.time, event.metrics, meme::epoch_summary(*event.run, epoch, event.metrics),
            run.entry_time_at_least);
        if (epoch > detector.last_epoch()) {
            archived.detector = &detector;
        } else {  // resent or late: archived, not judged again
            // A restore must not judge it either: it would, were it after the state saved.
            if (epoch > run.state_epoch) save_state(*event.run, archived.entry_id, run, archived.run.version, event.time);
            if (!before_full_window(detector, epoch)) m_runs.erase(*event.run);
        }
    } else if (event.kind == "training.end" && event.status == "success" && event.commit) {
        bool seen = false;
        std::int64_t commit_id = meme::pun_name(*event.commit) ? commit_entry_id(event, seen) : 0;
        if (commit_id) {
            archived.version = make_version(commit_id, event);
            archived.version_summary = "run " + *event.run;
        }
    }
    return archived;
}

Pipeline::Archived Pipeline::archive_ci(const meme::Event& event) {
    Archived archived;
    storage::Entry entry = base_entry(event);
    const std::string& name = *event.name;
    entry.summary = name + " " + *event.status + (event.branch ? " on " + *event.branch : "");
    entry.body = entry.summary.value() + (event.text ? "\n" + *event.text : "");
    m_archive.add(entry);
    archived.entry_id = entry.id;
    std::string repo = event.repo.value_or(""), branch = event.branch.value_or("");
    archived.previous_ci = m_archive.last_ci_status(repo, branch, name);
    if (meme::classify_ci_status(*event.status) != meme::CiOutcome::other)
        m_archive.record_ci_status(repo, branch, name, *event.status, entry.id, event.time);
    return archived;
}

std::int64_t Pipeline::commit_entry_id(const meme::Event& event, bool& seen) {
    if (event.repo && event.repo_path) {
        storage::RepoStore(m_archive).join(*event.repo_path, *event.repo);
        // Also when no entry moved: a folder whose commits were all folded loses its repos row.
        m_archive.forget_cached_repos();
    }
    // Without a repository, the commit is the one archived under any spelling, if only one is:
    // with one, a fork's or mirror's commits stay its own.
    auto existing = event.repo ? m_archive.git_entry_id(*event.repo, *event.commit)
                               : m_archive.only_git_entry_id(*event.commit);
    seen = existing.has_value();
    if (existing) return *existing;
    if (!event.repo && event.kind != "commit") return 0;  // nothing to say which repository
    storage::Entry entry = commit_entry(event);
    if (event.kind != "commit") entry.summary = "model of run " + event.run.value_or("");
    m_archive.add(entry);
    return entry.id;
}

VersionResult Pipeline::make_version(std::int64_t entry_id, const meme::Event& event) {
    auto names = *meme::pun_name(*event.commit);
    auto archived_tag = m_archive.tag_of_commit(names.sha);
    // The commit's tag wherever it is archived, unless another entry holds it: the same commit
    // archived under a folder and under its remote gets a second tag, not a failed event.
    names.tag = meme::first_free_tag(names, archived_tag ? archived_tag : event.tag, [&](const std::string& tag) {
        return m_archive.tag_held_by_other_entry(tag, entry_id);
    });
    names.docker_tag = names.tag;
    auto change = m_archive.make_version(entry_id, {names.tag, names.display, names.docker_tag, event.run}, event.metrics);
    return {change.names, change.made, change.metrics_changed};
}

Pipeline::Archived Pipeline::archive_commit(const meme::Event& event) {
    Archived archived;
    archived.entry_id = commit_entry_id(event, archived.seen_commit);
    if (event.rewrites) m_archive.carry_over_rewrite(*event.rewrites, archived.entry_id);
    if (event.version && meme::pun_name(*event.commit)) {
        archived.version = make_version(archived.entry_id, event);
        archived.version_summary = core::first_line(event.text.value_or(""));
    }
    return archived;
}

Pipeline::Archived Pipeline::archive_message(const meme::Event& event) {
    Archived archived;
    storage::Entry entry = base_entry(event);
    entry.summary = core::first_line(*event.text);
    archived.sarcasm = meme::score_sarcasm(*event.text);
    entry.details["sarcasm"] = archived.sarcasm->score;
    m_archive.add(entry);
    archived.entry_id = entry.id;
    return archived;
}

Pipeline::Archived Pipeline::archive_confusion(const meme::Event& event) {
    storage::Entry entry = base_entry(event);
    char accuracy[16];
    std::snprintf(accuracy, sizeof accuracy, "%.3f", event.confusion->accuracy);
    entry.summary = "confusion matrix of " + *event.run + ": accuracy " + accuracy;
    entry.body = meme::render_confusion(*event.confusion);
    entry.details = {{"confusion", meme::to_json(*event.confusion)}, {"event", event.raw}};
    m_archive.add(entry);
    Archived archived;
    archived.entry_id = entry.id;
    return archived;
}

// --- stage: react (meme/ only) -----------------------------------------------------------

std::vector<meme::Reaction> Pipeline::react(const meme::Event& event, Archived& archived) {
    std::vector<meme::Reaction> reactions;
    if (archived.detector) {
        auto detections = archived.detector->feed({*event.epoch, event.metrics});
        reactions = meme::training_reactions(detections, *event.run, *archived.detector);
    }
    if (event.kind == "training.crash") reactions.push_back(meme::crash_reaction(event));
    if (event.kind == "training.end" && event.status == "success") reactions.push_back(meme::finished_reaction(event));
    if (archived.version && archived.version->made)
        reactions.push_back(meme::version_reaction(archived.version->names, event, archived.version_summary));
    if (event.kind == "ci.pipeline")
        if (auto r = meme::ci_pipeline_reaction(event, archived.previous_ci)) reactions.push_back(*r);
    if (archived.sarcasm)
        if (auto r = meme::sarcasm_reaction(event, *archived.sarcasm)) reactions.push_back(*r);
    if (event.kind == "confusion.matrix") reactions.push_back(meme::confusion_reaction(event));
    return reactions;
}

// --- stage: enqueue ----------------------------------------------------------------------

std::vector<storage::Meme> Pipeline::enqueue(std::int64_t entry_id, const std::vector<meme::Reaction>& reactions,
                                             bool console_shown, std::optional<int> epoch) {
    std::vector<storage::Meme> memes;
    for (const auto& r : reactions) {
        storage::Meme meme{0, r.reaction, r.priority, r.caption.zh, r.caption.en, core::now_ms(), {}, epoch};
        auto shown = console_shown ? core::routes_for(m_console_destinations, r.reaction, r.priority)
                                   : std::vector<std::string>{};
        for (const auto& key : core::routes_for(m_destinations, r.reaction, r.priority)) {
            bool printed = std::find(shown.begin(), shown.end(), key) != shown.end();
            meme.deliveries.push_back({key, printed ? storage::DeliveryState::delivered : storage::DeliveryState::pending,
                                       printed ? 1 : 0, std::nullopt});
        }
        m_archive.add_meme(entry_id, meme);
        memes.push_back(std::move(meme));
    }
    return memes;
}

// --- stage: remember ---------------------------------------------------------------------

void Pipeline::remember(const meme::Event& event, const Archived& archived) {
    if (!archived.detector) return;
    CachedRun& cached = m_runs[*event.run];
    if (++cached.fed_since_saved >= k_epochs_per_state_save) save_state(*event.run, archived.entry_id, cached, archived.run.version, event.time);
}

void Pipeline::save_state(const std::string& run, std::int64_t entry_id, CachedRun& cached, std::int64_t version_read,
                          core::TimeMs time) {
    cached.version = -1;  // ahead of the archive until the save succeeds
    cached.version = storage::IngestStore(m_archive).save_run_state(run, entry_id, cached.detector.state(), time,
                                                                    version_read);
    cached.state_epoch = cached.detector.last_epoch();
    cached.fed_since_saved = 0;
}

}  // namespace memeops::pipeline
