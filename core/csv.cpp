#include "core/csv.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"

namespace memeops::core {
namespace {

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

// The length of the line end at `pos` of `text`, 0 when there is none: "\n" after any run of
// "\r", so "\r\n" and "\r\r\n" (what Python's csv writer, Keras' CSVLogger among its users,
// leaves in a file opened in text mode on Windows: its "\r\n" with the "\n" translated again);
// a run of "\r" that ends the text (a last line end cut short). A lone "\r" elsewhere is data.
size_t line_end_length(std::string_view text, size_t pos) {
    size_t end = pos;
    while (end < text.size() && text[end] == '\r') ++end;
    if (end < text.size() && text[end] == '\n') return end + 1 - pos;
    return end == text.size() ? end - pos : 0;
}

}  // namespace

CsvError::CsvError(size_t line, size_t column, const std::string& why)
    : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + why),
      m_line(line),
      m_column(column),
      m_why(why) {}

CsvReader::CsvReader(std::string_view text) : m_text(skip_utf8_bom(text)) {}

void CsvReader::fail(size_t pos, const std::string& why) const {
    throw CsvError(m_line, pos - m_line_start + 1, why);
}

std::string CsvReader::read_unquoted() {
    size_t start = m_pos;
    while (m_pos < m_text.size() && m_text[m_pos] != ',' && line_end_length(m_text, m_pos) == 0) ++m_pos;
    size_t end = m_pos;
    while (end > start && is_blank_char(m_text[end - 1])) --end;
    return std::string(m_text.substr(start, end - start));
}

std::string CsvReader::read_quoted(size_t& column_of_quote) {
    size_t open_line = m_line;
    column_of_quote = m_pos - m_line_start + 1;
    std::string cell;
    ++m_pos;
    for (;;) {
        size_t quote = m_text.find('"', m_pos);
        if (quote == std::string_view::npos)
            throw CsvError(open_line, column_of_quote, "the quoted cell that starts here is never closed");
        std::string_view piece = m_text.substr(m_pos, quote - m_pos);
        for (size_t nl = piece.find('\n'); nl != std::string_view::npos; nl = piece.find('\n', nl + 1)) {
            ++m_line;  // a line break inside the quotes: later errors still name the right line
            m_line_start = m_pos + nl + 1;
        }
        cell.append(piece);
        m_pos = quote + 1;
        if (m_pos < m_text.size() && m_text[m_pos] == '"') {
            cell += '"';  // "" is one quote
            ++m_pos;
        } else {
            return cell;
        }
    }
}

std::optional<CsvRow> CsvReader::next() {
    while (m_pos < m_text.size()) {
        CsvRow row{m_line, {}};
        bool quoted = false;
        for (;;) {
            while (m_pos < m_text.size() && is_blank_char(m_text[m_pos])) ++m_pos;
            size_t column = 0;
            bool this_quoted = m_pos < m_text.size() && m_text[m_pos] == '"';
            row.cells.push_back(this_quoted ? read_quoted(column) : read_unquoted());
            quoted = quoted || this_quoted;
            while (this_quoted && m_pos < m_text.size() && is_blank_char(m_text[m_pos])) ++m_pos;
            if (m_pos >= m_text.size()) break;
            if (m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (size_t end = line_end_length(m_text, m_pos)) {
                m_pos += end;
                ++m_line;
                m_line_start = m_pos;
                break;
            }
            fail(m_pos, "expected a comma or a line end after the quoted cell at column " + std::to_string(column));
        }
        bool blank = !quoted && row.cells.size() == 1 && row.cells[0].empty();
        if (!blank) return row;
    }
    return std::nullopt;
}

std::vector<CsvRow> read_csv(std::string_view text) {
    std::vector<CsvRow> rows;
    CsvReader reader(text);
    while (auto row = reader.next()) rows.push_back(std::move(*row));
    return rows;
}

bool is_number_cell(std::string_view cell) {
    if (cell.starts_with('+')) cell.remove_prefix(1);
    if (cell.empty()) return false;
    double value = 0;
    auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return end == cell.data() + cell.size() && error != std::errc::invalid_argument;  // out of range is still a number
}

bool is_header_row(const std::vector<CsvRow>& rows, const std::vector<std::string_view>& known_names) {
    if (rows.empty()) return false;
    const auto& first = rows.front().cells;
    if (std::any_of(first.begin(), first.end(), [](const std::string& c) { return c.empty() || is_number_cell(c); }))
        return false;
    if (rows.size() == 1)
        return std::all_of(first.begin(), first.end(), [&](const std::string& c) {
            return std::find(known_names.begin(), known_names.end(), ascii_lower(c)) != known_names.end();
        });
    std::unordered_set<std::string_view> later;
    for (size_t r = 1; r < rows.size(); ++r) later.insert(rows[r].cells.begin(), rows[r].cells.end());
    return std::none_of(first.begin(), first.end(), [&](const std::string& c) { return later.contains(c); });
}

std::string input_name(const std::string& path) { return path == "-" ? "standard input" : path; }

std::string input_stem(const std::string& path) {
    return path == "-" ? "stdin" : std::filesystem::path(path).stem().string();
}

std::string read_input_file(const std::string& path, std::istream& standard_input) {
    std::istream* in = &standard_input;
    std::ifstream file;
    if (path != "-") {
        std::error_code error;
        if (std::filesystem::is_directory(path, error)) throw Fatal("cannot read " + path, "it is a directory, not a file");
        file.open(path, std::ios::binary);
        if (!file) throw Fatal("cannot read " + path, "no such file or not readable");
        in = &file;
    }
    std::string text;
    char buffer[64 * 1024];
    while (in->read(buffer, sizeof buffer) || in->gcount() > 0) text.append(buffer, static_cast<size_t>(in->gcount()));
    if (in->bad()) throw Fatal("cannot read " + input_name(path), "a read error");
    return text;
}

}  // namespace memeops::core
