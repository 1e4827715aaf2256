// memeops demo: the whole product once, in a temporary folder, through its real commands.
//
// A repository gets memeops' hooks and three commits made with git (the hooks archive them and
// print their lines), then a model version; a training run with a breakthrough and
// overfitting, a CI pipeline failing then fixed (real GitLab webhook payloads, mapped as the bot
// maps them), a sarcastic message and a confusion matrix are handed over as `memeops memeify
// --post` and `confusion --post` do; `history` ends it. Every step runs as its own child process
// of this binary (or git) in an environment of the demo's own: its archive, no bot, no chat
// destination and no git or memeops settings of the user's, so nothing is ever posted to a real
// chat. Every meme's card is written as a PNG into the "cards" folder beside the archive. Only
// the archive and the cards are left behind (everything with --keep).
//
// With --slack or --discord, and only then, the demo's memes are also posted to those webhooks
// (through `memeops flush`, cards and all), so a team can see them in its own channel. With
// --serve, the demo ends by serving its archive, dashboard included, on loopback.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <limits>

#include "bot/webhooks.hpp"
#include "core/destinations.hpp"
#include "core/url.hpp"
#include "cli/card_output.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "delivery/meme_card.hpp"
#include "meme/card/sources.hpp"
#include "storage/outbox.hpp"
#include "templates/templates.hpp"

extern char** environ;

namespace memeops::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
    bool keep = false;
    std::optional<std::string> slack, discord;  // webhooks to post the demo's memes to as well
    bool serve = false;
    std::string listen = "127.0.0.1:8088";
};

// The demo's own environment: the caller's, without anything that would reach the user's git
// settings, archive, bot or chat, plus the demo's archive and a foreground hook.
std::vector<std::string> demo_environment(const fs::path& root, const Terminal& terminal) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view item(*entry);
        std::string_view name = item.substr(0, item.find('='));
        bool personal = name.starts_with("MEMEOPS_") || name.starts_with("GIT_") || name == "HOME" ||
                        name == "XDG_CONFIG_HOME" || name == "NO_COLOR" || name == "FORCE_COLOR" ||
                        name == "CLICOLOR_FORCE" || name == "COLUMNS";
        if (!personal) env.emplace_back(item);
    }
    fs::path home = root / "home";
    for (std::string set : {"HOME=" + home.string(), "XDG_CONFIG_HOME=" + (home / ".config").string(),
                            std::string("GIT_CONFIG_NOSYSTEM=1"), "MEMEOPS_DB=" + (root / "archive.db").string(),
                            std::string("MEMEOPS_HOOK_FOREGROUND=1"), std::string("GIT_AUTHOR_NAME=Demo Trainer"),
                            std::string("GIT_AUTHOR_EMAIL=trainer@demo.invalid"),
                            std::string("GIT_COMMITTER_NAME=Demo Trainer"),
                            std::string("GIT_COMMITTER_EMAIL=trainer@demo.invalid")})
        env.push_back(set);
    env.emplace_back(terminal.colour ? "FORCE_COLOR=1" : "NO_COLOR=1");
    if (terminal.width > 0) env.push_back("COLUMNS=" + std::to_string(terminal.width));
    return env;
}

// Runs one step of the demo as a child process, its output straight on ours.
class DemoSteps {
public:
    // `steps`: how many headings the demo will show.
    DemoSteps(Io& io, fs::path root, int steps)
        : m_io(io), m_root(std::move(root)), m_env(demo_environment(m_root, io.terminal)), m_steps(steps) {}

    const fs::path& root() const { return m_root; }
    fs::path repo() const { return m_root / "repo"; }

    void heading(int number, const std::string& what) {
        m_io.out << "\n" << m_io.terminal.paint(std::to_string(number) + "/" + std::to_string(m_steps) + "  " + what, "1") << "\n";
    }

    // `memeops ARGS` (or another program when `program` is set); stdin from `input` if given,
    // `extra_env` ("NAME=value") added to the demo's environment.
    // Throws core::Fatal when the step fails: the demo stops there.
    void run(const std::vector<std::string>& args, const std::string& program = {}, const fs::path& input = {},
             const std::vector<std::string>& extra_env = {}) {
        m_io.out.flush();
        m_io.err.flush();
        std::vector<std::string> argv{program.empty() ? self() : program};
        argv.insert(argv.end(), args.begin(), args.end());
        int status = spawn_and_wait(argv, input, extra_env);
        if (status != 0)
            throw core::Fatal("demo", "the step `" + describe(argv) + "` failed (exit " + std::to_string(status) + ")");
    }

    void write(const fs::path& path, std::string_view content) {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
    }

