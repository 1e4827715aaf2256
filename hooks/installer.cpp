#include "hooks/installer.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "core/text.hpp"
#include "hooks/git.hpp"

namespace memeops::hooks {
namespace {

namespace fs = std::filesystem;

// The mark of memeops' hook scripts: those of earlier versions, and those of hooks folders committed
// with the project (hook_script).
constexpr const char* k_legacy_marker = "# memeops-hook:";
constexpr const char* k_launcher_name = "memeops-hook";

// Points `hook` at `launcher`, atomically (a new link renamed over the old one).
void link_launcher(const fs::path& hook, const std::string& launcher) {
    fs::path temporary = hook;
    temporary += ".memeops-tmp";
    std::error_code ignored;
    fs::remove(temporary, ignored);
    fs::create_symlink(launcher, temporary);
    fs::rename(temporary, hook);
}

bool links_to(const fs::path& hook, const std::string& launcher) {
    std::error_code error;
    return fs::is_symlink(fs::symlink_status(hook, error)) && fs::read_symlink(hook, error).string() == launcher;
}

// The text of a hook script that runs the launcher as `command`. Its second line starts with
// k_legacy_marker, so is_memeops_hook knows it.
std::string hook_script(const std::string& command) {
    bool bare = command.find_first_of(" '\"$`\\") == std::string::npos;
    std::string quoted = "'";
    for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);  // ' closes, \' is one, ' reopens
    quoted += "'";
    return std::string("#!/bin/sh\n") + k_legacy_marker +
           " written by `memeops install`; it runs memeops' hook launcher. `memeops uninstall` removes it.\n"
           "exec " + (bare ? command : quoted) + " \"$0\" \"$@\"\n";
}

std::string read_hook(const fs::path& hook) {
    std::ifstream in(hook);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes the hook script atomically (a new file renamed over the old one), executable.
void write_hook_script(const fs::path& hook, const std::string& command) {
    fs::path temporary = hook;
    temporary += ".memeops-tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << hook_script(command);
        if (!out.flush()) throw core::Fatal("cannot write " + temporary.string(), "the hooks folder is not writable");
    }
    fs::permissions(temporary, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
    fs::rename(temporary, hook);
}

// Whether `hook` is the one `launcher` (or `script`) would install now.
bool is_current(const fs::path& hook, const std::string& launcher, const std::optional<HookScript>& script) {
    if (script) return read_hook(hook) == hook_script(script->command);
    return links_to(hook, launcher);
}

void write_hook(const fs::path& hook, const std::string& launcher, const std::optional<HookScript>& script) {
    if (script) write_hook_script(hook, script->command);
    else link_launcher(hook, launcher);
}

HookReport install_one(const fs::path& folder, const std::string& name, const std::string& launcher,
                       const std::optional<HookScript>& script) {
    fs::path hook = folder / name;
    fs::path chained = folder / (name + std::string(k_chained_suffix));
    bool exists = fs::exists(fs::symlink_status(hook));
    bool has_chain = fs::exists(fs::symlink_status(chained));
    if (exists && is_memeops_hook(hook.string())) {
        HookState state = has_chain ? HookState::installed_chained : HookState::installed;
        if (is_current(hook, launcher, script)) return {name, state, "already installed"};
        write_hook(hook, launcher, script);
        return {name, state, "updated"};
    }
    if (exists) {
        if (has_chain)
            return {name, HookState::foreign,
                    "not installed: both " + name + " and " + chained.filename().string() +
                        " exist; move one of them aside and run install again"};
        fs::rename(hook, chained);
        write_hook(hook, launcher, script);
        return {name, HookState::installed_chained,
                "the existing hook runs first (kept as " + chained.filename().string() + ")"};
    }
    write_hook(hook, launcher, script);
    return {name, HookState::installed, "new"};
}

// Whether `hook` runs `launcher`: a link to it, or a hook script naming it or its PATH name.
bool runs_launcher(const fs::path& hook, const std::string& launcher) {
    if (links_to(hook, launcher)) return true;
    std::string text = read_hook(hook);
    return text == hook_script(launcher) || text == hook_script(k_launcher_name);
}

std::string expand_home(const std::string& path) {
    if (path.rfind("~/", 0) != 0) return path;
    const char* home = std::getenv("HOME");
    return home ? std::string(home) + path.substr(1) : path;
}

}  // namespace

const std::vector<std::string>& default_hook_names() { return installable_hook_names(); }

std::string not_installable_reason(std::string_view name) {
    return std::string(name) + " is not a hook memeops installs (" + core::join(installable_hook_names(), ", ") + ")";
}

std::string to_string(HookState state) {
    switch (state) {
        case HookState::missing: return "missing";
        case HookState::installed: return "installed";
        case HookState::installed_chained: return "installed (chained)";
        case HookState::outdated: return "outdated";
        case HookState::foreign: return "foreign";
    }
    return "missing";
}

std::string hooks_folder(git_repository* repo) {
    if (git_repository_is_bare(repo))
        throw core::Fatal("cannot install hooks in " + std::string(git_repository_path(repo)),
                          "it is a bare repository: nothing is committed there. Install in a "
                          "clone with a working tree");
    fs::path workdir = git_repository_workdir(repo) ? git_repository_workdir(repo) : ".";
    if (auto configured = config_string(repo, "core.hooksPath")) {
        fs::path path = expand_home(*configured);
        if (path.is_relative()) path = workdir / path;
        return path.lexically_normal().string();
    }
    return (fs::path(git_repository_commondir(repo)) / "hooks").lexically_normal().string();
}

bool is_memeops_hook(const std::string& path) {
    std::error_code error;
    if (fs::is_symlink(fs::symlink_status(path, error)))
        return fs::read_symlink(path, error).filename() == k_launcher_name;
    std::ifstream in(path);
    std::string line;
    for (int i = 0; i < 3 && std::getline(in, line); ++i)
        if (line.rfind(k_legacy_marker, 0) == 0) return true;
    return false;
}

std::string hook_launcher_path() {
    fs::path launcher = fs::path(current_executable()).parent_path() / k_launcher_name;
    if (access(launcher.c_str(), X_OK) != 0)
        throw core::Fatal("cannot install hooks",
                          launcher.string() + " is missing: it is installed beside memeops (run ./install.sh again)");
    return launcher.string();
}

std::string launcher_command(const std::string& launcher) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    while (!dirs.empty()) {
        size_t colon = dirs.find(':');
        fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / k_launcher_name;
        std::error_code error;
        if (fs::equivalent(candidate, launcher, error)) return k_launcher_name;
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
    }
    return launcher;
}

