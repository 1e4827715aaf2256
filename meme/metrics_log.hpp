// Training logs as `memeops replay` reads them: a Keras CSVLogger file (header
// "epoch,<metric>,…") or JSON lines of training.epoch events.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meme/detectors.hpp"

namespace memeops::meme {

struct MetricsLog {
    std::optional<std::string> run;  // from the JSON lines' "run", when they name one
    std::vector<EpochMetrics> epochs;
};

// Parses `text`, deciding CSV or JSON lines by its first non-blank character (after a UTF-8 byte
// order mark, which is skipped). CSV is read as core/csv.hpp reads it: quoted cells ("0.9"),
// CRLF or LF line ends. Metric values may be numbers, "nan", "inf", "-inf" or null (NaN); an
// empty CSV cell means the metric is absent. Throws std::runtime_error for anything else, naming
// the line ("line 4: …", "line 4, column 9: …") and the column or field, and quoting at most
// core::k_max_quoted_input_bytes of the bad input.
MetricsLog parse_metrics_log(std::string_view text);

// parse_metrics_log of everything `in` holds.
MetricsLog parse_metrics_log(std::istream& in);

// The fits of a log: a new one wherever the epoch column goes back (or repeats), as a second
// fit() appended to the same CSVLogger file does; each keeps its epochs' own numbers.
std::vector<std::vector<EpochMetrics>> split_fits(const std::vector<EpochMetrics>& epochs);

// An epoch of a log read while it grows, with the fit it belongs to (1 for the first, by
// split_fits' rule) and the line it came from.
struct GrownEpoch {
    int fit = 1;
    EpochMetrics epoch;
    std::string line;
};

// A metrics log read line by line while training writes it (`memeops watch`): CSV (a header
// line, then rows) or JSON lines, decided by its first line as parse_metrics_log decides, and
// read by the same rules. Not thread-safe.
class GrowingMetricsLog {
public:
    // The epoch that `line` (complete, without its line end; the next in the file) adds, or
    // nullopt for the header, a blank line or an event of another kind. Throws
    // std::runtime_error naming the line ("line 7: …") for a bad line, which is skipped: the
    // log goes on with the next.
    std::optional<GrownEpoch> add_line(std::string_view line);
    // The file was truncated or replaced: the next line is the first of a new file (a header
    // again). Fits go on by split_fits' rule: a new file that starts over starts a new fit, one
    // that carries on (epochs still rising) continues the fit.
    void restart();
    // The CSV header line; empty for JSON lines and before the first line.
    const std::string& header() const { return m_header_line; }
    // The run the JSON lines name, from the first that does.
    const std::optional<std::string>& run() const { return m_run; }

private:
    enum class Format { unknown, csv, json_lines };
    Format m_format = Format::unknown;
    std::string m_header_line;
    std::vector<std::string> m_names;
    std::optional<std::string> m_run;
    size_t m_line_number = 0;
    int m_fit = 0;
    std::optional<int> m_last_epoch;

    std::optional<EpochMetrics> parse_line(std::string_view line);
    std::optional<EpochMetrics> read_header(std::string_view line, size_t number);
};

// The run a fit of a log is: the first is `run`, later ones appended to the same file
// "run#2", "run#3"…
std::string fit_run_name(const std::string& run, int fit);

// A detection in a replayed log: the fit it is in (1 for the first) and the sparkline of its
// metric at that epoch.
struct LogDetection {
    int fit = 1;
    Detection detection;
    std::string spark;
};

// Feeds each fit of `epochs` (split_fits) to a detector of its own with `thresholds`, in order,
// and returns everything that fired: what `memeops replay` shows, and the bot would post.
std::vector<LogDetection> detect_in_log(const std::vector<EpochMetrics>& epochs, const DetectorThresholds& thresholds);

// A metric value from text: a number, "nan", "inf", "-inf" (any case). nullopt otherwise.
std::optional<double> parse_metric_value(const std::string& text);

// A metric value from JSON: a number, null (NaN), or a string parse_metric_value takes.
// nullopt otherwise (a boolean, an object, "fast").
std::optional<double> parse_metric_json(const nlohmann::json& value);

}  // namespace memeops::meme
