#include "meme/detectors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "core/json_text.hpp"
#include "meme/caption.hpp"
#include "storage/entry.hpp"

namespace memeops::meme {
namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
// Thresholds are compared with this much slack, so a value exactly on one ("at least 0.03
// below", "≥ 1.10 × best") counts although decimal fractions are inexact in binary.
constexpr double k_epsilon = 1e-9;

std::optional<double> finite_metric(const EpochMetrics& e, const std::string& name) {
    auto it = e.metrics.find(name);
    if (it == e.metrics.end() || !std::isfinite(it->second)) return std::nullopt;
    return it->second;
}

// The last `count` values of `name` when the last `count` epochs all have a finite one.
std::optional<std::vector<double>> last_values(const std::vector<EpochMetrics>& history, const std::string& name,
                                               size_t count) {
    if (name.empty() || history.size() < count) return std::nullopt;
    std::vector<double> values;
    for (size_t i = history.size() - count; i < history.size(); ++i) {
        auto v = finite_metric(history[i], name);
        if (!v) return std::nullopt;
        values.push_back(*v);
    }
    return values;
}

// `value` moved down (or up) by `fraction` of its magnitude: relative thresholds that keep
// their direction for negative values.
double lowered(double value, double fraction) { return value - fraction * std::fabs(value); }
double raised(double value, double fraction) { return value + fraction * std::fabs(value); }

bool strictly_falling(const std::vector<double>& v) {
    for (size_t i = 1; i < v.size(); ++i)
        if (!(v[i] < v[i - 1])) return false;
    return true;
}

// "10%", "0.5%": whole percentages without decimals, small ones with one.
std::string percent(double fraction) {
    char text[32];
    double value = fraction * 100;
    bool whole = std::fabs(value - std::round(value)) < 0.05 || std::fabs(value) >= 10;
    std::snprintf(text, sizeof text, whole ? "%.0f%%" : "%.1f%%", value);
    return text;
}

Detection detection(const std::string& reaction, int priority, const EpochMetrics& e, const std::string& name,
                    double value, double delta) {
    Detection d;
    d.reaction = reaction;
    d.priority = priority;
    d.epoch = e.epoch;
    d.metric = name;
    d.value = value;
    d.delta = delta;
    return d;
}

// The first of `names` (with "val_" in front for `validation`) the epoch has.
std::string first_present(const EpochMetrics& e, bool validation) {
    static const char* k_accuracy_names[] = {"accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                                             "binary_accuracy"};
    for (const char* name : k_accuracy_names) {
        std::string full = (validation ? "val_" : "") + std::string(name);
        if (e.metrics.count(full)) return full;
    }
    return "";
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
    track_metric_families(e);
    std::vector<Detection> fired;
    // In this order: the plateau rule needs to know whether overfitting fired.
    for (auto found : {check_nan(e), check_sudden_drop(e), check_overfitting(e), check_val_acc_streak(e),
                       check_oscillation(e), check_breakthrough(e), check_plateau(e)})
        if (found) fired.push_back(std::move(*found));
    std::stable_sort(fired.begin(), fired.end(),
                     [](const Detection& a, const Detection& b) { return a.priority < b.priority; });
    return fired;
}

void TrainingDetector::track_metric_families(const EpochMetrics& e) {
    // When validation metrics first appear (Keras' validation_freq > 1 leaves the first epochs
    // without them), the rules reading them start afresh: a training value is no best for them.
    if (!m_has_val_loss && e.metrics.count("val_loss")) {
        m_has_val_loss = true;
        m_plateau_best.reset();
        m_plateau_since = 0;
        m_plateau_fired_at.reset();
        m_overfitting_since_plateau_best = false;
    }
    if (m_val_accuracy_name.empty()) {
        m_val_accuracy_name = first_present(e, true);
        if (!m_val_accuracy_name.empty()) {
            m_best_val_accuracy.reset();
            m_val_acc_streak_fired = false;
            m_seen_below_breakthrough = false;
            m_reached_breakthrough = false;
        }
    }
    if (m_accuracy_name.empty()) m_accuracy_name = first_present(e, false);
}

std::string TrainingDetector::plateau_metric() const { return m_has_val_loss ? "val_loss" : "loss"; }

std::string TrainingDetector::accuracy_metric(bool validation) const {
    return validation && !m_val_accuracy_name.empty() ? m_val_accuracy_name : m_accuracy_name;
}

std::vector<double> TrainingDetector::series(const std::string& name) const {
    std::vector<double> values;
    for (const auto& e : m_history) {
        auto it = e.metrics.find(canonical_metric_name(name));
        values.push_back(it == e.metrics.end() ? k_nan : it->second);
    }
    return values;
}

std::optional<Detection> TrainingDetector::check_nan(const EpochMetrics& e) {
    for (const auto& [name, value] : e.metrics) {
        if (std::isfinite(value)) continue;
        if (m_in_nan_episode) return std::nullopt;  // one alert until the metrics are finite again
        m_in_nan_episode = true;
        auto d = detection("training.nan", 0, e, name, value, 0);
        d.why = name + " is " + format_metric(value) + " at epoch " + std::to_string(e.epoch);
        return d;
    }
    m_in_nan_episode = false;
    return std::nullopt;
}

std::optional<Detection> TrainingDetector::check_sudden_drop(const EpochMetrics& e) const {
    const auto& t = m_thresholds;
    auto n = static_cast<size_t>(t.sudden_drop_window);
    auto values = last_values(m_history, "loss", n + 1);
    if (!values || std::any_of(values->begin(), values->end(), [](double v) { return v <= 0; })) return std::nullopt;
    auto [lo, hi] = std::minmax_element(values->begin(), values->end() - 1);
    if (*hi > t.sudden_drop_stability * *lo) return std::nullopt;  // still settling: not a sudden change
    if (m_history.size() >= 2) {
        auto lr_now = finite_metric(e, "lr"), lr_before = finite_metric(m_history[m_history.size() - 2], "lr");
        if (lr_now && lr_before && std::fabs(*lr_now - *lr_before) > 1e-12 * std::fabs(*lr_before))
            return std::nullopt;  // a scheduled step explains it
    }
    double now = values->back();
    if (now >= t.sudden_drop_ratio * *lo) return std::nullopt;
    auto d = detection("training.sudden_drop", 0, e, "loss", now, now - *lo);
    d.window = *values;
    d.facts = {{"before", format_metric(*lo)}, {"after", format_metric(now)}};
    d.why = "loss " + format_metric(now) + " < " + format_metric(t.sudden_drop_ratio) + " × " + format_metric(*lo) +
            " (the lowest of the previous " + std::to_string(n) + ": " + format_metrics({values->begin(), values->end() - 1}) +
            ", stable: max ≤ " + format_metric(t.sudden_drop_stability) + " × min); learning rate unchanged";
    return d;
}

std::optional<Detection> TrainingDetector::check_overfitting(const EpochMetrics& e) {
    const auto& t = m_thresholds;
    auto val = finite_metric(e, "val_loss");
    if (!val) return std::nullopt;
    if (!m_best_val_loss || *val < lowered(m_best_val_loss->value, t.min_improvement)) {
        m_best_val_loss = Best{*val, e.epoch};
        m_loss_at_best = finite_metric(e, "loss");
        m_overfitting_fired = false;
        return std::nullopt;
    }
    auto n = static_cast<size_t>(t.overfitting_epochs);
    if (m_overfitting_fired || e.epoch - m_best_val_loss->epoch < t.overfitting_epochs) return std::nullopt;
    auto recent = last_values(m_history, "val_loss", std::max<size_t>(n, 3));
    auto loss = finite_metric(e, "loss");
    if (!recent || !loss || !m_loss_at_best) return std::nullopt;
    double best = m_best_val_loss->value, threshold = raised(best, t.overfitting_rise);
    std::vector<double> risen(recent->end() - static_cast<long>(n), recent->end());
    double tolerance = k_epsilon * std::max(1.0, std::fabs(threshold));  // 1.1 × 1.0 is 1.1000000000000001
    if (std::any_of(risen.begin(), risen.end(), [&](double v) { return v < threshold - tolerance; })) return std::nullopt;
    double latest = recent->back(), two_before = (*recent)[recent->size() - 3];
    if (latest < two_before) return std::nullopt;  // coming back down
    double train_limit = lowered(*m_loss_at_best, t.overfitting_train_drop);
    if (*loss > train_limit + k_epsilon * std::max(1.0, std::fabs(train_limit))) return std::nullopt;  // both rising
    m_overfitting_fired = true;
    m_overfitting_since_plateau_best = true;
    auto d = detection("training.overfitting", 1, e, "val_loss", latest, latest - best);
    d.window = *recent;
    d.facts = {{"best", format_metric(best)}, {"best_epoch", std::to_string(m_best_val_loss->epoch)},
               {"train", format_metric(*loss)}, {"train_best", format_metric(*m_loss_at_best)}};
    if (best != 0) d.facts["rise"] = percent((latest - best) / std::fabs(best));
    d.why = "val_loss " + format_metrics(risen) + " ≥ " + format_metric(threshold) + " (best " + format_metric(best) +
            " at epoch " + std::to_string(m_best_val_loss->epoch) + " + " + percent(t.overfitting_rise) +
            ") on each of the last " + std::to_string(n) + " epochs; latest " + format_metric(latest) + " ≥ " +
            format_metric(two_before) + " two epochs before; loss " + format_metric(*loss) + " ≤ " +
            format_metric(train_limit) + " (" + format_metric(*m_loss_at_best) + " at the best − " +
            percent(t.overfitting_train_drop) + ")";
    return d;
}

std::optional<Detection> TrainingDetector::check_val_acc_streak(const EpochMetrics& e) {
    const auto& t = m_thresholds;
    std::string name = accuracy_metric(true);
    auto value = name.empty() ? std::nullopt : finite_metric(e, name);
    if (!value) return std::nullopt;
    if (!m_best_val_accuracy || *value > m_best_val_accuracy->value) {
        m_best_val_accuracy = Best{*value, e.epoch};
        m_val_acc_streak_fired = false;
        return std::nullopt;
    }
    if (m_val_acc_streak_fired) return std::nullopt;
    auto values = last_values(m_history, name, static_cast<size_t>(t.streak_epochs) + 1);
    double best = m_best_val_accuracy->value;
    if (!values || !strictly_falling(*values) || *value > best - t.val_acc_drop + k_epsilon) return std::nullopt;
    m_val_acc_streak_fired = true;
    auto d = detection("training.val_acc_streak", 2, e, name, *value, *value - best);
    d.window = *values;
    d.facts = {{"best", format_metric(best)}, {"best_epoch", std::to_string(m_best_val_accuracy->epoch)},
               {"since", std::to_string(t.streak_epochs)}};
    d.why = name + " fell on each of the last " + std::to_string(t.streak_epochs) + " epochs (" + format_metrics(*values) +
            ") and " + format_metric(*value) + " is ≥ " + format_metric(t.val_acc_drop) + " below the best " +
            format_metric(best) + " (epoch " + std::to_string(m_best_val_accuracy->epoch) + ")";
    return d;
}

std::optional<Detection> TrainingDetector::check_oscillation(const EpochMetrics& e) {
    const auto& t = m_thresholds;
    if (e.epoch < m_oscillation_quiet_until) return std::nullopt;
    auto values = last_values(m_history, "loss", static_cast<size_t>(t.oscillation_window));
    if (!values || values->size() < 3) return std::nullopt;
    double mean = 0;
    for (double v : *values) mean += v;
    double scale = std::fabs(mean / static_cast<double>(values->size()));
    if (scale == 0) return std::nullopt;
    int changes = 0;
    double total = 0, largest = 0, previous = 0;
    for (size_t i = 1; i < values->size(); ++i) {
        double step = (*values)[i] - (*values)[i - 1];
        if (std::fabs(step) < t.oscillation_min_step * scale) return std::nullopt;  // a flat step: noise
        if (i > 1 && (step > 0) != (previous > 0)) ++changes;
        total += std::fabs(step);
        largest = std::max(largest, std::fabs(step));
        previous = step;
    }
    double average = total / static_cast<double>(values->size() - 1);
    double net = values->back() - values->front();
    if (changes < t.oscillation_sign_changes || average < t.oscillation_mean_step * scale ||
        std::fabs(net) > largest)  // a curve that goes somewhere: noise on a trend
        return std::nullopt;
    m_oscillation_quiet_until = static_cast<int>(std::min<long long>(
        std::numeric_limits<int>::max(), static_cast<long long>(e.epoch) + t.oscillation_quiet_epochs + 1));
    auto d = detection("training.oscillation", 2, e, "loss", values->back(), net);
    d.window = *values;
    d.facts = {{"swings", std::to_string(changes)}, {"window", std::to_string(values->size())},
               {"step", percent(average / scale)}};
    d.why = "loss " + format_metrics(*values) + ": " + std::to_string(changes) + " changes of direction (≥ " +
            std::to_string(t.oscillation_sign_changes) + "), every step ≥ " + percent(t.oscillation_min_step) +
            " of the mean " + format_metric(scale) + ", average step " + percent(average / scale) + " (≥ " +
            percent(t.oscillation_mean_step) + "), net change " + format_metric(net, true) + " no larger than the largest step " +
            format_metric(largest);
    return d;
}

std::optional<Detection> TrainingDetector::check_breakthrough(const EpochMetrics& e) {
    const auto& t = m_thresholds;
    std::string name = accuracy_metric(true);
    auto value = name.empty() ? std::nullopt : finite_metric(e, name);
    if (!value) return std::nullopt;
    if (*value < t.breakthrough_accuracy) {
        m_seen_below_breakthrough = true;
        return std::nullopt;
    }
    if (m_reached_breakthrough) return std::nullopt;
    m_reached_breakthrough = true;
    if (!m_seen_below_breakthrough) return std::nullopt;  // above it from the start: nothing was crossed
    std::optional<double> before;
    if (m_history.size() >= 2) before = finite_metric(m_history[m_history.size() - 2], name);
    auto d = detection("training.breakthrough", 2, e, name, *value, before ? *value - *before : 0);
    d.facts = {{"threshold", format_metric(t.breakthrough_accuracy)}};
    if (before) d.facts["before"] = format_metric(*before);
    d.window = before ? std::vector<double>{*before, *value} : std::vector<double>{*value};
    d.why = name + " " + format_metric(*value) + " ≥ " + format_metric(t.breakthrough_accuracy) +
            " for the first time, after epochs below it" + (before ? " (" + format_metric(*before) + " the epoch before)" : "");
    return d;
}

std::optional<Detection> TrainingDetector::check_plateau(const EpochMetrics& e) {
    const auto& t = m_thresholds;
    std::string name = plateau_metric();
    auto value = finite_metric(e, name);
    if (!value) {
        if (e.metrics.count(name)) m_plateau_since = 0;  // NaN or infinite: no window holds it
        return std::nullopt;
    }
    if (m_plateau_fired_at && *value < lowered(*m_plateau_fired_at, t.plateau_rearm)) m_plateau_fired_at.reset();
    if (!m_plateau_best || *value < lowered(m_plateau_best->value, t.min_improvement)) {
        m_plateau_best = Best{*value, e.epoch};
        m_plateau_since = 0;
        m_overfitting_since_plateau_best = false;
        return std::nullopt;
    }
    ++m_plateau_since;
    if (m_plateau_since < t.plateau_patience || m_plateau_fired_at) return std::nullopt;
    m_plateau_fired_at = m_plateau_best->value;
    if (m_overfitting_since_plateau_best) return std::nullopt;  // rising, not flat: counted as fired, not posted
    const Best& best = *m_plateau_best;
    auto d = detection("training.plateau", 3, e, name, *value, *value - best.value);
    auto window = std::min<size_t>(m_history.size(), static_cast<size_t>(m_plateau_since) + 1);
    d.window = series(name);
    d.window.erase(d.window.begin(), d.window.end() - static_cast<long>(window));
    d.facts = {{"best", format_metric(best.value)}, {"best_epoch", std::to_string(best.epoch)},
               {"since", std::to_string(m_plateau_since)}};
    d.why = name + " has not improved by more than " + percent(t.min_improvement) + " on its best " +
            format_metric(best.value) + " (epoch " + std::to_string(best.epoch) + ") for " +
            std::to_string(m_plateau_since) + " epochs (patience " + std::to_string(t.plateau_patience) +
            "); next alert only below " + format_metric(lowered(best.value, t.plateau_rearm));
    return d;
}

std::string sparkline(const std::vector<double>& values, size_t width) {
    static const char* k_bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::vector<double> finite;
    for (double v : values)
        if (std::isfinite(v)) finite.push_back(v);
    if (finite.size() > width) finite.erase(finite.begin(), finite.end() - static_cast<long>(width));
    if (finite.size() < 2) return "";
    auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
    std::string line;
    for (double v : finite) {
        int level = *hi > *lo ? static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7)) : 3;
        line += k_bars[std::clamp(level, 0, 7)];
    }
    return line;
}

