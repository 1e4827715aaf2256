// The memeops binary: everything lives in the library; this only hands it the process.
#include <iostream>
#include <vector>

#include "cli/command.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    memeops::core::set_default_log_level(memeops::core::LogLevel::warn);  // serve raises it to info
    memeops::cli::Io io{std::cout, std::cerr, memeops::cli::Terminal::detect()};
    int code = memeops::cli::run(args, io);
    std::cout.flush();
    return code;
}
