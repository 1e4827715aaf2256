// When memeops paints its output: --color, FORCE_COLOR, CLICOLOR_FORCE, NO_COLOR and TERM=dumb,
// through a pipe and on a real terminal (a pty from script(1)).
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace memeops;

namespace {

bool painted(const std::string& out) { return out.find("\x1b[") != std::string::npos; }

// `memeops slang --count 2 --seed 1 EXTRA` through a pipe, with `env` over this process's.
test::CommandResult piped(const std::map<std::string, std::string>& env, const std::string& extra = "") {
    std::vector<std::string> args{"slang", "--count", "2", "--seed", "1"};
    if (!extra.empty()) args.push_back(extra);
    std::map<std::string, std::string> clean{{"FORCE_COLOR", ""}, {"CLICOLOR_FORCE", ""}, {"NO_COLOR", ""}};
    for (const auto& [name, value] : env) clean[name] = value;
    return test::run_process(MEMEOPS_BINARY, args, clean);
}

// The same on a terminal: script(1) gives it a pty, with TERM as given.
test::CommandResult on_terminal(const std::string& term, const std::string& extra = "") {
    std::string command = "TERM=" + term + " NO_COLOR= FORCE_COLOR= CLICOLOR_FORCE= '" + std::string(MEMEOPS_BINARY) +
                          "' slang --count 2 --seed 1 " + extra;
    return test::run_process("script", {"-qec", command, "/dev/null"});
}

}  // namespace

TEST_CASE("cli colour: a pipe is plain unless FORCE_COLOR, CLICOLOR_FORCE or --color=always asks") {
    CHECK_FALSE(painted(piped({}).out));
    CHECK(painted(piped({{"FORCE_COLOR", "1"}}).out));
    CHECK(painted(piped({{"CLICOLOR_FORCE", "1"}}).out));
    CHECK_FALSE(painted(piped({{"FORCE_COLOR", "0"}}).out));
    CHECK(painted(piped({}, "--color=always").out));
    CHECK(painted(piped({}, "--color").out));
    CHECK(painted(piped({{"NO_COLOR", "1"}}, "--color=always").out));  // the flag wins over the environment
    CHECK_FALSE(painted(piped({{"FORCE_COLOR", "1"}}, "--color=never").out));
    CHECK(painted(piped({{"FORCE_COLOR", "1"}, {"NO_COLOR", "1"}}).out));  // forcing is the more specific wish
}

TEST_CASE("cli colour: a terminal is painted unless TERM=dumb, NO_COLOR or --color=never") {
    auto xterm = on_terminal("xterm-256color");
    REQUIRE(xterm.code == 0);
    CHECK(painted(xterm.out));
    CHECK_FALSE(painted(on_terminal("dumb").out));
    CHECK_FALSE(painted(on_terminal("xterm-256color", "--color=never").out));
    auto no_colour = test::run_process("script", {"-qec", "TERM=xterm NO_COLOR=1 '" + std::string(MEMEOPS_BINARY) + "' slang --count 2", "/dev/null"});
    CHECK_FALSE(painted(no_colour.out));
}

TEST_CASE("cli colour: --color takes auto, always or never and names a wrong value") {
    auto wrong = piped({}, "--color=sometimes");
    CHECK(wrong.code == 2);
    CHECK(wrong.err == "memeops: usage : --color must be auto, always or never, not \"sometimes\"\n");
    CHECK(piped({}, "--color=auto").code == 0);
}
