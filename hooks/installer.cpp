#include "hooks/installer.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "hooks/git.hpp"

namespace memeops::hooks {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_marker = "# memeops-hook:";
constexpr const char* k_chained_suffix = ".pre-memeops";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Single quotes for sh: 'it'\''s'.
std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string expand_home(const std::string& path) {
    if (path.rfind("~/", 0) != 0) return path;
    const char* home = std::getenv("HOME");
    return home ? std::string(home) + path.substr(1) : path;
}

void write_executable(const fs::path& path, const std::string& text) {
    fs::path temporary = path;
    temporary += ".memeops-tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw core::Fatal("cannot write hook " + path.string(), "write failed");
    }
    fs::permissions(temporary, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
    fs::rename(temporary, path);
}

HookReport install_one(const fs::path& folder, const std::string& name, const std::string& script) {
    fs::path hook = folder / name;
    fs::path chained = folder / (name + k_chained_suffix);
    bool exists = fs::exists(fs::symlink_status(hook));
    if (exists && is_memeops_hook(hook.string())) {
        bool has_chain = fs::exists(fs::symlink_status(chained));
        HookState state = has_chain ? HookState::installed_chained : HookState::installed;
        if (read_file(hook) == script) return {name, state, "already installed"};
        write_executable(hook, script);
        return {name, state, "updated"};
    }
    if (exists) {
        if (fs::exists(fs::symlink_status(chained)))
            return {name, HookState::foreign,
                    "not installed: both " + name + " and " + name + k_chained_suffix +
                        " exist; move one of them aside and run install again"};
        fs::rename(hook, chained);
        write_executable(hook, script);
        return {name, HookState::installed_chained,
                "installed; the existing hook runs first (kept as " + name + k_chained_suffix + ")"};
    }
    write_executable(hook, script);
    return {name, HookState::installed, "installed"};
}

}  // namespace

const std::vector<std::string>& installable_hook_names() {
    static const std::vector<std::string> names{"post-commit", "post-merge", "post-rewrite"};
    return names;
}

const std::vector<std::string>& default_hook_names() { return installable_hook_names(); }

bool is_installable_hook(std::string_view name) {
    const auto& names = installable_hook_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string not_installable_reason(std::string_view name) {
    return std::string(name) + " is not a hook memeops installs (" + core::join(installable_hook_names(), ", ") + ")";
}

bool hook_reads_stdin(const std::string& name) {
    return name == "post-rewrite" || name == "pre-push" || name == "pre-receive" ||
           name == "post-receive" || name == "reference-transaction";
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

// post-commit's shell check: whether HEAD may be a model version by the tag policy memeops
// cached next to the hooks (write_policy_cache). It only spares ordinary commits the start of
// memeops (libgit2 alone costs milliseconds); memeops decides for sure.
constexpr const char* k_may_be_version = R"sh(may_be_version() {
    policy=versions
    patterns='models/**,*.onnx,*.pt,*.ckpt,*.safetensors,*.h5'
    if [ -r "$hook_dir/memeops-policy" ]; then
        { read -r policy; read -r patterns; } < "$hook_dir/memeops-policy"
    fi
    case $policy in none) return 1 ;; all) return 0 ;; esac
    changed=$(git diff-tree --no-commit-id --name-only -r --root HEAD 2>/dev/null) || return 0
    set -f
    old_ifs=$IFS
    IFS='
'
    for path in $changed; do
        IFS=,
        for pattern in $patterns; do
            case $path in $pattern) IFS=$old_ifs; set +f; return 0 ;; esac
        done
        IFS='
'
    done
    IFS=$old_ifs
    set +f
    return 1
}
)sh";

