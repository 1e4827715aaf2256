#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "meme/detectors.hpp"
#include "meme/metrics_log.hpp"

using namespace memeops::meme;

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// Feeds epochs built from parallel columns and returns "epoch:reaction" for each detection.
std::vector<std::string> run_curve(const std::map<std::string, std::vector<double>>& columns,
                                   DetectorThresholds thresholds = {}) {
    TrainingDetector detector(thresholds);
    std::vector<std::string> fired;
    size_t epochs = columns.begin()->second.size();
    for (size_t i = 0; i < epochs; ++i) {
        EpochMetrics e{static_cast<int>(i), {}};
        for (const auto& [name, values] : columns) e.metrics[name] = values[i];
        for (const auto& d : detector.feed(e)) fired.push_back(std::to_string(d.epoch) + ":" + d.reaction);
    }
    return fired;
}

bool has(const std::vector<std::string>& fired, const std::string& what) {
    return std::find(fired.begin(), fired.end(), what) != fired.end();
}

int count(const std::vector<std::string>& fired, const std::string& reaction) {
    int n = 0;
    for (const auto& f : fired)
        if (f.substr(f.find(':') + 1) == reaction) ++n;
    return n;
}

}  // namespace

TEST_CASE("meme::TrainingDetector overfitting fires on the third strict epoch, once per streak") {
    auto fired = run_curve({{"loss", {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3}},
                            {"val_loss", {1.0, 1.1, 1.2, 1.3, 1.4, 1.3, 1.4, 1.5, 1.6, 1.7}}});
    CHECK(has(fired, "3:training.overfitting"));
    CHECK_FALSE(has(fired, "4:training.overfitting"));  // the same streak
    CHECK(has(fired, "8:training.overfitting"));         // re-armed after epoch 5 broke it
    CHECK(count(fired, "training.overfitting") == 2);
}

TEST_CASE("meme::TrainingDetector needs strict moves and both columns for overfitting") {
    CHECK(count(run_curve({{"loss", {1.0, 0.9, 0.9, 0.7}}, {"val_loss", {1.0, 1.1, 1.2, 1.3}}}),
                "training.overfitting") == 0);
    CHECK(count(run_curve({{"loss", {1.0, 0.9, 0.8, 0.7, 0.6}}}), "training.overfitting") == 0);
}

TEST_CASE("meme::TrainingDetector val-accuracy streak, with acc aliases") {
    auto fired = run_curve({{"val_acc", {0.8, 0.79, 0.78, 0.77, 0.76, 0.8, 0.79, 0.78, 0.77}}});
    CHECK(has(fired, "3:training.val_acc_streak"));
    CHECK(has(fired, "8:training.val_acc_streak"));
    CHECK(count(fired, "training.val_acc_streak") == 2);
}

TEST_CASE("meme::TrainingDetector sudden drop compares with the lowest of the 3 epochs before") {
    auto fired = run_curve({{"loss", {1.0, 0.9, 0.8, 0.39, 0.38}}});
    CHECK(fired == std::vector<std::string>{"3:training.sudden_drop"});
    CHECK(run_curve({{"loss", {1.0, 0.9, 0.8, 0.41}}}).empty());
    CHECK(run_curve({{"loss", {1.0, 0.2}}}).empty());  // the first epochs have no window yet
}

TEST_CASE("meme::TrainingDetector NaN and infinities fire P0 on their epoch") {
    TrainingDetector detector;
    auto d = detector.feed({0, {{"loss", k_nan}}});
    REQUIRE(d.size() == 1);
    CHECK(d[0].reaction == "training.nan");
    CHECK(d[0].priority == 0);
    CHECK(detector.feed({1, {{"loss", std::numeric_limits<double>::infinity()}}})[0].reaction == "training.nan");
    CHECK(detector.feed({2, {{"loss", 0.5}}}).empty());
}

TEST_CASE("meme::TrainingDetector oscillation then a quiet period of 5 epochs") {
    std::vector<double> zigzag;
    for (int i = 0; i < 20; ++i) zigzag.push_back(i % 2 ? 1.0 : 1.2);
    auto fired = run_curve({{"loss", zigzag}});
    CHECK(has(fired, "5:training.oscillation"));
    for (int quiet = 6; quiet <= 10; ++quiet) CHECK_FALSE(has(fired, std::to_string(quiet) + ":training.oscillation"));
    CHECK(has(fired, "11:training.oscillation"));
    // Steps under 1% of the mean are noise, not oscillation.
    std::vector<double> jitter;
    for (int i = 0; i < 10; ++i) jitter.push_back(i % 2 ? 1.0 : 1.005);
    CHECK(count(run_curve({{"loss", jitter}}), "training.oscillation") == 0);
}

TEST_CASE("meme::TrainingDetector breakthrough once, on val_accuracy else accuracy") {
    auto fired = run_curve({{"val_accuracy", {0.5, 0.89, 0.9, 0.95, 0.97}}});
    CHECK(fired == std::vector<std::string>{"2:training.breakthrough"});
    CHECK(run_curve({{"accuracy", {0.5, 0.91}}}) == std::vector<std::string>{"1:training.breakthrough"});
}

