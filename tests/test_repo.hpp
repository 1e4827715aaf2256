// A git repository in a temporary folder for end-to-end tests of the hooks and the CLI: the real
// git CLI, the built memeops binary (MEMEOPS_BINARY), its own archive, HOME, XDG_STATE_HOME (so
// the hook log is its own) and a git environment free of the machine's configuration.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace memeops::test {

// Where the hooks run their capture: in git's foreground (MEMEOPS_HOOK_FOREGROUND=1, so the
// archive is written before git returns) or detached in the background, the product's default.
enum class HookMode { foreground, background };

class TestRepo {
public:
    explicit TestRepo(HookMode mode = HookMode::foreground);

    const std::string& path() const { return m_path; }
    const std::string& db() const { return m_db; }
    // A path beside the repository, in the same temporary folder.
    std::string file(const std::string& name) const { return m_dir.file(name); }
    std::string hook_log_path() const { return m_dir.file("state/memeops/hook.log"); }
    // The hook log's text; empty when there is none.
    std::string hook_log() const;

    // The environment every command of this repository runs with.
    std::map<std::string, std::string> env() const;
    // Sets (or, with an empty value, removes) a variable of env() for every later command.
    void set_env(const std::string& name, const std::string& value);

    CommandResult git(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra = {}) const;
    // `memeops ARGS…` with the repository as the working directory.
    CommandResult run_in_repo(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra = {}) const;
    // A shell command line run with the repository as the working directory; the shell variable
    // memeops_bin holds the built binary's path.
    CommandResult sh(const std::string& command, const std::map<std::string, std::string>& extra = {}) const;

    // Writes a file and commits it; returns git's result.
    CommandResult commit_file(const std::string& name, const std::string& text, const std::string& message,
                              const std::map<std::string, std::string>& extra = {}) const;
    std::string head() const;
    // `history --json --limit 1000` with optional `--kind KIND` and further arguments.
    nlohmann::json history(const std::string& kind = "", const std::vector<std::string>& more = {}) const;
    // The archived entry of commit `sha` (the first one found), or null.
    nlohmann::json entry_of(const std::string& sha) const;

private:
    TempDir m_dir;
    std::string m_path;
    std::string m_db;
    std::map<std::string, std::string> m_env;
};

// Polls `done` every 20 ms until it is true or `seconds` have passed; returns its last answer.
template <typename F>
bool eventually(F done, double seconds = 20) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

// A file's whole content; empty when it cannot be read.
std::string read_text(const std::string& path);

// A single-quoted shell word.
std::string shell_quote(const std::string& word);

// How many times `needle` occurs in `haystack`.
size_t count_of(const std::string& haystack, const std::string& needle);

}  // namespace memeops::test
