// What the standard output is: a terminal (colour, a width to fit) or a pipe (plain, unbounded).
#pragma once

#include <string>
#include <string_view>

namespace memeops::cli {

struct Terminal {
    bool is_tty = false;
    bool colour = false;  // on a TTY unless NO_COLOR is set
    int width = 0;        // columns to fit; 0 means no limit (a pipe)

    // Detects standard output's terminal, honouring NO_COLOR and COLUMNS.
    static Terminal detect();

    // `text` wrapped in the ANSI SGR `code` ("1" bold, "31" red, "2" dim) when colour is on.
    std::string paint(std::string_view text, std::string_view code) const;
};

}  // namespace memeops::cli
