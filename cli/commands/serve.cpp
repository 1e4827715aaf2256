// memeops serve: the bot (bot/server.hpp) until SIGTERM or SIGINT.
#include <csignal>
#include <pthread.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "bot/server.hpp"
#include "cli/command.hpp"
#include "cli/card_output.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace memeops::cli {
namespace {

struct ServeOptions {
    std::string listen = "127.0.0.1:8088";
};

// "127.0.0.1:8088", "[::1]:8088", "localhost:9000" → host and port.
std::pair<std::string, int> parse_listen(const std::string& listen) {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) throw core::UsageError("--listen " + listen + ": expected ADDR:PORT");
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        size_t used = 0;
        int port = std::stoi(listen.substr(colon + 1), &used);
        if (used == listen.size() - colon - 1 && port >= 0 && port <= 65535) return {host, port};
    } catch (const std::exception&) {
    }
    throw core::UsageError("--listen " + listen + ": the port must be a number from 0 to 65535");
}

// Blocks SIGTERM and SIGINT in every thread started after it, and stops the server being
// served when one arrives: the signal is taken by a thread of its own, so no handler runs in
// the middle of a request or a transaction.
class StopOnSignal {
public:
    StopOnSignal() {
        m_thread = std::thread([this] {
            while (!m_done) {
                int signal = m_signals.wait_for(std::chrono::milliseconds(200));
                if (signal == 0) continue;
                core::log(core::LogLevel::info, "serve.stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
                std::lock_guard lock(m_mutex);
                m_signalled = true;
                if (m_server) m_server->stop();
            }
        });
    }
    ~StopOnSignal() {
        m_done = true;
        m_thread.join();
    }

    // The server a signal stops from now on (nullptr: none); stopped at once when a signal came.
    void watch(bot::Server* server) {
        std::lock_guard lock(m_mutex);
        m_server = server;
        if (m_server && m_signalled) m_server->stop();
    }
    bool signalled() {
        std::lock_guard lock(m_mutex);
        return m_signalled;
    }

private:
    core::StopSignals m_signals;  // first: blocked before the thread starts
    std::atomic<bool> m_done{false};
    std::mutex m_mutex;
    bot::Server* m_server = nullptr;
    bool m_signalled = false;
    std::thread m_thread;
};

int run_serve(Context& context, const ServeOptions& options) {
    core::set_default_log_level(core::LogLevel::info);
    auto [host, port] = parse_listen(options.listen);
    bot::ServerOptions server_options;
    server_options.host = host;
    server_options.port = port;
    server_options.archive_path = context.archive_path();
    server_options.destinations = context.destinations();
    server_options.thresholds = context.detector_thresholds();
    server_options.token = core::env("MEMEOPS_TOKEN");
    server_options.github_secret = core::env("MEMEOPS_GITHUB_SECRET");
    server_options.gitlab_token = core::env("MEMEOPS_GITLAB_TOKEN");
    server_options.github_check_apps = core::split_commas(core::env("MEMEOPS_GITHUB_CHECK_APPS").value_or(""));
    server_options.scale_factor = delivery::scale_factor_from_env();
    server_options.delivery = delivery_options(context);
    context.open_archive();  // creates and migrates it now: a broken archive fails before listening
    keep_running_on_write_errors();  // a closed stdout or a full disk is an error, not the end of the bot
    StopOnSignal stopper;  // before any thread starts, so all inherit the blocked signals
    // A server per archive file: when the file is deleted or replaced under it, the next one
    // opens (or creates) the archive at the path, on the same port.
    for (bool first = true;; first = false) {
        auto server = std::make_unique<bot::Server>(server_options, context.io().out);
        server_options.port = server->bind();
        if (first)
            context.io().err << "memeops: serving on http://" << host << ":" << server_options.port << " (archive "
                             << context.archive_path() << ")\n";
        stopper.watch(server.get());
        struct Unwatch {
            StopOnSignal& stopper;
            ~Unwatch() { stopper.watch(nullptr); }  // before the server goes, even when run() throws
        } unwatch{stopper};
        server->run();
        if (!server->archive_replaced() || stopper.signalled()) break;  // (unwatched before `server` ends)
        context.io().err << "memeops: the archive " << context.archive_path()
                         << " was deleted or replaced; serving the one now at that path\n";
    }
    return 0;
}

}  // namespace

Handler define_serve(CLI::App& app, Context& context) {
    auto options = std::make_shared<ServeOptions>();
    app.add_option("--listen", options->listen, "Address and port (default 127.0.0.1:8088)");
    return [&context, options] { return run_serve(context, *options); };
}

}  // namespace memeops::cli
