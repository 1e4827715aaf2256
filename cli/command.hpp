// The memeops command line: a table of subcommands, one handler each.
//
// Each subcommand is a CommandSpec whose `define` adds its options to the CLI11 sub-app and
// returns the handler to run once parsing succeeded. Handlers write to the Io streams, return the
// exit code, and throw core::Fatal for a failure (exit 1) or core::UsageError (exit 2).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/terminal.hpp"
#include "core/destinations.hpp"
#include "core/settings.hpp"
#include "meme/detectors.hpp"
#include "pipeline/handoff.hpp"
#include "storage/archive.hpp"

namespace memeops::cli {

struct Io {
    std::ostream& out;
    std::ostream& err;
    Terminal terminal;
    std::istream* in = &std::cin;  // what `memeops memeify` reads
};

// Options every subcommand takes.
struct GlobalOptions {
    std::optional<std::string> db;
    std::optional<std::string> config;
    std::optional<std::string> repo_dir;  // where git config is read from (--repo of some commands)
    std::optional<std::string> colour;    // --color: auto, always, never
};

// What a handler needs: the global options, the streams, and the settings built from them.
class Context {
public:
    Context(GlobalOptions& global, Io& io) : m_global(global), m_io(io) {}

    Io& io() { return m_io; }
    // Commands with a --repo option bind it to global().repo_dir, so settings read that
    // repository's git config.
    GlobalOptions& global() { return m_global; }
    // Settings layered per core/settings.hpp; built on first use.
    const core::Settings& settings();
    std::string archive_path() { return settings().archive_path(m_global.db); }
    // The archive, created when missing.
    std::unique_ptr<storage::Archive> open_archive();
    // The archive if it exists: nullptr when no archive exists yet, so a first `history` says
    // "nothing yet" instead of creating files. Commands that only read pass Access::read_only:
    // they never take the write lock and work on an archive they cannot write.
    std::unique_ptr<storage::Archive> open_existing_archive(storage::Access access = storage::Access::read_write);
    // The team's bot (MEMEOPS_BOT_URL or memeops.botUrl, with MEMEOPS_TOKEN), or nullopt when
    // events are handled here. Throws core::Fatal for a bot URL that is not http(s).
    std::optional<pipeline::BotLink> bot_link();
    // The destinations memes are routed to (core/destinations.hpp).
    std::vector<core::Destination> destinations();
    // The detector thresholds of the --config file's "detectors" (defaults without one).
    meme::DetectorThresholds detector_thresholds();

private:
    GlobalOptions& m_global;
    Io& m_io;
    std::optional<core::Settings> m_settings;
};

using Handler = std::function<int()>;

// Makes failed writes errors instead of signals that end the process: writing to a closed
// stdout or stderr fails with EPIPE (SIGPIPE ignored), so a command that delivers (flush, serve)
// can tell a console meme was not seen and keep it waiting; growing a file past the process's
// file-size limit (RLIMIT_FSIZE) fails with EFBIG (SIGXFSZ ignored), which the archive reports
// like a full disk.
void keep_running_on_write_errors();

struct CommandSpec {
    std::string_view name;
    std::string_view summary;
    Handler (*define)(CLI::App& app, Context& context);
    bool plumbing = false;  // run by memeops itself (the hooks): hidden from help and suggestions
};

// Every registered subcommand, in the order `--help` lists them.
const std::vector<CommandSpec>& command_table();

// Runs the command line `args` (without the program name) and returns the exit code:
// 0 done, 1 failed (one line on err: "memeops: <what> : <why>"), 2 usage error.
int run(const std::vector<std::string>& args, Io& io);

// The subcommands' definitions, one per file in cli/commands/.
Handler define_history(CLI::App& app, Context& context);
Handler define_show(CLI::App& app, Context& context);
Handler define_card(CLI::App& app, Context& context);
Handler define_search(CLI::App& app, Context& context);
Handler define_install(CLI::App& app, Context& context);
Handler define_uninstall(CLI::App& app, Context& context);
Handler define_status(CLI::App& app, Context& context);
Handler define_hook(CLI::App& app, Context& context);
Handler define_name(CLI::App& app, Context& context);
Handler define_docker_tag(CLI::App& app, Context& context);
Handler define_tag(CLI::App& app, Context& context);
Handler define_backfill(CLI::App& app, Context& context);
Handler define_replay(CLI::App& app, Context& context);
Handler define_watch(CLI::App& app, Context& context);
Handler define_confusion(CLI::App& app, Context& context);
Handler define_memeify(CLI::App& app, Context& context);
Handler define_flush(CLI::App& app, Context& context);
Handler define_serve(CLI::App& app, Context& context);
Handler define_emit(CLI::App& app, Context& context);
Handler define_slang(CLI::App& app, Context& context);
Handler define_emojify(CLI::App& app, Context& context);
Handler define_demo(CLI::App& app, Context& context);
Handler define_completion(CLI::App& app, Context& context);

}  // namespace memeops::cli
