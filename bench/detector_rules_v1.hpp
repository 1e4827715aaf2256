// Rules v1 of the training detectors, kept only as the baseline of bench/detector_bench: what
// the bot posted before contract §3's rules v2 (absolute plateau delta, strict 3-epoch streaks,
// a sudden drop against any loss, every NaN epoch). Counts reactions; no captions, no state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meme/detectors.hpp"

namespace memeops::bench {

class DetectorRulesV1 {
public:
    // The reactions rules v1 fire on this epoch (fed in order, one run).
    std::vector<std::string> feed(const meme::EpochMetrics& epoch);

private:
    std::optional<std::vector<double>> last(const std::string& name, size_t count) const;

    std::vector<meme::EpochMetrics> m_history;
    bool m_overfitting_fired = false;
    bool m_val_acc_fired = false;
    int m_oscillation_quiet_until = -1;
    bool m_breakthrough_fired = false;
    std::optional<double> m_plateau_best;
    int m_plateau_since = 0;
    bool m_plateau_fired = false;
};

}  // namespace memeops::bench
