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

    bool empty() const { return m_rows.empty(); }

    // The table, a line per row after a header line. Columns are separated by two spaces; when
    // the terminal has a width, the last column is cut ("…") to fit it.
    std::string render(const Terminal& terminal) const;

private:
    std::vector<std::string> m_headers;
    std::vector<std::vector<std::string>> m_rows;
    std::vector<std::string> m_colours;
};

}  // namespace memeops::cli
