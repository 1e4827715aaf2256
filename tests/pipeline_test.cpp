#include <catch2/catch.hpp>
#include <filesystem>

#include "pipeline/pipeline.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

std::vector<core::Destination> console_only() { return {{"console", core::DestinationType::console, "", 3, {}}}; }

json epoch_event(const std::string& run, int epoch, double loss, double val_loss) {
    return {{"kind", "training.epoch"}, {"run", run}, {"epoch", epoch}, {"metrics", {{"loss", loss}, {"val_loss", val_loss}}}};
}

std::vector<pipeline::HandledEvent> handle(pipeline::Pipeline& handler, const json& doc,
                                      pipeline::Mode mode = pipeline::Mode::apply) {
    auto events = meme::parse_events(doc, core::now_ms());
    return handler.handle(events, "event", mode);
}

std::vector<std::string> reactions(const std::vector<pipeline::HandledEvent>& handled) {
    std::vector<std::string> out;
    for (const auto& h : handled)
        for (const auto& m : h.memes) out.push_back(m.reaction);
    return out;
}

// An overfitting curve: loss falls and val_loss rises from epoch 1 on (too short for a plateau).
std::vector<json> overfitting_run(const std::string& run) {
    std::vector<json> epochs;
    for (int i = 0; i < 5; ++i) epochs.push_back(epoch_event(run, i, 1.0 - 0.1 * i, 1.0 + 0.1 * i));
    return epochs;
}

}  // namespace

TEST_CASE("pipeline::Pipeline fires training reactions once per streak and archives the run") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    std::vector<std::string> fired;
    for (const auto& e : overfitting_run("r1"))
        for (const auto& r : reactions(handle(handler, e))) fired.push_back(r);
    CHECK(fired == std::vector<std::string>{"training.overfitting"});
    auto runs = archive->history({.kind = storage::EntryKind::training});
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].run == "r1");
    CHECK(runs[0].metrics.at("val_loss") == Approx(1.4));
    REQUIRE(runs[0].memes.size() == 1);
    CHECK(runs[0].memes[0].deliveries.at(0).destination == "console");
    CHECK(runs[0].memes[0].caption.find("r1") != std::string::npos);  // the meme names its run
}

TEST_CASE("pipeline::Pipeline keeps detector state across a restart") {
    test::TempDir dir;
    auto run = overfitting_run("r2");
    std::vector<std::string> fired;
    for (size_t i = 0; i < run.size(); ++i) {
        // A fresh archive connection and handler per epoch: as if the bot restarted each time.
        auto archive = storage::Archive::open(dir.file("a.db"));
        pipeline::Pipeline handler(*archive, console_only());
        auto handled = handle(handler, run[i]);
        for (const auto& m : handled[0].memes) fired.push_back(m.reaction + "@" + std::to_string(i));
    }
    CHECK(fired == std::vector<std::string>{"training.overfitting@3"});
}

namespace {

// val_loss falls to epoch 10, then climbs; loss is NaN at 21 and swings from 26 on: overfitting
// fires at 13, NaN at 21, oscillation at 30.
std::vector<json> eventful_run() {
    std::vector<json> run;
    for (int i = 0; i < 40; ++i) {
        double val = i <= 10 ? 2.0 / (1 + i) : 0.18 + 0.02 * (i - 10) + (i % 2 ? 0.01 : 0);
        double loss = i == 21 ? std::nan("") : i >= 26 ? (i % 2 ? 0.9 : 0.3) : 2.0 / (1 + i);
        run.push_back(epoch_event("long", i, loss, val));
    }
    return run;
}

void fired_at(const std::vector<pipeline::HandledEvent>& handled, int epoch, std::vector<std::string>& fired) {
    for (const auto& m : handled[0].memes) fired.push_back(m.reaction + "@" + std::to_string(epoch));
}

// What `events` fire, each as "reaction@<index of the event>": handled by one pipeline that
// keeps its detectors in memory, or by a fresh one per event (a restart before each).
std::vector<std::string> fired_by(const std::vector<json>& events, const std::string& path, bool restart_each) {
    std::vector<std::string> fired;
    auto archive = storage::Archive::open(path);
    auto handler = std::make_unique<pipeline::Pipeline>(*archive, console_only());
    for (size_t i = 0; i < events.size(); ++i) {
        if (restart_each) {
            handler.reset();
            archive = storage::Archive::open(path);
            handler = std::make_unique<pipeline::Pipeline>(*archive, console_only());
        }
        fired_at(handle(*handler, events[i]), static_cast<int>(i), fired);
    }
    return fired;
}

// What `events` fire fed to one detector that lives through them all, as fired_by names them:
// an epoch that is not newer than the last one fed is not judged.
std::vector<std::string> fired_by_detector(const std::vector<json>& events, meme::TrainingDetector detector = {}) {
    std::vector<std::string> fired;
    for (size_t i = 0; i < events.size(); ++i) {
        auto event = meme::parse_events(events[i], 1).at(0);
        if (*event.epoch <= detector.last_epoch()) continue;
        for (const auto& d : detector.feed({*event.epoch, event.metrics})) fired.push_back(d.reaction + "@" + std::to_string(i));
    }
    return fired;
}

}  // namespace

