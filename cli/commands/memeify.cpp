// memeops memeify: the meme for one event read from stdin, and with --json the exact Slack,
// Discord and console payloads. Without --dry-run the event is archived and its memes queued,
// as `emit` does locally.
#include <filesystem>
#include <iterator>

#include "delivery/console/console_payload.hpp"
#include "delivery/discord/discord_payload.hpp"
#include "bot/event_handler.hpp"
#include "delivery/slack/slack_payload.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"

namespace memeops::cli {
namespace {

struct MemeifyOptions {
    bool dry_run = false;
    bool json = false;
};

nlohmann::json sarcasm_json(const meme::SarcasmScore& score) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& r : score.reasons)
        reasons.push_back({{"feature", r.feature}, {"contribution", r.contribution}, {"matched", r.matched}});
    return {{"score", score.score}, {"sarcastic", score.sarcastic}, {"reasons", reasons}};
}

nlohmann::json handled_json(const bot::HandledEvent& handled, bool dry_run) {
    nlohmann::json memes = nlohmann::json::array();
    std::vector<delivery::ChatMeme> chat;
    for (const auto& m : handled.memes) {
        nlohmann::json destinations = nlohmann::json::array();
        for (const auto& d : m.deliveries) destinations.push_back(d.destination);
        memes.push_back({{"reaction", m.reaction}, {"priority", storage::priority_label(m.priority)},
                         {"caption", m.caption}, {"caption_en", m.caption_en}, {"destinations", destinations}});
        chat.push_back(delivery::to_chat(m));
    }
    nlohmann::json out{{"dry_run", dry_run},
                       {"entry_id", dry_run || !handled.entry_id ? nlohmann::json() : nlohmann::json(handled.entry_id)},
                       {"duplicate", handled.duplicate},
                       {"memes", memes},
                       {"payloads", nullptr}};
    if (!chat.empty())
        out["payloads"] = {{"slack", delivery::slack::payload(chat)},
                           {"discord", delivery::discord::payload(chat)},
                           {"console", delivery::console::payload(chat)}};
    if (handled.sarcasm) out["sarcasm"] = sarcasm_json(*handled.sarcasm);
    return out;
}

void print_for_people(std::ostream& out, const bot::HandledEvent& handled, bool dry_run) {
    if (handled.duplicate) {
        out << "Already received (entry #" << handled.entry_id << "): nothing new.\n";
        return;
    }
    std::vector<delivery::ChatMeme> chat;
    for (const auto& m : handled.memes) chat.push_back(delivery::to_chat(m));
    if (chat.empty()) out << "Nothing to react to.\n";
    else out << delivery::console::payload(chat);
    if (handled.sarcasm) {
        char score[16];
        std::snprintf(score, sizeof score, "%.2f", handled.sarcasm->score);
        out << "sarcasm score " << score;
        std::string sep = ": ";
        for (const auto& r : handled.sarcasm->reasons) {
            std::snprintf(score, sizeof score, "%+.2f", r.contribution);
            out << sep << r.feature << " " << score;
            sep = ", ";
        }
        out << "\n";
    }
    if (dry_run) out << "(dry run: nothing archived or queued)\n";
    else if (!chat.empty()) out << "Archived as #" << handled.entry_id << "; queued for `memeops flush` or the bot.\n";
    else out << "Archived as #" << handled.entry_id << ".\n";
}

// The archive to work against: the real one, or for a dry run without one, an empty one in
// memory (a dry run never creates files).
std::unique_ptr<storage::Archive> archive_for(Context& context, bool dry_run) {
    if (!dry_run) return context.open_archive();
    if (auto existing = context.open_existing_archive()) return existing;
    return storage::Archive::open(":memory:");
}

int run_memeify(Context& context, const MemeifyOptions& options) {
    Io& io = context.io();
    std::string input{std::istreambuf_iterator<char>(*io.in), std::istreambuf_iterator<char>()};
    auto doc = nlohmann::json::parse(input, nullptr, false);
    if (doc.is_discarded()) throw core::Fatal("cannot read the event on stdin", "not valid JSON");
    std::vector<meme::Event> events;
    try {
        events = meme::parse_events(doc, core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        throw core::Fatal("invalid event", e.what());
    }
    auto archive = archive_for(context, options.dry_run);
    bot::EventHandler handler(*archive, context.destinations(), context.detector_thresholds());
    auto handled = handler.handle(events, "event", options.dry_run ? bot::Commit::dry_run : bot::Commit::yes);
    if (options.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& h : handled) out.push_back(handled_json(h, options.dry_run));
        io.out << (doc.is_array() ? out : out[0]).dump() << "\n";
    } else {
        for (const auto& h : handled) print_for_people(io.out, h, options.dry_run);
    }
    return 0;
}

}  // namespace

Handler define_memeify(CLI::App& app, Context& context) {
    auto options = std::make_shared<MemeifyOptions>();
    app.footer("Reads one event (or an array of events) as JSON on stdin, e.g.\n"
               "  echo '{\"kind\":\"message\",\"text\":\"Oh great, NaN again\"}' | memeops memeify --dry-run");
    app.add_flag("--dry-run", options->dry_run, "Work out the meme and payloads; archive and queue nothing");
    app.add_flag("--json", options->json, "Print the memes with the exact Slack, Discord and console payloads");
    return [&context, options] { return run_memeify(context, *options); };
}

}  // namespace memeops::cli
