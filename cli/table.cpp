#include "cli/table.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace memeops::cli {
namespace {

constexpr int k_gap = 2;
constexpr int k_min_last_column = 12;

std::string render_line(const std::vector<std::string>& cells, const std::vector<int>& widths,
                        const std::vector<std::string>& colours, const Terminal& terminal,
                        int last_width) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
        const std::string& cell = i < cells.size() ? cells[i] : std::string();
        bool last = i + 1 == widths.size();
        std::string text = last ? (last_width > 0 ? core::truncate_to_width(cell, last_width) : cell)
                                : core::pad_to_width(cell, widths[i]);
        line += terminal.paint(text, i < colours.size() ? colours[i] : "");
        if (!last) line.append(k_gap, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace

Table::Table(std::vector<std::string> headers)
    : m_headers(std::move(headers)), m_colours(m_headers.size()) {}

void Table::add_row(std::vector<std::string> cells) {
    for (auto& cell : cells) cell = core::terminal_safe(core::first_line(cell));
    m_rows.push_back(std::move(cells));
}

void Table::set_column_colour(size_t column, std::string code) {
    if (column < m_colours.size()) m_colours[column] = std::move(code);
}

std::string Table::render(const Terminal& terminal) const {
    std::vector<int> widths(m_headers.size(), 0);
    for (size_t i = 0; i < m_headers.size(); ++i) widths[i] = core::display_width(m_headers[i]);
    for (const auto& row : m_rows)
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], core::display_width(row[i]));
    int used = 0;
    for (size_t i = 0; i + 1 < widths.size(); ++i) used += widths[i] + k_gap;
    int last_width = terminal.width > 0 ? std::max(k_min_last_column, terminal.width - used) : 0;

    std::vector<std::string> header_colours(m_headers.size(), "1");
    std::string out = render_line(m_headers, widths, header_colours, terminal, last_width) + "\n";
    for (const auto& row : m_rows)
        out += render_line(row, widths, m_colours, terminal, last_width) + "\n";
    return out;
}

}  // namespace memeops::cli
