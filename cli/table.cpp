#include "cli/table.hpp"

#include <algorithm>
#include <numeric>

#include "core/text.hpp"

namespace memeops::cli {
namespace {

constexpr int k_gap = 2;
constexpr int k_min_last_column = 10;

std::string render_line(const std::vector<std::string>& cells, const std::vector<int>& widths,
                        const std::vector<std::string>& colours, const Terminal& terminal, bool fitted) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
        const std::string& cell = i < cells.size() ? cells[i] : std::string();
        bool last = i + 1 == widths.size();
        std::string text = fitted ? core::truncate_to_width(cell, widths[i]) : cell;
        if (!last) text = core::pad_to_width(text, widths[i]);
        line += terminal.paint(text, i < colours.size() ? colours[i] : "");
        if (!last) line.append(k_gap, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

// `text` in lines of at most `columns` columns (at least one code point each), broken after the
// last space that fits, else between code points (Chinese has no spaces); the spaces at a break
// go.
std::vector<std::string> wrap_to_width(std::string_view text, int columns) {
    if (columns <= 0) return {std::string(text)};
    std::vector<std::string> lines;
    std::string line;
    int width = 0;
    size_t last_space = std::string::npos;  // in `line`
    for (size_t pos = 0; pos < text.size();) {
        size_t start = pos;
        char32_t cp = core::next_code_point(text, pos);
        int cp_width = core::code_point_width(cp);
        if (width + cp_width > columns && !line.empty()) {
            std::string rest;
            if (last_space != std::string::npos) rest = line.substr(last_space + 1), line.resize(last_space);
            while (!line.empty() && line.back() == ' ') line.pop_back();
            lines.push_back(std::move(line));
            line = cp == U' ' && rest.empty() ? std::string() : rest;
            width = core::display_width(line);
            last_space = std::string::npos;
            if (cp == U' ' && line.empty()) continue;
        }
        if (cp == U' ') last_space = line.size();
        line.append(text.substr(start, pos - start));
        width += cp_width;
    }
    lines.push_back(std::move(line));
    return lines;
}

int total_width(const std::vector<int>& widths, int gap) {
    if (widths.empty()) return 0;
    return std::accumulate(widths.begin(), widths.end(), 0) + gap * static_cast<int>(widths.size() - 1);
}

}  // namespace

std::vector<int> fit_widths(std::vector<int> widths, const std::vector<int>& floors, int gap, int width) {
    if (width <= 0 || widths.empty()) return widths;
    int excess = total_width(widths, gap) - width;
    // The free text first, then the widest of the others, one column at a time.
    size_t last = widths.size() - 1;
    int cut = std::clamp(excess, 0, std::max(0, widths[last] - floors[last]));
    widths[last] -= cut;
    excess -= cut;
    while (excess > 0) {
        size_t widest = last;
        for (size_t i = 0; i < last; ++i)
            if (widths[i] > floors[i] && (widest == last || widths[i] > widths[widest])) widest = i;
        if (widest == last) break;
        --widths[widest];
        --excess;
    }
    return widths;
}

Table::Table(std::vector<std::string> headers)
    : m_headers(std::move(headers)), m_colours(m_headers.size()) {}

void Table::add_row(std::vector<std::string> cells) {
    for (auto& cell : cells) cell = core::terminal_safe(core::first_line(cell));
    m_rows.push_back(std::move(cells));
}

void Table::set_column_colour(size_t column, std::string code) {
    if (column < m_colours.size()) m_colours[column] = std::move(code);
}

std::vector<int> Table::natural_widths() const {
    std::vector<int> widths(m_headers.size(), 0);
    for (size_t i = 0; i < m_headers.size(); ++i) widths[i] = core::display_width(m_headers[i]);
    for (const auto& row : m_rows)
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], core::display_width(row[i]));
    return widths;
}

std::string Table::render(const Terminal& terminal) const {
    std::vector<int> natural = natural_widths();
    std::vector<int> floors(m_headers.size());
    for (size_t i = 0; i < m_headers.size(); ++i) floors[i] = core::display_width(m_headers[i]);
    if (!floors.empty()) floors.back() = std::min(natural.back(), std::max(floors.back(), k_min_last_column));
    std::vector<int> widths = fit_widths(natural, floors, k_gap, terminal.width);
    bool fitted = widths != natural;

    std::vector<std::string> header_colours(m_headers.size(), "1");
    std::string out = render_line(m_headers, widths, header_colours, terminal, fitted) + "\n";
    for (const auto& row : m_rows) {
        if (!fitted || !m_wrap_last || row.size() < widths.size()) {
            out += render_line(row, widths, m_colours, terminal, fitted) + "\n";
            continue;
        }
        std::vector<std::string> piece = row;
        for (const auto& line : wrap_to_width(row.back(), widths.back())) {
            piece.back() = line;
            out += render_line(piece, widths, m_colours, terminal, fitted) + "\n";
            std::fill(piece.begin(), piece.end() - 1, std::string());
        }
    }
    return out;
}

}  // namespace memeops::cli
