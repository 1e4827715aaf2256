#include "meme/metrics_log.hpp"

#include "core/csv.hpp"
#include "core/text.hpp"
#include "meme/event.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace memeops::meme {
namespace {

[[noreturn]] void bad_line(size_t number, const std::string& why) {
    throw std::runtime_error("line " + std::to_string(number) + ": " + why);
}

// An epoch number: a whole number from 0 to INT_MAX (a larger one does not fit the int).
std::optional<int> epoch_number(std::optional<double> value) {
    if (!value || !(*value >= 0) || *value > std::numeric_limits<int>::max() || *value != std::floor(*value))
        return std::nullopt;
    return static_cast<int>(*value);
}

// One CSV row under the header `names` as an epoch.
EpochMetrics csv_row_epoch(const std::vector<std::string>& names, const core::CsvRow& row) {
    const auto& cells = row.cells;
    if (cells.size() != names.size())
        bad_line(row.line, std::to_string(cells.size()) + " cells for " + std::to_string(names.size()) + " columns");
    EpochMetrics epoch;
    auto e = epoch_number(parse_metric_value(cells[0]));
    if (!e) bad_line(row.line, "epoch " + core::quote_input(cells[0]) + " is not a whole number from 0 to 2147483647");
    epoch.epoch = *e;
    for (size_t i = 1; i < cells.size(); ++i) {
        if (cells[i].empty()) continue;
        auto value = parse_metric_value(cells[i]);
        if (!value)
            bad_line(row.line, "column " + core::quote_input(names[i]) + ": " + core::quote_input(cells[i]) + " is not a number");
        epoch.metrics[names[i]] = *value;
    }
    return epoch;
}

// The column names of a CSVLogger header row.
std::vector<std::string> csv_header(const std::optional<core::CsvRow>& header) {
    if (!header || header->cells[0] != "epoch")
        bad_line(header ? header->line : 1, "a CSVLogger header starts with \"epoch\"");
    return header->cells;
}

MetricsLog parse_csv(std::string_view text) {
    MetricsLog log;
    core::CsvReader reader(text);
    auto names = csv_header(reader.next());
    while (auto row = reader.next()) log.epochs.push_back(csv_row_epoch(names, *row));
    return log;
}

double json_metric(const nlohmann::json& value, size_t number, const std::string& name) {
    if (auto parsed = parse_metric_json(value)) return *parsed;
    bad_line(number, "metric " + core::quote_input(name) + " is not a number");
}

// One JSON line (line `number`) as an epoch: nullopt for a blank line or an event of another
// kind. Sets `run` from the first line that names one.
std::optional<EpochMetrics> json_line_epoch(std::string_view line, size_t number, std::optional<std::string>& run) {
    if (line.find_first_not_of(" \r\t") == std::string_view::npos) return std::nullopt;
    auto parsed = parse_event_document(line);
    if (!parsed.ok()) bad_line(number, parsed.error->message());
    nlohmann::json& event = parsed.value;
    if (!event.is_object()) bad_line(number, "not a JSON object");
    if (auto kind = event.find("kind"); kind != event.end() && *kind != "training.epoch") return std::nullopt;
    auto e = event.contains("epoch") && event["epoch"].is_number_integer() ? epoch_number(event["epoch"].get<double>())
                                                                          : std::nullopt;
    if (!e) bad_line(number, "\"epoch\" must be an integer from 0 to 2147483647");
    if (!event.contains("metrics") || !event["metrics"].is_object()) bad_line(number, "\"metrics\" must be an object");
    if (event.contains("run") && event["run"].is_string() && !run) run = event["run"].get<std::string>();
    EpochMetrics epoch;
    epoch.epoch = *e;
    for (const auto& [name, value] : event["metrics"].items()) epoch.metrics[name] = json_metric(value, number, name);
    return epoch;
}

MetricsLog parse_json_lines(std::string_view text) {
    MetricsLog log;
    size_t number = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = std::min(text.find('\n', pos), text.size());
        if (auto epoch = json_line_epoch(text.substr(pos, end - pos), ++number, log.run)) log.epochs.push_back(*epoch);
        pos = end + 1;
    }
    return log;
}

