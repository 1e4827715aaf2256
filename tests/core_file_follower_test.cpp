#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/file_follower.hpp"
#include "test_support.hpp"

using memeops::core::FileFollower;
using memeops::test::TempDir;

namespace {

void append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("core::FileFollower waits for a file that does not exist yet, then reads it from the start") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    FileFollower follower(path);
    auto news = follower.poll();
    CHECK_FALSE(news.restarted);
    CHECK(news.lines.empty());
    CHECK_FALSE(follower.found());
    append(path, "epoch,loss\n0,1.5\n");
    news = follower.poll();
    CHECK(news.restarted);
    CHECK(news.lines == Lines{"epoch,loss", "0,1.5"});
    CHECK(follower.poll().lines.empty());
}

TEST_CASE("core::FileFollower hands over a line only once its end is written, with CRLF or LF") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    append(path, "epoch,loss\r\n0,1.");
    FileFollower follower(path);
    CHECK(follower.poll().lines == Lines{"epoch,loss"});
    append(path, "5");
    CHECK(follower.poll().lines.empty());
    append(path, "\n1,1.2\n\n");
    auto news = follower.poll();
    CHECK_FALSE(news.restarted);
    CHECK(news.lines == Lines{"0,1.5", "1,1.2", ""});
}

TEST_CASE("core::FileFollower starts over when the file is truncated") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    append(path, "epoch,loss\n0,1.5\n1,1.4\n");
    FileFollower follower(path);
    follower.poll();
    std::filesystem::resize_file(path, 0);
    append(path, "epoch,loss\n");
    auto news = follower.poll();
    CHECK(news.restarted);
    CHECK(news.lines == Lines{"epoch,loss"});
}

TEST_CASE("core::FileFollower reads a rotated file to its end, then follows the new one") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    append(path, "epoch,loss\n0,1.5\n");
    FileFollower follower(path);
    follower.poll();
    append(path, "1,1.4\n2,1.3");  // the last line unfinished when the file is moved away
    std::filesystem::rename(path, dir.file("log.csv.1"));
    append(path, "epoch,loss\n3,1.2\n");
    auto news = follower.poll();
    CHECK_FALSE(news.restarted);
    CHECK(news.lines == Lines{"1,1.4", "2,1.3"});
    news = follower.poll();
    CHECK(news.restarted);
    CHECK(news.lines == Lines{"epoch,loss", "3,1.2"});
}

TEST_CASE("core::FileFollower survives its file being deleted and created again") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    append(path, "epoch,loss\n0,1.5\n");
    FileFollower follower(path);
    follower.poll();
    std::filesystem::remove(path);
    auto news = follower.poll();
    CHECK(news.lines.empty());
    CHECK_FALSE(follower.found());
    append(path, "epoch,acc\n");
    news = follower.poll();
    CHECK(news.restarted);
    CHECK(news.lines == Lines{"epoch,acc"});
}

TEST_CASE("core::FileFollower cuts a line without an end into pieces instead of holding it all") {
    TempDir dir;
    std::string path = dir.file("log.csv");
    append(path, std::string(FileFollower::k_max_line_bytes * 2 + 10, 'x'));
    FileFollower follower(path);
    auto news = follower.poll();
    REQUIRE(news.lines.size() == 2);
    CHECK(news.lines[0].size() == FileFollower::k_max_line_bytes);
    append(path, "\n");
    CHECK(follower.poll().lines == Lines{std::string(10, 'x')});
}
