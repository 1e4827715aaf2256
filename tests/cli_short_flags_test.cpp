// The common options' short flags, as git and gh spell them: -n (limit, count), -r (repo),
// -b (branch), -k (kind), -j (json).
#include <catch2/catch.hpp>

#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;

TEST_CASE("cli short flags: -n, -b, -k and -j mean --limit, --branch, --kind and --json") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    {
        auto archive = storage::Archive::open(db);
        for (int i = 1; i <= 5; ++i) {
            auto entry = test::sample_entry(i % 2 ? storage::EntryKind::commit : storage::EntryKind::message, i);
            entry.branch = i <= 3 ? "main" : "dev";
            archive->add(entry);
        }
    }
    auto long_form = test::run_cli({"history", "--db", db, "--limit", "2", "--branch", "main", "--kind", "commit", "--json"});
    auto short_form = test::run_cli({"history", "--db", db, "-n", "2", "-b", "main", "-k", "commit", "-j"});
    REQUIRE(long_form.code == 0);
    CHECK(short_form.code == 0);
    CHECK(short_form.out == long_form.out);
    CHECK(nlohmann::json::parse(short_form.out).size() == 2);
    auto slang = test::run_cli({"slang", "-n", "2", "--seed", "3", "-j"});
    CHECK(slang.code == 0);
    CHECK(nlohmann::json::parse(slang.out).size() == 2);
}

TEST_CASE("cli short flags: -r names the repository like --repo") {
    test::TempDir dir;
    auto init = test::run_process("git", {"init", "-q", dir.file("repo")});
    REQUIRE(init.code == 0);
    auto with_short = test::run_cli({"status", "-r", dir.file("repo"), "-j", "--db", dir.file("a.db")});
    auto with_long = test::run_cli({"status", "--repo", dir.file("repo"), "--json", "--db", dir.file("a.db")});
    CHECK(with_short.code == with_long.code);
    CHECK(with_short.out == with_long.out);
}
