#include <catch2/catch.hpp>
#include <sstream>

#include "meme/confusion.hpp"

using namespace memeops::meme;

TEST_CASE("meme::confusion_matrix binary, hand-computed") {
    // 3 TP, 2 FN, 1 FP, 4 TN with "1" positive.
    std::vector<Prediction> p;
    for (int i = 0; i < 3; ++i) p.push_back({"1", "1"});
    for (int i = 0; i < 2; ++i) p.push_back({"1", "0"});
    p.push_back({"0", "1"});
    for (int i = 0; i < 4; ++i) p.push_back({"0", "0"});
    auto m = confusion_matrix(p);
    CHECK(m.labels == std::vector<std::string>{"0", "1"});
    CHECK(m.counts == std::vector<std::vector<long>>{{4, 1}, {2, 3}});
    CHECK(m.scores[1].precision == Approx(0.75));
    CHECK(m.scores[1].recall == Approx(0.6));
    CHECK(m.scores[1].f1 == Approx(2 * 0.75 * 0.6 / 1.35));
    CHECK(m.scores[1].support == 5);
    CHECK(m.accuracy == Approx(0.7));
    std::string grid = render_confusion(m);
    CHECK_THAT(grid, Catch::Contains("💯 TP 3"));
    CHECK_THAT(grid, Catch::Contains("🔥 TN 4"));
    CHECK_THAT(grid, Catch::Contains("⚠️ FN 2"));
    CHECK_THAT(grid, Catch::Contains("❌ FP 1"));
}

TEST_CASE("meme::confusion_matrix multi-class with explicit label order and JSON shape") {
    std::vector<Prediction> p{{"cat", "cat"}, {"cat", "dog"}, {"dog", "dog"}, {"bird", "cat"}, {"bird", "bird"}};
    auto m = confusion_matrix(p, {"cat", "dog", "bird"});
    CHECK(m.counts == std::vector<std::vector<long>>{{1, 1, 0}, {0, 1, 0}, {1, 0, 1}});
    auto json = to_json(m);
    CHECK(json["labels"] == nlohmann::json{"cat", "dog", "bird"});
    CHECK(json["matrix"][2][0] == 1);
    CHECK(json["per_class"]["cat"]["precision"] == Approx(0.5));
    CHECK(json["per_class"]["dog"]["recall"] == Approx(1.0));
    CHECK(json["per_class"]["bird"]["support"] == 2);
    CHECK(json["accuracy"] == Approx(0.6));
    CHECK_THAT(render_confusion(m), Catch::Contains("🟨"));
    CHECK_THROWS(confusion_matrix(p, {"cat", "dog"}));  // "bird" is not a listed label
}

TEST_CASE("meme::parse_predictions reads JSON and CSV") {
    std::istringstream json(R"([{"label":"a","pred":"b"},{"label":1,"pred":true}])");
    auto from_json = parse_predictions(json);
    REQUIRE(from_json.size() == 2);
    CHECK(from_json[1].label == "1");
    CHECK(from_json[1].pred == "true");
    std::istringstream csv("label,pred\na,b\nc, d\n");
    auto from_csv = parse_predictions(csv);
    REQUIRE(from_csv.size() == 2);
    CHECK(from_csv[1].pred == "d");
    std::istringstream bad(R"([{"label":"a"}])");
    CHECK_THROWS_WITH(parse_predictions(bad), Catch::Contains("record 0"));
}
