// memeops hook NAME [ARGS…]: what the installed hook scripts run.
//
// It must never make a git command fail or hang: every failure becomes one line on stderr and a
// line in the hook log, the exit code is always 0, the archive wait is short, and an alarm ends
// the process if anything still takes too long.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "core/destinations.hpp"
#include "core/error.hpp"
#include "hooks/capture.hpp"

namespace memeops::cli {
namespace {

constexpr int k_hook_busy_timeout_ms = 4000;
constexpr unsigned k_hook_deadline_s = 20;

struct HookOptions {
    std::string name;
    std::vector<std::string> args;
};

std::string hook_log_path() {
    if (auto state = core::env("XDG_STATE_HOME")) return *state + "/memeops/hook.log";
    if (auto home = core::env("HOME")) return *home + "/.local/state/memeops/hook.log";
    return "/tmp/memeops-hook.log";
}

void log_failure(const std::string& hook, const std::string& why) {
    std::string path = hook_log_path();
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
    std::ofstream log(path, std::ios::app);
    log << core::format_iso8601(core::now_ms()) << " " << hook << " (pid " << getpid() << ", in "
        << std::filesystem::current_path(ignored).string() << "): " << why << "\n";
}

// Starts `memeops flush` detached (its own session, no terminal, not waited for) when memes
// wait in the outbox and no bot is configured to deliver them; the git command never waits.
void start_detached_flush(Context& context, storage::Archive& archive) {
    if (archive.pending_deliveries() == 0) return;
    if (context.settings().lookup(core::k_bot_url_setting, std::nullopt)) return;  // the bot delivers them
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string db = context.archive_path();
    pid_t child = fork();
    if (child != 0) {
        if (child > 0) waitpid(child, nullptr, 0);  // the intermediate child exits at once
        return;
    }
    setsid();
    if (fork() != 0) _exit(0);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    alarm(0);
    auto config = context.global().config;
    if (config)
        execl(self.c_str(), self.c_str(), "flush", "--timeout", "120", "--db", db.c_str(), "--config", config->c_str(),
              static_cast<char*>(nullptr));
    else
        execl(self.c_str(), self.c_str(), "flush", "--timeout", "120", "--db", db.c_str(), static_cast<char*>(nullptr));
    _exit(127);
}

void capture(Context& context, const HookOptions& options) {
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(std::nullopt);
    storage::ArchiveOptions archive_options;
    archive_options.busy_timeout_ms = k_hook_busy_timeout_ms;
    auto archive = storage::Archive::open(context.archive_path(), archive_options);
    hooks::CaptureContext capture{repo.get(), *archive, core::configured_destinations(context.settings()),
                                  context.io().out};
    if (options.name == "post-commit") hooks::capture_post_commit(capture);
    else if (options.name == "post-merge") hooks::capture_post_merge(capture);
    else if (options.name == "post-rewrite")
        hooks::capture_post_rewrite(capture, options.args.empty() ? "" : options.args[0], std::cin);
    start_detached_flush(context, *archive);
}

int run_hook(Context& context, const HookOptions& options) {
    if (core::env("MEMEOPS") == "0") return 0;
    alarm(k_hook_deadline_s);
    try {
        capture(context, options);
    } catch (const core::Fatal& e) {
        context.io().err << "memeops: hook " << options.name << " : " << e.subject() << " : "
                         << e.reason() << " (the git command is unaffected)\n";
        log_failure(options.name, e.subject() + " : " + e.reason());
    } catch (const std::exception& e) {
        context.io().err << "memeops: hook " << options.name << " : " << e.what()
                         << " (the git command is unaffected)\n";
        log_failure(options.name, e.what());
    }
    return 0;
}

}  // namespace

Handler define_hook(CLI::App& app, Context& context) {
    auto options = std::make_shared<HookOptions>();
    app.add_option("NAME", options->name, "The git hook: post-commit, post-merge, post-rewrite")->required();
    app.add_option("ARGS", options->args, "The hook's own arguments, as git passed them");
    app.prefix_command();
    return [&context, options] { return run_hook(context, *options); };
}

}  // namespace memeops::cli
