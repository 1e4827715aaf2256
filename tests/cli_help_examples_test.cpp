// Help written for people (issue 12): every command's help ends with examples.
#include <catch2/catch.hpp>

#include "cli/command.hpp"
#include "test_support.hpp"

using namespace memeops;

TEST_CASE("cli help examples: every command's help has an example of its use") {
    for (const auto& spec : cli::command_table()) {
        if (spec.plumbing) continue;
        std::string name(spec.name);
        auto help = test::run_cli({"help", name});
        INFO(name << ":\n" << help.out << help.err);
        CHECK(help.code == 0);
        size_t examples = help.out.find("Example");
        REQUIRE(examples != std::string::npos);
        // An example is a command line: memeops (or a shell line using it) after the heading.
        CHECK(help.out.find("memeops", examples) != std::string::npos);
    }
    auto show = test::run_cli({"show", "--help"});
    CHECK(show.out.find("  memeops show HEAD~2 ") != std::string::npos);
}
