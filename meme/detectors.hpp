// The training detectors of contract §3, fed one epoch at a time per run.
//
// Pure logic: no clock, no I/O. A TrainingDetector holds one run's history and the state each
// rule needs ("once per streak", quiet periods, the best value so far), so the bot can feed
// epochs as they arrive and `memeops replay` can feed a whole log; both say the same thing.
// "Improved" follows Keras' EarlyStopping: better than the best so far by more than min_delta.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace memeops::meme {

struct DetectorThresholds {
    double sudden_drop_ratio = 0.5;      // loss below this × the lowest of the previous 3
    int sudden_drop_window = 3;
    int streak_epochs = 3;               // overfitting and val-accuracy streaks
    int oscillation_window = 6;          // loss values looked at
    int oscillation_sign_changes = 3;
    double oscillation_min_step = 0.01;  // each step at least this × the window's mean
    int oscillation_quiet_epochs = 5;
    double breakthrough_accuracy = 0.9;
    double plateau_min_delta = 1e-4;
    int plateau_patience = 5;
};

// Thresholds from the "detectors" object of the --config file: keys as the field names above
// ("plateau_patience": 8); missing keys keep their defaults. Throws std::invalid_argument
// naming an unknown key or a value of the wrong type.
DetectorThresholds thresholds_from_json(const nlohmann::json& config);

// One epoch's metrics by canonical name ("loss", "val_loss", "accuracy", "val_accuracy", "lr",
// and any other); NaN and infinities allowed.
struct EpochMetrics {
    int epoch = 0;
    std::map<std::string, double> metrics;
};

// "acc" → "accuracy", "val_acc" → "val_accuracy", "learning_rate" → "lr"; others unchanged.
std::string canonical_metric_name(const std::string& name);

// A reaction a detector fired, with what its caption needs.
struct Detection {
    std::string reaction;  // "training.overfitting", …
    int priority = 3;      // 0 = P0
    int epoch = 0;
    std::string metric;    // the metric it is about
    double value = 0;      // its value at this epoch
    double delta = 0;      // its change over the rule's window
};

class TrainingDetector {
public:
    explicit TrainingDetector(DetectorThresholds thresholds = {}) : m_thresholds(thresholds) {}

    // Feeds the next epoch and returns what fires on it, most urgent first.
    std::vector<Detection> feed(const EpochMetrics& epoch);

    // The values of `metric` over the recent epochs (the last k_kept_epochs), oldest first
    // (NaN where an epoch lacked it).
    std::vector<double> series(const std::string& metric) const;

    // The last epoch fed, or -1 before the first.
    int last_epoch() const { return m_history.empty() ? -1 : m_history.back().epoch; }

    // What the rules remember beyond the epochs themselves ("fired once per streak", quiet
    // periods, the best value so far), as small JSON: the bot keeps it per run in the archive,
    // next to the epochs. restore(state(), the recent epochs) behaves exactly like the original.
    nlohmann::json state() const;
    static TrainingDetector restore(const nlohmann::json& state, std::vector<EpochMetrics> recent,
                                    DetectorThresholds thresholds = {});
    // The epochs the detector holds, oldest first: what restore() needs back.
    const std::vector<EpochMetrics>& recent_epochs() const { return m_history; }

    // Epochs kept for the rules and the sparkline; older ones are forgotten.
    static constexpr size_t k_kept_epochs = 20;

private:
    std::optional<Detection> check_nan(const EpochMetrics& e) const;
    std::optional<Detection> check_sudden_drop(const EpochMetrics& e) const;
    std::optional<Detection> check_overfitting(const EpochMetrics& e);
    std::optional<Detection> check_val_acc_streak(const EpochMetrics& e);
    std::optional<Detection> check_oscillation(const EpochMetrics& e);
    std::optional<Detection> check_breakthrough(const EpochMetrics& e);
    std::optional<Detection> check_plateau(const EpochMetrics& e);

    DetectorThresholds m_thresholds;
    std::vector<EpochMetrics> m_history;
    bool m_overfitting_fired = false;
    bool m_val_acc_streak_fired = false;
    int m_oscillation_quiet_until = -1;  // no oscillation alert before this epoch
    bool m_breakthrough_fired = false;
    std::optional<double> m_plateau_best;
    int m_plateau_since = 0;  // epochs without improvement
    bool m_plateau_fired = false;
};

// "▁▂▃▅▇" for the values (NaN and infinities skipped), at most `width` of the newest.
std::string sparkline(const std::vector<double>& values, size_t width = 20);

}  // namespace memeops::meme
