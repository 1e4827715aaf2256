// The training detectors of contract §3 (rules v2), fed one epoch at a time per run.
//
// Pure logic: no clock, no I/O. A TrainingDetector holds one run's recent epochs and what each
// rule remembers (the best values and their epochs, "once per episode" flags, quiet periods), so
// the bot can feed epochs as they arrive and `memeops replay` can feed a whole log; both say the
// same thing.
//
// The rules read one run. Plateau reads val_loss once the run has had it, else loss; the
// accuracy rules read validation accuracy once the run has had it, else training accuracy (each
// starts afresh when validation first appears); sudden drop and oscillation read the training
// loss, and overfitting both losses, as contract §3 names them. Accuracy is the first of val_accuracy (val_acc), val_categorical_accuracy,
// val_sparse_categorical_accuracy, val_binary_accuracy (or the same without "val_"); the
// learning rate is lr (learning_rate). A NaN or infinite value fires training.nan (once per
// run of non-finite epochs); every other rule skips a window that holds one, and it never
// becomes a best. A loss "best" is the lowest so far, and a new one must be more than
// min_improvement (0.5%) of its magnitude below the previous best; an accuracy best is the
// highest so far. Relative thresholds use magnitudes, so they hold for negative losses too.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace memeops::meme {

// The thresholds of the rules, as contract §3 gives them by default.
struct DetectorThresholds {
    double min_improvement = 0.005;        // a new best loss is this fraction of |best| below it
    // training.sudden_drop
    int sudden_drop_window = 3;            // previous epochs compared with
    double sudden_drop_ratio = 0.5;        // loss below this × the lowest of them
    double sudden_drop_stability = 1.5;    // and they were stable: max ≤ this × min
    // training.overfitting
    int overfitting_epochs = 3;            // epochs after the best, all of them risen
    double overfitting_rise = 0.10;        // val_loss ≥ best + this × |best| on each
    double overfitting_train_drop = 0.10;  // loss ≤ loss at the best − this × |that|
    // training.val_acc_streak
    int streak_epochs = 3;                 // consecutive strict falls
    double val_acc_drop = 0.03;            // and this far below the best (absolute)
    // training.oscillation
    int oscillation_window = 6;            // loss values looked at
    int oscillation_sign_changes = 3;
    double oscillation_min_step = 0.01;    // each step at least this × |mean|
    double oscillation_mean_step = 0.05;   // the average step at least this × |mean|
    int oscillation_quiet_epochs = 10;
    // training.breakthrough
    double breakthrough_accuracy = 0.9;
    // training.plateau
    int plateau_patience = 8;              // epochs without a new best
    double plateau_rearm = 0.05;           // fires again only this fraction of |best| below where it fired
};

// Thresholds from the "detectors" object of the --config file: keys as the field names above
// ("plateau_patience": 8); missing keys keep their defaults. Throws std::invalid_argument
// naming an unknown key or a value of the wrong type or range.
DetectorThresholds thresholds_from_json(const nlohmann::json& config);

// One epoch's metrics by name as received (aliases allowed); NaN and infinities allowed. A
// metric the epoch lacks is absent, not NaN.
struct EpochMetrics {
    int epoch = 0;
    std::map<std::string, double> metrics;
};

// "acc" → "accuracy", "val_acc" → "val_accuracy", "learning_rate" → "lr"; others unchanged.
std::string canonical_metric_name(const std::string& name);

// A reaction a detector fired, with what its caption and `replay --explain` show.
struct Detection {
    std::string reaction;  // "training.overfitting", …
    int priority = 3;      // 0 = P0
    int epoch = 0;
    std::string metric;    // the metric it is about
    double value = 0;      // its value at this epoch
    double delta = 0;      // its change over the rule's window (or from the best)
    // Caption placeholders beyond the common ones, formatted: "best", "best_epoch", "since",
    // "before", "train", "train_best", "threshold", "swings", "window".
    std::map<std::string, std::string> facts;
    std::vector<double> window;  // the values the rule looked at, oldest first
    std::string why;             // the thresholds crossed, in numbers (English)
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

