// Aligned text tables for people. Widths are counted in terminal columns, so rows with Chinese
// text and emoji (two columns per character) stay aligned with ASCII ones.
#pragma once

#include <string>
#include <vector>

#include "cli/terminal.hpp"

namespace memeops::cli {

class Table {
public:
    explicit Table(std::vector<std::string> headers);

    // A row with one cell per header; missing cells are blank.
    void add_row(std::vector<std::string> cells);
    // The ANSI colour of one column's cells ("33" yellow …), applied only when colour is on.
    void set_column_colour(size_t column, std::string code);

    // When the table must fit the terminal, the last column's cells wrap onto lines of their own
    // under it instead of being cut (captions people should read whole).
    void wrap_last_column() { m_wrap_last = true; }

    bool empty() const { return m_rows.empty(); }

    // The table, a line per row after a header line, columns separated by two spaces. When the
    // terminal has a width (a TTY; 0 for a pipe, which gets every cell whole) and the table is
    // wider, it is made to fit: the last column (the free text) shrinks first, down to a few
    // columns; then the widest other columns, each down to its header's width. Cut cells end in
    // "…" (or wrap, see wrap_last_column). Only a terminal narrower than the headers themselves
    // still wraps.
    std::string render(const Terminal& terminal) const;

private:
    std::vector<int> natural_widths() const;

    std::vector<std::string> m_headers;
    std::vector<std::vector<std::string>> m_rows;
    std::vector<std::string> m_colours;
    bool m_wrap_last = false;
};

// The column widths that make a table of `natural` widths (separated by `gap` columns) fit in
// `width` columns, as Table::render describes; `floors` are the narrowest each column may get.
// Unchanged when `width` is 0 or the table already fits.
std::vector<int> fit_widths(std::vector<int> natural, const std::vector<int>& floors, int gap, int width);

}  // namespace memeops::cli
