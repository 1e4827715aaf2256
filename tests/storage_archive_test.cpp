#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using storage::EntryKind;

namespace {

std::unique_ptr<storage::Archive> open_in(const test::TempDir& dir) {
    return storage::Archive::open(dir.file("archive.db"));
}

}  // namespace

TEST_CASE("storage::Archive writes and reads back every kind of entry") {
    test::TempDir dir;
    auto archive = open_in(dir);
    for (EntryKind kind : {EntryKind::version, EntryKind::commit, EntryKind::training,
                           EntryKind::ci, EntryKind::message}) {
        storage::Entry written = test::sample_entry(kind, static_cast<int>(kind));
        archive->add(written);
        REQUIRE(written.id > 0);
        auto read = archive->find("#" + std::to_string(written.id));
        REQUIRE(read);
        CHECK(read->kind == kind);
        CHECK(read->time == written.time);
        CHECK(read->repo == written.repo);
        CHECK(read->branch == written.branch);
        CHECK(read->commit == written.commit);
        CHECK(read->tag == written.tag);
        CHECK(read->display == written.display);
        CHECK(read->run == written.run);
        CHECK(read->summary == written.summary);
        CHECK(read->body == written.body);
        CHECK(read->metrics == written.metrics);
        CHECK(read->details == written.details);
    }
}

TEST_CASE("storage::Archive keeps NaN and infinite metrics") {
    test::TempDir dir;
    auto archive = open_in(dir);
    storage::Entry entry = test::sample_entry(EntryKind::training, 1);
    entry.metrics = {{"loss", std::numeric_limits<double>::quiet_NaN()},
                     {"grad", std::numeric_limits<double>::infinity()},
                     {"lr", 0.001}};
    archive->add(entry);
    auto read = archive->find("#" + std::to_string(entry.id));
    REQUIRE(read);
    CHECK(std::isnan(read->metrics.at("loss")));
    CHECK(std::isinf(read->metrics.at("grad")));
    auto json = storage::to_json(*read);
    CHECK(json["metrics"]["loss"] == "nan");
    CHECK(json["metrics"]["grad"] == "inf");
    CHECK(json["metrics"]["lr"] == 0.001);
}

TEST_CASE("storage::Archive keeps memes with their per-destination deliveries") {
    test::TempDir dir;
    auto archive = open_in(dir);
    storage::Entry entry = test::sample_entry(EntryKind::version, 3);
    storage::Meme meme{0, "version.tagged", 2, "绝绝子 💯 新版本", "Iconic: new version", 5, {}};
    meme.deliveries = {{"slack:ml", storage::DeliveryState::pending, 0, std::nullopt},
                       {"discord:lab", storage::DeliveryState::failed, 2, "HTTP 400: too long"}};
    entry.memes.push_back(meme);
    archive->add(entry);
    CHECK(archive->pending_deliveries() == 1);

    auto read = archive->find(*entry.tag);
    REQUIRE(read);
    REQUIRE(read->memes.size() == 1);
    CHECK(read->memes[0].caption == "绝绝子 💯 新版本");
    REQUIRE(read->memes[0].deliveries.size() == 2);
    CHECK(read->memes[0].deliveries[0].destination == "discord:lab");
    CHECK(read->memes[0].deliveries[0].last_error == "HTTP 400: too long");
    CHECK(read->memes[0].deliveries[1].state == storage::DeliveryState::pending);
}

TEST_CASE("storage::Archive::history filters by repo, branch, kind and time, newest first") {
    test::TempDir dir;
    auto archive = open_in(dir);
    std::vector<storage::Entry> entries;
    for (int n = 0; n < 30; ++n)
        entries.push_back(test::sample_entry(n % 3 == 0 ? EntryKind::version : EntryKind::commit, n));
    storage::Entry other = test::sample_entry(EntryKind::commit, 100);
    other.repo = "/home/lin/other-repo";
    entries.push_back(other);
    archive->add_batch(entries);

    auto all = archive->history({.limit = 100});
    REQUIRE(all.size() == 31);
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].time >= all[i].time);

    CHECK(archive->history({.limit = 5}).size() == 5);
    auto main_only = archive->history({.branch = "main", .limit = 100});
    CHECK(main_only.size() == 16);
    for (const auto& e : main_only) CHECK(e.branch == "main");
    CHECK(archive->history({.kind = EntryKind::version, .limit = 100}).size() == 10);
    CHECK(archive->history({.repo = "vision-model", .limit = 100}).size() == 30);
    CHECK(archive->history({.repo = "git@example.com:lab/vision-model.git", .limit = 100}).size() == 30);
    CHECK(archive->history({.repo = "other-repo", .limit = 100}).size() == 1);
    CHECK(archive->history({.repo = "nope", .limit = 100}).empty());
    auto window = archive->history(
        {.since = entries[10].time, .until = entries[19].time, .limit = 100});
    CHECK(window.size() == 10);
    CHECK(window.front().time == entries[19].time);
}

