// memeops install / uninstall: the hook scripts of one repository.
#include <filesystem>
#include <optional>
#include <sstream>

#include "cli/command.hpp"
#include "hooks/capture.hpp"
#include "pipeline/pipeline.hpp"
#include "cli/table.hpp"
#include "core/text.hpp"
#include "hooks/git.hpp"
#include "hooks/installer.hpp"

namespace memeops::cli {
namespace {

namespace fs = std::filesystem;

struct InstallOptions {
    std::string hooks = core::join(hooks::default_hook_names(), ",");
};

// The first name of `names` memeops does not install, or an empty list's "": checked before the
// repository is opened, so a refused name ("../config", "$(…)") changes nothing anywhere.
std::optional<std::string> refused_hook(const std::vector<std::string>& names) {
    if (names.empty()) return "";
    for (const auto& name : names)
        if (!hooks::is_installable_hook(name)) return name;
    return std::nullopt;
}

void print_reports(Io& io, const std::string& folder, const std::vector<hooks::HookReport>& reports) {
    io.out << "Hooks folder: " << folder << "\n";
    Table table({"HOOK", "STATE", "NOTE"});
    for (const auto& report : reports) table.add_row({report.name, hooks::to_string(report.state), report.note});
    if (!table.empty()) io.out << table.render(io.terminal);
}

// Archives HEAD, where the hooks start: each hook then archives every commit since the last
// archived one, and history from before the hooks is backfill's. A repository without commits
// has nothing to mark. A failure here (a locked archive) only costs the mark.
void archive_starting_point(Context& context, git_repository* repo) {
    git_oid head;
    if (git_reference_name_to_id(&head, repo, "HEAD") != 0) return;
    try {
        hooks::Commit commit = hooks::resolve_commit(repo, hooks::to_hex(&head));
        nlohmann::json event = hooks::commit_event(hooks::read_commit(repo, commit.get()), hooks::repo_facts(repo));
        auto archive = context.open_archive();
        std::vector<meme::Event> events{meme::parse_event(event, core::now_ms())};
        pipeline::Pipeline(*archive, {}).handle(events, "install");
        context.io().out << "Archived HEAD " << hooks::to_hex(&head).substr(0, 8)
                         << " as the starting point (`memeops backfill` archives the history before it).\n";
    } catch (const std::exception& e) {
        context.io().err << "memeops: install : cannot archive HEAD as the starting point : " << e.what() << "\n";
    }
}

// Whether git commits what is written in `folder`: inside the work tree, outside .git, and not
// ignored (core.hooksPath=.husky).
bool committed_with_project(git_repository* repo, const std::string& folder) {
    const char* workdir = git_repository_workdir(repo);
    if (!workdir) return false;
    std::error_code error;
    fs::path relative = fs::weakly_canonical(folder, error).lexically_relative(fs::weakly_canonical(workdir, error));
    if (relative.empty() || *relative.begin() == ".." || *relative.begin() == ".git") return false;
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo, (relative.string() + "/").c_str()) != 0) return false;
    return ignored == 0;
}

// In a folder committed with the project, hooks are scripts that name the launcher as every
// machine finds it; says so in one line, with what they run.
std::optional<hooks::HookScript> committed_hook_form(Io& io, git_repository* repo, const std::string& folder,
                                                     const std::string& launcher) {
    if (!committed_with_project(repo, folder)) return std::nullopt;
    hooks::HookScript script{hooks::launcher_command(launcher)};
    bool on_path = script.command != launcher;
    io.err << "memeops: install : warning : " << folder << " is tracked by git, so the hook scripts written there "
           << "will be committed; they run " << (on_path ? "memeops-hook from PATH" : script.command + " (memeops-hook is not on PATH)")
           << "\n";
    return script;
}

int run_install(Context& context, const InstallOptions& options) {
    auto names = core::split_commas(options.hooks);
    if (auto refused = refused_hook(names)) {
        context.io().err << "memeops: install : " << hooks::not_installable_reason(refused->empty() ? "\"\"" : *refused)
                         << "\n";
        return 2;  // a usage error, in install's own words
    }
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    std::string folder = hooks::hooks_folder(repo.get());
    std::string launcher = hooks::hook_launcher_path();
    auto script = committed_hook_form(context.io(), repo.get(), folder, launcher);
    auto reports = hooks::install_hooks(folder, names, launcher, script);
    print_reports(context.io(), folder, reports);
    for (const auto& report : reports)
        if (report.state == hooks::HookState::foreign) return 1;
    hooks::write_hook_cache(repo.get());
    archive_starting_point(context, repo.get());
    return 0;
}

int run_uninstall(Context& context) {
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    std::string folder = hooks::hooks_folder(repo.get());
    auto reports = hooks::uninstall_hooks(folder);
    std::error_code ignored;
    std::filesystem::remove(hooks::hook_cache_path(repo.get()), ignored);
    Io& io = context.io();
    if (reports.empty()) io.out << "No memeops hooks in " << folder << "; nothing to remove.\n";
    for (const auto& report : reports)
        io.out << "Removed memeops' " << report.name << " hook from " << folder
               << (report.note.empty() ? "" : "; " + report.note) << ".\n";
    return 0;
}

}  // namespace

Handler define_install(CLI::App& app, Context& context) {
    auto options = std::make_shared<InstallOptions>();
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_option("--hooks", options->hooks, "Comma-separated hooks to install")
        ->capture_default_str();
    return [&context, options] { return run_install(context, *options); };
}

Handler define_uninstall(CLI::App& app, Context& context) {
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    return [&context] { return run_uninstall(context); };
}

}  // namespace memeops::cli
