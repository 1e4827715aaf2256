#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/settings.hpp"
#include "core/text.hpp"

namespace memeops::cli {

Terminal Terminal::detect() {
    Terminal terminal;
    terminal.is_tty = isatty(STDOUT_FILENO) == 1;
    terminal.colour = colour_wanted(ColourChoice::auto_detect, terminal.is_tty);
    if (!terminal.is_tty) return terminal;
    // COLUMNS first, as ls and git do: a shell does not export it, so when it is set someone
    // asked for that width.
    winsize size{};
    if (auto columns = core::env("COLUMNS"); columns && std::atoi(columns->c_str()) > 0)
        terminal.width = std::atoi(columns->c_str());
    else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        terminal.width = size.ws_col;
    if (terminal.width <= 0) terminal.width = 100;
    return terminal;
}

bool Terminal::colour_wanted(ColourChoice choice, bool is_tty) {
    if (choice != ColourChoice::auto_detect) return choice == ColourChoice::always;
    auto set = [](const char* name) {
        auto value = core::env(name);
        return value && !value->empty() && *value != "0";
    };
    if (set("FORCE_COLOR") || set("CLICOLOR_FORCE")) return true;
    if (auto no_colour = core::env("NO_COLOR"); no_colour && !no_colour->empty()) return false;
    return is_tty && core::env("TERM").value_or("") != "dumb";
}

ColourChoice Terminal::parse_colour_choice(const std::string& value) {
    if (value == "auto" || value == "tty") return ColourChoice::auto_detect;
    if (value == "always" || value == "yes" || value == "force") return ColourChoice::always;
    if (value == "never" || value == "no" || value == "none") return ColourChoice::never;
    throw core::UsageError("--color must be auto, always or never, not \"" + core::terminal_safe(value) + "\"");
}

std::string Terminal::paint(std::string_view text, std::string_view code) const {
    if (!colour || code.empty()) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace memeops::cli
