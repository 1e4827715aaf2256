#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include "card_support.hpp"
#include "core/error.hpp"
#include "meme/card/card.hpp"
#include "meme/card/sources.hpp"
#include "templates/templates.hpp"

using namespace memeops;
using namespace memeops::meme::card;

namespace {

test::Rgb rgb(const Colour& c) {
    return {int(std::lround(c.r * 255)), int(std::lround(c.g * 255)), int(std::lround(c.b * 255))};
}

// A run whose val_loss turns up after epoch 8 while the loss keeps falling.
std::vector<meme::EpochMetrics> overfitting_run() {
    std::vector<meme::EpochMetrics> epochs;
    for (int e = 0; e <= 16; ++e) {
        double loss = 1.0 / (1 + e * 0.4);
        double val = e <= 8 ? 1.1 / (1 + e * 0.35) : 1.1 / (1 + 8 * 0.35) + (e - 8) * 0.05;
        epochs.push_back({e, {{"loss", loss}, {"val_loss", val}}});
    }
    return epochs;
}

Card card_with(Picture picture, std::string reaction = "training.overfitting", int priority = 1) {
    return {std::move(reaction), priority,
            {"这届学生不行啊：loss 在降，val_loss 在涨 📉📈 过拟合了家人们 🤡", "Overfitting: loss falls while val_loss climbs"},
            {.run = "resnet-50", .branch = "main", .repo = "github.com/acme/vision"},
            std::move(picture)};
}

// One card of every kind of picture.
std::vector<Card> every_kind() {
    auto epochs = overfitting_run();
    auto matrix = meme::confusion_from_counts({"cat", "dog", "fox"}, {{50, 3, 1}, {6, 40, 9}, {0, 2, 30}});
    return {card_with(training_picture("training.overfitting", epochs, 11, {})),
            card_with(GridPicture{matrix}, "confusion.matrix", 3),
            card_with(StripPicture{"build", {"success", "success", "failed", "success", "failed"}}, "ci.failed", 1),
            card_with(BadgePicture{"v3-brave-badger", "Brave Badger", {{"accuracy", 0.931}, {"loss", 0.21}}}, "version.tagged", 2),
            card_with(MeterPicture{0.87, "Oh great, NaN again. Love that for us."}, "sarcasm", 3),
            card_with(EmojiPicture{"💥", "RuntimeError: CUDA out of memory"}, "training.crash", 0)};
}

}  // namespace

TEST_CASE("meme::card::render_card draws every kind of card at the layout's size, not blank") {
    const CardLayout& layout = card_layout();
    for (const auto& card : every_kind()) {
        INFO(card.reaction);
        auto rendered = render_card(card);
        auto image = test::decode_png(rendered.png);
        CHECK(image.width == layout.width);
        CHECK(image.height == layout.height);
        // The picture holds a drawing, not only its panel: lines, cells or text.
        const Rect& p = rendered.picture;
        CHECK(test::pixels_unlike(image, rgb(layout.panel), int(p.x), int(p.y), int(p.w), int(p.h)) > long(p.w * p.h * 0.01));
        // The caption was drawn under the header.
        CHECK(test::pixels_unlike(image, rgb(layout.background), layout.margin, layout.header_height, layout.width / 2, 60) > 500);
    }
}

TEST_CASE("meme::card fonts have a glyph for Chinese, colour emoji and Latin text") {
    CHECK(unknown_glyphs("这届学生不行啊 头秃到怀疑人生了 绝绝子 yyds 发际线保卫战") == 0);
    CHECK(unknown_glyphs("🔥💯⚠️❌🟩🟨🟧🟥⬜🙃💀🚨🏷️📦🤖✅⏸️😇🎯📈💥📉🤡👨‍👩‍👧") == 0);
    CHECK(unknown_glyphs("Overfitting at epoch 12: val_loss 0.41 (+23%) ▁▂▃▅▇ “quoted” · …") == 0);
    CHECK(unknown_glyphs("\u0378") == 1);  // an unassigned code point: the count does count
}

TEST_CASE("meme::card colour emoji are drawn in colour") {
    auto emoji = render_card(card_with(EmojiPicture{"🔥🤡", ""}, "training.crash"));
    auto plain = render_card(card_with(EmojiPicture{"XX", ""}, "training.crash"));
    const Rect& p = emoji.picture;
    auto area = [&](const test::DecodedPng& image) { return test::colourful_pixels(image, int(p.x), int(p.y), int(p.w), int(p.h)); };
    CHECK(area(test::decode_png(emoji.png)) > 2000);
    CHECK(area(test::decode_png(plain.png)) == 0);
}

TEST_CASE("meme::card the same card renders to the same bytes, with no time or text chunks") {
    for (const auto& card : every_kind()) {
        INFO(card.reaction);
        std::string first = render_card(card).png;
        CHECK(render_card(card).png == first);
        for (const auto& chunk : test::png_chunks(first)) CHECK((chunk != "tIME" && chunk != "tEXt" && chunk != "zTXt" && chunk != "iTXt"));
        CHECK(test::png_chunks(first).front() == "IHDR");
        CHECK(test::png_chunks(first).back() == "IEND");
    }
}