TEST_CASE("storage::Archive::find resolves tags, shas, prefixes and ids") {
    test::TempDir dir;
    auto archive = open_in(dir);
    storage::Entry version = test::sample_entry(EntryKind::version, 1);
    storage::Entry commit = test::sample_entry(EntryKind::commit, 2);
    storage::Entry ci = test::sample_entry(EntryKind::ci, 3);
    ci.commit = commit.commit;  // a CI run about the same commit
    std::vector<storage::Entry> entries{version, commit, ci};
    archive->add_batch(entries);

    CHECK(archive->find(*version.tag)->id == entries[0].id);
    CHECK(archive->find(*version.commit)->id == entries[0].id);
    CHECK(archive->find(version.commit->substr(0, 7))->id == entries[0].id);
    CHECK(archive->find(commit.commit->substr(0, 10))->id == entries[1].id);  // git entry first
    CHECK(archive->find(std::to_string(entries[2].id))->id == entries[2].id);
    CHECK(archive->find("#" + std::to_string(entries[1].id))->id == entries[1].id);
    CHECK_FALSE(archive->find("does-not-exist"));
    CHECK_FALSE(archive->find("#999"));
}

TEST_CASE("storage::Archive::find reports an ambiguous sha prefix") {
    test::TempDir dir;
    auto archive = open_in(dir);
    storage::Entry a = test::sample_entry(EntryKind::commit, 1);
    storage::Entry b = test::sample_entry(EntryKind::commit, 2);
    a.commit = "abcd" + std::string(36, '1');
    b.commit = "abcd" + std::string(36, '2');
    archive->add(a);
    archive->add(b);
    CHECK_THROWS_AS(archive->find("abcd"), core::Fatal);
    CHECK(archive->find("abcd1")->id == a.id);
}

TEST_CASE("storage::Archive refuses a second entry for the same commit or tag") {
    test::TempDir dir;
    auto archive = open_in(dir);
    storage::Entry a = test::sample_entry(EntryKind::version, 1);
    archive->add(a);
    storage::Entry same_tag = test::sample_entry(EntryKind::version, 2);
    same_tag.tag = a.tag;
    CHECK_THROWS_AS(archive->add(same_tag), storage::SqliteError);
    storage::Entry same_commit = test::sample_entry(EntryKind::commit, 1);
    CHECK_THROWS_AS(archive->add(same_commit), storage::SqliteError);
    std::vector<storage::Entry> batch{test::sample_entry(EntryKind::commit, 5), same_commit};
    CHECK_THROWS(archive->add_batch(batch));
    CHECK(archive->history({.limit = 10}).size() == 1);  // the batch is all or nothing
}

TEST_CASE("storage::to_json has the contract's entry shape") {
    storage::Entry entry = test::sample_entry(EntryKind::message, 1);
    entry.id = 7;
    auto json = storage::to_json(entry);
    for (const char* key : {"id", "kind", "time", "repo", "branch", "commit", "tag", "display",
                            "docker_tag", "run", "summary", "metrics", "memes"})
        CHECK(json.contains(key));
    CHECK(json["id"] == 7);
    CHECK(json["kind"] == "message");
    CHECK(json["repo"].is_null());
    CHECK(json["tag"].is_null());
    CHECK(json["metrics"].is_object());
    CHECK(json["memes"].is_array());
    CHECK(json["time"] == "2025-11-24T16:01:00Z");

    storage::Meme meme{1, "sarcasm", 3, "泰裤辣", "so cool", 0, {{"slack:ml", {}, 1, "boom"}}};
    entry.memes.push_back(meme);
    auto with_meme = storage::to_json(entry)["memes"][0];
    for (const char* key : {"reaction", "priority", "caption", "caption_en", "deliveries"})
        CHECK(with_meme.contains(key));
    CHECK(with_meme["priority"] == "P3");
    auto delivery = with_meme["deliveries"][0];
    CHECK(delivery == nlohmann::json{{"destination", "slack:ml"}, {"state", "pending"},
                                     {"attempts", 1}, {"last_error", "boom"}});
}
