#include "core/suggest.hpp"

#include <algorithm>

namespace memeops::core {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest_match(const std::string& typed, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    size_t best_distance = typed.size() >= 6 ? 3 : 2;  // within 2 edits, 1 for short words
    for (const auto& name : candidates) {
        size_t distance = edit_distance(typed, name);
        if (typed.size() >= 3 && name.starts_with(typed)) distance = std::min<size_t>(distance, 1);
        if (distance < best_distance) best_distance = distance, best = name;
    }
    return best;
}

}  // namespace memeops::core
