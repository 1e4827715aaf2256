#include "meme/detectors.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "storage/entry.hpp"

namespace memeops::meme {
namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

std::optional<double> metric(const EpochMetrics& e, const std::string& name) {
    auto it = e.metrics.find(name);
    if (it == e.metrics.end() || !std::isfinite(it->second)) return std::nullopt;
    return it->second;
}

// The last `count` finite values of `name` when the last `count` epochs all have one.
std::optional<std::vector<double>> last_values(const std::vector<EpochMetrics>& history,
                                               const std::string& name, size_t count) {
    if (history.size() < count) return std::nullopt;
    std::vector<double> values;
    for (size_t i = history.size() - count; i < history.size(); ++i) {
        auto v = metric(history[i], name);
        if (!v) return std::nullopt;
        values.push_back(*v);
    }
    return values;
}

bool strictly(const std::vector<double>& v, bool rising) {
    for (size_t i = 1; i < v.size(); ++i)
        if (rising ? !(v[i] > v[i - 1]) : !(v[i] < v[i - 1])) return false;
    return true;
}

Detection detection(const std::string& reaction, int priority, const EpochMetrics& e,
                    const std::string& name, double value, double delta) {
    return {reaction, priority, e.epoch, name, value, delta};
}

}  // namespace

std::string canonical_metric_name(const std::string& name) {
    if (name == "acc") return "accuracy";
    if (name == "val_acc") return "val_accuracy";
    if (name == "learning_rate") return "lr";
    return name;
}

std::vector<Detection> TrainingDetector::feed(const EpochMetrics& epoch) {
    EpochMetrics e{epoch.epoch, {}};
    for (const auto& [name, value] : epoch.metrics) e.metrics[canonical_metric_name(name)] = value;
    m_history.push_back(e);
    if (m_history.size() > k_kept_epochs) m_history.erase(m_history.begin());
    std::vector<Detection> fired;
    for (auto found : {check_nan(e), check_sudden_drop(e), check_overfitting(e), check_val_acc_streak(e),
                       check_oscillation(e), check_breakthrough(e), check_plateau(e)})
        if (found) fired.push_back(*found);
    std::stable_sort(fired.begin(), fired.end(),
                     [](const Detection& a, const Detection& b) { return a.priority < b.priority; });
    return fired;
}

std::vector<double> TrainingDetector::series(const std::string& name) const {
    std::vector<double> values;
    for (const auto& e : m_history) {
        auto it = e.metrics.find(canonical_metric_name(name));
        values.push_back(it == e.metrics.end() ? k_nan : it->second);
    }
    return values;
}

std::optional<Detection> TrainingDetector::check_nan(const EpochMetrics& e) const {
    for (const auto& [name, value] : e.metrics)
        if (!std::isfinite(value)) return detection("training.nan", 0, e, name, value, 0);
    return std::nullopt;
}

std::optional<Detection> TrainingDetector::check_sudden_drop(const EpochMetrics& e) const {
    auto window = static_cast<size_t>(m_thresholds.sudden_drop_window);
    auto values = last_values(m_history, "loss", window + 1);
    if (!values) return std::nullopt;
    double lowest_before = *std::min_element(values->begin(), values->end() - 1);
    double now = values->back();
    if (now < m_thresholds.sudden_drop_ratio * lowest_before)
        return detection("training.sudden_drop", 0, e, "loss", now, now - lowest_before);
    return std::nullopt;
}

std::optional<Detection> TrainingDetector::check_overfitting(const EpochMetrics& e) {
    auto n = static_cast<size_t>(m_thresholds.streak_epochs) + 1;
    auto val = last_values(m_history, "val_loss", n);
    auto train = last_values(m_history, "loss", n);
    bool streak = val && train && strictly(*val, true) && strictly(*train, false);
    if (!streak) {
        m_overfitting_fired = false;
        return std::nullopt;
    }
    if (m_overfitting_fired) return std::nullopt;
    m_overfitting_fired = true;
    return detection("training.overfitting", 1, e, "val_loss", val->back(), val->back() - val->front());
}

std::optional<Detection> TrainingDetector::check_val_acc_streak(const EpochMetrics& e) {
    auto n = static_cast<size_t>(m_thresholds.streak_epochs) + 1;
    auto val = last_values(m_history, "val_accuracy", n);
    if (!val || !strictly(*val, false)) {
        m_val_acc_streak_fired = false;
        return std::nullopt;
    }
    if (m_val_acc_streak_fired) return std::nullopt;
    m_val_acc_streak_fired = true;
    return detection("training.val_acc_streak", 2, e, "val_accuracy", val->back(), val->back() - val->front());
}

std::optional<Detection> TrainingDetector::check_oscillation(const EpochMetrics& e) {
    if (e.epoch < m_oscillation_quiet_until) return std::nullopt;
    auto values = last_values(m_history, "loss", static_cast<size_t>(m_thresholds.oscillation_window));
    if (!values) return std::nullopt;
    double mean = 0;
    for (double v : *values) mean += v;
    mean /= static_cast<double>(values->size());
    int changes = 0;
    double previous_step = 0;
    for (size_t i = 1; i < values->size(); ++i) {
        double step = (*values)[i] - (*values)[i - 1];
        if (std::fabs(step) < m_thresholds.oscillation_min_step * std::fabs(mean)) return std::nullopt;
        if (i > 1 && (step > 0) != (previous_step > 0)) ++changes;
        previous_step = step;
    }
    if (changes < m_thresholds.oscillation_sign_changes) return std::nullopt;
    m_oscillation_quiet_until = e.epoch + m_thresholds.oscillation_quiet_epochs + 1;
    return detection("training.oscillation", 2, e, "loss", values->back(), values->back() - values->front());
}

