#include "hooks/hook_log.hpp"

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "core/settings.hpp"
#include "core/time.hpp"

namespace memeops::hooks {

std::string hook_log_path() {
    if (auto state = core::env("XDG_STATE_HOME")) return *state + "/memeops/hook.log";
    if (auto home = core::env("HOME")) return *home + "/.local/state/memeops/hook.log";
    return "/tmp/memeops-hook.log";
}

void append_hook_log(const std::string& hook, const std::string& what) {
    std::string path = hook_log_path();
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
    std::ofstream log(path, std::ios::app);
    log << core::format_iso8601(core::now_ms()) << " " << hook << " (pid " << getpid() << ", in "
        << std::filesystem::current_path(ignored).string() << "): " << what << "\n";
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
