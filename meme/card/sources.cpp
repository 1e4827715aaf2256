#include "meme/card/sources.hpp"

#include <algorithm>
#include <cmath>

#include "meme/metrics_log.hpp"

namespace memeops::meme::card {
namespace {

// The metrics a reaction's picture plots, in the order they are drawn (the first on top).
std::vector<std::string> metrics_for(const std::string& reaction) {
    if (reaction == "training.sudden_drop" || reaction == "training.oscillation") return {"loss"};
    if (reaction == "training.breakthrough" || reaction == "training.val_acc_streak")
        return {"val_accuracy", "accuracy"};
    return {"loss", "val_loss"};
}

Series series_of(const std::string& metric, const std::vector<EpochMetrics>& epochs) {
    Series s{metric, {}};
    for (const auto& e : epochs) {
        auto it = e.metrics.find(metric);
        if (it == e.metrics.end())
            for (const auto& [name, value] : e.metrics)
                if (canonical_metric_name(name) == metric) it = e.metrics.find(name);
        s.values.push_back(it == e.metrics.end() ? std::nullopt : std::optional<double>(it->second));
    }
    return s;
}

bool has_values(const Series& s) {
    return std::any_of(s.values.begin(), s.values.end(), [](const auto& v) { return v && std::isfinite(*v); });
}

}  // namespace

CurvePicture training_picture(const std::string& reaction, const std::vector<EpochMetrics>& epochs,
                              std::optional<int> marked, const DetectorThresholds& thresholds) {
    CurvePicture p;
    for (const auto& e : epochs) p.epochs.push_back(e.epoch);
    for (const auto& metric : metrics_for(reaction))
        if (auto s = series_of(metric, epochs); has_values(s)) p.series.push_back(std::move(s));
    if (p.series.empty() && reaction == "training.nan") p.series.push_back(series_of("loss", epochs));
    p.marked_epoch = marked;
    if (reaction == "training.breakthrough") p.threshold = thresholds.breakthrough_accuracy;
    return p;
}

std::optional<int> firing_epoch(const std::string& reaction, const std::vector<EpochMetrics>& epochs,
                                const DetectorThresholds& thresholds) {
    if (epochs.empty()) return std::nullopt;
    std::optional<int> fired;
    for (const auto& found : detect_in_log(epochs, thresholds))
        if (found.detection.reaction == reaction) fired = found.detection.epoch;
    return fired ? fired : epochs.back().epoch;
}

Subject subject_of(const storage::Entry& entry) {
    Subject s{entry.run, std::nullopt, entry.branch, entry.tag, entry.repo, entry.commit};
    if (entry.kind == storage::EntryKind::ci) {
        const auto& event = entry.details.value("event", nlohmann::json::object());
        if (event.contains("name") && event["name"].is_string()) s.pipeline = event["name"].get<std::string>();
    }
    return s;
}

Card card_of(const storage::Meme& meme, Subject subject, Picture picture) {
    return {meme.reaction, meme.priority, {meme.caption, meme.caption_en}, std::move(subject), std::move(picture)};
}

const storage::Meme& card_meme(const std::vector<storage::Meme>& memes) {
    const storage::Meme* best = &memes.front();
    for (const auto& m : memes)
        if (m.priority <= best->priority) best = &m;
    return *best;
}

std::string card_file_name(const Subject& subject, const std::string& reaction) {
    std::string name = subject.tag.value_or(subject.run.value_or(subject.pipeline.value_or(
                           subject.commit ? subject.commit->substr(0, 8) : "meme"))) +
                       "-" + reaction;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') ch = '_';
    return "memeops-" + name + ".png";
}

}  // namespace memeops::meme::card