    // What the rules remember beyond the epochs themselves, as the text of a small JSON object
    // tagged "rules": 2 and naming the last epoch fed ("epoch"): the bot keeps it per run in the
    // archive, next to the epochs.
    // restore(the state parsed, the recent epochs) behaves exactly like the original. A state from rules v1 (untagged) is not
    // migrated: the detector restarts from the recent epochs, fed again silently, so its bests
    // and flags are rebuilt from what the archive holds and nothing fires twice.
    std::string state() const;
    static TrainingDetector restore(const nlohmann::json& state, std::vector<EpochMetrics> recent,
                                    DetectorThresholds thresholds = {});
    // The epoch a parsed state() is the memory after. A state that names none was saved, before
    // states named it, after every epoch: then `newest_epoch`, the run's newest archived.
    static int epoch_of_state(const nlohmann::json& state, int newest_epoch);
    // The epochs the detector holds, oldest first: what restore() needs back.
    const std::vector<EpochMetrics>& recent_epochs() const { return m_history; }

    // Epochs kept for the rules and the sparkline; older ones are forgotten.
    static constexpr size_t k_kept_epochs = 20;
    // The version of the rules state() is written by.
    static constexpr int k_rules_version = 2;

private:
    // A best value and the epoch it was reached.
    struct Best {
        double value = 0;
        int epoch = 0;
    };

    void track_metric_families(const EpochMetrics& e);
    std::optional<Detection> check_nan(const EpochMetrics& e);
    std::optional<Detection> check_sudden_drop(const EpochMetrics& e) const;
    std::optional<Detection> check_overfitting(const EpochMetrics& e);
    std::optional<Detection> check_val_acc_streak(const EpochMetrics& e);
    std::optional<Detection> check_oscillation(const EpochMetrics& e);
    std::optional<Detection> check_breakthrough(const EpochMetrics& e);
    std::optional<Detection> check_plateau(const EpochMetrics& e);
    // The loss the plateau rule reads (val_loss once the run has it), and the accuracy the
    // breakthrough and streak rules read (validation once the run has it), "" when none.
    std::string plateau_metric() const;
    std::string accuracy_metric(bool validation) const;

    DetectorThresholds m_thresholds;
    std::vector<EpochMetrics> m_history;  // canonical names
    bool m_has_val_loss = false;
    std::string m_val_accuracy_name;  // the run's validation accuracy metric, once seen
    std::string m_accuracy_name;      // its training accuracy metric, once seen
    bool m_in_nan_episode = false;
    // Overfitting: the best val_loss, the train loss at that epoch, fired since that best.
    std::optional<Best> m_best_val_loss;
    std::optional<double> m_loss_at_best;
    bool m_overfitting_fired = false;
    // Val accuracy streak: the best and whether it fired since.
    std::optional<Best> m_best_val_accuracy;
    bool m_val_acc_streak_fired = false;
    int m_oscillation_quiet_until = -1;  // no oscillation alert before this epoch
    // Breakthrough: an epoch below the threshold was seen; the threshold was reached.
    bool m_seen_below_breakthrough = false;
    bool m_reached_breakthrough = false;
    // Plateau: the best, epochs since, where it last fired (re-armed below it), and whether
    // overfitting fired since the best (then the plateau counts as fired without a post).
    std::optional<Best> m_plateau_best;
    int m_plateau_since = 0;
    std::optional<double> m_plateau_fired_at;
    bool m_overfitting_since_plateau_best = false;
};

// "▁▂▃▅▇" for the values (NaN and infinities skipped), at most `width` of the newest; empty
// for fewer than two values (one point is no curve).
std::string sparkline(const std::vector<double>& values, size_t width = 20);

}  // namespace memeops::meme