// Detector state is saved every k_epochs_per_state_save epochs; a detector restored in between
// feeds the epochs since again. Over 40 epochs that fire overfitting, a plateau and
// oscillation, a bot that keeps its detector in memory, one restarted before every epoch, and
// two processes taking turns on one archive all say the same at the same epochs.
TEST_CASE("pipeline::Pipeline restored between state saves says what a detector kept in memory says") {
    auto run = eventful_run();
    test::TempDir dir;
    std::vector<std::string> kept, restarted, alternating;
    {
        auto archive = storage::Archive::open(dir.file("kept.db"));
        pipeline::Pipeline handler(*archive, console_only());
        for (int i = 0; i < 40; ++i) fired_at(handle(handler, run[i]), i, kept);
        auto state = archive->database().query_int("SELECT state ->> '$.epoch' FROM run_state WHERE run = 'long'");
        CHECK(state == 31);  // saved after 16 and 32 epochs, not after each
    }
    restarted = fired_by(run, dir.file("restarted.db"), true);
    {
        auto first = storage::Archive::open(dir.file("alternating.db"));
        auto second = storage::Archive::open(dir.file("alternating.db"));
        pipeline::Pipeline a(*first, console_only()), b(*second, console_only());
        for (int i = 0; i < 40; ++i) fired_at(handle(i % 3 ? a : b, run[i]), i, alternating);
    }
    INFO(Catch::Detail::stringify(kept));
    REQUIRE(kept.size() >= 3);
    CHECK(restarted == kept);
    CHECK(alternating == kept);
}

// Found in review: an epoch that came after a later one (or was resent) was never judged by the
// detector in memory, but a restore fed it again when it was newer than the state saved, so a
// reaction could be missed (breakthrough below) or fire twice (overfitting).
TEST_CASE("pipeline::Pipeline restored after a late epoch says what a detector kept in memory says") {
    auto accuracy_event = [](int epoch, double accuracy) {
        return json{{"kind", "training.epoch"}, {"run", "late"}, {"epoch", epoch},
                    {"metrics", {{"loss", 1.0 / (1 + epoch)}, {"val_accuracy", accuracy}}}};
    };
    // Epoch 17 (0.95, over the breakthrough threshold) arrives after 18: not judged, so the
    // breakthrough fires at 19.
    std::vector<json> breakthrough;
    for (int i = 0; i <= 16; ++i) breakthrough.push_back(accuracy_event(i, 0.5));
    breakthrough.push_back(accuracy_event(18, 0.5));
    breakthrough.push_back(accuracy_event(17, 0.95));
    breakthrough.push_back(accuracy_event(19, 0.95));
    // Overfitting fires at 17 (best val_loss at 14); then 18 comes after 19 with a new best,
    // which the detector in memory never sees.
    std::vector<json> overfitting;
    for (int i = 0; i <= 14; ++i) overfitting.push_back(epoch_event("late", i, 1.0 / (1 + i), 1.0 / (1 + i)));
    for (int i = 15; i <= 17; ++i) overfitting.push_back(epoch_event("late", i, 1.0 / (1 + i), 0.2 + 0.05 * (i - 14)));
    overfitting.push_back(epoch_event("late", 19, 0.04, 0.5));
    overfitting.push_back(epoch_event("late", 18, 0.04, 0.01));
    for (int i = 20; i <= 23; ++i) overfitting.push_back(epoch_event("late", i, 0.03, 0.5 + 0.05 * (i - 19)));
    test::TempDir dir;
    for (const auto& [name, events] : {std::pair{"breakthrough", breakthrough}, std::pair{"overfitting", overfitting}}) {
        INFO(name);
        auto live = fired_by_detector(events);
        CHECK_FALSE(live.empty());
        CHECK(fired_by(events, dir.file(std::string(name) + "-kept.db"), false) == live);
        CHECK(fired_by(events, dir.file(std::string(name) + "-restarted.db"), true) == live);
    }
}

