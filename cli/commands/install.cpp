// memeops install / uninstall: the hook scripts of one repository.
#include <optional>
#include <sstream>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "core/text.hpp"
#include "hooks/git.hpp"
#include "hooks/installer.hpp"

namespace memeops::cli {
namespace {

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
    auto reports = hooks::install_hooks(folder, names, hooks::current_executable());
    print_reports(context.io(), folder, reports);
    for (const auto& report : reports)
        if (report.state == hooks::HookState::foreign) return 1;
    return 0;
}

int run_uninstall(Context& context) {
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    std::string folder = hooks::hooks_folder(repo.get());
    auto reports = hooks::uninstall_hooks(folder);
    if (reports.empty()) context.io().out << "No memeops hooks in " << folder << "\n";
    else print_reports(context.io(), folder, reports);
    return 0;
}

}  // namespace

Handler define_install(CLI::App& app, Context& context) {
    auto options = std::make_shared<InstallOptions>();
    app.add_option("--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_option("--hooks", options->hooks, "Comma-separated hooks to install")
        ->capture_default_str();
    return [&context, options] { return run_install(context, *options); };
}

Handler define_uninstall(CLI::App& app, Context& context) {
    app.add_option("--repo", context.global().repo_dir, "The repository (default: the current one)");
    return [&context] { return run_uninstall(context); };
}

}  // namespace memeops::cli
