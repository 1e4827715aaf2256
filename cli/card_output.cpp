#include "cli/card_output.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "cli/event_preview.hpp"
#include "core/error.hpp"
#include "core/repo_identity.hpp"
#include "delivery/meme_card.hpp"
#include "meme/card/sources.hpp"
#include "storage/ci_history.hpp"
#include "storage/ingest_store.hpp"

namespace memeops::cli {
namespace {

using delivery::k_card_ci_runs;
using delivery::run_epochs;
using delivery::training_picture;
using meme::card::Picture;

const storage::Meme& chosen_meme(const storage::Entry& entry, const std::optional<std::string>& reaction) {
    if (!reaction) {
        if (entry.memes.empty()) throw core::Fatal("no card for #" + std::to_string(entry.id), "the entry has no meme");
        return meme::card::card_meme(entry.memes);
    }
    for (auto it = entry.memes.rbegin(); it != entry.memes.rend(); ++it)
        if (it->reaction == *reaction) return *it;
    throw core::Fatal("no card for #" + std::to_string(entry.id), "the entry has no " + *reaction + " meme");
}

// --- events ------------------------------------------------------------------------------

// The run's epochs: the archive's, then those of `events` up to `last` (the meme's event).
std::vector<meme::EpochMetrics> event_epochs(storage::Archive& archive, const std::vector<meme::Event>& events,
                                             size_t last) {
    const auto& run = events[last].run;
    std::vector<meme::EpochMetrics> epochs;
    if (auto found = storage::IngestStore(archive).run_version(run.value_or("")); found && run) epochs = run_epochs(archive, found->entry_id);
    for (size_t i = 0; i <= last; ++i)
        if (events[i].kind == "training.epoch" && events[i].run == run &&
            (epochs.empty() || *events[i].epoch > epochs.back().epoch))
            epochs.push_back({*events[i].epoch, events[i].metrics});
    return epochs;
}

Picture event_picture(storage::Archive& archive, const std::vector<meme::Event>& events, size_t index,
                      const pipeline::HandledEvent& handled, const storage::Meme& meme,
                      const meme::DetectorThresholds& thresholds) {
    const meme::Event& event = events[index];
    const std::string& reaction = meme.reaction;
    if (reaction == "confusion.matrix" && event.confusion) return meme::card::GridPicture{*event.confusion};
    if (reaction.starts_with("ci.")) {
        auto repo = event.repo ? std::optional(core::repo_identity(*event.repo)) : std::nullopt;
        std::string name = event.name.value_or("");
        auto statuses = storage::ci_statuses(archive, repo, event.branch, name, std::numeric_limits<std::int64_t>::max(), k_card_ci_runs - 1);
        statuses.push_back(event.status.value_or(""));
        return meme::card::StripPicture{name, statuses};
    }
    if (reaction == "version.tagged")
        return meme::card::BadgePicture{handled.version ? handled.version->names.tag : event.tag.value_or(""),
                                        handled.version ? handled.version->names.display : "", event.metrics};
    if (reaction == "sarcasm") return meme::card::MeterPicture{handled.sarcasm ? handled.sarcasm->score : 1.0, event.text.value_or("")};
    auto epochs = event_epochs(archive, events, index);
    std::optional<int> marked = event.epoch ? event.epoch : (epochs.empty() ? std::nullopt : std::optional(epochs.back().epoch));
    return training_picture(reaction, epochs, marked, event.text.value_or(""), thresholds);
}

meme::card::Subject event_subject(const meme::Event& event, const pipeline::HandledEvent& handled) {
    meme::card::Subject s{event.run, event.name, event.branch, event.tag, event.repo, event.commit};
    if (handled.version) s.tag = handled.version->names.tag;
    if (s.repo) s.repo = core::repo_identity(*s.repo);
    return s;
}

}  // namespace

delivery::DelivererOptions delivery_options(Context& context) {
    delivery::DelivererOptions options;
    options.cards = delivery::card_options_from_env();
    options.cards->thresholds = context.detector_thresholds();
    return options;
}

meme::card::Card entry_card(storage::Archive& archive, const storage::Entry& entry,
                            const std::optional<std::string>& reaction, const meme::DetectorThresholds& thresholds) {
    return delivery::meme_card(archive, entry, chosen_meme(entry, reaction), thresholds);
}

std::optional<meme::card::Card> event_card(storage::Archive& archive, const std::vector<meme::Event>& events,
                                           const std::vector<pipeline::HandledEvent>& handled,
                                           const meme::DetectorThresholds& thresholds) {
    std::optional<size_t> best;
    for (size_t i = 0; i < handled.size(); ++i)
        if (!handled[i].memes.empty() &&
            (!best || meme::card::card_meme(handled[i].memes).priority <= meme::card::card_meme(handled[*best].memes).priority))
            best = i;
    if (!best) return std::nullopt;
    const storage::Meme& meme = meme::card::card_meme(handled[*best].memes);
    auto picture = event_picture(archive, events, *best, handled[*best], meme, thresholds);
    return meme::card::card_of(meme, event_subject(events[*best], handled[*best]), std::move(picture));
}

std::optional<meme::card::Card> preview_card(Context& context, const std::vector<meme::Event>& events) {
    auto archive = preview_archive(context);
    pipeline::Pipeline pipeline(*archive, context.destinations(), context.detector_thresholds());
    auto handled = pipeline.handle(events, "event", pipeline::Mode::preview);
    return event_card(*archive, events, handled, context.detector_thresholds());
}

void save_card(const meme::card::Card& card, const std::string& path, Io& io, std::ostream& note) {
    std::string png = meme::card::render_card(card).png;
    write_card(path, png, io);
    if (path != "-") note << "Wrote " << path << " (" << card.reaction << ", " << png.size() << " bytes).\n";
}

void write_card(const std::string& path, const std::string& png, Io& io) {
    if (path == "-") {
        if (io.terminal.is_tty) throw core::Fatal("cannot write a card to the terminal", "give -o FILE.png, or pipe it");
        io.out.write(png.data(), static_cast<std::streamsize>(png.size()));
        io.out.flush();
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(png.data(), static_cast<std::streamsize>(png.size()));
    out.close();
    if (!out) throw core::Fatal("cannot write " + path, std::strerror(errno));
}

}  // namespace memeops::cli
