// Confusion matrices as MemeOps draws them: 💯 TP, 🔥 TN, ⚠️ FN, ❌ FP for two classes, an emoji
// heat grid for more, with per-class precision, recall, F1 and support, and accuracy.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::meme {

struct Prediction {
    std::string label;  // the truth
    std::string pred;   // what the model said
};

// Reads predictions from `text`: JSON `[{"label":…,"pred":…}]` when it starts with `[` or `{`
// (after white space and a UTF-8 byte order mark), else CSV `label,pred` as core/csv.hpp reads it
// (quoted cells, CRLF). A CSV header row is optional; whether the first row is one is
// core::is_header_row's rule, with the usual names (label, pred, y_true, y_pred, actual,
// predicted, …) deciding for a file of one row. Throws std::runtime_error naming the line or
// record for anything else: a JSON document of another shape (naming the shape expected), a row
// of other than 2 cells, an empty cell, or no predictions at all (an empty file, a header only).
std::vector<Prediction> parse_predictions(std::string_view text);

// parse_predictions of everything `in` holds.
std::vector<Prediction> parse_predictions(std::istream& in);

struct ClassScores {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    long support = 0;  // true instances of the class
};

struct ConfusionMatrix {
    std::vector<std::string> labels;       // row and column order
    std::vector<std::vector<long>> counts;  // rows: true label, columns: predicted
    std::vector<ClassScores> scores;        // per label
    double accuracy = 0;
};

// The matrix of `predictions` over `labels` (when empty: every label seen, sorted; for two
// classes the second is the positive one). Throws std::runtime_error for a prediction whose
// label or pred is not among explicit `labels`.
ConfusionMatrix confusion_matrix(const std::vector<Prediction>& predictions,
                                 const std::vector<std::string>& labels = {});

// The matrix of `counts` (rows: true label, columns: predicted) over `labels`, with its scores.
// Throws std::runtime_error when the counts are not a square of the labels' size, or negative.
ConfusionMatrix confusion_from_counts(const std::vector<std::string>& labels,
                                      const std::vector<std::vector<long>>& counts);

// {"labels","matrix","per_class":{label:{"precision","recall","f1","support"}},"accuracy"}
nlohmann::json to_json(const ConfusionMatrix& matrix);

// The emoji grid for chat and terminals. Two classes: 💯 TP, 🔥 TN, ⚠️ FN, ❌ FP. More: a heat
// grid where correct predictions (the diagonal) are 🟩 and errors are 🟨, 🟧 or 🟥 by their share
// of the true class's row, ⬜ for none, with a one-line legend under it. Then the scores.
std::string render_confusion(const ConfusionMatrix& matrix);

}  // namespace memeops::meme
