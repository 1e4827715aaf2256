// memeops serve: the bot (bot/server.hpp) until SIGTERM or SIGINT.
#include <csignal>
#include <pthread.h>

#include <atomic>
#include <thread>

#include "bot/server.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
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

// Blocks SIGTERM and SIGINT in every thread started after it, and stops `server` when one
// arrives: the signal is taken by a thread of its own, so no handler runs in the middle of a
// request or a transaction.
class StopOnSignal {
public:
    explicit StopOnSignal(bot::Server& server) {
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        pthread_sigmask(SIG_BLOCK, &signals, &m_previous);
        m_thread = std::thread([this, &server, signals] {
            timespec tick{0, 200'000'000};
            while (!m_done) {
                int signal = sigtimedwait(&signals, nullptr, &tick);
                if (signal == SIGTERM || signal == SIGINT) {
                    core::log(core::LogLevel::info, "serve.stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
                    server.stop();
                }
            }
        });
    }
    ~StopOnSignal() {
        m_done = true;
        m_thread.join();
        pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }

private:
    std::atomic<bool> m_done{false};
    sigset_t m_previous;
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
    context.open_archive();  // creates and migrates it now: a broken archive fails before listening
    keep_running_on_closed_output();  // console memes to a closed stdout wait instead of killing the bot
    std::unique_ptr<bot::Server> server;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, nullptr);  // before any thread starts, so all inherit it
    server = std::make_unique<bot::Server>(std::move(server_options), context.io().out);
    int bound = server->bind();
    context.io().err << "memeops: serving on http://" << host << ":" << bound << " (archive " << context.archive_path()
                     << ")\n";
    StopOnSignal stopper(*server);
    server->run();
    return 0;
}

}  // namespace

Handler define_serve(CLI::App& app, Context& context) {
    auto options = std::make_shared<ServeOptions>();
    app.add_option("--listen", options->listen, "Address and port (default 127.0.0.1:8088)");
    return [&context, options] { return run_serve(context, *options); };
}

}  // namespace memeops::cli
