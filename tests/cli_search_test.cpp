// memeops search as people and scripts use it (issue 12): word prefixes, `-word` exclusions,
// "phrases", Chinese, and grep's exit codes (0 found, 1 no match, 2 a query that cannot run).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

storage::Entry message(const std::string& text, int n) {
    storage::Entry entry;
    entry.kind = storage::EntryKind::message;
    entry.time = 1'764'000'000'000 + n;
    entry.summary = text;
    entry.body = text;
    return entry;
}

// An archive of four messages: the summaries, oldest first.
std::string seeded_archive(const test::TempDir& dir) {
    std::string path = dir.file("archive.db");
    auto archive = storage::Archive::open(path);
    std::vector<storage::Entry> entries{message("saved the new weights", 0), message("weight decay made loss NaN", 1),
                                        message("learning rate warmup, 头秃了", 2),
                                        message("rate of learning: 绝绝子 💯", 3)};
    archive->add_batch(entries);
    return path;
}

// The summaries `memeops search ARGS --json` prints, newest first; REQUIREs exit code `code`.
std::vector<std::string> found(const std::string& db, std::vector<std::string> args, int code = 0) {
    args.insert(args.begin(), {"search", "--db", db, "--json"});
    auto result = test::run_cli(args);
    INFO(result.err);
    REQUIRE(result.code == code);
    std::vector<std::string> summaries;
    for (const auto& entry : nlohmann::json::parse(result.out)) summaries.push_back(entry["summary"]);
    return summaries;
}

}  // namespace

TEST_CASE("cli: search matches word prefixes, with or without a trailing star") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    std::vector<std::string> both{"weight decay made loss NaN", "saved the new weights"};
    CHECK(found(db, {"weight"}) == both);
    CHECK(found(db, {"weight*"}) == both);
    CHECK(found(db, {"WEIG"}) == both);
}

TEST_CASE("cli: search -word excludes entries with that word, as an argument or inside the text") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    std::vector<std::string> saved{"saved the new weights"};
    CHECK(found(db, {"weight", "-nan"}) == saved);
    CHECK(found(db, {"-na", "weight"}) == saved);
    CHECK(found(db, {"--", "weight", "-nan"}) == saved);
    CHECK(found(db, {"weight -decay"}) == saved);
    CHECK(found(db, {"rate", "-头秃"}) == std::vector<std::string>{"rate of learning: 绝绝子 💯"});
}

TEST_CASE("cli: search matches a double-quoted phrase in order") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    CHECK(found(db, {"learning rate"}).size() == 2);
    CHECK(found(db, {"\"learning rate\""}) == std::vector<std::string>{"learning rate warmup, 头秃了"});
    CHECK(found(db, {"rate", "-\"learning rate\""}) == std::vector<std::string>{"rate of learning: 绝绝子 💯"});
}

TEST_CASE("cli: search finds Chinese and emoji") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    CHECK(found(db, {"头秃"}) == std::vector<std::string>{"learning rate warmup, 头秃了"});
    CHECK(found(db, {"绝绝子", "💯"}) == std::vector<std::string>{"rate of learning: 绝绝子 💯"});
}

TEST_CASE("cli: search with no match says so on stderr and exits 1, as grep does") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    auto human = test::run_cli({"search", "--db", db, "nothing-here"});
    CHECK(human.code == 1);
    CHECK(human.out.empty());
    CHECK(human.err == "memeops: search : no matches\n");

    auto json = test::run_cli({"search", "--db", db, "weight", "-weigh", "--json"});
    CHECK(json.code == 1);
    CHECK(json.out == "[]\n");
    CHECK(json.err.empty());

    auto no_archive = test::run_cli({"search", "--db", dir.file("none.db"), "weight"});
    CHECK(no_archive.code == 1);
    CHECK(no_archive.err == "memeops: search : no matches\n");

    auto match = test::run_cli({"search", "--db", db, "weights"});
    CHECK(match.code == 0);
    CHECK(match.err.empty());
}

TEST_CASE("cli: search of only exclusions or nothing searchable is a usage error (exit 2)") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    auto only_exclusions = test::run_cli({"search", "--db", db, "-nan", "-loss"});
    CHECK(only_exclusions.code == 2);
    CHECK(only_exclusions.err ==
          "memeops: usage : search: the search only excludes (-word): add a word or phrase to find\n");
    auto without_archive = test::run_cli({"search", "--db", dir.file("none.db"), "-nan"});
    CHECK(without_archive.code == 2);
    auto nothing = test::run_cli({"search", "--db", db, "...", "*"});
    CHECK(nothing.code == 2);
    CHECK(nothing.err == "memeops: usage : search: nothing to search for: give words, numbers, Chinese or emoji\n");
    auto typo = test::run_cli({"search", "--db", db, "weight", "--jsn"});
    CHECK(typo.code == 2);
    CHECK(typo.err == "memeops: usage : search: unknown option --jsn\n");
    CHECK(test::run_cli({"search", "--db", db}).code == 2);
}

TEST_CASE("cli: search keeps FTS5 syntax in user text as plain words") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    CHECK(found(db, {"weight", "OR", "NEAR(a", "b)"}, 1).empty());
    CHECK(found(db, {"\"; DROP TABLE entries; --"}, 1).empty());
    CHECK(found(db, {"saved", "^col:x"}, 1).empty());
    CHECK(found(db, {"weight"}).size() == 2);  // the archive is intact
}
