// memeops completion bash|zsh|fish: scripts written from the live command table, tried in a real
// bash (compgen through the generated function) and checked line by line for zsh and fish.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace memeops;

namespace {

// What bash completes for the words `line` (the last one being completed), through the script.
std::string bash_completes(const std::string& line) {
    std::string script = "source <('" + std::string(MEMEOPS_BINARY) + "' completion bash) && COMP_WORDS=(" + line +
                         ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && { _memeops; echo \"${COMPREPLY[*]}\"; }";
    auto result = test::run_process("bash", {"-c", script});
    INFO(result.err);
    REQUIRE(result.code == 0);
    return result.out;
}

}  // namespace

TEST_CASE("memeops completion bash completes commands, their flags and completion's shells in a real bash") {
    CHECK(bash_completes("memeops hi") == "history\n");
    CHECK(bash_completes("memeops ho") == "\n");  // the plumbing hook command is hidden
    CHECK(bash_completes("memeops history --li") == "--limit\n");
    CHECK(bash_completes("memeops --db x.db sea") == "search\n");  // an option's value is not the command
    CHECK(bash_completes("memeops demo --k") == "--keep\n");
    CHECK(bash_completes("memeops completion f") == "fish\n");
    CHECK(bash_completes("memeops --co") == "--config --color\n");
}

TEST_CASE("memeops completion zsh and fish list every command with its summary, and their flags") {
    auto zsh = test::run_process(MEMEOPS_BINARY, {"completion", "zsh"});
    REQUIRE(zsh.code == 0);
    CHECK(zsh.out.starts_with("#compdef memeops\n"));
    CHECK(zsh.out.find("        'history:Archive entries, newest first'\n") != std::string::npos);
    CHECK(zsh.out.find("'uninstall:Remove memeops'\\'' hooks and restore what was there before'") != std::string::npos);
    CHECK(zsh.out.find("'--keep[Keep the demo") != std::string::npos);
    CHECK(zsh.out.find("'hook:") == std::string::npos);
    auto fish = test::run_process(MEMEOPS_BINARY, {"completion", "fish"});
    REQUIRE(fish.code == 0);
    CHECK(fish.out.find("complete -c memeops -n __fish_use_subcommand -a history -d 'Archive entries, newest first'\n") !=
          std::string::npos);
    CHECK(fish.out.find("complete -c memeops -n '__fish_seen_subcommand_from history' -s n -l limit -r -F -d") != std::string::npos);
    CHECK(fish.out.find("-a backfill -d 'Archive a repository\\'s existing history") != std::string::npos);
    CHECK(fish.out.find(" -a hook ") == std::string::npos);
}

TEST_CASE("memeops completion of another shell is a usage error naming the three") {
    auto wrong = test::run_process(MEMEOPS_BINARY, {"completion", "tcsh"});
    CHECK(wrong.code == 2);
    CHECK(wrong.err == "memeops: usage : completion is for bash, zsh or fish, not \"tcsh\"\n");
}