std::optional<Detection> TrainingDetector::check_breakthrough(const EpochMetrics& e) {
    if (m_breakthrough_fired) return std::nullopt;
    std::string name = e.metrics.count("val_accuracy") ? "val_accuracy" : "accuracy";
    auto value = metric(e, name);
    if (!value || *value < m_thresholds.breakthrough_accuracy) return std::nullopt;
    m_breakthrough_fired = true;
    return detection("training.breakthrough", 2, e, name, *value, 0);
}

std::optional<Detection> TrainingDetector::check_plateau(const EpochMetrics& e) {
    std::string name = e.metrics.count("val_loss") ? "val_loss" : "loss";
    auto value = metric(e, name);
    if (!value) return std::nullopt;
    if (!m_plateau_best || *value < *m_plateau_best - m_thresholds.plateau_min_delta) {
        m_plateau_best = value;
        m_plateau_since = 0;
        m_plateau_fired = false;
        return std::nullopt;
    }
    ++m_plateau_since;
    if (m_plateau_since < m_thresholds.plateau_patience || m_plateau_fired) return std::nullopt;
    m_plateau_fired = true;
    return detection("training.plateau", 3, e, name, *value, *value - *m_plateau_best);
}

std::string sparkline(const std::vector<double>& values, size_t width) {
    static const char* k_bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::vector<double> finite;
    for (double v : values)
        if (std::isfinite(v)) finite.push_back(v);
    if (finite.size() > width) finite.erase(finite.begin(), finite.end() - static_cast<long>(width));
    if (finite.empty()) return "";
    auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
    std::string line;
    for (double v : finite) {
        int level = *hi > *lo ? static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7)) : 3;
        line += k_bars[std::clamp(level, 0, 7)];
    }
    return line;
}

namespace {

double metric_from_json(const nlohmann::json& value) {
    if (value.is_number()) return value.get<double>();
    std::string text = value.is_string() ? value.get<std::string>() : "nan";
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
    return k_nan;
}

}  // namespace

nlohmann::json TrainingDetector::state() const {
    nlohmann::json out{{"overfitting_fired", m_overfitting_fired},
                       {"val_acc_streak_fired", m_val_acc_streak_fired},
                       {"oscillation_quiet_until", m_oscillation_quiet_until},
                       {"breakthrough_fired", m_breakthrough_fired},
                       {"plateau_since", m_plateau_since},
                       {"plateau_fired", m_plateau_fired},
                       {"plateau_best", nullptr}};
    if (m_plateau_best) out["plateau_best"] = storage::metric_to_json(*m_plateau_best);
    return out;
}

TrainingDetector TrainingDetector::restore(const nlohmann::json& state, std::vector<EpochMetrics> recent,
                                           DetectorThresholds thresholds) {
    TrainingDetector d(thresholds);
    if (recent.size() > k_kept_epochs) recent.erase(recent.begin(), recent.end() - k_kept_epochs);
    d.m_history = std::move(recent);
    if (!state.is_object()) return d;
    d.m_overfitting_fired = state.value("overfitting_fired", false);
    d.m_val_acc_streak_fired = state.value("val_acc_streak_fired", false);
    d.m_oscillation_quiet_until = state.value("oscillation_quiet_until", -1);
    d.m_breakthrough_fired = state.value("breakthrough_fired", false);
    d.m_plateau_since = state.value("plateau_since", 0);
    d.m_plateau_fired = state.value("plateau_fired", false);
    if (state.contains("plateau_best") && !state["plateau_best"].is_null())
        d.m_plateau_best = metric_from_json(state["plateau_best"]);
    return d;
}

DetectorThresholds thresholds_from_json(const nlohmann::json& config) {
    DetectorThresholds t;
    if (config.is_null()) return t;
    if (!config.is_object()) throw std::invalid_argument("\"detectors\" must be an object");
    const std::map<std::string, double*> reals{{"sudden_drop_ratio", &t.sudden_drop_ratio},
                                               {"oscillation_min_step", &t.oscillation_min_step},
                                               {"breakthrough_accuracy", &t.breakthrough_accuracy},
                                               {"plateau_min_delta", &t.plateau_min_delta}};
    const std::map<std::string, int*> counts{{"sudden_drop_window", &t.sudden_drop_window},
                                             {"streak_epochs", &t.streak_epochs},
                                             {"oscillation_window", &t.oscillation_window},
                                             {"oscillation_sign_changes", &t.oscillation_sign_changes},
                                             {"oscillation_quiet_epochs", &t.oscillation_quiet_epochs},
                                             {"plateau_patience", &t.plateau_patience}};
    for (const auto& [key, value] : config.items()) {
        if (auto r = reals.find(key); r != reals.end() && value.is_number()) *r->second = value.get<double>();
        else if (auto c = counts.find(key); c != counts.end() && value.is_number_integer() && value.get<int>() >= 1)
            *c->second = value.get<int>();
        else if (reals.count(key) || counts.count(key))
            throw std::invalid_argument("detectors." + key + " must be " + (reals.count(key) ? "a number" : "an integer >= 1"));
        else throw std::invalid_argument("detectors." + key + " is not a detector threshold");
    }
    return t;
}

}  // namespace memeops::meme
