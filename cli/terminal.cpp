#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "core/settings.hpp"

namespace memeops::cli {

Terminal Terminal::detect() {
    Terminal terminal;
    terminal.is_tty = isatty(STDOUT_FILENO) == 1;
    terminal.colour = terminal.is_tty && !core::env("NO_COLOR");
    if (!terminal.is_tty) return terminal;
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) terminal.width = size.ws_col;
    else if (auto columns = core::env("COLUMNS")) terminal.width = std::atoi(columns->c_str());
    if (terminal.width <= 0) terminal.width = 100;
    return terminal;
}

std::string Terminal::paint(std::string_view text, std::string_view code) const {
    if (!colour || code.empty()) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace memeops::cli
