#include "meme/confusion.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/json.hpp"
#include "core/text.hpp"

namespace memeops::meme {
namespace {

std::string trim(std::string text) {
    size_t first = text.find_first_not_of(" \t\r\"");
    size_t last = text.find_last_not_of(" \t\r\"");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::string json_label(const nlohmann::json& value, size_t index, const char* field) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer() || value.is_boolean()) return value.dump();
    throw std::runtime_error("record " + std::to_string(index) + ": \"" + field + "\" must be a string, integer or boolean");
}

std::vector<Prediction> parse_json_predictions(std::string_view text) {
    auto parsed = core::parse_json(text);
    if (!parsed.ok()) throw std::runtime_error(parsed.error->message());
    const nlohmann::json& data = parsed.value;
    if (!data.is_array()) throw std::runtime_error("not a JSON array of {\"label\",\"pred\"}");
    std::vector<Prediction> out;
    for (size_t i = 0; i < data.size(); ++i) {
        const auto& item = data[i];
        if (!item.is_object() || !item.contains("label") || !item.contains("pred"))
            throw std::runtime_error("record " + std::to_string(i) + ": needs \"label\" and \"pred\"");
        out.push_back({json_label(item["label"], i, "label"), json_label(item["pred"], i, "pred")});
    }
    return out;
}

std::vector<Prediction> parse_csv(std::istream& in) {
    std::vector<Prediction> out;
    size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (trim(line).empty()) continue;
        size_t comma = line.find(',');
        if (comma == std::string::npos) throw std::runtime_error("line " + std::to_string(number) + ": expected label,pred");
        std::string label = trim(line.substr(0, comma));
        std::string pred = trim(line.substr(comma + 1));
        if (number == 1 && label == "label" && pred == "pred") continue;
        out.push_back({label, pred});
    }
    return out;
}

double ratio(long part, long whole) { return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0; }

std::string heat(double fraction) {
    if (fraction <= 0) return "⬜";
    if (fraction < 0.1) return "🟦";
    if (fraction < 0.3) return "🟩";
    if (fraction < 0.6) return "🟨";
    if (fraction < 0.85) return "🟧";
    return "🟥";
}

std::string cell(const std::string& emoji, const std::string& text, int width) {
    return core::pad_to_width(emoji + " " + text, width);
}

}  // namespace

std::vector<Prediction> parse_predictions(std::istream& in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t start = text.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && text[start] == '[') return parse_json_predictions(text);
    std::istringstream body(text);
    return parse_csv(body);
}

ConfusionMatrix confusion_matrix(const std::vector<Prediction>& predictions, const std::vector<std::string>& labels) {
    ConfusionMatrix m;
    m.labels = labels;
    if (m.labels.empty()) {
        std::set<std::string> seen;
        for (const auto& p : predictions) seen.insert({p.label, p.pred});
        m.labels.assign(seen.begin(), seen.end());
    }
    auto index = [&](const std::string& label) {
        auto it = std::find(m.labels.begin(), m.labels.end(), label);
        if (it == m.labels.end()) throw std::runtime_error("\"" + label + "\" is not one of --labels");
        return static_cast<size_t>(it - m.labels.begin());
    };
    size_t n = m.labels.size();
    std::vector<std::vector<long>> counts(n, std::vector<long>(n, 0));
    for (const auto& p : predictions) ++counts[index(p.label)][index(p.pred)];
    return confusion_from_counts(m.labels, counts);
}

ConfusionMatrix confusion_from_counts(const std::vector<std::string>& labels, const std::vector<std::vector<long>>& counts) {
    ConfusionMatrix m{labels, counts, {}, 0};
    size_t n = labels.size();
    if (counts.size() != n) throw std::runtime_error("the matrix needs one row per label");
    long correct = 0, total = 0;
    for (size_t r = 0; r < n; ++r) {
        if (counts[r].size() != n) throw std::runtime_error("the matrix needs one column per label");
        for (size_t c = 0; c < n; ++c) {
            if (counts[r][c] < 0) throw std::runtime_error("the matrix holds a negative count");
            total += counts[r][c];
            if (r == c) correct += counts[r][c];
        }
    }
    for (size_t c = 0; c < n; ++c) {
        long predicted = 0, actual = 0;
        for (size_t r = 0; r < n; ++r) predicted += m.counts[r][c];
        for (size_t k = 0; k < n; ++k) actual += m.counts[c][k];
        ClassScores s;
        s.precision = ratio(m.counts[c][c], predicted);
        s.recall = ratio(m.counts[c][c], actual);
        s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
        s.support = actual;
        m.scores.push_back(s);
    }
    m.accuracy = ratio(correct, total);
    return m;
}

nlohmann::json to_json(const ConfusionMatrix& m) {
    nlohmann::json per_class = nlohmann::json::object();
    for (size_t i = 0; i < m.labels.size(); ++i)
        per_class[m.labels[i]] = {{"precision", m.scores[i].precision}, {"recall", m.scores[i].recall},
                                  {"f1", m.scores[i].f1}, {"support", m.scores[i].support}};
    return {{"labels", m.labels}, {"matrix", m.counts}, {"per_class", per_class}, {"accuracy", m.accuracy}};
}

std::string render_confusion(const ConfusionMatrix& m) {
    std::ostringstream out;
    int label_width = 6;
    for (const auto& l : m.labels) label_width = std::max(label_width, core::display_width(l) + 6);
    int width = std::max(12, label_width);
    out << core::pad_to_width("", label_width);
    for (const auto& l : m.labels) out << core::pad_to_width("pred " + l, width);
    out << "\n";
    bool binary = m.labels.size() == 2;
    static const char* k_binary[2][2] = {{"🔥 TN", "❌ FP"}, {"⚠️ FN", "💯 TP"}};
    for (size_t r = 0; r < m.labels.size(); ++r) {
        long row_total = 0;
        for (long v : m.counts[r]) row_total += v;
        out << core::pad_to_width("true " + m.labels[r], label_width);
        for (size_t c = 0; c < m.labels.size(); ++c) {
            std::string count = std::to_string(m.counts[r][c]);
            out << (binary ? cell(k_binary[r][c], count, width) : cell(heat(ratio(m.counts[r][c], row_total)), count, width));
        }
        out << "\n";
    }
    out << "\n";
    char line[160];
    for (size_t i = 0; i < m.labels.size(); ++i) {
        std::snprintf(line, sizeof line, "precision %.3f  recall %.3f  F1 %.3f  support %ld\n", m.scores[i].precision,
                      m.scores[i].recall, m.scores[i].f1, m.scores[i].support);
        out << core::pad_to_width(m.labels[i], label_width) << line;
    }
    std::snprintf(line, sizeof line, "accuracy %.3f\n", m.accuracy);
    out << line;
    return out.str();
}

}  // namespace memeops::meme
