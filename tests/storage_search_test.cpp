#include <catch2/catch.hpp>

#include "storage/archive.hpp"
#include "storage/search_tokenizer.hpp"
#include "test_support.hpp"

using namespace memeops;
using storage::TokenizeFor;

namespace {

std::vector<std::string> texts(const std::vector<storage::SearchToken>& tokens) {
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

storage::Entry message(const std::string& text) {
    storage::Entry entry;
    entry.kind = storage::EntryKind::message;
    entry.time = 1'764'000'000'000;
    entry.summary = text;
    entry.body = text;
    return entry;
}

}  // namespace

TEST_CASE("storage::search_tokens indexes CJK runs as bigrams with their characters") {
    auto doc = storage::search_tokens("头秃了", TokenizeFor::document);
    REQUIRE(texts(doc) == std::vector<std::string>{"头秃", "头", "秃了", "秃", "了"});
    CHECK_FALSE(doc[0].colocated);
    CHECK(doc[1].colocated);
    CHECK_FALSE(doc[4].colocated);
    CHECK(texts(storage::search_tokens("绝绝子", TokenizeFor::query)) ==
          std::vector<std::string>{"绝绝", "绝子"});
    CHECK(texts(storage::search_tokens("头", TokenizeFor::query)) == std::vector<std::string>{"头"});
}

TEST_CASE("storage::search_tokens lower-cases words and keeps emoji") {
    CHECK(texts(storage::search_tokens("Loss NaN, YYDS👑!", TokenizeFor::query)) ==
          std::vector<std::string>{"loss", "nan", "yyds", "👑"});
    CHECK(texts(storage::search_tokens("loss爆炸", TokenizeFor::query)) ==
          std::vector<std::string>{"loss", "爆炸"});
}

TEST_CASE("storage::search_match_expression quotes every word") {
    CHECK(storage::search_match_expression("loss nan") == "\"loss\" AND \"nan\"");
    CHECK(storage::search_match_expression("a\"b") == "\"a\"\"b\"");
    CHECK(storage::search_match_expression("  ... !!") == "");
    CHECK(storage::search_match_expression("OR NOT") == "\"OR\" AND \"NOT\"");
}

TEST_CASE("storage::Archive::search finds Chinese words of two and three characters") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    std::vector<storage::Entry> entries{
        message("咱就是说，头秃了 ⚠️ val_loss 又涨了"),
        message("绝绝子 💯 val_accuracy 0.93"),
        message("这届batch size太菜了"),
        message("ordinary English commit about the Learning Rate"),
        message("秃头 is not the same word"),
    };
    archive->add_batch(entries);

    auto ids = [&](const std::string& query) {
        std::vector<std::int64_t> found;
        for (const auto& e : archive->search(query, 10)) found.push_back(e.id);
        return found;
    };
    CHECK(ids("头秃") == std::vector<std::int64_t>{entries[0].id});
    CHECK(ids("绝绝子") == std::vector<std::int64_t>{entries[1].id});
    CHECK(ids("太菜") == std::vector<std::int64_t>{entries[2].id});
    CHECK(ids("batch") == std::vector<std::int64_t>{entries[2].id});
    CHECK(ids("learning rate") == std::vector<std::int64_t>{entries[3].id});
    CHECK(ids("💯") == std::vector<std::int64_t>{entries[1].id});
    CHECK(ids("绝子绝") .empty());
    CHECK(ids("头").size() == 2);  // one character matches wherever it stands
    CHECK(ids("\"; DROP TABLE entries; --").empty());
    CHECK(archive->history({}).size() == 5);
}

// Found by fuzz/search_query: a NUL inside a word ended FTS5's reading of the quoted phrase, and
// the search threw "unterminated string".
TEST_CASE("storage::Archive::search takes a NUL byte in the query as a space") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    storage::Entry entry = message("retrain finished");
    archive->add(entry);
    const std::string crashing("loss OR NEAR(a b) AND \"u\0\0\0\0\0\0\0,ted ^cunter-", 44);
    CHECK_NOTHROW(archive->search(crashing, 5));
    CHECK(storage::search_match_expression(std::string("retrain\0finished", 16)) == "\"retrain\" AND \"finished\"");
    auto found = archive->search(std::string("retrain\0finished", 16), 5);
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == entry.id);
}

TEST_CASE("storage::Archive::search sees memes added later") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    storage::Entry entry = message("run-7 finished");
    archive->add(entry);
    CHECK(archive->search("泰裤辣", 5).empty());
    storage::Meme meme{0, "sarcasm", 3, "泰裤辣 💃 但请重训", "So cool (please retrain)", 0, {}};
    archive->add_meme(entry.id, meme);
    auto found = archive->search("泰裤辣", 5);
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == entry.id);
    CHECK(archive->search("retrain", 5).size() == 1);
    CHECK(archive->search("finished", 5).size() == 1);
}
