#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "card_support.hpp"
#include "meme/card/layout.hpp"
#include "templates/templates.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A run that overfits, a pipeline failing and passing, a sarcastic message and a matrix: one
// of each kind of card, as JSON events for `memeify --post` or `card -`.
std::string events_json() {
    nlohmann::json events = nlohmann::json::array();
    for (int e = 0; e <= 14; ++e) {
        double val = e <= 6 ? 1.2 - e * 0.1 : 0.6 + (e - 6) * 0.06;
        events.push_back({{"kind", "training.epoch"}, {"run", "r1"}, {"epoch", e},
                          {"metrics", {{"loss", 1.0 - e * 0.05}, {"val_loss", val}}}});
    }
    for (const char* status : {"success", "failed", "success", "failed"})
        events.push_back({{"kind", "ci.pipeline"}, {"repo", "github.com/acme/vision"}, {"branch", "main"},
                          {"name", "build"}, {"status", status}});
    events.push_back({{"kind", "message"}, {"text", "Oh great, NaN again. Love that for us. 🙃"}});
    events.push_back({{"kind", "confusion.matrix"}, {"run", "r1"}, {"labels", {"cat", "dog"}}, {"matrix", {{40, 2}, {5, 33}}}});
    return events.dump();
}

struct Folder {
    test::TempDir dir;
    std::map<std::string, std::string> env{{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}};

    test::CommandResult run(const std::vector<std::string>& args, const std::string& input = "") {
        test::ChildOptions options;
        options.env = env;
        options.working_dir = dir.path().string();
        if (!input.empty()) {
            options.stdin_path = dir.file("stdin.json");
            test::write_file(options.stdin_path, input);
        }
        return test::run_child(MEMEOPS_BINARY, args, options);
    }
};

test::Rgb rgb(const meme::card::Colour& c) {
    return {int(c.r * 255 + 0.5), int(c.g * 255 + 0.5), int(c.b * 255 + 0.5)};
}

long pixels_of(const test::DecodedPng& image, test::Rgb colour) {
    long count = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            auto p = image.at(x, y);
            count += std::abs(p.r - colour.r) <= 4 && std::abs(p.g - colour.g) <= 4 && std::abs(p.b - colour.b) <= 4;
        }
    return count;
}

}  // namespace

TEST_CASE("memeops card - draws the meme of events on stdin, and memeify --png draws the same bytes") {
    Folder f;
    std::string nan_run = R"([{"kind":"training.epoch","run":"r9","epoch":0,"metrics":{"loss":0.9}},
                             {"kind":"training.epoch","run":"r9","epoch":1,"metrics":{"loss":0.7}},
                             {"kind":"training.epoch","run":"r9","epoch":2,"metrics":{"loss":"nan"}}])";
    auto card = f.run({"card", "-", "-o", "nan.png"}, nan_run);
    REQUIRE(card.code == 0);
    CHECK_THAT(card.out, Catch::Contains("Wrote nan.png (training.nan, "));
    auto image = test::decode_png(slurp(f.dir.file("nan.png")));
    CHECK(image.width == meme::card::card_layout().width);
    CHECK(image.height == meme::card::card_layout().height);

    auto memeify = f.run({"memeify", "--png", "memeify.png"}, nan_run);
    REQUIRE(memeify.code == 0);
    CHECK_THAT(memeify.out, Catch::Contains("Wrote memeify.png"));
    CHECK(slurp(f.dir.file("memeify.png")) == slurp(f.dir.file("nan.png")));
    CHECK_FALSE(std::filesystem::exists(f.dir.file("archive.db")));  // previews archive nothing

    auto nothing = f.run({"card", "-"}, R"({"kind":"message","text":"the build is green, thanks"})");
    CHECK(nothing.code == 1);
    CHECK(nothing.err == "memeops: no card : nothing to react to in the event\n");
}

