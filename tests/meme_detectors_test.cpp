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

// Rules v2 (contract §3), each on hand-built curves just inside and just outside its thresholds.

TEST_CASE("meme::TrainingDetector overfitting: 3 epochs past the best val_loss, each 10% above it, train loss down 10%") {
    // Best val_loss 1.0 at epoch 2; loss at that epoch 1.0.
    std::vector<double> loss{2.0, 1.5, 1.0, 0.85, 0.8, 0.75, 0.7, 0.65};
    auto fired = run_curve({{"loss", loss}, {"val_loss", {2.0, 1.5, 1.0, 1.12, 1.15, 1.2, 1.3, 1.4}}});
    CHECK(fired == std::vector<std::string>{"5:training.overfitting"});  // once for the episode
    // One noisy epoch no longer hides a divergence: 1.3, 1.25, 1.4 are all far above the best.
    CHECK(has(run_curve({{"loss", loss}, {"val_loss", {2.0, 1.5, 1.0, 1.3, 1.25, 1.4, 1.5, 1.6}}}), "5:training.overfitting"));
    // Just below 1.10 × best on one epoch of the window: not yet.
    CHECK_FALSE(has(run_curve({{"loss", loss}, {"val_loss", {2.0, 1.5, 1.0, 1.099, 1.15, 1.2, 1.0, 1.0}}}), "5:training.overfitting"));
    // Coming back down (latest below the one two epochs before): not yet.
    CHECK(count(run_curve({{"loss", loss}, {"val_loss", {2.0, 1.5, 1.0, 1.3, 1.25, 1.2, 1.15, 1.12}}}), "training.overfitting") == 0);
    // Train loss not 10% below its value at the best: both rising, not overfitting.
    CHECK(count(run_curve({{"loss", {2.0, 1.5, 1.0, 0.95, 0.93, 0.92, 0.91, 0.905}},
                           {"val_loss", {2.0, 1.5, 1.0, 1.12, 1.15, 1.2, 1.3, 1.4}}}),
                "training.overfitting") == 0);
    // Without val_loss there is nothing to overfit.
    CHECK(count(run_curve({{"loss", loss}}), "training.overfitting") == 0);
}

TEST_CASE("meme::TrainingDetector overfitting fires again only after a new best val_loss") {
    auto fired = run_curve({{"loss", {2.0, 1.5, 1.0, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3}},
                            {"val_loss", {2.0, 1.5, 1.0, 1.12, 1.15, 1.2, 1.3, 0.8, 0.9, 0.95, 1.0, 1.1}}});
    CHECK(fired == std::vector<std::string>{"5:training.overfitting", "10:training.overfitting"});
    // A best improved by only 0.5% or less is not a new best: no second alert.
    auto small = run_curve({{"loss", {2.0, 1.5, 1.0, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3}},
                            {"val_loss", {2.0, 1.5, 1.0, 1.12, 1.15, 1.2, 1.3, 0.996, 1.2, 1.25, 1.3, 1.35}}});
    CHECK(count(small, "training.overfitting") == 1);
}

TEST_CASE("meme::TrainingDetector overfitting holds for negative losses") {
    // Best -2.0 at epoch 2: 10% above it is -1.8; train loss -1.0 there, 10% below is -1.1.
    auto fired = run_curve({{"loss", {0.0, -0.5, -1.0, -1.1, -1.15, -1.2}},
                            {"val_loss", {-1.0, -1.5, -2.0, -1.7, -1.65, -1.6}}});
    CHECK(fired == std::vector<std::string>{"5:training.overfitting"});
}

TEST_CASE("meme::TrainingDetector val accuracy streak: 3 strict falls and 0.03 below the best, once per best") {
    auto fired = run_curve({{"val_acc", {0.7, 0.8, 0.79, 0.78, 0.76, 0.75, 0.74}}});
    CHECK(fired == std::vector<std::string>{"4:training.val_acc_streak"});
    // Three falls, but only 0.025 below the best.
    CHECK(run_curve({{"val_acc", {0.7, 0.8, 0.79, 0.78, 0.775}}}).empty());
    // 0.03 below, but one epoch held level.
    CHECK(run_curve({{"val_acc", {0.7, 0.8, 0.79, 0.79, 0.76}}}).empty());
    // Re-armed by a new best; the other accuracy names count too.
    auto again = run_curve({{"val_categorical_accuracy", {0.8, 0.79, 0.78, 0.76, 0.85, 0.84, 0.83, 0.8}}});
    CHECK(again == std::vector<std::string>{"3:training.val_acc_streak", "7:training.val_acc_streak"});
}

