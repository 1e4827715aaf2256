// The one CSV reader of MemeOps (RFC 4180), for every CSV file a command reads: `replay`'s
// Keras CSVLogger logs and `confusion`'s predictions.
//
// What it accepts, beyond the RFC: LF line ends as well as CRLF, and CR CR LF (a CSV writer's
// CRLF through a Windows text-mode file, as Keras' CSVLogger leaves there), a UTF-8 byte order
// mark at the start, blank lines (skipped), and spaces or tabs around a cell (trimmed when the
// cell is not quoted; around the quotes of a quoted one). A quoted cell keeps everything between
// its quotes exactly: commas, line breaks, spaces, and `""` as one `"`.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::core {

// One record of a CSV file.
struct CsvRow {
    size_t line = 0;                 // 1-based line the record starts on (a quoted cell may span lines)
    std::vector<std::string> cells;  // unquoted and trimmed; at least one
};

// Why a text is not CSV: what() is "line L, column C: <why>" (the column in bytes, 1-based).
class CsvError : public std::runtime_error {
public:
    CsvError(size_t line, size_t column, const std::string& why);
    size_t line() const { return m_line; }
    size_t column() const { return m_column; }
    const std::string& why() const { return m_why; }

private:
    size_t m_line;
    size_t m_column;
    std::string m_why;
};

// Reads the records of a CSV text one at a time. Not thread-safe; `text` must outlive the reader.
class CsvReader {
public:
    explicit CsvReader(std::string_view text);

    // The next record that is not blank (a line of nothing but spaces and tabs), or nullopt at
    // the end. Throws CsvError for a quote that is never closed, or anything but spaces after a
    // closing quote before the next comma or line end. A `"` inside an unquoted cell is kept as
    // it is.
    std::optional<CsvRow> next();

private:
    std::string read_quoted(size_t& column_of_quote);
    std::string read_unquoted();
    [[noreturn]] void fail(size_t pos, const std::string& why) const;

    std::string_view m_text;
    size_t m_pos = 0;
    size_t m_line = 1;
    size_t m_line_start = 0;  // offset of the current line's first byte
};

// Every record of `text` (CsvReader::next until the end). Throws CsvError as next() does.
std::vector<CsvRow> read_csv(std::string_view text);

// True for a cell that reads as a number: decimal or exponent notation, "nan", "inf".
bool is_number_cell(std::string_view cell);

// Whether `rows[0]` is a header row of column names rather than the first record of data, for
// files where the header is optional. It is one when every cell of it is non-empty and not a
// number, and:
//   - when other rows follow: none of its cells occurs in any later row (data repeats its
//     labels, a header names columns once), or
//   - when it is the only row: every cell is one of `known_names` (compared ignoring ASCII case),
//     since nothing else can tell.
// False for no rows.
bool is_header_row(const std::vector<CsvRow>& rows, const std::vector<std::string_view>& known_names);

// How messages name the file a command was given: "standard input" for "-", else `path`.
std::string input_name(const std::string& path);

// A default name for what the file a command was given is about: "stdin" for "-", else the file's
// name without its folder and extension ("runs/resnet-7.csv" → "resnet-7").
std::string input_stem(const std::string& path);

// The whole text of the file a command was given: `path`, or `standard_input` when `path` is
// "-" (as in most command-line tools). Throws core::Fatal("cannot read PATH", why) when it is a
// directory, missing, or cannot be read.
std::string read_input_file(const std::string& path, std::istream& standard_input);

}  // namespace memeops::core
