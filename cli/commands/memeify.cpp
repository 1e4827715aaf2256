// memeops memeify: a preview of the memes for one event (or an array) read from stdin, and with
// --json the exact Slack, Discord and console payloads. It changes nothing unless --post, which
// hands the events over exactly as `emit` does (the team's bot, or the pipeline here and an
// immediate delivery).
#include <set>
#include <filesystem>
#include <iterator>

#include "delivery/console/console_payload.hpp"
#include "delivery/discord/discord_payload.hpp"
#include "delivery/slack/slack_payload.hpp"
#include "cli/card_output.hpp"
#include "cli/command.hpp"
#include "core/text.hpp"
#include "cli/event_preview.hpp"
#include "cli/event_submit.hpp"
#include "core/error.hpp"
#include "meme/event.hpp"

namespace memeops::cli {
namespace {

struct MemeifyOptions {
    bool post = false;
    bool dry_run = false;  // the default; kept for scripts written when --post did not exist
    bool json = false;
    std::optional<std::string> png;  // write the most urgent meme's card here
};

nlohmann::json sarcasm_json(const meme::SarcasmScore& score) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& r : score.reasons)
        reasons.push_back({{"feature", r.feature}, {"contribution", r.contribution}, {"matched", r.matched}});
    return {{"score", score.score}, {"sarcastic", score.sarcastic}, {"reasons", reasons}};
}

nlohmann::json handled_json(const pipeline::HandledEvent& handled, const meme::Event& event, bool dry_run) {
    nlohmann::json memes = nlohmann::json::array();
    std::vector<delivery::ChatMeme> chat;
    for (const auto& m : handled.memes) {
        nlohmann::json destinations = nlohmann::json::array();
        for (const auto& d : m.deliveries) destinations.push_back(d.destination);
        memes.push_back({{"reaction", m.reaction}, {"priority", storage::priority_label(m.priority)},
                         {"caption", m.caption}, {"caption_en", m.caption_en}, {"destinations", destinations}});
        chat.push_back(delivery::to_chat(m, delivery::subject_of(event)));
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

// A posted batch in one line: its memes were printed by the console delivery already.
void print_batch_for_people(std::ostream& out, const std::vector<pipeline::HandledEvent>& outcomes) {
    size_t duplicates = 0, memes = 0;
    std::set<std::int64_t> entries;
    for (const auto& h : outcomes) {
        duplicates += h.duplicate;
        memes += h.memes.size();
        entries.insert(h.entry_id);
    }
    size_t archived = outcomes.size() - duplicates;
    out << "Archived " << core::count_of(archived, "event", "events");
    if (duplicates) out << " (" << core::count_of(duplicates, "was", "were") << " already received)";
    out << " into " << core::count_of(entries.size(), "entry", "entries") << ", ";
    out << core::count_of(memes, "meme", "memes") << " delivered or queued";
    out << " (see `memeops show #" << *entries.rbegin() << "`).\n";
}

void print_for_people(std::ostream& out, const pipeline::HandledEvent& handled, const meme::Event& event, bool dry_run) {
    if (handled.duplicate) {
        out << "Already received (entry #" << handled.entry_id << "): nothing new.\n";
        return;
    }
    std::vector<delivery::ChatMeme> chat;
    for (const auto& m : handled.memes) chat.push_back(delivery::to_chat(m, delivery::subject_of(event)));
    if (chat.empty()) out << "Nothing to react to.\n";
    else if (dry_run) out << delivery::console::payload(chat);  // posted: the console delivery printed them
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
    if (dry_run) out << "(a preview: nothing archived or queued; --post hands it over)\n";
    else if (!chat.empty())
        out << "Archived as #" << handled.entry_id << "; " << core::count_of(static_cast<std::int64_t>(chat.size()), "meme", "memes")
            << " delivered or queued (see `memeops show #" << handled.entry_id << "`).\n";
    else out << "Archived as #" << handled.entry_id << ".\n";
}

std::vector<pipeline::HandledEvent> preview(Context& context, const std::vector<meme::Event>& events) {
    auto archive = preview_archive(context);
    pipeline::Pipeline pipeline(*archive, context.destinations(), context.detector_thresholds());
    return pipeline.handle(events, "event", pipeline::Mode::preview);
}

void print_bot_answer(Io& io, const Submission& s, bool json) {
    if (json) {
        io.out << nlohmann::json{{"sent_to_bot", s.bot_answer.has_value()}, {"bot", s.bot_answer.value_or(nullptr)},
                                 {"spooled", s.spooled}, {"spool_waiting", s.spool_waiting}}
                      .dump()
               << "\n";
    } else if (s.bot_answer) {
        io.out << "Sent to the bot: " << s.bot_answer->value("accepted", 0) << " accepted, "
               << s.bot_answer->value("duplicates", 0) << " already received.\n";
    } else {
        io.out << "The bot cannot be reached (" << s.spool_reason << "): the events wait in the spool ("
               << s.spool_waiting << " waiting) for the next hook, flush or emit.\n";
    }
}

int run_memeify(Context& context, const MemeifyOptions& options) {
    Io& io = context.io();
    auto [doc, events] = read_stdin_events(io);
    // Before a post: once archived, the events would read as already received.
    std::optional<meme::card::Card> card;
    if (options.png) card = preview_card(context, events);
    bool dry_run = !options.post;
    std::vector<pipeline::HandledEvent> outcomes;
    if (options.post) {
        std::vector<nlohmann::json> documents = doc.is_array() ? doc.get<std::vector<nlohmann::json>>()
                                                               : std::vector<nlohmann::json>{doc};
        Submission submission = submit_events(context, documents, options.json ? io.err : io.out);
        if (submission.bot_answer || submission.spooled) {
            print_bot_answer(io, submission, options.json);
            return 0;
        }
        outcomes = std::move(submission.outcomes);
    } else {
        outcomes = preview(context, events);
    }
    if (options.json) {
        nlohmann::json out = nlohmann::json::array();
        for (size_t i = 0; i < outcomes.size(); ++i) out.push_back(handled_json(outcomes[i], events[i], dry_run));
        io.out << (doc.is_array() ? out : out[0]).dump() << "\n";
    } else if (!dry_run && outcomes.size() > 1) {
        print_batch_for_people(io.out, outcomes);
    } else {
        for (size_t i = 0; i < outcomes.size(); ++i) print_for_people(io.out, outcomes[i], events[i], dry_run);
    }
    std::ostream& note = options.json ? io.err : io.out;
    if (card) save_card(*card, *options.png, io, note);
    else if (options.png) note << "No card: nothing to react to.\n";
    return 0;
}

}  // namespace

Handler define_memeify(CLI::App& app, Context& context) {
    auto options = std::make_shared<MemeifyOptions>();
    app.footer("Reads one event (or an array of events) as JSON on stdin, e.g.\n"
               "  echo '{\"kind\":\"message\",\"text\":\"Oh great, NaN again\"}' | memeops memeify");
    app.add_flag("--post", options->post, "Hand the events over as `emit` does: archive, queue and deliver (or send to the bot)");
    app.add_flag("--dry-run", options->dry_run, "A preview, changing nothing (the default without --post)");
    app.add_flag("-j,--json", options->json, "Print the memes with the exact Slack, Discord and console payloads");
    app.add_option("--png", options->png, "Also write the most urgent meme's card (PNG) to this file");
    return [&context, options] { return run_memeify(context, *options); };
}

}  // namespace memeops::cli
