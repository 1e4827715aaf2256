#include "delivery/meme_card.hpp"

#include <atomic>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "meme/card/sources.hpp"
#include "storage/card_store.hpp"
#include "storage/ci_history.hpp"
#include "storage/ingest_store.hpp"

namespace memeops::delivery {
namespace {

using meme::card::Picture;

std::string event_text(const storage::Entry& entry) {
    return entry.details.value("event", nlohmann::json::object()).value("text", entry.summary.value_or(""));
}

meme::card::GridPicture grid_of(const nlohmann::json& confusion) {
    return {meme::confusion_from_counts(confusion.at("labels").get<std::vector<std::string>>(),
                                        confusion.at("matrix").get<std::vector<std::vector<long>>>())};
}

Picture entry_picture(storage::Archive& archive, const storage::Entry& entry, const storage::Meme& meme,
                      const meme::card::Subject& subject, const meme::DetectorThresholds& thresholds) {
    const std::string& reaction = meme.reaction;
    if (reaction == "confusion.matrix") return grid_of(entry.details.at("confusion"));
    if (reaction.starts_with("ci.")) {
        std::string pipeline = subject.pipeline.value_or("");
        return meme::card::StripPicture{pipeline, storage::ci_statuses(archive, entry.repo, entry.branch, pipeline, entry.id, k_card_ci_runs)};
    }
    if (reaction == "version.tagged") return meme::card::BadgePicture{entry.tag.value_or(""), entry.display.value_or(""), entry.metrics};
    if (reaction == "sarcasm") return meme::card::MeterPicture{entry.details.value("sarcasm", 0.0), entry.body};
    auto epochs = run_epochs(archive, entry.id);
    return training_picture(reaction, epochs, meme::card::firing_epoch(reaction, epochs, thresholds), event_text(entry), thresholds);
}

}  // namespace

std::vector<meme::EpochMetrics> run_epochs(storage::Archive& archive, std::int64_t entry_id) {
    std::vector<meme::EpochMetrics> epochs;
    for (auto& [epoch, metrics] : storage::IngestStore(archive).recent_epochs(entry_id, std::numeric_limits<int>::max()))
        epochs.push_back({epoch, std::move(metrics)});
    return epochs;
}

Picture training_picture(const std::string& reaction, const std::vector<meme::EpochMetrics>& epochs,
                         std::optional<int> marked, const std::string& text,
                         const meme::DetectorThresholds& thresholds) {
    if (epochs.empty()) return meme::card::EmojiPicture{"💥", text};
    return meme::card::training_picture(reaction, epochs, marked, thresholds);
}

meme::card::Card meme_card(storage::Archive& archive, const storage::Entry& entry, const storage::Meme& meme,
                           const meme::DetectorThresholds& thresholds) {
    auto subject = meme::card::subject_of(entry);
    auto picture = entry_picture(archive, entry, meme, subject, thresholds);
    return meme::card::card_of(meme, std::move(subject), std::move(picture));
}

std::optional<meme::card::Card> archived_card(storage::Archive& archive, std::int64_t meme_id,
                                              const meme::DetectorThresholds& thresholds) {
    auto entry_id = storage::entry_of_meme(archive, meme_id);
    if (!entry_id) return std::nullopt;
    auto entry = archive.find("#" + std::to_string(*entry_id));
    if (!entry) return std::nullopt;
    for (const auto& meme : entry->memes)
        if (meme.id == meme_id) return meme_card(archive, *entry, meme, thresholds);
    return std::nullopt;
}

namespace {

// The render threads of render_within, which may outlive the call that started them. They are
// joined, not detached: the finished ones when the next starts, the rest when the process ends,
// before the statics they read (the card layout) are destroyed.
class RenderThreads {
public:
    void start(std::function<void()> work) {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_running, [](Running& r) {
            if (!*r.done) return false;
            r.thread.join();
            return true;
        });
        auto done = std::make_shared<std::atomic<bool>>(false);
        m_running.push_back({std::thread([work = std::move(work), done] {
                                 work();
                                 *done = true;
                             }),
                             done});
    }
    ~RenderThreads() {
        for (auto& r : m_running) r.thread.join();
    }

private:
    struct Running {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::mutex m_mutex;
    std::vector<Running> m_running;
};

RenderThreads& render_threads() {
    meme::card::card_layout();  // built first, so it is destroyed after the threads are joined
    static RenderThreads threads;
    return threads;
}

}  // namespace

std::optional<std::string> render_within(meme::card::Card card, core::TimeMs limit_ms) {
    auto task = std::make_shared<std::packaged_task<std::string()>>(
        [card = std::move(card)] { return meme::card::render_card(card).png; });
    auto png = task->get_future();
    render_threads().start([task] { (*task)(); });  // owns its card: safe to outlive this call
    if (png.wait_for(std::chrono::milliseconds(limit_ms)) != std::future_status::ready) return std::nullopt;
    return png.get();
}

std::optional<std::string> meme_card_png(storage::Archive& archive, std::int64_t meme_id,
                                         const meme::DetectorThresholds& thresholds) {
    auto card = archived_card(archive, meme_id, thresholds);
    if (!card) return std::nullopt;
    return meme::card::render_card(*card).png;
}

}  // namespace memeops::delivery
