// What the standard output is: a terminal (colour, a width to fit) or a pipe (plain, unbounded).
#pragma once

#include <string>
#include <string_view>

namespace memeops::cli {

// --color: `auto` follows the environment and the output, as below.
enum class ColourChoice { auto_detect, always, never };

struct Terminal {
    bool is_tty = false;
    bool colour = false;  // see colour_wanted()
    int width = 0;        // columns to fit; 0 means no limit (a pipe)

    // Detects standard output's terminal: its width (the TTY's size, else COLUMNS, else 100)
    // and whether it gets colour (colour_wanted).
    static Terminal detect();

    // Whether output gets colour, as git, gh and most CLIs decide: --color=always or never wins;
    // then FORCE_COLOR or CLICOLOR_FORCE (set and not "0") turn it on, even through a pipe; then
    // NO_COLOR (set and not empty) turns it off; then only a TTY whose TERM is not "dumb" gets it.
    static bool colour_wanted(ColourChoice choice, bool is_tty);

    // Parses --color's value: auto, always or never (also yes/no, force, tty, none as git
    // takes them). Throws core::UsageError for anything else.
    static ColourChoice parse_colour_choice(const std::string& value);

    // `text` wrapped in the ANSI SGR `code` ("1" bold, "31" red, "2" dim) when colour is on.
    std::string paint(std::string_view text, std::string_view code) const;
};

}  // namespace memeops::cli