TEST_CASE("memeops card REF draws archived entries: the run's curves, the pipeline's strip, the matrix") {
    Folder f;
    auto posted = f.run({"memeify", "--post"}, events_json());
    REQUIRE(posted.code == 0);
    const auto& layout = meme::card::card_layout();

    auto run = f.run({"card", "#1"});  // the run: written under its name in the current folder
    REQUIRE(run.code == 0);
    CHECK_THAT(run.out, Catch::Contains("Wrote memeops-r1-training.overfitting.png"));
    auto curves = test::decode_png(slurp(f.dir.file("memeops-r1-training.overfitting.png")));
    CHECK(pixels_of(curves, rgb(layout.mark)) > 300);  // the firing epoch's line

    auto ci = f.run({"card", "#5", "-o", "ci.png"});  // the fourth CI result: failed again
    REQUIRE(ci.code == 0);
    CHECK_THAT(ci.out, Catch::Contains("(ci.failed, "));
    auto strip = test::decode_png(slurp(f.dir.file("ci.png")));
    long passed = pixels_of(strip, rgb(layout.passed)), failed = pixels_of(strip, rgb(layout.failed));
    CHECK(passed > 2000);  // two green boxes and two red ones, of equal size
    CHECK(failed > 2000);
    CHECK(std::abs(passed - failed) < passed / 3);

    auto grid = f.run({"card", "#7", "-o", "grid.png"});
    REQUIRE(grid.code == 0);
    CHECK_THAT(grid.out, Catch::Contains("(confusion.matrix, "));
    auto again = f.run({"card", "#7", "-o", "grid2.png"});
    CHECK(slurp(f.dir.file("grid.png")) == slurp(f.dir.file("grid2.png")));

    auto other = f.run({"card", "#1", "--reaction", "ci.failed"});
    CHECK(other.code == 1);
    CHECK(other.err == "memeops: no card for #1 : the entry has no ci.failed meme\n");
    auto missing = f.run({"card", "#99"});
    CHECK(missing.code == 1);
    CHECK_THAT(missing.err, Catch::StartsWith("memeops: no entry #99 : "));
}

TEST_CASE("memeops replay --png and confusion --png write their cards") {
    Folder f;
    std::string log = std::string(MEMEOPS_TEST_FIXTURES) + "/keras_logs/08-mars-terrain-overfitting.csv";
    auto replay = f.run({"replay", log, "--png", "cards"});
    REQUIRE(replay.code == 0);
    int cards = 0;
    for (const auto& file : std::filesystem::directory_iterator(f.dir.file("cards"))) {
        CHECK_THAT(file.path().filename().string(), Catch::Matches("epoch-\\d{3}-training\\.[a-z_]+\\.png"));
        CHECK(test::decode_png(slurp(file.path().string())).width == meme::card::card_layout().width);
        ++cards;
    }
    CHECK(cards > 0);
    CHECK_THAT(replay.out, Catch::Contains("Wrote cards/epoch-"));

    test::write_file(f.dir.file("preds.csv"), "label,pred\ncat,cat\ncat,dog\ndog,dog\ndog,dog\n");
    auto confusion = f.run({"confusion", "preds.csv", "--png", "matrix.png", "--json"});
    REQUIRE(confusion.code == 0);
    CHECK(nlohmann::json::parse(confusion.out)["accuracy"] == 0.75);  // stdout stays JSON
    CHECK_THAT(confusion.err, Catch::Contains("Wrote matrix.png (confusion.matrix, "));
    CHECK(test::decode_png(slurp(f.dir.file("matrix.png"))).height == meme::card::card_layout().height);
}

TEST_CASE("memeops card: MEMEOPS_TEMPLATES overrides the card layout, and a broken one fails the command") {
    Folder f;
    std::string text(templates::embedded("card_layout.json"));
    text.replace(text.find("1200"), 4, "800");
    text.replace(text.find("675"), 3, "450");
    std::filesystem::create_directory(f.dir.file("templates"));
    test::write_file(f.dir.file("templates/card_layout.json"), text);
    f.env["MEMEOPS_TEMPLATES"] = f.dir.file("templates");
    std::string event = R"({"kind":"training.epoch","run":"r","epoch":0,"metrics":{"loss":"nan"}})";
    auto small = f.run({"card", "-", "-o", "small.png"}, event);
    REQUIRE(small.code == 0);
    auto image = test::decode_png(slurp(f.dir.file("small.png")));
    CHECK(image.width == 800);
    CHECK(image.height == 450);

    test::write_file(f.dir.file("templates/card_layout.json"), "{\"width\": 800}");
    auto broken = f.run({"card", "-", "-o", "broken.png"}, event);
    CHECK(broken.code == 1);
    CHECK(broken.err == "memeops: template " + f.dir.file("templates/card_layout.json") + " : no \"height\"\n");
}