TEST_CASE("meme::TrainingDetector sudden drop: a positive, stable loss halves with the learning rate unchanged") {
    CHECK(run_curve({{"loss", {1.0, 0.95, 0.9, 0.85, 0.4}}}) == std::vector<std::string>{"4:training.sudden_drop"});
    CHECK(run_curve({{"loss", {1.0, 0.95, 0.9, 0.85, 0.43}}}).empty());  // just above half of 0.85
    // Fast convergence in the first epochs: the previous three were not stable (3.0 > 1.5 × 0.9).
    CHECK(run_curve({{"loss", {3.0, 1.5, 0.9, 0.4}}}).empty());
    // A scheduled learning-rate step explains the drop.
    CHECK(run_curve({{"loss", {1.0, 0.95, 0.9, 0.85, 0.4}}, {"lr", {0.1, 0.1, 0.1, 0.1, 0.01}}}).empty());
    CHECK(run_curve({{"loss", {1.0, 0.95, 0.9, 0.85, 0.4}}, {"learning_rate", {0.1, 0.1, 0.1, 0.1, 0.1}}}) ==
          std::vector<std::string>{"4:training.sudden_drop"});
    // A negative loss is never a drop to cheer (half of a negative minimum is always beaten).
    CHECK(run_curve({{"loss", {-1.0, -1.1, -1.2, -1.3, -5.0}}}).empty());
    CHECK(run_curve({{"loss", {0.4, 0.41, 0.42, 0.4, -0.1}}}).empty());
}

TEST_CASE("meme::TrainingDetector NaN fires P0 once per run of non-finite epochs, and feeds no window") {
    TrainingDetector detector;
    auto d = detector.feed({0, {{"loss", k_nan}}});
    REQUIRE(d.size() == 1);
    CHECK(d[0].reaction == "training.nan");
    CHECK(d[0].priority == 0);
    CHECK(detector.feed({1, {{"loss", std::numeric_limits<double>::infinity()}}}).empty());  // the same episode
    CHECK(detector.feed({2, {{"loss", 0.5}}}).empty());
    auto again = detector.feed({3, {{"loss", 0.5}, {"val_loss", -std::numeric_limits<double>::infinity()}}});
    REQUIRE(again.size() == 1);
    CHECK(again[0].metric == "val_loss");
    // A NaN inside the window stops a sudden drop that would otherwise fire.
    CHECK(count(run_curve({{"loss", {1.0, 0.95, k_nan, 0.85, 0.4}}}), "training.sudden_drop") == 0);
}

TEST_CASE("meme::TrainingDetector oscillation: swings of at least 5% on a curve that goes nowhere, then 10 quiet epochs") {
    std::vector<double> zigzag;
    for (int i = 0; i < 24; ++i) zigzag.push_back(i % 2 ? 1.0 : 1.2);
    auto fired = run_curve({{"loss", zigzag}});
    CHECK(has(fired, "5:training.oscillation"));
    for (int quiet = 6; quiet <= 15; ++quiet) CHECK_FALSE(has(fired, std::to_string(quiet) + ":training.oscillation"));
    CHECK(has(fired, "16:training.oscillation"));
    // Ordinary 2-3% epoch noise on a falling curve is not oscillation.
    CHECK(run_curve({{"loss", {1.0, 0.97, 0.98, 0.95, 0.96, 0.93, 0.94, 0.91}}}).empty());
    // Big swings on a curve that falls overall: the net change beats every swing.
    CHECK(run_curve({{"loss", {2.0, 1.6, 1.7, 1.3, 1.4, 1.0}}}).empty());
    // Average swing just under 5% of the mean: quiet.
    std::vector<double> small;
    for (int i = 0; i < 6; ++i) small.push_back(i % 2 ? 1.0 : 1.048);
    CHECK(run_curve({{"loss", small}}).empty());
}

TEST_CASE("meme::TrainingDetector breakthrough: validation accuracy crosses 0.9 for the first time") {
    CHECK(run_curve({{"val_accuracy", {0.5, 0.89, 0.9, 0.95, 0.85, 0.97}}}) ==
          std::vector<std::string>{"2:training.breakthrough"});
    // Already there at the first epoch: nothing was crossed, and never later.
    CHECK(run_curve({{"val_accuracy", {0.92, 0.95, 0.85, 0.93}}}).empty());
    // The run has validation accuracy: training accuracy above 0.9 is not the breakthrough.
    CHECK(run_curve({{"accuracy", {0.5, 0.95, 0.97}}, {"val_acc", {0.5, 0.8, 0.91}}}) ==
          std::vector<std::string>{"2:training.breakthrough"});
    CHECK(run_curve({{"acc", {0.5, 0.91}}}) == std::vector<std::string>{"1:training.breakthrough"});
}