TEST_CASE("meme::TrainingDetector plateau after 5 epochs without a Keras improvement, re-armed") {
    auto fired = run_curve({{"val_loss", {1.0, 0.99995, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}}});
    // 0.99995 is not better than 1.0 by more than min_delta 1e-4.
    CHECK(has(fired, "5:training.plateau"));
    CHECK_FALSE(has(fired, "6:training.plateau"));
    CHECK(has(fired, "12:training.plateau"));
    CHECK(count(fired, "training.plateau") == 2);
    CHECK(count(run_curve({{"loss", {1, 1, 1, 1, 1, 1}}}), "training.plateau") == 1);  // loss when no val_loss
}

TEST_CASE("meme::sparkline draws the newest values") {
    CHECK(sparkline({0, 1, 2, 3, 4, 5, 6, 7}) == "▁▂▃▄▅▆▇█");
    CHECK(sparkline({1, k_nan, 1}) == "▄▄");
    CHECK(sparkline({}) == "");
    CHECK(sparkline({0, 1, 2}, 2) == "▁█");
}

TEST_CASE("meme::parse_metrics_log reads CSVLogger files with every header variant") {
    for (std::string header : {"epoch,acc,loss,lr,val_acc,val_loss", "epoch,accuracy,loss,learning_rate,val_accuracy,val_loss"}) {
        std::istringstream csv(header + "\n0,0.5,1.0,0.01,0.5,nan\n1,0.6,0.9,0.01,0.6,0.8\n");
        auto log = parse_metrics_log(csv);
        REQUIRE(log.epochs.size() == 2);
        TrainingDetector detector;
        detector.feed(log.epochs[0]);
        CHECK(std::isnan(detector.series("val_loss")[0]));
        CHECK(detector.series("val_accuracy")[0] == 0.5);
        CHECK(detector.series("lr")[0] == 0.01);
    }
    std::istringstream bad("epoch,loss\n0,abc\n");
    CHECK_THROWS_WITH(parse_metrics_log(bad), Catch::Contains("line 2"));
}

// Found by fuzz/metrics_log: an epoch beyond the int range was converted anyway (undefined
// behaviour, a wrapped epoch number), and a non-string "kind" threw nlohmann's type_error
// instead of naming the line.
TEST_CASE("meme::parse_metrics_log refuses epochs that are not whole numbers up to 2147483647") {
    std::istringstream crashing("epoch,los\n4,0.31\n5,0\n66666666667,0.28\n");
    CHECK_THROWS_WITH(parse_metrics_log(crashing),
                      "line 4: epoch \"66666666667\" is not a whole number from 0 to 2147483647");
    for (const char* epoch : {"1.5", "-1", "inf", "nan", "2147483648"}) {
        std::istringstream csv(std::string("epoch,loss\n") + epoch + ",0.5\n");
        CHECK_THROWS_WITH(parse_metrics_log(csv), Catch::Contains("line 2: epoch"));
    }
    std::istringstream largest("epoch,loss\n2147483647,0.5\n3.0,0.4\n");
    auto log = parse_metrics_log(largest);
    REQUIRE(log.epochs.size() == 2);
    CHECK(log.epochs[0].epoch == 2147483647);
    CHECK(log.epochs[1].epoch == 3);

    std::istringstream lines(R"({"epoch":66666666667,"metrics":{"loss":1}})" "\n");
    CHECK_THROWS_WITH(parse_metrics_log(lines), "line 1: \"epoch\" must be an integer from 0 to 2147483647");
    std::istringstream odd_kind(R"({"kind":1,"epoch":0,"metrics":{}})" "\n" R"({"epoch":1,"metrics":{"loss":1}})" "\n");
    auto skipped = parse_metrics_log(odd_kind);  // not a training.epoch line: skipped, as other kinds are
    REQUIRE(skipped.epochs.size() == 1);
    CHECK(skipped.epochs[0].epoch == 1);
}

TEST_CASE("meme::parse_metrics_log reads JSON lines of training.epoch events") {
    std::istringstream lines(
        R"({"kind":"training.epoch","run":"r1","epoch":0,"metrics":{"loss":1.0,"val_loss":"nan"}})" "\n"
        R"({"kind":"training.epoch","run":"r1","epoch":1,"metrics":{"loss":null,"val_loss":"-inf"}})" "\n");
    auto log = parse_metrics_log(lines);
    CHECK(log.run == "r1");
    REQUIRE(log.epochs.size() == 2);
    CHECK(std::isnan(log.epochs[0].metrics.at("val_loss")));
    CHECK(std::isnan(log.epochs[1].metrics.at("loss")));
    CHECK(std::isinf(log.epochs[1].metrics.at("val_loss")));
    std::istringstream bad(R"({"kind":"training.epoch","epoch":-1,"metrics":{}})");
    CHECK_THROWS_WITH(parse_metrics_log(bad), Catch::Contains("epoch"));
}