TEST_CASE("meme::card the marked epoch is drawn where the data puts it") {
    const CardLayout& layout = card_layout();
    for (int marked : {3, 11, 16}) {
        auto picture = training_picture("training.overfitting", overfitting_run(), marked, {});
        auto rendered = render_card(card_with(picture));
        auto image = test::decode_png(rendered.png);
        Rect plot = curve_plot_area(rendered.picture, layout);
        // The mark is the one vertical line in its colour: find the columns that hold it.
        test::Rgb mark = rgb(layout.mark);
        std::vector<long> column(size_t(image.width), 0);
        for (int y = int(plot.y); y < int(plot.y + plot.h); ++y)
            for (int x = 0; x < image.width; ++x) {
                test::Rgb p = image.at(x, y);
                column[size_t(x)] += std::abs(p.r - mark.r) < 40 && std::abs(p.g - mark.g) < 40 && std::abs(p.b - mark.b) < 40;
            }
        long most = *std::max_element(column.begin(), column.end());
        double sum = 0, weight = 0;
        for (size_t x = 0; x < column.size(); ++x)
            if (column[x] > most / 2) sum += double(x) * double(column[x]), weight += double(column[x]);
        double expected = plot.x + plot.w * marked / 16.0;
        INFO("epoch " << marked);
        CHECK(most > plot.h * 0.8);  // a line from the bottom of the plot to its top
        CHECK(std::abs(sum / weight + 0.5 - expected) < 2.0);
    }
}

TEST_CASE("meme::card training pictures plot what each reaction is about and mark the firing epoch") {
    auto epochs = overfitting_run();
    auto fired = firing_epoch("training.overfitting", epochs, {});
    REQUIRE(fired);
    CHECK(*fired > 8);
    auto overfit = training_picture("training.overfitting", epochs, fired, {});
    REQUIRE(overfit.series.size() == 2);
    CHECK(overfit.series[0].name == "loss");
    CHECK(overfit.series[1].name == "val_loss");
    CHECK(training_picture("training.oscillation", epochs, 3, {}).series.size() == 1);
    std::vector<meme::EpochMetrics> accuracy{{0, {{"val_acc", 0.7}}}, {1, {{"val_acc", 0.85}}}, {2, {{"val_acc", 0.93}}}};
    auto breakthrough = training_picture("training.breakthrough", accuracy, 2, {});
    REQUIRE(breakthrough.series.size() == 1);
    CHECK(breakthrough.series[0].name == "val_accuracy");
    CHECK(breakthrough.threshold == 0.9);
    CHECK(firing_epoch("training.breakthrough", accuracy, {}) == 2);
    CHECK(firing_epoch("training.crash", accuracy, {}) == 2);  // the last epoch
    CHECK_FALSE(firing_epoch("training.crash", {}, {}));
}

TEST_CASE("meme::card cards stay far under Discord's and Slack's size limits") {
    for (const auto& card : every_kind()) {
        std::string png = render_card(card).png;
        INFO(card.reaction << ": " << png.size() << " bytes");
        CHECK(png.size() < 1024 * 1024);  // Discord takes 10 MiB per file, Slack's image blocks far more
        CHECK(png.size() > 10 * 1024);    // and a real picture, not an empty one
    }
}

TEST_CASE("meme::card layouts are checked: every key, sizes and colours") {
    std::string good(templates::embedded("card_layout.json"));
    CHECK(parse_card_layout(good, "card_layout.json").width == card_layout().width);
    auto error_of = [](const std::string& text) {
        try {
            parse_card_layout(text, "x.json");
        } catch (const core::Fatal& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    std::string missing = good;
    missing.erase(missing.find("\"margin\""), std::string("\"margin\": 44,").size());
    CHECK_THAT(error_of(missing), Catch::Contains("no \"margin\""));
    std::string colour = good;
    colour.replace(colour.find("#d62839"), 7, "red");
    CHECK_THAT(error_of(colour), Catch::Contains("must be \"#rrggbb\""));
    std::string huge = good;
    huge.replace(huge.find("1200"), 4, "99999");
    CHECK_THAT(error_of(huge), Catch::Contains("\"width\" must be a whole number of pixels"));
    CHECK_THAT(error_of("[1"), Catch::Contains("x.json"));
}

TEST_CASE("meme::card subject lines and file names") {
    Subject s{.run = "r1", .pipeline = "build", .branch = "main", .tag = "v1-brave-badger", .repo = "github.com/acme/vision",
              .commit = "0123456789abcdef"};
    CHECK(subject_line(s) == "run r1  ·  build on main  ·  🏷️ v1-brave-badger  ·  commit 01234567  ·  📦 github.com/acme/vision");
    CHECK(subject_line({.branch = "dev"}) == "branch dev");
    CHECK(card_file_name(s, "ci.failed") == "memeops-v1-brave-badger-ci.failed.png");
    CHECK(card_file_name({.run = "../../etc/x y"}, "training.nan") == "memeops-.._.._etc_x_y-training.nan.png");
}

TEST_CASE("meme::card a metric some epochs did not report is a gap in the data, not a NaN") {
    std::vector<meme::EpochMetrics> epochs;
    for (int e = 0; e < 12; ++e) {
        meme::EpochMetrics m{e, {{"loss", 1.0 / (e + 1)}}};
        if (e % 3 == 0) m.metrics["val_loss"] = 1.2 / (e + 1);  // validated every third epoch
        epochs.push_back(m);
    }
    epochs.back().metrics["loss"] = NAN;
    auto picture = training_picture("training.overfitting", epochs, 11, {});
    REQUIRE(picture.series.size() == 2);
    const auto& val = picture.series[1].values;
    CHECK(val[0] == 1.2);
    CHECK_FALSE(val[1]);
    CHECK_FALSE(val[2]);
    CHECK(val[3]);
    REQUIRE(picture.series[0].values[11]);
    CHECK(std::isnan(*picture.series[0].values[11]));  // a real NaN stays one
    auto png = render_card(card_with(picture)).png;
    CHECK(png.size() > 1000);
}
