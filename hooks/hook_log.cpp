#include "hooks/hook_log.hpp"

#include <pwd.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "core/settings.hpp"
#include "core/time.hpp"

namespace memeops::hooks {

namespace {

// Past this size the log is moved to "hook.log.1" (replacing the one before), so a hook that
// fails on every commit for months keeps at most twice this on disk.
constexpr std::uintmax_t k_max_log_bytes = 1024 * 1024;

}  // namespace

std::string hook_log_path() {
    if (auto state = core::env("XDG_STATE_HOME")) return *state + "/memeops/hook.log";
    if (auto home = core::env("HOME")) return *home + "/.local/state/memeops/hook.log";
    if (const passwd* user = getpwuid(getuid()); user && user->pw_dir && *user->pw_dir)
        return std::string(user->pw_dir) + "/.local/state/memeops/hook.log";
    return "";  // no home at all: never a shared folder such as /tmp, where others could plant a link
}

void append_hook_log(const std::string& hook, const std::string& what) {
    namespace fs = std::filesystem;
    std::string path = hook_log_path();
    if (path.empty()) return;
    std::error_code ignored;
    fs::create_directories(fs::path(path).parent_path(), ignored);
    if (auto size = fs::file_size(path, ignored); !ignored && size > k_max_log_bytes) fs::rename(path, path + ".1", ignored);
    std::ofstream log(path, std::ios::app);
    log << core::format_iso8601(core::now_ms()) << " " << hook << " (pid " << getpid() << ", in "
        << fs::current_path(ignored).string() << "): " << what << "\n";
}

std::vector<std::string> recent_hook_log_lines(size_t n) {
    std::ifstream log(hook_log_path());
    std::deque<std::string> last;
    for (std::string line; std::getline(log, line);) {
        if (line.empty()) continue;
        last.push_back(std::move(line));
        if (last.size() > n) last.pop_front();
    }
    return {last.begin(), last.end()};
}

}  // namespace memeops::hooks