    // Replaces this process with `memeops ARGS` in the demo's environment plus `extra_env`.
    [[noreturn]] void exec(const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
        m_io.out.flush();
        m_io.err.flush();
        std::vector<std::string> argv{self()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto c_args = c_strings(argv);
        std::vector<std::string> env = m_env;
        env.insert(env.end(), extra_env.begin(), extra_env.end());
        auto c_env = c_strings(env);
        execve(argv[0].c_str(), c_args.data(), c_env.data());
        throw core::Fatal("demo", "cannot run " + argv[0] + ": " + std::strerror(errno));
    }

private:
    static std::string self() { return fs::read_symlink("/proc/self/exe").string(); }

    static std::string describe(const std::vector<std::string>& argv) {
        std::string out = fs::path(argv[0]).filename().string();
        for (size_t i = 1; i < argv.size(); ++i) out += " " + argv[i];
        return out;
    }

    static std::vector<char*> c_strings(const std::vector<std::string>& strings) {
        std::vector<char*> out;
        for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
        out.push_back(nullptr);
        return out;
    }

    int spawn_and_wait(const std::vector<std::string>& argv, const fs::path& input, const std::vector<std::string>& extra_env) {
        auto args = c_strings(argv);
        std::vector<std::string> environment = m_env;
        environment.insert(environment.end(), extra_env.begin(), extra_env.end());
        auto env = c_strings(environment);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        std::string stdin_path = input.empty() ? "/dev/null" : input.string();
        posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
        std::string cwd = repo().string();
        if (fs::exists(repo())) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
        pid_t pid = 0;
        int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
        posix_spawn_file_actions_destroy(&actions);
        if (failed) throw core::Fatal("demo", "cannot run " + argv[0] + ": " + std::strerror(failed));
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    Io& m_io;
    fs::path m_root;
    std::vector<std::string> m_env;
    int m_steps;
};

const nlohmann::json& demo_data() { return templates::embedded_json("demo.json"); }

void repository_with_hooks(DemoSteps& steps) {
    steps.heading(1, "A repository with memeops' hooks: three commits, then a model version");
    fs::create_directories(steps.repo());
    steps.run({"init", "-q", "-b", "main"}, "git");
    steps.run({"install"});
    for (const auto& commit : demo_data()["commits"]) {
        steps.write(steps.repo() / commit["file"].get<std::string>(), commit["content"].get<std::string>());
        steps.run({"add", "-A"}, "git");
        steps.run({"commit", "-q", "-m", commit["message"].get<std::string>()}, "git");
    }
    const auto& version = demo_data()["version"];
    std::vector<std::string> tag{"tag", "--run", version["run"].get<std::string>()};
    for (const auto& [name, value] : version["metrics"].items()) {
        tag.push_back("--metric");
        tag.push_back(name + "=" + value.dump());
    }
    steps.run(tag);
}

// Hands `events` over as `memeops memeify --post` does.
void post_events(DemoSteps& steps, const nlohmann::json& events, const std::string& file) {
    fs::path path = steps.root() / file;
    steps.write(path, events.dump());
    steps.run({"memeify", "--post"}, {}, path);
}

void training_run(DemoSteps& steps) {
    steps.heading(2, "A training run reports its epochs: a breakthrough, then overfitting");
    const auto& training = demo_data()["training"];
    const auto& names = training["metrics"];
    nlohmann::json events = nlohmann::json::array();
    int epoch = 0;
    for (const auto& values : training["epochs"]) {
        nlohmann::json metrics = nlohmann::json::object();
        for (size_t i = 0; i < names.size(); ++i) metrics[names[i].get<std::string>()] = values[i];
        events.push_back({{"kind", "training.epoch"}, {"run", training["run"]}, {"epoch", epoch++}, {"metrics", metrics}});
    }
    post_events(steps, events, "training.json");
}

void ci_pipeline(DemoSteps& steps) {
    steps.heading(3, "CI: a GitLab pipeline fails, then passes (real webhook payloads)");
    nlohmann::json events = nlohmann::json::array();
    for (const char* delivery : {"gitlab/pipeline-event.no-url.failed.json", "gitlab/pipeline-event.no-url.json"}) {
        auto mapped = bot::gitlab_event("Pipeline Hook", templates::embedded_json(delivery));
        if (!mapped) throw core::Fatal("demo", std::string("the webhook payload ") + delivery + " maps to no event");
        events.push_back(mapped->event);
    }
    post_events(steps, events, "ci.json");
}

void chat_message(DemoSteps& steps) {
    steps.heading(4, "Chat: someone is being sarcastic");
    post_events(steps, nlohmann::json::array({{{"kind", "message"}, {"text", demo_data()["message"]}}}), "message.json");
}

void confusion_matrix(DemoSteps& steps) {
    steps.heading(5, "A confusion matrix from the model's predictions");
    const auto& confusion = demo_data()["confusion"];
    std::string csv;
    for (const auto& row : confusion["rows"]) csv += row[0].get<std::string>() + "," + row[1].get<std::string>() + "\n";
    fs::path path = steps.root() / "predictions.csv";
    steps.write(path, csv);
    steps.run({"confusion", path.string(), "--post", "--run", confusion["run"].get<std::string>()});
}

// Writes the card of every meme in the demo's archive into `folder`, named "<meme id>-memeops-
// <subject>-<reaction>.png". Returns how many.
int write_cards(const fs::path& archive_path, const fs::path& folder, Context& context) {
    fs::create_directories(folder);
    auto archive = storage::Archive::open(archive_path.string());
    storage::HistoryQuery everything;
    everything.limit = std::numeric_limits<int>::max();
    int written = 0;
    for (const auto& entry : archive->history(everything))
        for (const auto& meme : entry.memes) {
            auto card = delivery::meme_card(*archive, entry, meme, context.detector_thresholds());
            std::string name = std::to_string(meme.id) + "-" + meme::card::card_file_name(card.subject, meme.reaction);
            write_card((folder / name).string(), meme::card::render_card(card).png, context.io());
            ++written;
        }
    return written;
}

// With --slack or --discord: queues every meme of the demo's archive for those webhooks and
// delivers them with `memeops flush` (cards, digests and pacing as `serve` would).
void post_to_chat(DemoSteps& steps, const DemoOptions& options) {
    std::vector<std::string> env;
    std::vector<core::Destination> chats;
    if (options.slack) chats.push_back({"slack", core::DestinationType::slack, *options.slack, 3, {}});
    if (options.discord) chats.push_back({"discord", core::DestinationType::discord, *options.discord, 3, {}});
    if (chats.empty()) return;
    steps.heading(7, "The same memes in your chat: memeops flush");
    auto archive = storage::Archive::open((steps.root() / "archive.db").string());
    for (const auto& chat : chats) {
        storage::queue_every_meme(*archive, chat.key());
        env.push_back((chat.type == core::DestinationType::slack ? "MEMEOPS_SLACK_WEBHOOK=" : "MEMEOPS_DISCORD_WEBHOOK=") + chat.url);
    }
    archive.reset();
    steps.run({"flush", "--timeout", "60"}, {}, {}, env);
}

// A webhook given to --slack or --discord, checked before the demo starts.
void check_webhook(const std::optional<std::string>& url, const std::string& flag) {
    if (url && !core::parse_url(*url))
        throw core::UsageError(flag + " must be an http or https URL with a host, like https://hooks.slack.com/services/…");
}

// Removes everything the demo made but its archive and cards; the archive's log is folded into it first (the
// last connection to close does that), so one file is left.
void clean_up(const fs::path& root) {
    storage::Archive::open((root / "archive.db").string()).reset();
    for (const auto& item : fs::directory_iterator(root))
        if (item.path().filename() != "archive.db" && item.path().filename() != "cards") fs::remove_all(item.path());
}

int run_demo(Context& context, const DemoOptions& options) {
    Io& io = context.io();
    check_webhook(options.slack, "--slack");
    check_webhook(options.discord, "--discord");
    std::string pattern = (fs::temp_directory_path() / "memeops-demo-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw core::Fatal("demo", "cannot make a folder in " + fs::temp_directory_path().string());
    fs::path root = pattern;
    bool chat = options.slack || options.discord;
    io.out << io.terminal.paint("MemeOps demo", "1") << " in " << root.string()
           << ": hooks, a model version, training, CI, chat and a confusion matrix, posted to this console"
           << (chat ? ", then to the chat you named" : " only") << ".\n";
    DemoSteps steps(io, root, chat ? 7 : 6);
    repository_with_hooks(steps);
    training_run(steps);
    ci_pipeline(steps);
    chat_message(steps);
    confusion_matrix(steps);
    steps.heading(6, "The archive: memeops history");
    steps.run({"history", "--limit", "12"});
    int cards = write_cards(root / "archive.db", root / "cards", context);
    io.out << "\nCards: " << cards << " PNG files, one per meme, in " << (root / "cards").string() << "\n";
    post_to_chat(steps, options);
    if (!options.keep) clean_up(root);
    fs::path archive = root / "archive.db";
    io.out << "\nThe demo's archive is " << archive.string() << (options.keep ? " (its repository is beside it)" : "")
           << ". Look around with:\n  memeops history --db " << archive.string() << "\n  memeops search --db "
           << archive.string() << " overfitting\n";
    if (options.serve) {
        io.out << "\nServing it, dashboard included: http://" << options.listen << "/ (Ctrl-C to stop)\n";
        steps.exec({"serve", "--listen", options.listen}, {"MEMEOPS_DB=" + archive.string()});
    }
    return 0;
}

}  // namespace

Handler define_demo(CLI::App& app, Context& context) {
    auto options = std::make_shared<DemoOptions>();
    app.footer("Examples:\n"
               "  memeops demo                         then: memeops history --db <the archive it prints>\n"
               "  memeops demo --serve                 then open http://127.0.0.1:8088/\n"
               "  memeops demo --discord \"$DISCORD\"    the memes and their cards in your own channel");
    app.add_flag("--keep", options->keep, "Keep the demo's repository and files, not only its archive");
    app.add_option("--slack", options->slack, "Also post the demo's memes to this Slack incoming webhook");
    app.add_option("--discord", options->discord, "Also post the demo's memes (with their cards) to this Discord webhook");
    app.add_flag("--serve", options->serve, "Then serve the demo's archive and its dashboard (until Ctrl-C)");
    app.add_option("--listen", options->listen, "Where --serve listens, on loopback (default 127.0.0.1:8088)");
    return [&context, options] { return run_demo(context, *options); };
}

}  // namespace memeops::cli