std::vector<HookReport> install_hooks(const std::string& folder, const std::vector<std::string>& names,
                                      const std::string& launcher, const std::optional<HookScript>& script) {
    for (const auto& name : names)
        if (!is_installable_hook(name)) throw core::Fatal("install", not_installable_reason(name));
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw core::Fatal("cannot create hooks folder " + folder, error.message());
    std::vector<HookReport> reports;
    for (const auto& name : names) reports.push_back(install_one(folder, name, launcher, script));
    return reports;
}

std::vector<HookReport> uninstall_hooks(const std::string& folder) {
    std::vector<HookReport> reports;
    if (!fs::is_directory(folder)) return reports;
    std::error_code ignored;
    fs::remove(fs::path(folder) / std::string(k_hook_cache_name), ignored);
    for (const auto& item : fs::directory_iterator(folder)) {
        std::string name = item.path().filename().string();
        if (name.ends_with(k_chained_suffix) || name.find(".memeops-tmp") != std::string::npos) continue;
        if (!is_memeops_hook(item.path().string())) continue;
        fs::path chained = item.path();
        chained += std::string(k_chained_suffix);
        fs::remove(item.path());
        if (fs::exists(fs::symlink_status(chained))) {
            fs::rename(chained, item.path());
            reports.push_back({name, HookState::missing, "the hook that was there before is back in its place"});
        } else {
            reports.push_back({name, HookState::missing, ""});
        }
    }
    return reports;
}

std::vector<HookReport> hook_states(const std::string& folder, const std::vector<std::string>& names,
                                    const std::string& launcher) {
    std::vector<HookReport> reports;
    for (const auto& name : names) {
        fs::path hook = fs::path(folder) / name;
        fs::path chained = fs::path(folder) / (name + std::string(k_chained_suffix));
        if (!fs::exists(fs::symlink_status(hook))) {
            reports.push_back({name, HookState::missing, ""});
        } else if (!is_memeops_hook(hook.string())) {
            reports.push_back({name, HookState::foreign, "another tool's hook"});
        } else if (!runs_launcher(hook, launcher)) {
            reports.push_back({name, HookState::outdated, "run memeops install to update"});
        } else {
            bool has_chain = fs::exists(fs::symlink_status(chained));
            reports.push_back({name, has_chain ? HookState::installed_chained : HookState::installed, ""});
        }
    }
    return reports;
}

std::string current_executable() {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    return error ? "memeops" : self.string();
}

}  // namespace memeops::hooks
