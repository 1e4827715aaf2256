#include "terminal_support.hpp"

#include <unistd.h>

#include <stdexcept>

#include "test_repo.hpp"

namespace memeops::test {

std::string run_memeops_in_terminal(const std::vector<std::string>& args, int columns,
                                    const std::map<std::string, std::string>& env) {
    static int sessions = 0;
    const std::string socket = "memeops-test-" + std::to_string(getpid()) + "-" + std::to_string(++sessions);
    const std::string done = "[memeops-terminal-done]";
    auto columns_set = env.find("COLUMNS");
    std::string command = (columns_set == env.end() ? std::string("unset COLUMNS; ")
                                                    : "export COLUMNS=" + shell_quote(columns_set->second) + "; ") +
                          shell_quote(MEMEOPS_BINARY);
    for (const auto& arg : args) command += " " + shell_quote(arg);
    command += "; printf '%s\\n' " + shell_quote(done) + "; sleep 60";
    auto started = run_process("tmux", {"-L", socket, "-f", "/dev/null", "new-session", "-d", "-x",
                                        std::to_string(columns), "-y", "50", "-s", "memeops-test", command},
                               env);
    if (started.code != 0) throw std::runtime_error("tmux did not start: " + started.err);
    std::string screen;
    bool finished = eventually([&] {
        screen = run_process("tmux", {"-L", socket, "capture-pane", "-p", "-J", "-S", "-", "-t", "memeops-test"}).out;
        return screen.find(done) != std::string::npos;
    }, 20);
    run_process("tmux", {"-L", socket, "kill-server"});
    if (!finished) throw std::runtime_error("the command did not finish in the terminal:\n" + screen);
    screen.resize(screen.find(done));
    while (!screen.empty() && (screen.back() == '\n' || screen.back() == ' ')) screen.pop_back();
    return screen + "\n";
}

}  // namespace memeops::test
