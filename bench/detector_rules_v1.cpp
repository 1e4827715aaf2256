#include "bench/detector_rules_v1.hpp"

#include <algorithm>
#include <cmath>

namespace memeops::bench {
namespace {

bool strictly(const std::vector<double>& v, bool rising) {
    for (size_t i = 1; i < v.size(); ++i)
        if (rising ? !(v[i] > v[i - 1]) : !(v[i] < v[i - 1])) return false;
    return true;
}

}  // namespace

std::optional<std::vector<double>> DetectorRulesV1::last(const std::string& name, size_t count) const {
    if (m_history.size() < count) return std::nullopt;
    std::vector<double> values;
    for (size_t i = m_history.size() - count; i < m_history.size(); ++i) {
        auto it = m_history[i].metrics.find(name);
        if (it == m_history[i].metrics.end() || !std::isfinite(it->second)) return std::nullopt;
        values.push_back(it->second);
    }
    return values;
}

std::vector<std::string> DetectorRulesV1::feed(const meme::EpochMetrics& epoch) {
    meme::EpochMetrics e{epoch.epoch, {}};
    for (const auto& [name, value] : epoch.metrics) e.metrics[meme::canonical_metric_name(name)] = value;
    m_history.push_back(e);
    if (m_history.size() > 20) m_history.erase(m_history.begin());
    std::vector<std::string> fired;
    for (const auto& [name, value] : e.metrics)
        if (!std::isfinite(value)) {
            fired.push_back("training.nan");
            break;
        }
    if (auto v = last("loss", 4); v && v->back() < 0.5 * *std::min_element(v->begin(), v->end() - 1))
        fired.push_back("training.sudden_drop");
    auto val = last("val_loss", 4), train = last("loss", 4);
    if (val && train && strictly(*val, true) && strictly(*train, false)) {
        if (!m_overfitting_fired) fired.push_back("training.overfitting");
        m_overfitting_fired = true;
    } else {
        m_overfitting_fired = false;
    }
    if (auto acc = last("val_accuracy", 4); acc && strictly(*acc, false)) {
        if (!m_val_acc_fired) fired.push_back("training.val_acc_streak");
        m_val_acc_fired = true;
    } else {
        m_val_acc_fired = false;
    }
    if (auto v = last("loss", 6); v && e.epoch >= m_oscillation_quiet_until) {
        double mean = 0;
        for (double x : *v) mean += x / 6;
        int changes = 0;
        bool flat = false;
        for (size_t i = 1; i < v->size(); ++i) {
            double step = (*v)[i] - (*v)[i - 1];
            flat = flat || std::fabs(step) < 0.01 * std::fabs(mean);
            if (i > 1 && (step > 0) != ((*v)[i - 1] - (*v)[i - 2] > 0)) ++changes;
        }
        if (!flat && changes >= 3) {
            fired.push_back("training.oscillation");
            m_oscillation_quiet_until = e.epoch + 6;
        }
    }
    std::string accuracy = e.metrics.count("val_accuracy") ? "val_accuracy" : "accuracy";
    if (auto it = e.metrics.find(accuracy); !m_breakthrough_fired && it != e.metrics.end() && it->second >= 0.9) {
        fired.push_back("training.breakthrough");
        m_breakthrough_fired = true;
    }
    std::string loss = e.metrics.count("val_loss") ? "val_loss" : "loss";
    if (auto it = e.metrics.find(loss); it != e.metrics.end() && std::isfinite(it->second)) {
        if (!m_plateau_best || it->second < *m_plateau_best - 1e-4) {
            m_plateau_best = it->second;
            m_plateau_since = 0;
            m_plateau_fired = false;
        } else if (++m_plateau_since >= 5 && !m_plateau_fired) {
            fired.push_back("training.plateau");
            m_plateau_fired = true;
        }
    }
    return fired;
}

}  // namespace memeops::bench