// Line `number` of a file read line by line, as one CSV record (nullopt when blank).
std::optional<core::CsvRow> read_csv_line(std::string_view line, size_t number) {
    try {
        auto row = core::CsvReader(line).next();
        if (row) row->line = number;
        return row;
    } catch (const core::CsvError& e) {
        throw core::CsvError(number, e.column(), e.why());
    }
}

// True when `epoch`, after `previous`, starts a new fit: the epoch column went back or repeated.
bool starts_new_fit(const std::optional<int>& previous, int epoch) { return !previous || epoch <= *previous; }

}  // namespace

std::optional<double> parse_metric_json(const nlohmann::json& value) {
    if (value.is_number()) return value.get<double>();
    if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (value.is_string()) return parse_metric_value(value.get<std::string>());
    return std::nullopt;
}

std::optional<double> parse_metric_value(const std::string& text) {
    std::string t = core::ascii_lower(text);
    if (t == "nan" || t == "-nan") return std::numeric_limits<double>::quiet_NaN();
    if (t == "inf" || t == "+inf" || t == "infinity") return std::numeric_limits<double>::infinity();
    if (t == "-inf" || t == "-infinity") return -std::numeric_limits<double>::infinity();
    try {
        size_t used = 0;
        double value = std::stod(t, &used);
        if (used != t.size()) return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

MetricsLog parse_metrics_log(std::istream& in) {
    std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_metrics_log(std::string_view(whole));
}

MetricsLog parse_metrics_log(std::string_view text) {
    text = core::skip_utf8_bom(text);
    size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return {};
    return text[start] == '{' ? parse_json_lines(text) : parse_csv(text);
}

std::vector<std::vector<EpochMetrics>> split_fits(const std::vector<EpochMetrics>& epochs) {
    std::vector<std::vector<EpochMetrics>> fits;
    for (const auto& epoch : epochs) {
        if (starts_new_fit(fits.empty() ? std::nullopt : std::optional<int>(fits.back().back().epoch), epoch.epoch))
            fits.emplace_back();
        fits.back().push_back(epoch);
    }
    return fits;
}

std::string fit_run_name(const std::string& run, int fit) { return fit == 1 ? run : run + "#" + std::to_string(fit); }

std::optional<GrownEpoch> GrowingMetricsLog::add_line(std::string_view line) {
    auto epoch = parse_line(line);
    if (!epoch) return std::nullopt;
    if (starts_new_fit(m_last_epoch, epoch->epoch)) ++m_fit;
    m_last_epoch = epoch->epoch;
    return GrownEpoch{m_fit, std::move(*epoch), std::string(line)};
}

std::optional<EpochMetrics> GrowingMetricsLog::parse_line(std::string_view line) {
    size_t number = ++m_line_number;
    if (m_format == Format::unknown) {
        line = core::skip_utf8_bom(line);
        size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string_view::npos) return std::nullopt;
        if (line[start] != '{') return read_header(line, number);
        m_format = Format::json_lines;
    }
    if (m_format == Format::json_lines) return json_line_epoch(line, number, m_run);
    auto row = read_csv_line(line, number);
    if (!row) return std::nullopt;
    return csv_row_epoch(m_names, *row);
}

std::optional<EpochMetrics> GrowingMetricsLog::read_header(std::string_view line, size_t number) {
    m_names = csv_header(read_csv_line(line, number));  // a bad header: the next line is tried as one
    m_header_line = std::string(line);
    m_format = Format::csv;
    return std::nullopt;
}

void GrowingMetricsLog::restart() {
    m_format = Format::unknown;
    m_header_line.clear();
    m_names.clear();
    m_line_number = 0;
}

std::vector<LogDetection> detect_in_log(const std::vector<EpochMetrics>& epochs, const DetectorThresholds& thresholds) {
    std::vector<LogDetection> found;
    int fit_number = 0;
    for (const auto& fit : split_fits(epochs)) {
        ++fit_number;
        TrainingDetector detector(thresholds);
        for (const auto& epoch : fit)
            for (auto& d : detector.feed(epoch)) {
                std::string spark = sparkline(detector.series(d.metric));
                found.push_back({fit_number, std::move(d), std::move(spark)});
            }
    }
    return found;
}

}  // namespace memeops::meme
