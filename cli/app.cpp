#include <algorithm>
#include <csignal>
#include <map>

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

// What each command's --help ends with: command lines, each with what it does. Commands whose
// own footer has examples (demo, slang, emojify, completion) are not here.
std::string_view examples_of(std::string_view command) {
    static const std::map<std::string_view, std::string_view> k_examples{
        {"install",
         "memeops install                       hooks in the repository of the current folder\n"
         "memeops install -r ~/src/vision       in another repository\n"
         "memeops install --hooks post-commit   only the commit hook"},
        {"uninstall",
         "memeops uninstall                     the hooks you had before are put back, byte for byte"},
        {"status",
         "memeops status                        hooks, destinations, the outbox, recent hook failures\n"
         "memeops status --json | jq .outbox_pending"},
        {"name",
         "memeops name                          HEAD's names\n"
         "memeops name HEAD~2 --json            {\"sha\",\"tag\",\"display\",\"docker_tag\"}"},
        {"docker-tag",
         "docker build -t app:$(memeops docker-tag) .\n"
         "memeops docker-tag v1.2               the tag of any commit git can name"},
        {"tag",
         "memeops tag --metric val_acc=0.93     HEAD becomes a version, with its score\n"
         "memeops tag HEAD~1 --run exp-42 --dry-run   what it would do, changing nothing"},
        {"backfill",
         "memeops backfill                      every commit of the current repository\n"
         "memeops backfill --limit 500          only the newest 500"},
        {"replay",
         "memeops replay training.log.csv       a Keras CSVLogger file\n"
         "memeops replay epochs.jsonl --json    one JSON line per reaction\n"
         "cat log.csv | memeops replay -        from stdin"},
        {"card",
         "memeops card HEAD -o version.png      the meme of an archive entry, as a PNG card\n"
         "memeops card '#42' --reaction training.nan   one meme of an entry\n"
         "memeops memeify --png meme.png < event.json"},
        {"watch",
         "memeops watch logs/training.csv --run resnet-7 &   then train with CSVLogger(\"logs/training.csv\")\n"
         "memeops watch train.csv --idle-exit 600 --json    stop after 10 quiet minutes"},
        {"confusion",
         "memeops confusion predictions.csv     a label,pred CSV (a header row is fine)\n"
         "memeops confusion preds.json --labels cat,dog --post   archive it and post it"},
        {"memeify",
         "echo '{\"kind\":\"message\",\"text\":\"great, another NaN\"}' | memeops memeify\n"
         "memeops memeify --json < event.json   the Slack, Discord and console payloads"},
        {"serve",
         "memeops serve                         on 127.0.0.1:8088\n"
         "MEMEOPS_TOKEN=s3cret memeops serve --listen 0.0.0.0:8088 --config team.json"},
        {"emit",
         "memeops emit training.epoch --run exp-42 --epoch 3 --metric loss=0.41\n"
         "memeops emit message --text 'oh great, the GPU is on fire again'"},
        {"flush",
         "memeops flush                         one delivery pass; `memeops status` shows what is left"},
        {"history",
         "memeops history                       the newest 20, fitted to the terminal\n"
         "memeops history -k version -n 50      the last 50 model versions\n"
         "memeops history -r . --since 7d       this repository, the last week\n"
         "memeops history --json | jq '.[].tag'"},
        {"show",
         "memeops show HEAD                     the current commit's entry (inside the repository)\n"
         "memeops show HEAD~2                   any revision git understands, or a branch\n"
         "memeops show 3f9a                     a short sha (4 or more digits)\n"
         "memeops show '#42' --json             an entry id"},
        {"search",
         "memeops search overfitting            word prefixes match: weight finds weights\n"
         "memeops search '\"learning rate\" -warmup'   a phrase, without warmup\n"
         "memeops search 绝绝子"},
    };
    auto found = k_examples.find(command);
    return found == k_examples.end() ? std::string_view() : found->second;
}

// The command's examples after its own footer, indented as CLI11 indents options.
void add_examples(CLI::App& sub, std::string_view examples) {
    if (examples.empty()) return;
    std::string text = sub.get_footer();
    text += (text.empty() ? "" : "\n\n") + std::string("Examples:\n");
    size_t start = 0;
    while (start < examples.size()) {
        size_t end = examples.find('\n', start);
        if (end == std::string_view::npos) end = examples.size();
        text += "  " + std::string(examples.substr(start, end - start)) + "\n";
        start = end + 1;
    }
    sub.footer(text);
}

}  // namespace

const std::vector<CommandSpec>& command_table() {
    static const std::vector<CommandSpec> table{
        {"demo", "The whole product once, in a temporary folder: hooks, training, CI, chat memes", define_demo},
        {"install", "Install the git hooks in a repository (existing hooks keep running)", define_install},
        {"uninstall", "Remove memeops' hooks and restore what was there before", define_uninstall},
        {"status", "What is installed, configured, waiting, retrying or failing", define_status},
        {"hook", "Run by the installed hook scripts; never fails a git command", define_hook, true},
        {"name", "The pun names of a commit (default HEAD)", define_name},
        {"docker-tag", "The Docker-safe tag of a commit: docker build -t app:$(memeops docker-tag)", define_docker_tag},
        {"tag", "Make a commit a model version: pun-name git tag, archive entry, chat post", define_tag},
        {"backfill", "Archive a repository's existing history (no tags, no posts)", define_backfill},
        {"replay", "What the training detectors would post for a metrics log (posts nothing)", define_replay},
        {"watch", "Follow a Keras CSVLogger file while training writes it and send each new epoch", define_watch},
        {"confusion", "Emoji confusion matrix with per-class precision, recall and F1", define_confusion},
        {"memeify", "The meme for one event (JSON on stdin), with the exact Slack and Discord payloads", define_memeify},
        {"serve", "Run the bot: HTTP API, GitHub and GitLab webhooks, chat delivery", define_serve},
        {"emit", "Send one event to the bot (or handle it here when no bot URL is set)", define_emit},
        {"flush", "Deliver what waits in the outbox once, then exit", define_flush},
        {"history", "Archive entries, newest first", define_history},
        {"show", "One entry with its metrics, memes and their delivery state", define_show},
        {"card", "A meme as a PNG card: memeops card v1.2-rapid-raccoon -o card.png", define_card},
        {"search", "Full-text search over captions, commit messages, tags and event text", define_search},
        {"slang", "Chinese internet slang from the built-in lexicon: word, pinyin, emoji, gloss", define_slang},
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
    const core::ConfigFile& config = settings().config();
    const core::ConfigFile::Path at("/detectors");
    const nlohmann::json* detectors = config.find(at);
    if (!detectors) return {};
    if (!detectors->is_object()) config.fail(at, "must be an object, not " + core::json_kind(*detectors));
    // Each key alone, so the error names the file, the line and the key (core/config_file.hpp).
    for (const auto& [key, value] : detectors->items()) {
        try {
            meme::thresholds_from_json(nlohmann::json{{key, value}});
        } catch (const std::invalid_argument& e) {
            std::string problem = e.what(), named = "detectors." + key + " ";
            config.fail(at / key, problem.starts_with(named) ? problem.substr(named.size()) : problem);
        }
    }
    return meme::thresholds_from_json(*detectors);
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
        add_examples(*sub, examples_of(spec.name));
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
