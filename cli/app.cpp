#include <algorithm>
#include <csignal>

#include "cli/command.hpp"
#include "cli/front_door.hpp"
#include "core/text.hpp"
#include "hooks/git_config.hpp"
#include "core/error.hpp"
#include "storage/sqlite.hpp"

namespace memeops::cli {
namespace {

// Usage errors name the command and point at its help.
std::string usage_failure(const CLI::App* app, const CLI::Error& error) {
    std::string path = app->get_name();
    for (const CLI::App* parent = app->get_parent(); parent; parent = parent->get_parent())
        path = parent->get_name() + " " + path;
    return "memeops: usage : " + std::string(error.what()) + "\nRun '" + path +
           " --help' for more.\n";
}

void add_global_options(CLI::App& app, GlobalOptions& global) {
    app.add_option("--db", global.db, "The SQLite archive (default: $MEMEOPS_DB, git config "
                                      "memeops.db, else ~/.local/share/memeops/archive.db)");
    app.add_option("--config", global.config, "A JSON config file (destinations, routes, …)");
    app.add_flag("--color{always}", global.colour,
                 "Colour: auto (a terminal, unless NO_COLOR or TERM=dumb), always or never")
        ->expected(0, 1);
}

}  // namespace

const std::vector<CommandSpec>& command_table() {
    static const std::vector<CommandSpec> table{
        {"demo", "The whole product once, in a temporary folder: hooks, training, CI, chat memes",
         define_demo},
        {"install", "Install the git hooks in a repository (existing hooks keep running)",
         define_install},
        {"uninstall", "Remove memeops' hooks and restore what was there before", define_uninstall},
        {"status", "Hooks, archive, tag policy, destinations and the outbox", define_status},
        {"hook", "Run by the installed hook scripts; never fails a git command", define_hook, true},
        {"name", "The pun names of a commit (default HEAD)", define_name},
        {"docker-tag", "The Docker-safe tag of a commit: docker build -t app:$(memeops docker-tag)",
         define_docker_tag},
        {"tag", "Make a commit a model version: pun-name git tag, archive entry, chat post",
         define_tag},
        {"backfill", "Archive a repository's existing history (no tags, no posts)", define_backfill},
        {"replay", "What the training detectors would post for a metrics log (posts nothing)",
         define_replay},
        {"confusion", "Emoji confusion matrix with per-class precision, recall and F1",
         define_confusion},
        {"memeify", "The meme for one event (JSON on stdin), with the exact Slack and Discord payloads",
         define_memeify},
        {"serve", "Run the bot: HTTP API, GitHub and GitLab webhooks, chat delivery", define_serve},
        {"emit", "Send one event to the bot (or handle it here when no bot URL is set)", define_emit},
        {"flush", "Deliver what waits in the outbox once, then exit", define_flush},
        {"history", "Archive entries, newest first", define_history},
        {"show", "One entry with its metrics, memes and their delivery state", define_show},
        {"card", "A meme as a PNG card: memeops card v1.2-rapid-raccoon -o card.png", define_card},
        {"search", "Full-text search over captions, commit messages, tags and event text",
         define_search},
        {"slang", "Chinese internet slang from the built-in lexicon: word, pinyin, emoji, gloss",
         define_slang},
        {"emojify", "Replace slang in a text with its emoji (YYDS → 👑, 绝绝子 → 💯)", define_emojify},
        {"completion", "A completion script for bash, zsh or fish", define_completion},
    };
    return table;
}

const core::Settings& Context::settings() {
    if (!m_settings) m_settings.emplace(hooks::git_config_lookup(m_global.repo_dir), m_global.config);
    return *m_settings;
}

std::optional<pipeline::BotLink> Context::bot_link() {
    auto url = settings().lookup(core::k_bot_url_setting, std::nullopt);
    if (!url) return std::nullopt;
    return pipeline::bot_link(*url, core::env("MEMEOPS_TOKEN"));
}

std::vector<core::Destination> Context::destinations() { return core::configured_destinations(settings()); }

meme::DetectorThresholds Context::detector_thresholds() {
    try {
        return meme::thresholds_from_json(settings().config_file().value("detectors", nlohmann::json()));
    } catch (const std::invalid_argument& e) {
        throw core::Fatal("bad config file " + m_global.config.value_or(""), e.what());
    }
}

std::unique_ptr<storage::Archive> Context::open_archive() {
    return storage::Archive::open(archive_path());
}

std::unique_ptr<storage::Archive> Context::open_existing_archive(storage::Access access) {
    std::string path = archive_path();
    if (!std::filesystem::exists(path)) return nullptr;
    storage::ArchiveOptions options;
    options.create = storage::CreateIfMissing::no;
    options.access = access;
    return storage::Archive::open(path, options);
}

void keep_running_on_write_errors() {
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);
}

int run(const std::vector<std::string>& command_line, Io& io) {
    std::vector<std::string> args = command_line;
    if (auto answered = answer_front_door(args, io)) return *answered;
    CLI::App app{"MemeOps: git hooks, training and CI reactions as bilingual memes in your chat, "
                 "and an archive of every model version.",
                 "memeops"};
    app.set_version_flag("--version,-V", std::string("memeops ") + MEMEOPS_VERSION);
    app.require_subcommand(1);
    app.failure_message(usage_failure);
    GlobalOptions global;
    add_global_options(app, global);
    app.fallthrough();
    Context context(global, io);

    std::vector<std::pair<CLI::App*, Handler>> handlers;
    for (const auto& spec : command_table()) {
        CLI::App* sub = app.add_subcommand(std::string(spec.name), std::string(spec.summary));
        sub->fallthrough();
        if (spec.plumbing) sub->group("");  // hidden from --help
        handlers.emplace_back(sub, spec.define(*sub, context));
    }

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e, io.out, io.err);
        return code == 0 ? 0 : 2;
    }

    try {
        if (global.colour) io.terminal.colour = Terminal::colour_wanted(Terminal::parse_colour_choice(*global.colour), io.terminal.is_tty);
        for (auto& [sub, handler] : handlers)
            if (sub->parsed()) return handler();
    } catch (const core::Fatal& e) {
        io.err << "memeops: " << core::terminal_safe(e.subject()) << " : " << core::terminal_safe(e.reason()) << "\n";
        return 1;
    } catch (const core::UsageError& e) {
        io.err << "memeops: usage : " << core::terminal_safe(e.what()) << "\n";
        return 2;
    } catch (const storage::SqliteError& e) {
        io.err << "memeops: archive " << context.archive_path() << " : " << core::terminal_safe(e.what())
               << (e.is_busy() ? " (another process kept it busy past the wait; try again)" : "")
               << "\n";
        return 1;
    } catch (const std::exception& e) {
        io.err << "memeops: internal error : " << e.what() << "\n";
        return 1;
    }
    return 2;
}

}  // namespace memeops::cli
