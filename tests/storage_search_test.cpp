#include <catch2/catch.hpp>

#include "storage/archive.hpp"
#include "storage/search_query.hpp"
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

// A fresh archive holding one message entry per text, in order (oldest first).
struct SearchArchive {
    explicit SearchArchive(const std::vector<std::string>& texts) {
        for (const auto& text : texts) entries.push_back(message(text));
        archive->add_batch(entries);
    }
    // The ids of the entries found for `query`, newest first.
    std::vector<std::int64_t> ids(const std::string& query) {
        std::vector<std::int64_t> found;
        for (const auto& e : archive->search(query, 10)) found.push_back(e.id);
        return found;
    }

    test::TempDir dir;
    std::unique_ptr<storage::Archive> archive = storage::Archive::open(dir.file("archive.db"));
    std::vector<storage::Entry> entries;
};

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

TEST_CASE("storage::search_match_expression quotes every word as an FTS5 string prefix") {
    CHECK(storage::search_match_expression("loss nan") == "\"loss\"* AND \"nan\"*");
    CHECK(storage::search_match_expression("a\"b") == "\"a\"\"b\"*");
    CHECK_THROWS_AS(storage::search_match_expression("  ... !!"), storage::SearchQueryError);
    CHECK(storage::search_match_expression("OR NOT") == "\"OR\"* AND \"NOT\"*");
}

TEST_CASE("storage::Archive::search finds Chinese words of two and three characters") {
    SearchArchive fixture({
        "咱就是说，头秃了 ⚠️ val_loss 又涨了",
        "绝绝子 💯 val_accuracy 0.93",
        "这届batch size太菜了",
        "ordinary English commit about the Learning Rate",
        "秃头 is not the same word",
    });
    auto& archive = fixture.archive;
    auto& entries = fixture.entries;
    auto ids = [&](const std::string& query) { return fixture.ids(query); };
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
    CHECK(storage::search_match_expression(std::string("retrain\0finished", 16)) == "\"retrain\"* AND \"finished\"*");
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

TEST_CASE("storage::parse_search_query reads words, phrases, exclusions and a trailing star") {
    auto terms = storage::parse_search_query("weight* -nan \"learning rate\" -\"val loss\" \"open");
    REQUIRE(terms.size() == 5);
    CHECK((terms[0].text == "weight" && !terms[0].phrase && !terms[0].excluded));
    CHECK((terms[1].text == "nan" && !terms[1].phrase && terms[1].excluded));
    CHECK((terms[2].text == "learning rate" && terms[2].phrase && !terms[2].excluded));
    CHECK((terms[3].text == "val loss" && terms[3].phrase && terms[3].excluded));
    CHECK((terms[4].text == "open" && terms[4].phrase));  // an open quote runs to the end
    CHECK(storage::parse_search_query("- * \"\" -\"\" ...").empty());
}

TEST_CASE("storage::search_match_expression puts exclusions after NOT and keeps phrases whole") {
    CHECK(storage::search_match_expression("weight -nan -\"val loss\"") ==
          "(\"weight\"*) NOT (\"nan\"* OR \"val loss\")");
    CHECK(storage::search_match_expression("\"learning rate\" 头秃") == "\"learning rate\" AND \"头秃\"*");
    CHECK(storage::search_match_expression("\"say \"\"hi") == "\"say \" AND \"hi\"");  // the open quote runs on
    CHECK_THROWS_WITH(storage::search_match_expression("-nan -loss"),
                      "the search only excludes (-word): add a word or phrase to find");
    CHECK_THROWS_WITH(storage::search_match_expression("-"),
                      "nothing to search for: give words, numbers, Chinese or emoji");
}

// Issue 12: `weight` missed "weights", `weight*` found nothing and `-word` was ignored.
TEST_CASE("storage::Archive::search matches word prefixes, phrases and exclusions") {
    SearchArchive fixture({
        "saved the new weights after retraining",
        "weight decay 1e-4, loss went NaN",
        "learning rate warmup fixed the curve",
        "rate of learning is slow, 头秃了",
        "绝绝子 💯 val_accuracy 0.93 on the weighted set",
    });
    auto ids = [&](const std::string& query) { return fixture.ids(query); };
    auto newest_first = [&](std::initializer_list<size_t> indexes) {
        std::vector<std::int64_t> out;
        for (size_t i : indexes) out.insert(out.begin(), fixture.entries[i].id);
        return out;
    };
    CHECK(ids("weight") == newest_first({0, 1, 4}));
    CHECK(ids("weight*") == newest_first({0, 1, 4}));
    CHECK(ids("Weigh*") == newest_first({0, 1, 4}));
    CHECK(ids("weight -nan") == newest_first({0, 4}));
    CHECK(ids("weight -na -绝绝子") == newest_first({0}));
    CHECK(ids("weight -\"decay 1e\"") == newest_first({0, 4}));
    CHECK(ids("learning rate") == newest_first({2, 3}));
    CHECK(ids("\"learning rate\"") == newest_first({2}));
    CHECK(ids("\"learn rate\"").empty());  // a phrase is whole words
    CHECK(ids("头秃 -weight") == newest_first({3}));
    CHECK(ids("绝绝 val_acc") == newest_first({4}));
    CHECK(ids("weight -\"; DROP TABLE entries; --\" NEAR(a b) OR") .empty());
    CHECK(ids("weight -OR") == newest_first({0, 1, 4}));
    CHECK_THROWS_AS(fixture.archive->search("-weight", 10), storage::SearchQueryError);
    CHECK(fixture.archive->history({}).size() == 5);
}