TEST_CASE("meme::TrainingDetector plateau: 8 epochs without a 0.5% improvement, then not until 5% below") {
    // Best 1.0 at epoch 0; 0.996 is only 0.4% better.
    std::vector<double> flat{1.0, 0.996, 1.0, 0.998, 1.01, 0.997, 1.0, 0.999, 1.0};
    auto fired = run_curve({{"val_loss", flat}});
    CHECK(fired == std::vector<std::string>{"8:training.plateau"});
    flat.pop_back();
    CHECK(run_curve({{"val_loss", flat}}).empty());  // 7 epochs: not yet
    // After firing at 1.0: 0.97 is a new best but not 5% below, so 8 more flat epochs stay quiet;
    // 0.94 re-arms it.
    std::vector<double> curve{1.0, 1, 1, 1, 1, 1, 1, 1, 1, 0.97, 0.97, 0.97, 0.97, 0.97, 0.97, 0.97, 0.97, 0.97,
                              0.94, 0.94, 0.94, 0.94, 0.94, 0.94, 0.94, 0.94, 0.94};
    CHECK(run_curve({{"val_loss", curve}}) == std::vector<std::string>{"8:training.plateau", "26:training.plateau"});
    // A loss falling 1% an epoch keeps improving: never a plateau.
    std::vector<double> falling;
    for (int i = 0; i < 40; ++i) falling.push_back(std::pow(0.99, i));
    CHECK(run_curve({{"loss", falling}}).empty());
}

TEST_CASE("meme::TrainingDetector plateau is not posted when overfitting fired since the best") {
    auto fired = run_curve({{"loss", {2.0, 1.5, 1.0, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5}},
                            {"val_loss", {2.0, 1.5, 1.0, 1.12, 1.15, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7}}});
    CHECK(fired == std::vector<std::string>{"5:training.overfitting"});  // not "10:training.plateau" too
}

TEST_CASE("meme::TrainingDetector detections carry the numbers their captions and --explain show") {
    TrainingDetector detector;
    std::vector<double> loss{2.0, 1.5, 1.0, 0.85, 0.8, 0.75}, val{2.0, 1.5, 1.0, 1.12, 1.15, 1.2};
    std::vector<Detection> last;
    for (int i = 0; i < 6; ++i) last = detector.feed({i, {{"loss", loss[i]}, {"val_loss", val[i]}}});
    REQUIRE(last.size() == 1);
    CHECK(last[0].facts.at("best") == "1");
    CHECK(last[0].facts.at("best_epoch") == "2");
    CHECK(last[0].facts.at("rise") == "20%");
    CHECK(last[0].facts.at("train") == "0.75");
    CHECK(last[0].window == std::vector<double>{1.12, 1.15, 1.2});
    CHECK_THAT(last[0].why, Catch::Contains("≥ 1.1") && Catch::Contains("loss 0.75 ≤ 0.9"));
}

TEST_CASE("meme::TrainingDetector state and restore: the restored detector says what the original would") {
    // val_loss bottoms out at epoch 10 and climbs: overfitting fires at 13 and the plateau it
    // suppresses counts as fired, so the state holds every kind of flag by epoch 16.
    std::vector<double> loss, val;
    for (int i = 0; i < 40; ++i) {
        loss.push_back(2.0 / (1 + i));
        val.push_back(i <= 10 ? 2.0 / (1 + i) : 0.18 + 0.02 * (i - 10) + (i % 2 ? 0.01 : 0));
    }
    auto epoch = [&](int i) { return EpochMetrics{i, {{"loss", loss[i]}, {"val_loss", val[i]}, {"val_acc", 1 - val[i]}}}; };
    TrainingDetector original;
    for (int i = 0; i < 17; ++i) (void)original.feed(epoch(i));
    // Through JSON text, as the archive keeps it.
    auto state = nlohmann::json::parse(original.state());
    REQUIRE(state["overfitting_fired"] == true);
    REQUIRE(state["overfitting_since_plateau_best"] == true);
    auto restored = TrainingDetector::restore(state, original.recent_epochs());
    CHECK(restored.state() == original.state());
    for (int i = 17; i < 40; ++i) {
        auto a = original.feed(epoch(i)), b = restored.feed(epoch(i));
        REQUIRE(a.size() == b.size());
        for (size_t k = 0; k < a.size(); ++k) {
            CHECK(a[k].reaction == b[k].reaction);
            CHECK(a[k].why == b[k].why);
            CHECK(a[k].facts == b[k].facts);
        }
    }
    CHECK(restored.state() == original.state());
}

