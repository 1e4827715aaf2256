#include "meme/confusion.hpp"
#include "meme/confusion_grid.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/csv.hpp"
#include "core/json.hpp"
#include "core/text.hpp"

namespace memeops::meme {
namespace {

// Column names of a predictions file's header row. Only a file of one row needs them (to tell a
// header from a single prediction); with rows after it, core::is_header_row tells any header.
const std::vector<std::string_view> k_header_names{
    "label",  "labels", "pred",   "preds",    "prediction", "predictions", "predicted", "y_true",     "y_pred",
    "actual", "truth",  "target", "expected", "true_label", "pred_label",  "class",     "ground_truth"};

const char* const k_expected_json = "a JSON array of {\"label\":…,\"pred\":…} records";

std::string json_label(const nlohmann::json& value, size_t index, const char* field) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer() || value.is_boolean()) return value.dump();
    throw std::runtime_error("record " + std::to_string(index) + ": \"" + field + "\" must be a string, integer or boolean");
}

std::vector<Prediction> parse_json_predictions(std::string_view text) {
    auto parsed = core::parse_json(text);
    if (!parsed.ok()) throw std::runtime_error(parsed.error->message());
    const nlohmann::json& data = parsed.value;
    if (!data.is_array())
        throw std::runtime_error("expected " + std::string(k_expected_json) + ", not a JSON " + data.type_name());
    std::vector<Prediction> out;
    for (size_t i = 0; i < data.size(); ++i) {
        const auto& item = data[i];
        if (!item.is_object() || !item.contains("label") || !item.contains("pred"))
            throw std::runtime_error("record " + std::to_string(i) + ": needs \"label\" and \"pred\"");
        out.push_back({json_label(item["label"], i, "label"), json_label(item["pred"], i, "pred")});
    }
    return out;
}

std::vector<Prediction> parse_csv(std::string_view text) {
    auto rows = core::read_csv(text);
    bool header = core::is_header_row(rows, k_header_names);
    if (header && rows.size() == 1)
        throw std::runtime_error("line " + std::to_string(rows[0].line) + " is a header, and no predictions follow it");
    std::vector<Prediction> out;
    for (size_t i = header ? 1 : 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        std::string where = "line " + std::to_string(row.line) + ": ";
        if (row.cells.size() != 2)
            throw std::runtime_error(where + "expected 2 cells (label,pred), found " + std::to_string(row.cells.size()));
        if (row.cells[0].empty()) throw std::runtime_error(where + "the label (first cell) is empty");
        if (row.cells[1].empty()) throw std::runtime_error(where + "the pred (second cell) is empty");
        out.push_back({row.cells[0], row.cells[1]});
    }
    return out;
}

double ratio(long part, long whole) { return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0; }

// A cell of the heat grid: correct predictions (the diagonal) read as good, in green; errors warm
// up with their share of the true class's row. k_heat_legend says so under the grid.
std::string heat(bool correct, double fraction) {
    if (fraction <= 0) return "⬜";
    if (correct) return "🟩";
    if (fraction < 0.1) return "🟨";
    if (fraction < 0.3) return "🟧";
    return "🟥";
}

const char* const k_heat_legend = "🟩 correct  errors, of the true class: 🟨 under 10%  🟧 10-30%  🟥 30% or more  ⬜ none\n";

std::string cell(const std::string& emoji, const std::string& text, int width) {
    return core::pad_to_width(emoji + " " + text, width);
}

}  // namespace

std::vector<Prediction> parse_predictions(std::istream& in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_predictions(std::string_view(text));
}

std::vector<Prediction> parse_predictions(std::string_view text) {
    text = core::skip_utf8_bom(text);
    size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) throw std::runtime_error("no predictions: the file is empty");
    // A document that starts as JSON does is JSON, whatever its shape: never CSV cells of braces.
    bool json = text[start] == '[' || text[start] == '{';
    auto predictions = json ? parse_json_predictions(text) : parse_csv(text);
    if (predictions.empty()) throw std::runtime_error(json ? "no predictions: the array is empty" : "no predictions");
    return predictions;
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
        if (it == m.labels.end()) throw std::runtime_error(core::quote_input(label) + " is not one of --labels");
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

std::string cell_emoji(const ConfusionMatrix& m, size_t row, size_t column) {
    static const char* const k_binary[2][2] = {{"🔥 TN", "❌ FP"}, {"⚠️ FN", "💯 TP"}};
    if (m.labels.size() == 2) return k_binary[row][column];
    long row_total = 0;
    for (long v : m.counts[row]) row_total += v;
    return heat(row == column, ratio(m.counts[row][column], row_total));
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
    for (size_t r = 0; r < m.labels.size(); ++r) {
        out << core::pad_to_width("true " + m.labels[r], label_width);
        for (size_t c = 0; c < m.labels.size(); ++c) out << cell(cell_emoji(m, r, c), std::to_string(m.counts[r][c]), width);
        out << "\n";
    }
    if (!binary) out << k_heat_legend;
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
