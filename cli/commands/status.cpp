// memeops status: hooks, archive, tag policy, destinations (URLs redacted) and the outbox.
#include <unistd.h>

#include <algorithm>

#include "cli/command.hpp"
#include "core/text.hpp"
#include "storage/retry_errors.hpp"
#include "storage/spool_store.hpp"
#include "cli/table.hpp"
#include "core/destinations.hpp"
#include "core/error.hpp"
#include "delivery/destination_view.hpp"
#include "hooks/capture.hpp"
#include "hooks/hook_log.hpp"
#include "hooks/installer.hpp"

namespace memeops::cli {
namespace {

constexpr size_t k_recent_hook_failures = 3;

struct StatusOptions {
    bool json = false;
};

nlohmann::json repository_status(Context& context) {
    hooks::LibGit2 lib;
    std::optional<hooks::Repository> repo;
    try {
        repo = hooks::open_repository(context.global().repo_dir);
    } catch (const core::Fatal&) {
        return nullptr;
    }
    nlohmann::json out{{"path", git_repository_workdir(repo->get()) ? git_repository_workdir(repo->get())
                                                                   : git_repository_path(repo->get())},
                       {"identity", hooks::repository_identity(repo->get())},
                       {"tag_policy", hooks::to_string(hooks::tag_policy(repo->get()))},
                       {"version_paths", hooks::version_paths(repo->get())}};
    try {
        std::string folder = hooks::hooks_folder(repo->get());
        out["hooks_folder"] = folder;
        nlohmann::json states = nlohmann::json::array();
        for (const auto& report : hooks::hook_states(folder, hooks::default_hook_names(), hooks::hook_launcher_path()))
            states.push_back({{"name", report.name}, {"state", hooks::to_string(report.state)}});
        out["hooks"] = states;
    } catch (const core::Fatal& e) {
        out["hooks_folder"] = nullptr;
        out["hooks"] = e.reason();
    }
    return out;
}

// Configured destinations, and those no longer configured that still have memes waiting
// (delivery/destination_view.hpp): keys and redacted URLs only. "pending" counts every meme
// waiting, "retrying" those of them that failed at least once.
nlohmann::json destination_status(Context& context, storage::Archive* archive) {
    nlohmann::json list = nlohmann::json::array();
    std::vector<delivery::DestinationView> views;
    std::map<std::string, std::int64_t> retrying;
    std::map<std::string, std::string> retry_errors;
    if (archive) {
        storage::Outbox outbox(*archive);
        views = delivery::destination_views(outbox, context.destinations());
        retrying = outbox.retrying_counts();
        retry_errors = storage::retry_errors(*archive);
    } else {
        for (const auto& d : context.destinations())
            views.push_back({d.key(), d.name, core::to_string(d.type),
                             d.url.empty() ? std::nullopt : std::optional(core::redact_url(d.url))});
    }
    for (auto& v : views) {
        // The destination's own error (it was disabled, or paced) first, else why its memes wait.
        if (!v.last_error && retry_errors.contains(v.key)) v.last_error = retry_errors.at(v.key);
        list.push_back({{"name", v.name ? nlohmann::json(*v.name) : nlohmann::json()},
                        {"key", v.key},
                        {"type", v.type},
                        {"url", v.url ? nlohmann::json(*v.url) : nlohmann::json()},
                        {"configured", v.configured()},
                        {"state", v.disabled ? "disabled" : "enabled"},
                        {"pending", v.pending},
                        {"retrying", retrying.contains(v.key) ? retrying.at(v.key) : 0},
                        {"last_error", v.last_error ? nlohmann::json(*v.last_error) : nlohmann::json()}});
    }
    return list;
}

nlohmann::json optional_json(const std::optional<std::string>& text) {
    return text ? nlohmann::json(*text) : nlohmann::json();
}

// Team mode's spool: what waits for the bot, and what it refused for good (never sent again).
nlohmann::json spool_json(const storage::SpoolSummary& spool) {
    return {{"waiting", spool.waiting},
            {"last_error", optional_json(spool.last_error)},
            {"refused", spool.refused},
            {"last_refusal", optional_json(spool.last_refusal)}};
}

nlohmann::json collect(Context& context) {
    auto archive = context.open_existing_archive(storage::Access::read_only);
    nlohmann::json status{{"repository", repository_status(context)},
                          {"archive", context.archive_path()},
                          {"archive_exists", archive != nullptr},
                          {"outbox_pending", archive ? archive->pending_deliveries() : 0}};
    status["destinations"] = destination_status(context, archive.get());
    std::int64_t retrying = 0;
    for (const auto& d : status["destinations"]) retrying += d["retrying"].get<std::int64_t>();
    status["outbox_retrying"] = retrying;
    status["hook_log"] = {{"path", hooks::hook_log_path()},
                          {"recent", hooks::recent_hook_log_lines(k_recent_hook_failures)}};
    auto bot = context.settings().lookup(core::k_bot_url_setting, std::nullopt);
    status["bot"] = bot ? nlohmann::json(core::redact_url(*bot)) : nlohmann::json();
    storage::SpoolSummary spool;
    try {
        if (archive) spool = storage::SpoolStore(*archive).summary();
    } catch (const storage::SqliteError&) {  // an archive older than the spool that could not be migrated
    }
    status["spool"] = spool_json(spool);
    return status;
}

// "N events waiting for the bot  last error: …; M refused by the bot  last reason: …", the parts
// that apply; empty when nothing is in the spool.
std::string spool_line(const nlohmann::json& spool) {
    auto waiting = spool["waiting"].get<std::int64_t>(), refused = spool["refused"].get<std::int64_t>();
    std::string text;
    if (waiting) text = core::count_of(waiting, "event", "events") + " waiting for the bot";
    if (waiting && !spool["last_error"].is_null()) text += "  last error: " + spool["last_error"].get<std::string>();
    if (refused) {
        text += (text.empty() ? "" : "; ") + std::to_string(refused) + " refused by the bot, never sent again";
        if (!spool["last_refusal"].is_null()) text += "  last reason: " + spool["last_refusal"].get<std::string>();
    }
    return text;
}

// "all installed in FOLDER", "not installed in FOLDER (run `memeops install`)", or each hook's state.
std::string hooks_sentence(const nlohmann::json& repo) {
    if (repo["hooks_folder"].is_null()) return repo["hooks"].get<std::string>();
    std::string folder = repo["hooks_folder"].get<std::string>();
    std::vector<std::string> states, names;
    for (const auto& h : repo["hooks"]) {
        states.push_back(h["state"].get<std::string>());
        names.push_back(h["name"].get<std::string>() + " " + states.back());
    }
    auto all = [&](const std::string& state) { return std::all_of(states.begin(), states.end(), [&](const auto& s) { return s == state; }); };
    if (all("missing")) return "not installed in " + folder + " (run `memeops install`)";
    if (all("installed")) return "installed in " + folder + " (" + core::join(hooks::default_hook_names(), ", ") + ")";
    return core::join(names, ", ") + " in " + folder;
}

std::string tag_policy_sentence(const nlohmann::json& repo) {
    std::string policy = repo["tag_policy"].get<std::string>();
    if (policy == "all") return "all: every commit becomes a model version";
    if (policy == "none") return "none: no commit is tagged by the hooks (`memeops tag` still works)";
    std::vector<std::string> paths;
    for (const auto& p : repo["version_paths"]) paths.push_back(p.get<std::string>());
    return policy + ": a commit that touches " + core::join(paths, ", ") + " becomes a model version";
}

// "N memes waiting, M of them retrying after an error" or "nothing waiting".
std::string backlog_words(std::int64_t pending, std::int64_t retrying) {
    if (pending == 0) return "nothing waiting";
    std::string text = core::count_of(pending, "meme", "memes") + " waiting";
    if (retrying == pending) return text + (pending == 1 ? ", retrying after an error" : ", all retrying after an error");
    if (retrying) text += ", " + std::to_string(retrying) + " of them retrying after an error";
    return text;
}

// "ml (slack) https://…: enabled, nothing waiting"; the type only when the name does not say it.
std::string destination_sentence(const nlohmann::json& d) {
    std::string text;
    if (!d["configured"]) text = d["key"].get<std::string>() + " (not configured)";
    else if (d["name"] == d["type"]) text = d["name"].get<std::string>();
    else text = d["name"].get<std::string>() + " (" + d["type"].get<std::string>() + ")";
    if (!d["url"].is_null()) text += " " + d["url"].get<std::string>();
    text += d["state"] == "disabled" ? ": disabled until its URL is fixed; " : ": ";
    return text + backlog_words(d["pending"].get<std::int64_t>(), d["retrying"].get<std::int64_t>());
}

void print_people(Io& io, const nlohmann::json& s) {
    auto line = [&](const std::string& label, const std::string& value) {
        io.out << io.terminal.paint(core::pad_to_width(label, 14), "1") << core::terminal_safe(value) << "\n";
    };
    auto detail = [&](const std::string& value) { io.out << std::string(16, ' ') << core::terminal_safe(value) << "\n"; };
    const auto& repo = s["repository"];
    if (repo.is_null()) {
        line("repository", "(not in a git repository)");
    } else {
        line("repository", repo["path"].get<std::string>() + "  (" + repo["identity"].get<std::string>() + ")");
        line("hooks", hooks_sentence(repo));
        line("tag policy", tag_policy_sentence(repo));
    }
    line("archive", s["archive"].get<std::string>() + (s["archive_exists"] ? "" : "  (not created yet)"));
    if (s["destinations"].empty()) line("destinations", "none");
    for (size_t i = 0; i < s["destinations"].size(); ++i) {
        const auto& d = s["destinations"][i];
        line(i == 0 ? "destinations" : "", destination_sentence(d));
        if (!d["last_error"].is_null()) detail("last error: " + d["last_error"].get<std::string>());
    }
    line("outbox", backlog_words(s["outbox_pending"].get<std::int64_t>(), s["outbox_retrying"].get<std::int64_t>()));
    if (!s["bot"].is_null()) line("team bot", s["bot"].get<std::string>() + "  (hooks, tag and emit hand their events to it)");
    if (auto spool = spool_line(s["spool"]); !spool.empty() || !s["bot"].is_null())
        line("spool", spool.empty() ? "no events waiting for the bot" : spool);
    const auto& recent = s["hook_log"]["recent"];
    if (recent.empty()) return;
    line("hook failures", "the latest, from " + s["hook_log"]["path"].get<std::string>() + ":");
    for (const auto& failure : recent) detail(failure.get<std::string>());
}

}  // namespace

Handler define_status(CLI::App& app, Context& context) {
    auto options = std::make_shared<StatusOptions>();
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_flag("-j,--json", options->json, "Print the status as JSON");
    return [&context, options] {
        auto status = collect(context);
        if (options->json) context.io().out << status.dump() << "\n";
        else print_people(context.io(), status);
        return 0;
    };
}

}  // namespace memeops::cli
