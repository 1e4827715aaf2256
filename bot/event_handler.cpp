#include "bot/event_handler.hpp"

#include "core/text.hpp"
#include "meme/caption.hpp"
#include "meme/ci_reactions.hpp"
#include "meme/pun_name.hpp"
#include "storage/ingest_store.hpp"

namespace memeops::bot {
namespace {

constexpr int k_crash_priority = 0;
constexpr int k_finished_priority = 2;
constexpr int k_version_priority = 2;
constexpr int k_sarcasm_priority = 3;
constexpr size_t k_quoted_text_bytes = 300;  // user text quoted in a caption

// "run r · epoch 3 · loss 0.31 · val_loss 0.35"
std::string epoch_summary(const std::string& run, int epoch, const storage::Metrics& metrics) {
    std::string out = "run " + run + " · epoch " + std::to_string(epoch);
    for (const char* name : {"loss", "val_loss", "accuracy", "val_accuracy"})
        if (auto it = metrics.find(name); it != metrics.end()) out += std::string(" · ") + name + " " + meme::format_metric(it->second);
    return out;
}

// The metric a finished run is best described by.
std::optional<std::pair<std::string, double>> headline_metric(const storage::Metrics& metrics) {
    for (const char* name : {"val_accuracy", "accuracy", "val_loss", "loss"})
        if (auto it = metrics.find(name); it != metrics.end()) return std::pair{std::string(name), it->second};
    return std::nullopt;
}

std::string quoted(const std::optional<std::string>& text) {
    std::string line = core::first_line(text.value_or(""));
    return line.size() > k_quoted_text_bytes ? core::truncate_to_width(line, 120) : line;
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

}  // namespace

EventHandler::EventHandler(storage::Archive& archive, std::vector<core::Destination> destinations,
                           meme::DetectorThresholds thresholds)
    : m_archive(archive), m_destinations(std::move(destinations)), m_thresholds(thresholds) {}

std::vector<HandledEvent> EventHandler::handle(std::span<const meme::Event> events, const std::string& key_source,
                                               Commit commit) {
    storage::Transaction transaction(m_archive.database());
    std::vector<HandledEvent> handled;
    handled.reserve(events.size());
    for (const auto& event : events) handled.push_back(handle_one(event, key_source));
    if (commit == Commit::yes) transaction.commit();
    return handled;
}

HandledEvent EventHandler::handle_one(const meme::Event& event, const std::string& key_source) {
    storage::IngestStore store(m_archive);
    std::optional<std::string> key;
    if (event.id) key = key_source + ":" + *event.id;
    HandledEvent out;
    if (key) {
        if (auto first = store.find_key(*key)) {
            out.entry_id = *first;
            out.duplicate = true;
            return out;
        }
    }
    if (event.kind == "training.epoch") handle_training_epoch(event, out);
    else if (event.kind == "training.end") handle_training_end(event, out);
    else if (event.kind == "training.crash") handle_training_crash(event, out);
    else if (event.kind == "ci.pipeline") handle_ci(event, out);
    else if (event.kind == "commit") handle_commit(event, out);
    else handle_message(event, out);
    if (key) store.remember_key(*key, out.entry_id, event.time);
    return out;
}

std::pair<std::int64_t, std::int64_t> EventHandler::run_entry(const meme::Event& event) {
    storage::IngestStore store(m_archive);
    if (auto found = store.run_version(*event.run); found && found->first) return *found;
    storage::Entry entry = base_entry(event);
    entry.kind = storage::EntryKind::training;
    entry.summary = "run " + *event.run;
    entry.body = *event.run;
    m_archive.add(entry);
    return {entry.id, store.save_run_state(*event.run, entry.id, nlohmann::json::object(), event.time)};
}

meme::TrainingDetector& EventHandler::run_detector(const std::string& run, std::int64_t entry_id, std::int64_t version) {
    auto cached = m_runs.find(run);
    if (cached != m_runs.end() && cached->second.version == version) return cached->second.detector;
    if (m_runs.size() >= k_max_cached_runs) m_runs.clear();
    storage::IngestStore store(m_archive);
    auto state = store.run_state(run);
    std::vector<meme::EpochMetrics> recent;
    for (auto& [epoch, metrics] : store.recent_epochs(entry_id, static_cast<int>(meme::TrainingDetector::k_kept_epochs)))
        recent.push_back({epoch, std::move(metrics)});
    auto detector = meme::TrainingDetector::restore(state ? state->state : nlohmann::json::object(), std::move(recent),
                                                    m_thresholds);
    return m_runs.insert_or_assign(run, CachedRun{version, std::move(detector)}).first->second.detector;
}

void EventHandler::handle_training_epoch(const meme::Event& event, HandledEvent& out) {
    storage::IngestStore store(m_archive);
    auto [entry_id, version] = run_entry(event);
    out.entry_id = entry_id;
    meme::TrainingDetector& detector = run_detector(*event.run, entry_id, version);
    int epoch = *event.epoch;
    if (epoch <= detector.last_epoch()) {  // a resent or out-of-order epoch: archived, not judged again
        store.add_epoch(entry_id, epoch, event.time, event.metrics, epoch_summary(*event.run, epoch, event.metrics));
        m_runs.erase(*event.run);  // the recent epochs changed under the detector
        return;
    }
    m_runs[*event.run].version = -1;  // ahead of the archive until the save below succeeds
    store.add_epoch(entry_id, epoch, event.time, event.metrics, epoch_summary(*event.run, epoch, event.metrics));
    for (const auto& d : detector.feed({epoch, event.metrics}))
        attach_meme(out, d.reaction, d.priority,
                    meme::detection_caption(d, *event.run, meme::sparkline(detector.series(d.metric))));
    m_runs[*event.run].version = store.save_run_state(*event.run, entry_id, detector.state(), event.time);
}

void EventHandler::handle_training_end(const meme::Event& event, HandledEvent& out) {
    out.entry_id = run_entry(event).first;
    if (event.status != "success") return;
    std::map<std::string, std::string> values{{"run", *event.run}, {"metric", "status"}, {"value", "success"}};
    if (auto headline = headline_metric(event.metrics)) {
        values["metric"] = headline->first;
        values["value"] = meme::format_metric(headline->second);
    }
    attach_meme(out, "training.finished", k_finished_priority, meme::render_caption("training.finished", *event.run, values));
    make_version(event, out);
}

void EventHandler::make_version(const meme::Event& event, HandledEvent& out) {
    auto names = event.commit ? meme::pun_name(*event.commit) : std::nullopt;
    if (!names || !event.repo) return;
    for (int n = 2; m_archive.tag_names_other_commit(names->tag, names->sha); ++n)
        names->tag = meme::tag_with_suffix(meme::pun_name(*event.commit)->tag, n);
    names->docker_tag = names->tag;
    auto entry_id = m_archive.git_entry_id(*event.repo, names->sha);
    if (!entry_id) {
        storage::Entry commit = base_entry(event);
        commit.kind = storage::EntryKind::commit;
        commit.commit = names->sha;
        commit.summary = "model of run " + *event.run;
        std::vector<storage::Entry> one{commit};
        m_archive.add_new_commits(one);
        entry_id = one[0].id;
    }
    auto caption = meme::render_caption(
        "version.tagged", names->tag,
        {{"tag", names->tag}, {"display", names->display}, {"repo", storage::repo_short_name(*event.repo)},
         {"branch", event.branch.value_or("?")}, {"commit", names->sha.substr(0, 8)}, {"summary", "run " + *event.run}});
    storage::Meme meme{0, "version.tagged", k_version_priority, caption.zh, caption.en, core::now_ms(), {}};
    for (const auto& name : core::routes_for(m_destinations, meme.reaction, meme.priority))
        meme.deliveries.push_back({name, storage::DeliveryState::pending, 0, std::nullopt});
    if (m_archive.make_version(*entry_id, {names->tag, names->display, names->docker_tag, event.run}, event.metrics, meme))
        out.memes.push_back(meme);
}

void EventHandler::handle_training_crash(const meme::Event& event, HandledEvent& out) {
    out.entry_id = run_entry(event).first;
    attach_meme(out, "training.crash", k_crash_priority,
                meme::render_caption("training.crash", *event.run, {{"run", *event.run}, {"text", quoted(event.text)}}));
}

void EventHandler::handle_ci(const meme::Event& event, HandledEvent& out) {
    storage::Entry entry = base_entry(event);
    const std::string& name = *event.name;
    entry.summary = name + " " + *event.status + (event.branch ? " on " + *event.branch : "");
    entry.body = entry.summary.value() + (event.text ? "\n" + *event.text : "");
    m_archive.add(entry);
    out.entry_id = entry.id;
    std::string repo = event.repo.value_or(""), branch = event.branch.value_or("");
    auto reaction = meme::ci_reaction(*event.status, m_archive.last_ci_status(repo, branch, name));
    if (meme::classify_ci_status(*event.status) != meme::CiOutcome::other)
        m_archive.record_ci_status(repo, branch, name, *event.status, entry.id, event.time);
    if (!reaction) return;
    std::map<std::string, std::string> values{{"pipeline", name},
                                              {"branch", event.branch.value_or("?")},
                                              {"repo", event.repo ? storage::repo_short_name(*event.repo) : "?"},
                                              {"url", event.url.value_or("")},
                                              {"status", *event.status}};
    attach_meme(out, reaction->reaction, reaction->priority, meme::render_caption(reaction->reaction, name, values));
}

void EventHandler::handle_commit(const meme::Event& event, HandledEvent& out) {
    storage::Entry entry = base_entry(event);
    entry.summary = core::first_line(event.text.value_or(*event.commit));
    if (event.repo) {
        if (auto existing = m_archive.git_entry_id(*event.repo, *event.commit)) {
            out.entry_id = *existing;
            out.duplicate = true;
            return;
        }
    }
    m_archive.add(entry);
    out.entry_id = entry.id;
}

void EventHandler::handle_message(const meme::Event& event, HandledEvent& out) {
    storage::Entry entry = base_entry(event);
    entry.summary = core::first_line(*event.text);
    out.sarcasm = meme::score_sarcasm(*event.text);
    entry.details["sarcasm"] = out.sarcasm->score;
    m_archive.add(entry);
    out.entry_id = entry.id;
    if (!out.sarcasm->sarcastic) return;
    attach_meme(out, "sarcasm", k_sarcasm_priority,
                meme::render_caption("sarcasm", *event.text, {{"text", quoted(event.text)},
                                                              {"repo", event.repo.value_or("")}}));
}

void EventHandler::attach_meme(HandledEvent& out, const std::string& reaction, int priority, const meme::Caption& caption) {
    storage::Meme meme{0, reaction, priority, caption.zh, caption.en, core::now_ms(), {}};
    for (const auto& name : core::routes_for(m_destinations, reaction, priority))
        meme.deliveries.push_back({name, storage::DeliveryState::pending, 0, std::nullopt});
    m_archive.add_meme(out.entry_id, meme);
    out.memes.push_back(std::move(meme));
}

}  // namespace memeops::bot