namespace {

template <typename Best>
void write_best(core::JsonObjectText& out, std::string_view key, const std::optional<Best>& best) {
    if (!best) return void(out.null(key));
    out.raw(key, core::JsonObjectText().number("value", best->value).integer("epoch", best->epoch).text());
}

template <typename Best>
std::optional<Best> best_from_json(const nlohmann::json& state, const char* key) {
    auto it = state.find(key);
    if (it == state.end() || !it->is_object() || !it->value("value", nlohmann::json()).is_number()) return std::nullopt;
    return Best{(*it)["value"].template get<double>(), it->value("epoch", 0)};
}

std::optional<double> number_from_json(const nlohmann::json& state, const char* key) {
    auto it = state.find(key);
    if (it == state.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

}  // namespace

std::string TrainingDetector::state() const {
    // Written as text member by member: the bot saves it after every epoch, and building an
    // nlohmann document to dump it cost a quarter of the archive writer's time per event.
    auto optional_number = [](core::JsonObjectText& out, std::string_view key, const std::optional<double>& v) {
        if (v) out.number(key, *v);
        else out.null(key);
    };
    core::JsonObjectText out;
    out.integer("rules", k_rules_version);
    out.integer("epoch", last_epoch());
    out.boolean("has_val_loss", m_has_val_loss);
    out.string("val_accuracy_name", m_val_accuracy_name);
    out.string("accuracy_name", m_accuracy_name);
    out.boolean("in_nan_episode", m_in_nan_episode);
    optional_number(out, "loss_at_best", m_loss_at_best);
    out.boolean("overfitting_fired", m_overfitting_fired);
    out.boolean("val_acc_streak_fired", m_val_acc_streak_fired);
    out.integer("oscillation_quiet_until", m_oscillation_quiet_until);
    out.boolean("seen_below_breakthrough", m_seen_below_breakthrough);
    out.boolean("reached_breakthrough", m_reached_breakthrough);
    out.integer("plateau_since", m_plateau_since);
    optional_number(out, "plateau_fired_at", m_plateau_fired_at);
    out.boolean("overfitting_since_plateau_best", m_overfitting_since_plateau_best);
    write_best(out, "best_val_loss", m_best_val_loss);
    write_best(out, "best_val_accuracy", m_best_val_accuracy);
    write_best(out, "plateau_best", m_plateau_best);
    return out.text();
}

int TrainingDetector::epoch_of_state(const nlohmann::json& state, int newest_epoch) {
    auto named = state.find("epoch");
    if (named == state.end() || !named->is_number_integer()) return newest_epoch;
    return static_cast<int>(std::clamp<std::int64_t>(named->get<std::int64_t>(), -1, std::numeric_limits<int>::max()));
}

TrainingDetector TrainingDetector::restore(const nlohmann::json& state, std::vector<EpochMetrics> recent,
                                           DetectorThresholds thresholds) {
    TrainingDetector d(thresholds);
    if (recent.size() > k_kept_epochs) recent.erase(recent.begin(), recent.end() - k_kept_epochs);
    if (!state.is_object() || state.value("rules", 0) != k_rules_version) {
        for (const auto& epoch : recent) (void)d.feed(epoch);  // rules v1 or none: rebuilt, silently
        return d;
    }
    for (auto& epoch : recent) {
        EpochMetrics canonical{epoch.epoch, {}};
        for (const auto& [name, value] : epoch.metrics) canonical.metrics[canonical_metric_name(name)] = value;
        d.m_history.push_back(std::move(canonical));
    }
    d.m_has_val_loss = state.value("has_val_loss", false);
    d.m_val_accuracy_name = state.value("val_accuracy_name", "");
    d.m_accuracy_name = state.value("accuracy_name", "");
    d.m_in_nan_episode = state.value("in_nan_episode", false);
    d.m_best_val_loss = best_from_json<Best>(state, "best_val_loss");
    d.m_loss_at_best = number_from_json(state, "loss_at_best");
    d.m_overfitting_fired = state.value("overfitting_fired", false);
    d.m_best_val_accuracy = best_from_json<Best>(state, "best_val_accuracy");
    d.m_val_acc_streak_fired = state.value("val_acc_streak_fired", false);
    d.m_oscillation_quiet_until = state.value("oscillation_quiet_until", -1);
    d.m_seen_below_breakthrough = state.value("seen_below_breakthrough", false);
    d.m_reached_breakthrough = state.value("reached_breakthrough", false);
    d.m_plateau_best = best_from_json<Best>(state, "plateau_best");
    d.m_plateau_since = state.value("plateau_since", 0);
    d.m_plateau_fired_at = number_from_json(state, "plateau_fired_at");
    d.m_overfitting_since_plateau_best = state.value("overfitting_since_plateau_best", false);
    return d;
}

DetectorThresholds thresholds_from_json(const nlohmann::json& config) {
    DetectorThresholds t;
    if (config.is_null()) return t;
    if (!config.is_object()) throw std::invalid_argument("\"detectors\" must be an object");
    const std::map<std::string, double*> fractions{{"min_improvement", &t.min_improvement},
                                                   {"sudden_drop_ratio", &t.sudden_drop_ratio},
                                                   {"sudden_drop_stability", &t.sudden_drop_stability},
                                                   {"overfitting_rise", &t.overfitting_rise},
                                                   {"overfitting_train_drop", &t.overfitting_train_drop},
                                                   {"val_acc_drop", &t.val_acc_drop},
                                                   {"oscillation_min_step", &t.oscillation_min_step},
                                                   {"oscillation_mean_step", &t.oscillation_mean_step},
                                                   {"breakthrough_accuracy", &t.breakthrough_accuracy},
                                                   {"plateau_rearm", &t.plateau_rearm}};
    const std::map<std::string, int*> counts{{"sudden_drop_window", &t.sudden_drop_window},
                                             {"overfitting_epochs", &t.overfitting_epochs},
                                             {"streak_epochs", &t.streak_epochs},
                                             {"oscillation_window", &t.oscillation_window},
                                             {"oscillation_sign_changes", &t.oscillation_sign_changes},
                                             {"oscillation_quiet_epochs", &t.oscillation_quiet_epochs},
                                             {"plateau_patience", &t.plateau_patience}};
    const std::set<std::string> windows{"sudden_drop_window", "overfitting_epochs", "streak_epochs", "oscillation_window"};
    // Rules v1's absolute plateau threshold has no v2 meaning: say what replaced it.
    const std::map<std::string, std::string> replaced{
        {"plateau_min_delta", "detectors.plateau_min_delta was replaced by min_improvement, a fraction of the best (0.005)"}};
    for (const auto& [key, value] : config.items()) {
        if (auto r = replaced.find(key); r != replaced.end()) throw std::invalid_argument(r->second);
        if (auto f = fractions.find(key); f != fractions.end()) {
            if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0)
                throw std::invalid_argument("detectors." + key + " must be a number >= 0");
            *f->second = value.get<double>();
        } else if (auto c = counts.find(key); c != counts.end()) {
            // Windows must fit the epochs a detector keeps (the one before a window included).
            long long most = windows.count(key) ? static_cast<long long>(TrainingDetector::k_kept_epochs) - 1 : 1000;
            if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > most)
                throw std::invalid_argument("detectors." + key + " must be an integer from 1 to " + std::to_string(most));
            *c->second = value.get<int>();
        } else {
            throw std::invalid_argument("detectors." + key + " is not a detector threshold");
        }
    }
    return t;
}

}  // namespace memeops::meme
