#include "bot/dashboard/queries.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/json.hpp"
#include "meme/ci_reactions.hpp"
#include "meme/confusion_grid.hpp"
#include "storage/entry.hpp"

namespace memeops::bot::dashboard {
namespace {

using nlohmann::json;

// A run's epochs and memes beyond these are not drawn: a chart of more points says no more.
constexpr int k_max_epochs = 5000;
constexpr int k_max_run_memes = 1000;
// A version has a meme or two (its tag, an update); more would not fit its card.
constexpr int k_max_version_memes = 20;

// A confusion.matrix event is archived as a training entry (it evaluates a run's model), told
// from the run itself by the summary the pipeline gives it. k_confusion_entry is the WHERE clause
// of storage's entries_by_confusion index, repeated exactly so the index serves it.
#define MEMEOPS_CONFUSION_SUMMARY "substr(summary, 1, 20) = 'confusion matrix of '"
constexpr const char* k_confusion_entry = "kind = 'training' AND " MEMEOPS_CONFUSION_SUMMARY;
constexpr const char* k_run_entry = "kind = 'training' AND NOT coalesce(" MEMEOPS_CONFUSION_SUMMARY ", 0)";
#undef MEMEOPS_CONFUSION_SUMMARY

json optional_text(const storage::Statement& row, int column) {
    auto text = row.column_optional_text(column);
    return text ? json(*text) : json();
}

// Metric values by name of one entry, numbers or "nan"/"inf"/"-inf" as the API writes them.
json entry_metrics(storage::Database& db, std::int64_t entry_id) {
    json out = json::object();
    auto select = db.cached("SELECT name, value FROM metrics WHERE entry_id = ?1 ORDER BY name");
    select.bind(1, entry_id);
    while (select.step())
        out[select.column_text(0)] = storage::metric_to_json(select.is_null(1) ? NAN : select.column_double(1));
    return out;
}

std::string run_status(storage::Database& db, std::int64_t entry_id) {
    auto select = db.cached(
        "SELECT reaction FROM memes WHERE entry_id = ?1 AND (reaction = 'training.crash' OR "
        "reaction = 'training.finished') ORDER BY id DESC LIMIT 1");
    select.bind(1, entry_id);
    std::string status = !select.step() ? "running" : select.column_text(0) == "training.crash" ? "crashed" : "finished";
    select.reset();  // a statement left on a row would hold the connection's read snapshot open
    return status;
}

json run_version(storage::Database& db, const std::string& run) {
    auto select = db.cached("SELECT tag FROM entries WHERE run = ?1 AND +kind = 'version' ORDER BY time DESC LIMIT 1");
    select.bind(1, run);
    json tag = select.step() ? optional_text(select, 0) : json();
    select.reset();
    return tag;
}

// The run row's common fields (columns id, run, time, repo, branch), with status and version.
json run_summary(storage::Database& db, const storage::Statement& row) {
    std::int64_t id = row.column_int(0);
    std::string name = row.column_text(1);
    return {{"id", id},           {"run", name},
            {"time", row.column_int(2)}, {"repo", optional_text(row, 3)},
            {"branch", optional_text(row, 4)}, {"status", run_status(db, id)},
            {"version", run_version(db, name)}, {"metrics", entry_metrics(db, id)}};
}

json epochs_of(storage::Database& db, std::int64_t entry_id) {
    json out = json::array();
    auto select = db.cached("SELECT epoch, time, metrics FROM epochs WHERE entry_id = ?1 ORDER BY epoch LIMIT ?2");
    select.bind_all(entry_id, k_max_epochs);
    while (select.step()) {
        auto metrics = core::parse_json(select.column_text(2));
        out.push_back({{"epoch", select.column_int(0)},
                       {"time", select.column_int(1)},
                       {"metrics", metrics.ok() ? metrics.value : json::object()}});
    }
    return out;
}

// The last epoch of `epochs` (in epoch order) archived at or before `created`.
json epoch_at(const json& epochs, std::int64_t created) {
    json found;
    for (const auto& e : epochs)
        if (e["time"].get<std::int64_t>() <= created) found = e["epoch"];
    return found;
}

// The first `limit` memes of an entry, oldest first: {"id","reaction","priority","caption",
// "caption_en","created"}, each given to `more` with its row, whose column 6 is its stored epoch.
template <typename More>
json memes_of_entry(storage::Database& db, std::int64_t entry_id, int limit, More more) {
    json out = json::array();
    auto select = db.cached(
        "SELECT id, reaction, priority, caption, caption_en, created, epoch FROM memes WHERE entry_id = ?1 "
        "ORDER BY id LIMIT ?2");
    select.bind_all(entry_id, limit);
    while (select.step()) {
        json meme{{"id", select.column_int(0)},         {"reaction", select.column_text(1)},
                  {"priority", select.column_int(2)},   {"caption", select.column_text(3)},
                  {"caption_en", select.column_text(4)}, {"created", select.column_int(5)}};
        more(meme, select);
        out.push_back(std::move(meme));
    }
    return out;
}

// A run's memes with their epoch: the one stored with the meme (its training.epoch event's), else,
// for the memes of other events and those archived before schema version 9 stored it, inferred
// from the time it was made.
json memes_of_run(storage::Database& db, std::int64_t entry_id, const json& epochs) {
    return memes_of_entry(db, entry_id, k_max_run_memes, [&](json& meme, const storage::Statement& row) {
        meme["epoch"] = row.is_null(6) ? epoch_at(epochs, meme["created"].get<std::int64_t>()) : json(row.column_int(6));
    });
}

// Every row of `sql` (whose one parameter is its LIMIT) as JSON made by `row_json`.
template <typename RowJson>
json rows(storage::Database& db, const char* sql, int limit, RowJson row_json) {
    json out = json::array();
    auto select = db.cached(sql);
    select.bind(1, limit);
    while (select.step()) out.push_back(row_json(select));
    return out;
}

std::string ci_outcome(const std::string& status) {
    switch (meme::classify_ci_status(status)) {
        case meme::CiOutcome::success: return "passed";
        case meme::CiOutcome::failure: return "failed";
        default: return "other";
    }
}

// What the archive keeps of a confusion.matrix event: its labels and counts, from which
// confusion_from_counts gives the scores again. Throws when the details are not that shape.
meme::ConfusionMatrix archived_confusion(const std::string& details) {
    auto doc = json::parse(details).at("confusion");
    return meme::confusion_from_counts(doc.at("labels").get<std::vector<std::string>>(),
                                       doc.at("matrix").get<std::vector<std::vector<long>>>());
}

json emoji_grid(const meme::ConfusionMatrix& m) {
    json grid = json::array();
    for (size_t r = 0; r < m.labels.size(); ++r) {
        json row = json::array();
        for (size_t c = 0; c < m.labels.size(); ++c) row.push_back(meme::cell_emoji(m, r, c));
        grid.push_back(std::move(row));
    }
    return grid;
}

// The columns id, time, run, repo, branch of a confusion matrix's row.
json confusion_subject(const storage::Statement& row) {
    return {{"entry", row.column_int(0)}, {"time", row.column_int(1)}, {"run", optional_text(row, 2)},
            {"repo", optional_text(row, 3)}, {"branch", optional_text(row, 4)}};
}


}  // namespace

json confusion_matrices(storage::Database& db, int limit) {
    static const std::string sql = "SELECT id, time, run, repo, branch, details FROM entries WHERE " +
                                   std::string(k_confusion_entry) + " ORDER BY time DESC, id DESC LIMIT ?1";
    return rows(db, sql.c_str(), limit, [](const storage::Statement& row) {
                    json out = confusion_subject(row);
                    auto m = archived_confusion(row.column_text(5));
                    out["accuracy"] = m.accuracy;
                    out["classes"] = m.labels.size();
                    return out;
                });
}

std::optional<json> confusion_matrix(storage::Database& db, std::int64_t entry) {
    static const std::string sql =
        "SELECT id, time, run, repo, branch, details FROM entries WHERE id = ?1 AND " + std::string(k_confusion_entry);
    auto select = db.cached(sql);
    select.bind(1, entry);
    if (!select.step()) return std::nullopt;
    json out = confusion_subject(select);
    auto m = archived_confusion(select.column_text(5));
    select.reset();
    out.update(meme::to_json(m));
    out["emoji"] = emoji_grid(m);
    return out;
}

json newest_memes(storage::Database& db, int limit) {
    return rows(db,
                "SELECT m.id, m.reaction, m.priority, m.caption, m.caption_en, m.created, e.id, e.kind, e.repo, "
                "e.branch, e.run, e.tag, e.summary FROM memes m JOIN entries e ON e.id = m.entry_id "
                "ORDER BY m.id DESC LIMIT ?1",
                limit, [](const storage::Statement& row) {
                    return json{{"id", row.column_int(0)},         {"reaction", row.column_text(1)},
                                {"priority", row.column_int(2)},   {"caption", row.column_text(3)},
                                {"caption_en", row.column_text(4)}, {"created", row.column_int(5)},
                                {"entry", {{"id", row.column_int(6)}, {"kind", row.column_text(7)},
                                           {"repo", optional_text(row, 8)}, {"branch", optional_text(row, 9)},
                                           {"run", optional_text(row, 10)}, {"tag", optional_text(row, 11)},
                                           {"summary", optional_text(row, 12)}}}};
                });
}

json recent_entries(storage::Database& db, int limit) {
    return rows(db, "SELECT id, kind, time, repo, branch, run, tag, summary FROM entries ORDER BY time DESC, id DESC LIMIT ?1",
                limit, [](const storage::Statement& row) {
                    return json{{"id", row.column_int(0)},       {"kind", row.column_text(1)},
                                {"time", row.column_int(2)},      {"repo", optional_text(row, 3)},
                                {"branch", optional_text(row, 4)}, {"run", optional_text(row, 5)},
                                {"tag", optional_text(row, 6)},    {"summary", optional_text(row, 7)}};
                });
}

json ci_board(storage::Database& db, int limit) {
    return rows(db, "SELECT repo, branch, pipeline, status, time FROM ci_status ORDER BY time DESC LIMIT ?1", limit,
                [](const storage::Statement& row) {
                    std::string status = row.column_text(3);
                    return json{{"repo", row.column_text(0)},     {"branch", row.column_text(1)},
                                {"pipeline", row.column_text(2)}, {"status", status},
                                {"outcome", ci_outcome(status)},  {"time", row.column_int(4)}};
                });
}

json latest_versions(storage::Database& db, int limit) {
    json out = rows(db,
                    "SELECT id, time, repo, commit_sha, tag, display, docker_tag, run, summary FROM entries "
                    "WHERE kind = 'version' ORDER BY time DESC, id DESC LIMIT ?1",
                    limit, [](const storage::Statement& row) {
                        return json{{"id", row.column_int(0)},       {"time", row.column_int(1)},
                                    {"repo", optional_text(row, 2)},  {"commit", optional_text(row, 3)},
                                    {"tag", optional_text(row, 4)},   {"display", optional_text(row, 5)},
                                    {"docker_tag", optional_text(row, 6)}, {"run", optional_text(row, 7)},
                                    {"summary", optional_text(row, 8)}};
                    });
    for (auto& version : out) version["metrics"] = entry_metrics(db, version["id"].get<std::int64_t>());
    return out;
}

json versions(storage::Database& db, int limit) {
    json repos = json::array();
    std::map<std::string, size_t> index_of;  // repository (or "" for none) → its place in `repos`
    for (auto& version : latest_versions(db, limit)) {
        version["memes"] = memes_of_entry(db, version["id"].get<std::int64_t>(), k_max_version_memes,
                                          [](json&, const storage::Statement&) {});
        json repo = version["repo"];
        version.erase("repo");
        auto [at, added] = index_of.try_emplace(repo.is_null() ? "" : repo.get<std::string>(), repos.size());
        if (added) repos.push_back({{"repo", repo}, {"versions", json::array()}});
        repos[at->second]["versions"].push_back(std::move(version));
    }
    return {{"repos", repos}};
}

json runs(storage::Database& db, int limit) {
    std::vector<std::int64_t> ids;
    static const std::string sql =
        "SELECT id FROM entries WHERE " + std::string(k_run_entry) + " ORDER BY time DESC, id DESC LIMIT ?1";
    auto select = db.cached(sql);
    select.bind(1, limit);
    while (select.step()) ids.push_back(select.column_int(0));
    json out = json::array();
    for (auto id : ids) {
        auto row = db.cached("SELECT id, run, time, repo, branch FROM entries WHERE id = ?1");
        row.bind(1, id);
        if (!row.step()) continue;
        json summary = run_summary(db, row);
        row.reset();
        auto count = db.cached("SELECT count(*) FROM epochs WHERE entry_id = ?1");
        count.bind(1, id);
        count.step();
        summary["epochs"] = count.column_int(0);
        count.reset();
        out.push_back(std::move(summary));
    }
    return out;
}

std::optional<json> run(storage::Database& db, const std::string& name) {
    // +kind: the run's index finds its few entries; the kind's would scan every training entry
    static const std::string sql = "SELECT id, run, time, repo, branch FROM entries WHERE run = ?1 AND +" +
                                   std::string(k_run_entry) + " ORDER BY time DESC LIMIT 1";
    auto row = db.cached(sql);
    row.bind(1, name);
    if (!row.step()) return std::nullopt;
    json out = run_summary(db, row);
    row.reset();
    std::int64_t id = out["id"].get<std::int64_t>();
    out["epochs"] = epochs_of(db, id);
    out["memes"] = memes_of_run(db, id, out["epochs"]);
    return out;
}

}  // namespace memeops::bot::dashboard
