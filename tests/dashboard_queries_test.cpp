// The dashboard's run query on archives the real pipeline filled, or an older memeops left: the
// epoch at which the run page draws each meme.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "bot/dashboard/queries.hpp"
#include "pipeline/pipeline.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

// Epoch `e` of a run whose accuracy breaks 0.9 at epoch 8 while its val_loss climbs from epoch 7,
// every epoch sent with the same time, as a replayed log may send them: the time cannot tell
// its epochs apart.
json replayed_epoch(int e) {
    double loss = 2.0 / (e + 1);
    return {{"kind", "training.epoch"},
            {"run", "replayed"},
            {"epoch", e},
            {"time", "2026-01-02T03:04:05Z"},
            {"metrics",
             {{"loss", loss}, {"val_loss", loss + (e > 6 ? 0.3 : 0.0) + 0.05 * e}, {"accuracy", std::min(0.99, 0.5 + 0.05 * e)}}}};
}

}  // namespace

TEST_CASE("bot::dashboard::run places each meme at the epoch of the event that made it, though all epochs share one time") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("archive.db"));
    pipeline::Pipeline handler(*archive, {{"console", core::DestinationType::console, "", 3, {}}});
    std::map<std::int64_t, int> made_at;  // meme id → the epoch of the event that made it
    std::set<int> epochs_with_memes;
    for (int e = 0; e < 14; ++e)
        for (const auto& handled : handler.handle(meme::parse_events(replayed_epoch(e), core::now_ms()), "event"))
            for (const auto& meme : handled.memes) {
                made_at[meme.id] = e;
                epochs_with_memes.insert(e);
            }
    REQUIRE(epochs_with_memes.size() >= 2);  // memes of two epochs or more, all archived at one time

    auto run = bot::dashboard::run(archive->database(), "replayed");
    REQUIRE(run);
    REQUIRE((*run)["memes"].size() == made_at.size());
    for (const auto& meme : (*run)["memes"]) {
        INFO(meme.dump());
        CHECK(meme["epoch"] == made_at.at(meme["id"].get<std::int64_t>()));
    }
}

TEST_CASE("bot::dashboard::run places a meme archived before schema version 9 at the last epoch archived before it") {
    test::TempDir dir;
    std::string path = dir.file("v8.db");
    test::old_archive(path, 8, R"sql(
INSERT INTO entries(id, kind, time, run, summary) VALUES (1, 'training', 100, 'old', 'run old');
INSERT INTO epochs(entry_id, epoch, time, metrics) VALUES (1, 0, 100, '{"loss":1}'), (1, 1, 200, '{"loss":0.5}'),
  (1, 2, 300, '{"loss":0.2}');
INSERT INTO memes(id, entry_id, reaction, priority, caption, caption_en, created) VALUES
  (1, 1, 'training.sudden_drop', 2, 'c', 'c', 250), (2, 1, 'message', 3, 'early', 'early', 50);
)sql");
    auto archive = storage::Archive::open(path);
    auto run = bot::dashboard::run(archive->database(), "old");
    REQUIRE(run);
    REQUIRE((*run)["memes"].size() == 2);
    CHECK((*run)["memes"][0]["epoch"] == 1);
    CHECK((*run)["memes"][1]["epoch"].is_null());  // made before any epoch
}