std::string hook_script(const std::string& name, const std::string& memeops_path) {
    if (!is_installable_hook(name)) throw core::Fatal("install", not_installable_reason(name));
    bool with_stdin = hook_reads_stdin(name);
    bool may_tag = name == "post-commit";
    bool moves_tags = name == "post-rewrite";
    std::string chained = "\"$hook_dir\"/" + shell_quote(name + k_chained_suffix);
    std::string feed = with_stdin ? "printf '%s\\n' \"$input\" | " : "";
    std::string from_null = with_stdin ? "" : " </dev/null";
    std::string run = "\"$memeops\" hook " + shell_quote(name) + " \"$@\"";
    std::ostringstream s;
    s << "#!/bin/sh\n"
      << k_marker << " " << name << " (installed by `memeops install`)\n"
      << "# `memeops uninstall` removes this script and restores the hook that was here before,\n"
      << "# which is kept as " << name << k_chained_suffix << " and runs first. MEMEOPS=0 skips memeops.\n"
      << "# git waits only for a model version's tag line; memeops archives in the background\n"
      << "# (MEMEOPS_HOOK_FOREGROUND=1 makes git wait for all of it).\n"
      << "hook_dir=${0%/*}\n"
      << "status=0\n";
    if (may_tag) s << k_may_be_version;
    if (with_stdin) s << "input=$(cat)\n";
    s << "if [ -x " << chained << " ]; then\n"
      << "    " << feed << chained << " \"$@\" || status=$?\n"
      << "fi\n"
      << "if [ \"${MEMEOPS:-1}\" != 0 ]; then\n"
      << "    memeops=" << shell_quote(memeops_path) << "\n"
      << "    [ -x \"$memeops\" ] || memeops=$(command -v memeops 2>/dev/null) || memeops=\n"
      << "    if [ -z \"$memeops\" ]; then\n"
      << "        :\n"
      << "    elif [ \"${MEMEOPS_HOOK_FOREGROUND:-0}\" = 1 ]; then\n"
      << "        " << feed << run << from_null << " >&2 || :\n";
    if (may_tag)
        s << "    elif may_be_version; then\n"
          << "        " << run << " </dev/null >&2 || :  # tags it, prints its line, then detaches\n";
    s << "    else\n";
    if (moves_tags)  // a version's tag follows amend and rebase before git returns
        s << "        " << feed << run << " >&2 || :\n";
    else
        s << "        (" << feed << "MEMEOPS_HOOK_PHASE=background " << run << from_null << " >/dev/null 2>&1 &)\n";
    s << "    fi\n"
      << "fi\n"
      << "exit $status\n";
    return s.str();
}

bool is_memeops_hook(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    for (int i = 0; i < 3 && std::getline(in, line); ++i)
        if (line.rfind(k_marker, 0) == 0) return true;
    return false;
}

std::vector<HookReport> install_hooks(const std::string& folder, const std::vector<std::string>& names,
                                      const std::string& memeops_path) {
    for (const auto& name : names)
        if (!is_installable_hook(name)) throw core::Fatal("install", not_installable_reason(name));
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw core::Fatal("cannot create hooks folder " + folder, error.message());
    std::vector<HookReport> reports;
    for (const auto& name : names) reports.push_back(install_one(folder, name, hook_script(name, memeops_path)));
    return reports;
}

std::vector<HookReport> uninstall_hooks(const std::string& folder) {
    std::vector<HookReport> reports;
    if (!fs::is_directory(folder)) return reports;
    std::error_code ignored;
    fs::remove(fs::path(folder) / "memeops-policy", ignored);  // the post-commit script's cache
    for (const auto& item : fs::directory_iterator(folder)) {
        std::string name = item.path().filename().string();
        if (name.ends_with(k_chained_suffix) || name.ends_with(".memeops-tmp")) continue;
        if (!item.is_regular_file() || !is_memeops_hook(item.path().string())) continue;
        fs::path chained = item.path();
        chained += k_chained_suffix;
        fs::remove(item.path());
        if (fs::exists(fs::symlink_status(chained))) {
            fs::rename(chained, item.path());
            reports.push_back({name, HookState::missing, "removed; the previous hook is back"});
        } else {
            reports.push_back({name, HookState::missing, "removed"});
        }
    }
    return reports;
}

std::vector<HookReport> hook_states(const std::string& folder, const std::vector<std::string>& names,
                                    const std::string& memeops_path) {
    std::vector<HookReport> reports;
    for (const auto& name : names) {
        fs::path hook = fs::path(folder) / name;
        fs::path chained = fs::path(folder) / (name + k_chained_suffix);
        if (!fs::exists(fs::symlink_status(hook))) {
            reports.push_back({name, HookState::missing, ""});
        } else if (!is_memeops_hook(hook.string())) {
            reports.push_back({name, HookState::foreign, "another tool's hook"});
        } else if (read_file(hook) != hook_script(name, memeops_path)) {
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
