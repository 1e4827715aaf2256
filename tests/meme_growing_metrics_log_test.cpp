#include <catch2/catch.hpp>

#include <cmath>

#include "meme/metrics_log.hpp"

using memeops::meme::GrowingMetricsLog;

namespace {

// The epochs (fit, epoch) that `lines` add to `log`, reading each as `watch` does.
std::vector<std::pair<int, int>> feed(GrowingMetricsLog& log, const std::vector<std::string>& lines) {
    std::vector<std::pair<int, int>> out;
    for (const auto& line : lines)
        if (auto grown = log.add_line(line)) out.emplace_back(grown->fit, grown->epoch.epoch);
    return out;
}

using Epochs = std::vector<std::pair<int, int>>;

}  // namespace

TEST_CASE("meme::GrowingMetricsLog reads a CSVLogger file line by line as parse_metrics_log reads it whole") {
    GrowingMetricsLog log;
    CHECK_FALSE(log.add_line("\xEF\xBB\xBF" "epoch,loss,val_loss"));
    CHECK(log.header() == "epoch,loss,val_loss");
    auto grown = log.add_line("0,\"0.9\",nan");
    REQUIRE(grown);
    CHECK(grown->fit == 1);
    CHECK(grown->line == "0,\"0.9\",nan");
    CHECK(grown->epoch.metrics.at("loss") == 0.9);
    CHECK(std::isnan(grown->epoch.metrics.at("val_loss")));
    CHECK_FALSE(log.add_line("   "));
    CHECK(log.add_line("1,0.8,")->epoch.metrics.count("val_loss") == 0);  // empty: absent, not NaN
}

TEST_CASE("meme::GrowingMetricsLog numbers a bad line, skips it and goes on") {
    GrowingMetricsLog log;
    log.add_line("epoch,loss");
    log.add_line("0,0.9");
    CHECK_THROWS_WITH(log.add_line("one,0.8"), Catch::Contains("line 3") && Catch::Contains("epoch \"one\""));
    CHECK_THROWS_WITH(log.add_line("2,\"0.7"), Catch::StartsWith("line 4, column"));
    CHECK_THROWS_WITH(log.add_line("3,0.7,5"), Catch::Contains("line 5: 3 cells for 2 columns"));
    CHECK(log.add_line("4,0.6")->epoch.epoch == 4);
}

TEST_CASE("meme::GrowingMetricsLog takes the next line as the header when the first is not one") {
    GrowingMetricsLog log;
    CHECK_THROWS_WITH(log.add_line("loss,epoch"), Catch::Contains("line 1") && Catch::Contains("header"));
    CHECK_FALSE(log.add_line("epoch,loss"));
    CHECK(log.add_line("0,1.0"));
}

TEST_CASE("meme::GrowingMetricsLog counts fits as replay does, across a truncated or replaced file") {
    GrowingMetricsLog log;
    CHECK(feed(log, {"epoch,loss", "0,1", "1,0.9", "0,1.1", "1,1.0"}) == Epochs{{1, 0}, {1, 1}, {2, 0}, {2, 1}});
    log.restart();  // a rotated file that carries on: the same fit
    CHECK(feed(log, {"epoch,loss", "2,0.8"}) == Epochs{{2, 2}});
    log.restart();  // a new training from scratch: a new fit
    CHECK(feed(log, {"epoch,acc", "0,0.5"}) == Epochs{{3, 0}});
    CHECK(memeops::meme::fit_run_name("mnist", 1) == "mnist");
    CHECK(memeops::meme::fit_run_name("mnist", 3) == "mnist#3");
}

TEST_CASE("meme::GrowingMetricsLog reads JSON lines of training.epoch events and their run") {
    GrowingMetricsLog log;
    CHECK(feed(log, {R"({"kind":"training.epoch","run":"r1","epoch":0,"metrics":{"loss":NaN}})",
                     R"({"kind":"message","text":"hi"})", R"({"kind":"training.epoch","epoch":1,"metrics":{"loss":0.5}})"}) ==
          Epochs{{1, 0}, {1, 1}});
    CHECK(log.run() == "r1");
    CHECK(log.header().empty());
    CHECK_THROWS_WITH(log.add_line("{\"epoch\": 2"), Catch::StartsWith("line 4"));
}