TEST_CASE("meme::TrainingDetector restore of a rules v1 state rebuilds it from the recent epochs, silently") {
    TrainingDetector original;
    for (int i = 0; i < 12; ++i) (void)original.feed({i, {{"loss", 1.0 / (1 + i)}, {"val_loss", 1.0 / (1 + i)}}});
    nlohmann::json v1{{"overfitting_fired", true}, {"plateau_best", 0.5}, {"plateau_since", 3}};
    auto rebuilt = TrainingDetector::restore(v1, original.recent_epochs());
    // All 12 epochs are within the 20 kept: rebuilt exactly as the original.
    CHECK(rebuilt.state() == original.state());
    CHECK(nlohmann::json::parse(rebuilt.state()).value("rules", 0) == 2);
}

TEST_CASE("meme::thresholds_from_json takes every v2 threshold and names what is wrong") {
    auto t = thresholds_from_json({{"plateau_patience", 12}, {"min_improvement", 0.01}, {"overfitting_rise", 0.2}});
    CHECK(t.plateau_patience == 12);
    CHECK(t.min_improvement == 0.01);
    CHECK(t.overfitting_rise == 0.2);
    CHECK(t.sudden_drop_ratio == 0.5);
    CHECK_THROWS_WITH(thresholds_from_json({{"plateau_min_delta", 1e-4}}), Catch::Contains("min_improvement"));
    CHECK_THROWS_WITH(thresholds_from_json({{"plateau_patience", 0}}), Catch::Contains("integer from 1 to 1000"));
    CHECK_THROWS_WITH(thresholds_from_json({{"val_acc_drop", "a lot"}}), Catch::Contains("a number >= 0"));
    CHECK_THROWS_WITH(thresholds_from_json({{"patience", 3}}), Catch::Contains("not a detector threshold"));
    // A window longer than the epochs a detector keeps would switch its rule off: refused.
    CHECK_THROWS_WITH(thresholds_from_json({{"oscillation_window", 25}}), Catch::Contains("from 1 to 19"));
    CHECK(thresholds_from_json({{"oscillation_window", 19}}).oscillation_window == 19);
    // A custom threshold changes the rule: plateau after 3 flat epochs.
    CHECK(run_curve({{"loss", {1, 1, 1, 1}}}, thresholds_from_json({{"plateau_patience", 3}})) ==
          std::vector<std::string>{"3:training.plateau"});
}

TEST_CASE("meme::sparkline draws the newest values") {
    CHECK(sparkline({0, 1, 2, 3, 4, 5, 6, 7}) == "▁▂▃▄▅▆▇█");
    CHECK(sparkline({1, k_nan, 1}) == "▄▄");
    CHECK(sparkline({}) == "");
    CHECK(sparkline({0.5}) == "");  // one point is no curve
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

TEST_CASE("meme::TrainingDetector::epoch_of_state reads the epoch a state names, and the run's newest for one that names none") {
    TrainingDetector detector;
    for (int i = 0; i < 3; ++i) (void)detector.feed({i, {{"loss", 1.0}}});
    CHECK(TrainingDetector::epoch_of_state(nlohmann::json::parse(detector.state()), 40) == 2);
    CHECK(TrainingDetector::epoch_of_state(nlohmann::json::parse(TrainingDetector().state()), 40) == -1);
    // Saved before states named their epoch, or damaged: the newest archived epoch.
    CHECK(TrainingDetector::epoch_of_state({{"rules", 2}}, 40) == 40);
    CHECK(TrainingDetector::epoch_of_state({{"epoch", "7"}}, 40) == 40);
    CHECK(TrainingDetector::epoch_of_state({{"epoch", 7.5}}, 40) == 40);
    CHECK(TrainingDetector::epoch_of_state(nlohmann::json::array(), 40) == 40);
    // Out of range: clamped to what an epoch can be.
    CHECK(TrainingDetector::epoch_of_state({{"epoch", -1'000'000'000'000}}, 40) == -1);
    CHECK(TrainingDetector::epoch_of_state({{"epoch", 1'000'000'000'000}}, 40) == std::numeric_limits<int>::max());
}