// An archive written before states named their epoch saved the state after every epoch. Loss
// improves to epoch 5, then stays flat: the plateau fires at 13 (patience 8), and sooner if the
// epochs the state already counts were fed again.
TEST_CASE("pipeline::Pipeline takes a state saved without its epoch for the state after the run's newest epoch") {
    std::vector<json> run;
    for (int i = 0; i < 25; ++i) run.push_back(epoch_event("flat", i, 1.0 / (1 + std::min(i, 5)), 1.0 / (1 + std::min(i, 5))));
    meme::TrainingDetector before;
    std::string sql = "INSERT INTO entries(id, kind, time, run, summary) VALUES (1, 'training', 1, 'flat', 'run flat');\n";
    for (int i = 0; i < 10; ++i) {
        (void)before.feed({i, meme::parse_events(run[i], 1).at(0).metrics});
        sql += "INSERT INTO epochs(entry_id, epoch, time, metrics) VALUES (1, " + std::to_string(i) + ", 1, '" +
               run[i]["metrics"].dump() + "');\n";
    }
    auto state = json::parse(before.state());
    state.erase("epoch");
    sql += "INSERT INTO run_state(run, entry_id, state, updated, version) VALUES ('flat', 1, '" + state.dump() + "', 1, 10);\n";
    test::TempDir dir;
    std::string path = dir.file("v9.db");
    test::old_archive(path, 9, sql);
    std::vector<json> rest(run.begin() + 10, run.end());
    auto live = fired_by_detector(rest, before);
    CHECK(live == std::vector<std::string>{"training.plateau@3"});  // epoch 13
    CHECK(fired_by(rest, path, false) == live);
}

TEST_CASE("pipeline::Pipeline does not judge a resent epoch again") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    auto run = overfitting_run("r3");
    for (int i = 0; i < 4; ++i) handle(handler, run[i]);
    CHECK(reactions(handle(handler, run[3])).empty());
    CHECK(reactions(handle(handler, run[2])).empty());
}

TEST_CASE("pipeline::Pipeline suppresses duplicate ids, within a batch and across batches") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    json crash{{"kind", "training.crash"}, {"run", "r4"}, {"text", "CUDA error"}, {"id", "c-1"}};
    auto first = handle(handler, json::array({crash, crash}));
    CHECK_FALSE(first[0].duplicate);
    CHECK(first[1].duplicate);
    CHECK(first[1].entry_id == first[0].entry_id);
    auto again = handle(handler, crash);
    CHECK(again[0].duplicate);
    CHECK(again[0].memes.empty());
    CHECK(archive->pending_deliveries() == 1);
}

TEST_CASE("pipeline::Pipeline dry run works everything out and keeps nothing") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    auto handled = handle(handler, json{{"kind", "message"}, {"text", "Oh great, NaN again 🙃"}, {"id", "m1"}},
                          pipeline::Mode::preview);
    CHECK(reactions(handled) == std::vector<std::string>{"sarcasm"});
    REQUIRE(handled[0].sarcasm);
    CHECK(handled[0].sarcasm->score >= 0.7);
    CHECK(archive->history({}).empty());
    CHECK(archive->pending_deliveries() == 0);
    // The id was not remembered either: the real run is not a duplicate.
    CHECK_FALSE(handle(handler, json{{"kind", "message"}, {"text", "Oh great, NaN again 🙃"}, {"id", "m1"}})[0].duplicate);
}

TEST_CASE("pipeline::Pipeline reacts to CI: failed, fixed, passed per repo, branch and pipeline") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    auto ci = [&](const std::string& status, const std::string& branch) {
        return reactions(handle(handler, json{{"kind", "ci.pipeline"}, {"name", "tests"}, {"status", status},
                                              {"branch", branch}, {"repo", "git@example.com:t/m.git"}}));
    };
    CHECK(ci("success", "main") == std::vector<std::string>{"ci.passed"});
    CHECK(ci("failure", "main") == std::vector<std::string>{"ci.failed"});
    CHECK(ci("cancelled", "main").empty());
    CHECK(ci("success", "dev") == std::vector<std::string>{"ci.passed"});
    CHECK(ci("success", "main") == std::vector<std::string>{"ci.fixed"});
    CHECK(ci("success", "main") == std::vector<std::string>{"ci.passed"});
    auto failed = archive->history({.kind = storage::EntryKind::ci, .limit = 10});
    REQUIRE(failed.size() == 6);
    CHECK(failed[4].memes.at(0).caption.find("tests") != std::string::npos);  // names its pipeline
}

