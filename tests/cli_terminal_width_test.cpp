// Human output fits the terminal (issue 12): history's rows never wrap on a TTY (the SUMMARY
// column shrinks, cut with "…"), piped output keeps every cell whole, a REPO column appears only
// for entries of several repositories, a line says when --limit cut the list, and replay's
// captions are shown whole, the English line included.
#include <catch2/catch.hpp>

#include <sstream>

#include "core/text.hpp"
#include "storage/archive.hpp"
#include "terminal_support.hpp"
#include "test_repo.hpp"

using namespace memeops;

namespace {

const std::string k_subject = "Add the resnet50 checkpoint trained on the augmented street scenes";
const std::string k_caption = "YYDS 👑 新版本上线 resnet50 val_acc 0.93，冲冲冲";

// An archive with `n` version entries of one repository (or alternating between two), each with
// a long commit subject and a meme.
std::string archive_of_versions(const test::TempDir& dir, int n, bool two_repos) {
    std::string db = dir.file("archive.db");
    auto archive = storage::Archive::open(db);
    for (int i = 1; i <= n; ++i) {
        auto entry = test::sample_entry(storage::EntryKind::version, i);
        entry.summary = k_subject + " " + std::to_string(i);
        if (two_repos && i % 2 == 0) entry.repo = "github.com/lab/speech-model";
        storage::Meme meme;
        meme.reaction = "version.tagged";
        meme.priority = 2;
        meme.caption = k_caption;
        meme.caption_en = "YYDS 👑 new version";
        entry.memes.push_back(meme);
        archive->add(entry);
    }
    return db;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void check_fits(const std::string& screen, int columns) {
    INFO(screen);
    for (const auto& line : lines_of(screen)) CHECK(core::display_width(line) <= columns);
}

}  // namespace

TEST_CASE("cli terminal width: history at 60 columns fits every row, cut with an ellipsis") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 3, false);
    std::string screen = test::run_memeops_in_terminal({"history", "--db", db}, 60);
    check_fits(screen, 60);
    auto lines = lines_of(screen);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].starts_with("ID"));
    CHECK(lines[0].find("SUMMARY") != std::string::npos);
    CHECK(lines[0].find("REPO") == std::string::npos);
    for (size_t i = 1; i < lines.size(); ++i) CHECK(lines[i].ends_with("…"));
}

TEST_CASE("cli terminal width: at 100 columns version rows keep the commit subject") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 2, false);
    std::string screen = test::run_memeops_in_terminal({"history", "--db", db}, 100);
    check_fits(screen, 100);
    auto lines = lines_of(screen);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].find("Add the resnet50 checkpoint") != std::string::npos);
}

TEST_CASE("cli terminal width: piped output keeps the full text whatever COLUMNS says") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 3, false);
    auto piped = test::run_memeops({"history", "--db", db}, {{"COLUMNS", "60"}});
    REQUIRE(piped.code == 0);
    CHECK(piped.out.find("…") == std::string::npos);
    CHECK(test::count_of(piped.out, k_subject) == 3);
    CHECK(test::count_of(piped.out, k_caption) == 3);
}

TEST_CASE("cli terminal width: a REPO column appears only for entries of several repositories") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 4, true);
    auto mixed = test::run_memeops({"history", "--db", db});
    REQUIRE(mixed.code == 0);
    auto lines = lines_of(mixed.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].find("REPO") != std::string::npos);
    CHECK(mixed.out.find("speech-model") != std::string::npos);
    CHECK(mixed.out.find("vision-model") != std::string::npos);
    auto one = test::run_memeops({"history", "--db", db, "--repo", "lab/speech-model"});
    REQUIRE(one.code == 0);
    CHECK(lines_of(one.out).size() == 3);
    CHECK(one.out.find("REPO") == std::string::npos);
    std::string screen = test::run_memeops_in_terminal({"history", "--db", db}, 60);
    check_fits(screen, 60);
}

TEST_CASE("cli terminal width: history says when --limit cut the list") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 25, false);
    auto cut = test::run_memeops({"history", "--db", db});
    REQUIRE(cut.code == 0);
    CHECK(lines_of(cut.out).size() == 21);
    CHECK(cut.err == "showing 20 of 25; use -n to see more\n");
    auto five = test::run_memeops({"history", "--db", db, "-n", "5", "--kind", "version"});
    CHECK(five.err == "showing 5 of 25; use -n to see more\n");
    auto all = test::run_memeops({"history", "--db", db, "-n", "25"});
    CHECK(lines_of(all.out).size() == 26);
    CHECK(all.err.empty());
    auto json = test::run_memeops({"history", "--db", db, "--json"});
    CHECK(json.err.empty());
}

TEST_CASE("cli terminal width: replay shows every caption whole, in Chinese and English, at 60 columns") {
    test::TempDir dir;
    std::string log = dir.file("overfit.csv");
    std::string csv = "epoch,loss,val_loss\n";
    const double val[] = {0.9, 0.7, 0.5, 0.4, 0.45, 0.5, 0.56, 0.6, 0.66, 0.7, 0.75, 0.8};
    for (int e = 0; e < 12; ++e)
        csv += std::to_string(e) + "," + std::to_string(1.0 - 0.07 * e) + "," + std::to_string(val[e]) + "\n";
    test::write_file(log, csv);
    auto json = test::run_memeops({"replay", log, "--json"});
    REQUIRE(json.code == 0);
    REQUIRE_FALSE(json.out.empty());
    std::string screen = test::run_memeops_in_terminal({"replay", log}, 60);
    INFO(screen);
    check_fits(screen, 60);
    CHECK(screen.find("…") == std::string::npos);
    std::string joined;  // the screen without line breaks and padding: wrapped captions read whole
    for (char c : screen)
        if (c != '\n' && c != ' ') joined += c;
    for (const auto& line : lines_of(json.out)) {
        auto reaction = nlohmann::json::parse(line);
        for (const char* key : {"caption", "caption_en"}) {
            std::string caption;
            for (char c : reaction[key].get<std::string>())
                if (c != ' ') caption += c;
            CHECK(joined.find(caption) != std::string::npos);
        }
    }
}

TEST_CASE("cli terminal width: an exported COLUMNS wins over the terminal's own size, as ls and git do") {
    test::TempDir dir;
    std::string db = archive_of_versions(dir, 2, false);
    std::string screen = test::run_memeops_in_terminal({"history", "--db", db}, 120, {{"COLUMNS", "60"}});
    check_fits(screen, 60);
    auto lines = lines_of(screen);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].ends_with("…"));
}
