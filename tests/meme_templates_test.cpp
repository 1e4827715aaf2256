#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "meme/caption.hpp"
#include "meme/caption_templates.hpp"
#include "templates/templates.hpp"
#include "test_support.hpp"

using namespace memeops;

namespace {

std::string error_of(const std::string& text) {
    try {
        meme::check_caption_templates(text, "captions.json");
    } catch (const core::Fatal& e) {
        return e.subject() + " : " + e.reason();
    }
    return "";
}

}  // namespace

TEST_CASE("meme templates: every reaction has both languages and its placeholders resolve") {
    const auto& templates = meme::caption_templates();
    std::map<std::string, std::string> values;
    for (const char* name : {"tag", "display", "repo", "branch", "commit", "summary", "run", "epoch", "metric",
                             "value", "delta", "spark", "pipeline", "url", "status", "text"})
        values[name] = std::string("<") + name + ">";
    for (const auto& reaction : meme::required_reactions()) {
        REQUIRE(templates.contains(reaction));
        for (const std::string subject : {"run-1", "run-2", "pipeline-x", "v1"}) {
            auto caption = meme::render_caption(reaction, subject, values);
            CHECK(!caption.zh.empty());
            CHECK(!caption.en.empty());
            CHECK(caption.zh.find('{') == std::string::npos);
            CHECK(caption.en.find('{') == std::string::npos);
        }
    }
    CHECK_THAT(meme::render_caption("training.oscillation", "r", values).zh, Catch::Contains("这届batch size太菜了"));
    CHECK_THAT(meme::render_caption("training.plateau", "r", values).zh, Catch::Contains("早该放弃学习率 scheduler了"));
    bool exploded = false;  // one of ci.failed's variants, whichever a subject picks
    for (char c = 'a'; c <= 'z'; ++c)
        exploded |= meme::render_caption("ci.failed", std::string(1, c), values).en.find("Pipeline exploded, please send help 🚨") != std::string::npos;
    CHECK(exploded);
}

TEST_CASE("meme templates: a broken file is reported with its file and line") {
    std::string good(templates::embedded("captions.json"));
    CHECK(error_of(good).empty());
    CHECK_THAT(error_of("{\n  \"ci.failed\": [\n    {\"zh\": oops}\n  ]\n}"), Catch::StartsWith("template captions.json:3 : ci.failed[0].zh: not valid JSON (line 3, column 12)"));

    std::string missing_en = good;
    size_t at = missing_en.find("\"en\"", missing_en.find("\"ci.passed\""));
    missing_en.replace(at, 4, "\"EN\"");
    CHECK_THAT(error_of(missing_en), Catch::Contains("ci.passed[0]: needs a non-empty \"en\" caption"));
    CHECK_THAT(error_of(missing_en), Catch::StartsWith("template captions.json:"));

    std::string unknown = good;
    size_t run = unknown.find("{run}", unknown.find("\"training.nan\""));
    unknown.replace(run, 5, "{runn}");
    CHECK_THAT(error_of(unknown), Catch::Contains("unknown placeholder {runn}"));

    CHECK_THAT(error_of("{}"), Catch::Contains("no captions for training.nan"));
}

TEST_CASE("meme templates: MEMEOPS_TEMPLATES overrides captions, and a broken override fails the command") {
    test::TempDir dir;
    auto captions = nlohmann::json::parse(templates::embedded("captions.json"));
    for (auto& variant : captions["training.sudden_drop"]) variant["zh"] = "OVERRIDDEN {run}";
    test::write_file(dir.file("captions.json"), captions.dump());
    test::write_file(dir.file("run.csv"), "epoch,loss\n0,1.0\n1,0.9\n2,0.8\n3,0.3\n");
    auto good = test::run_memeops({"replay", dir.file("run.csv")}, {{"MEMEOPS_TEMPLATES", dir.path().string()}});
    CHECK(good.code == 0);
    CHECK_THAT(good.out, Catch::Contains("OVERRIDDEN"));

    test::write_file(dir.file("captions.json"), "{\n\"training.nan\": [}\n");
    auto broken = test::run_memeops({"replay", dir.file("run.csv")}, {{"MEMEOPS_TEMPLATES", dir.path().string()}});
    CHECK(broken.code == 1);
    CHECK_THAT(broken.err, Catch::StartsWith("memeops: template " + dir.file("captions.json") + ":2 : "));
}