TEST_CASE("pipeline::Pipeline routes memes by priority and reaction") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    std::vector<core::Destination> routes{{"urgent", core::DestinationType::slack, "https://x.invalid/a", 1, {}},
                                          {"training", core::DestinationType::discord, "https://x.invalid/b", 3,
                                           {"training.*"}}};
    pipeline::Pipeline handler(*archive, routes);
    auto crash = handle(handler, json{{"kind", "training.crash"}, {"run", "r5"}, {"text", "OOM"}});
    CHECK(crash[0].memes.at(0).deliveries.size() == 2);
    auto passed = handle(handler, json{{"kind", "ci.pipeline"}, {"name", "ci"}, {"status", "success"}});
    CHECK(passed[0].memes.at(0).deliveries.empty());  // P3 and not training: nobody takes it
}

TEST_CASE("pipeline::Pipeline makes a successful run's commit a model version") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    std::string sha = "b16e8a7f" + std::string(32, '0');
    auto handled = handle(handler, json{{"kind", "training.end"}, {"run", "r6"}, {"status", "success"},
                                        {"commit", sha}, {"repo", "git@example.com:t/m.git"},
                                        {"metrics", {{"val_accuracy", 0.93}}}});
    CHECK(reactions(handled) == std::vector<std::string>{"training.finished", "version.tagged"});
    auto version = archive->find(sha);
    REQUIRE(version);
    CHECK(version->kind == storage::EntryKind::version);
    CHECK(version->tag->starts_with("b16e8a7f-"));
    CHECK(version->run == "r6");
    CHECK(version->metrics.at("val_accuracy") == Approx(0.93));
    auto failed = handle(handler, json{{"kind", "training.end"}, {"run", "r7"}, {"status", "failure"}});
    CHECK(reactions(failed).empty());
}

// Found while testing the ingest writer: the second version failed for ever with "UNIQUE
// constraint failed: entries.tag", as the first entry's tag was taken for it.
TEST_CASE("pipeline::Pipeline makes one commit a version under a folder and under its remote") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    std::string sha = "b16e8a7f" + std::string(32, '1');
    auto version_from = [&](const std::string& repo) {
        auto handled = handle(handler, json{{"kind", "commit"}, {"repo", repo}, {"commit", sha}, {"version", true},
                                            {"text", "fit"}});
        REQUIRE(handled.size() == 1);
        REQUIRE(handled[0].version);
        return handled[0].version->names.tag;
    };
    std::string first = version_from("/home/lin/vision");
    std::string second = version_from("github.com/team/vision");
    CHECK(first.starts_with("b16e8a7f-"));
    CHECK(second == first + "-2");
    CHECK(version_from("/home/lin/vision") == first);  // sent again: the entry keeps its tag
}

TEST_CASE("pipeline::Pipeline leaves sincere messages without a meme but archives them") {
    test::TempDir dir;
    auto archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline handler(*archive, console_only());
    auto handled = handle(handler, json{{"kind", "message"}, {"text", "CI is green again after the fix, thanks!"}});
    CHECK(handled[0].memes.empty());
    REQUIRE(handled[0].sarcasm);
    CHECK(handled[0].sarcasm->score < 0.7);
    CHECK(archive->search("thanks", 5).size() == 1);
}

TEST_CASE("pipeline::Pipeline two writers of one run take turns, each carrying on from the other's state") {
    test::TempDir dir;
    auto first_archive = storage::Archive::open(dir.file("a.db"));
    auto second_archive = storage::Archive::open(dir.file("a.db"));
    pipeline::Pipeline first(*first_archive, console_only());
    pipeline::Pipeline second(*second_archive, console_only());
    std::vector<std::string> fired;
    auto run = overfitting_run("r5");
    for (size_t i = 0; i < run.size(); ++i)
        for (const auto& r : reactions(handle(i % 2 ? second : first, run[i]))) fired.push_back(r + "@" + std::to_string(i));
    for (size_t i = 0; i < run.size(); ++i)  // resent by both: archived, never judged again
        CHECK(reactions(handle(i % 2 ? first : second, run[i])).empty());
    CHECK(fired == std::vector<std::string>{"training.overfitting@3"});
}
