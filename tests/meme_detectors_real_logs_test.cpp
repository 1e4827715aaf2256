// Rules v2 on 24 real Keras CSVLogger files from public repositories (tests/fixtures/keras_logs,
// sources in its SOURCES.md): how much they post, what each shape of run gets, and that every
// caption carries its numbers and never cheers a number going the wrong way.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "meme/caption.hpp"
#include "meme/metrics_log.hpp"

using namespace memeops;

namespace {

const std::filesystem::path k_logs = std::filesystem::path(MEMEOPS_TEST_FIXTURES) / "keras_logs";

meme::MetricsLog read_log(const std::string& prefix) {
    for (const auto& entry : std::filesystem::directory_iterator(k_logs))
        if (entry.path().filename().string().starts_with(prefix)) {
            std::ifstream in(entry.path());
            return meme::parse_metrics_log(in);
        }
    FAIL("no log " << prefix << " in " << k_logs);
    return {};
}

std::vector<meme::LogDetection> detect(const std::string& prefix) {
    return meme::detect_in_log(read_log(prefix).epochs, {});
}

int count(const std::vector<meme::LogDetection>& found, const std::string& reaction) {
    int n = 0;
    for (const auto& f : found) n += f.detection.reaction == reaction;
    return n;
}

std::vector<std::string> all_logs() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(k_logs))
        if (entry.path().extension() == ".csv") names.push_back(entry.path().filename().string().substr(0, 2));
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("rules v2 on 24 real logs: at most 3 messages per 100 epochs in all") {
    size_t epochs = 0, messages = 0;
    auto logs = all_logs();
    REQUIRE(logs.size() >= 15);
    for (const auto& log : logs) {
        epochs += read_log(log).epochs.size();
        messages += detect(log).size();
    }
    INFO(messages << " messages in " << epochs << " epochs");
    CHECK(100.0 * static_cast<double>(messages) / static_cast<double>(epochs) <= 3.0);
    CHECK(messages > 0);
    // Without the 3000-epoch log, which would carry the average alone.
    size_t long_epochs = read_log("05").epochs.size(), long_messages = detect("05").size();
    CHECK(100.0 * static_cast<double>(messages - long_messages) / static_cast<double>(epochs - long_epochs) <= 3.0);
}

TEST_CASE("rules v2 on real logs: overfitting runs are told once per episode, healthy ones are not") {
    auto early = detect("09");  // val_loss 0.79 → 1.75 after epoch 3
    REQUIRE(count(early, "training.overfitting") == 1);
    CHECK(early[0].detection.epoch <= 8);
    CHECK(count(detect("08"), "training.overfitting") >= 1);
    CHECK(count(detect("10"), "training.overfitting") >= 1);
    // A smooth run whose val_loss falls on every epoch of 3000, and a healthy multi-output run.
    CHECK(count(detect("05"), "training.overfitting") == 0);
    CHECK(detect("16").empty());
}

TEST_CASE("rules v2 on real logs: no sudden drop on negative losses or learning-rate steps") {
    // A run whose loss goes negative and diverges: v1 cheered 67 times that the model learned.
    CHECK(count(detect("04"), "training.sudden_drop") == 0);
    for (const char* log : {"01", "02", "13", "14", "17", "19", "24"}) {  // ReduceLROnPlateau and schedules
        INFO(log);
        CHECK(count(detect(log), "training.sudden_drop") == 0);
    }
}

TEST_CASE("rules v2 on real logs: a stalled run gets a plateau, an appended file is read as its fits") {
    auto stalled = detect("12");  // loss stuck at ln 10 for 50 epochs
    CHECK(count(stalled, "training.plateau") == 1);
    auto appended = read_log("03");
    CHECK(meme::split_fits(appended.epochs).size() == 8);  // epoch went back to 0 seven times
    CHECK(meme::split_fits(read_log("22").epochs).size() == 4);
    // Each fit is judged as if it were a file of its own: the fit before it changes nothing.
    for (const char* log : {"03", "22"}) {
        auto whole = detect(log);
        auto fits = meme::split_fits(read_log(log).epochs);
        size_t next = 0;
        for (size_t fit = 0; fit < fits.size(); ++fit)
            for (const auto& alone : meme::detect_in_log(fits[fit], {})) {
                INFO(log << " fit " << fit + 1 << " epoch " << alone.detection.epoch);
                REQUIRE(next < whole.size());
                CHECK(whole[next].fit == static_cast<int>(fit) + 1);
                CHECK(whole[next].detection.epoch == alone.detection.epoch);
                CHECK(whole[next].detection.reaction == alone.detection.reaction);
                ++next;
            }
        CHECK(next == whole.size());
    }
}

TEST_CASE("rules v2 on real logs: every caption carries its numbers and never cheers the wrong way") {
    for (const auto& log : all_logs()) {
        for (const auto& f : detect(log)) {
            const auto& d = f.detection;
            auto caption = meme::detection_caption(d, "run-" + log, f.spark);
            INFO(log << " epoch " << d.epoch << " " << d.reaction << ": " << caption.en);
            CHECK(caption.en.find('{') == std::string::npos);
            CHECK(caption.zh.find('{') == std::string::npos);
            CHECK_FALSE(d.why.empty());
            if (d.reaction == "training.plateau" || d.reaction == "training.overfitting" ||
                d.reaction == "training.val_acc_streak") {
                CHECK(caption.en.find(d.facts.at("best")) != std::string::npos);
                CHECK(caption.en.find("epoch " + d.facts.at("best_epoch")) != std::string::npos);
                CHECK(caption.zh.find(d.facts.at("best")) != std::string::npos);
            }
            if (d.reaction == "training.val_acc_streak") {
                CHECK(d.delta < 0);
                CHECK(caption.zh.find("💪") == std::string::npos);
                CHECK(caption.en.find("💪") == std::string::npos);
            }
            if (d.reaction == "training.sudden_drop") CHECK(d.value > 0);
            if (d.reaction == "training.breakthrough") CHECK(d.value >= 0.9);
        }
    }
}
