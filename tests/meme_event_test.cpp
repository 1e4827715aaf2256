#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "meme/event.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

constexpr core::TimeMs k_received = 1'800'000'000'000;

std::string error_of(const json& doc) {
    try {
        meme::parse_events(doc, k_received);
    } catch (const meme::InvalidEvent& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("meme::parse_event reads a training epoch with canonical metric names and NaN forms") {
    auto e = meme::parse_event(json::parse(R"({"kind":"training.epoch","run":"r1","epoch":3,
        "metrics":{"loss":0.5,"val_acc":0.9,"learning_rate":0.001,"x":"nan","y":null,"z":"-inf"},
        "time":"2026-11-29T10:00:00Z","team":"vision"})"),
                               k_received);
    CHECK(e.kind == "training.epoch");
    CHECK(e.run == "r1");
    CHECK(e.epoch == 3);
    CHECK(e.metrics.at("val_accuracy") == 0.9);
    CHECK(e.metrics.at("lr") == 0.001);
    CHECK(std::isnan(e.metrics.at("x")));
    CHECK(std::isnan(e.metrics.at("y")));
    CHECK(e.metrics.at("z") == -INFINITY);
    CHECK(e.time == *core::parse_iso8601("2026-11-29T10:00:00Z"));
    CHECK(e.raw.at("team") == "vision");  // unknown fields are kept
}

TEST_CASE("meme::parse_event defaults the time to when it was received") {
    auto e = meme::parse_event(json{{"kind", "message"}, {"text", "hi"}}, k_received);
    CHECK(e.time == k_received);
}

TEST_CASE("meme::parse_event names the bad field") {
    CHECK(error_of(json::array({1})) == "[0].event: must be a JSON object, not an integer");
    CHECK(error_of(json::object()) == "kind: is required");
    CHECK(error_of(json{{"kind", 7}}) == "kind: must be a string, not an integer");
    CHECK(error_of(json{{"kind", "nope"}}).starts_with("kind: is \"nope\", expected one of training.epoch"));
    CHECK(error_of(json{{"kind", "training.epoch"}, {"epoch", 1}, {"metrics", json::object()}}) ==
          "run: is required for kind \"training.epoch\"");
    CHECK(error_of(json{{"kind", "training.epoch"}, {"run", "r"}, {"epoch", -1}, {"metrics", json::object()}}) ==
          "epoch: must be an integer >= 0");
    CHECK(error_of(json{{"kind", "training.epoch"}, {"run", "r"}, {"epoch", 1.5}, {"metrics", json::object()}}) ==
          "epoch: must be an integer >= 0");
    CHECK(error_of(json{{"kind", "training.epoch"}, {"run", "r"}, {"epoch", 1}, {"metrics", {{"loss", "low"}}}}) ==
          "metrics.loss: must be a number, \"nan\", \"inf\", \"-inf\" or null");
    CHECK(error_of(json{{"kind", "training.end"}, {"run", "r"}, {"status", "done"}}) ==
          "status: is \"done\", expected one of success, failure, cancelled");
    CHECK(error_of(json{{"kind", "ci.pipeline"}, {"name", "CI"}}) == "status: is required for kind \"ci.pipeline\"");
    CHECK(error_of(json{{"kind", "ci.pipeline"}, {"name", "CI"}, {"status", "success"}, {"duration_s", "long"}}) ==
          "duration_s: must be a number of seconds >= 0");
    CHECK(error_of(json{{"kind", "message"}, {"text", 5}}) == "text: must be a string, not an integer");
    CHECK(error_of(json{{"kind", "message"}, {"text", "x"}, {"time", "yesterday"}}).starts_with("time: is not an ISO-8601"));
    CHECK(error_of(json{{"kind", "message"}, {"text", std::string(meme::k_max_text_bytes + 1, 'x')}}) ==
          "text: longer than 65536 bytes");
    CHECK(error_of(json{{"kind", "message"}, {"text", "ok"}, {"id", json::array()}}) ==
          "id: must be a string, not an array");
}

TEST_CASE("meme::parse_events takes one event or an array of up to 1000") {
    json one{{"kind", "message"}, {"text", "hi"}};
    CHECK(meme::parse_events(one, k_received).size() == 1);
    CHECK(meme::parse_events(json::array({one, one}), k_received).size() == 2);
    CHECK(meme::parse_events(json(std::vector<json>(1000, one)), k_received).size() == 1000);
    CHECK(error_of(json(std::vector<json>(1001, one))) == "events: more than 1000 events in one request");
    CHECK(error_of(json::array()) == "events: the array is empty");
    CHECK(error_of(json::array({one, json{{"kind", "message"}}})) == "[1].text: is required for kind \"message\"");
}

TEST_CASE("meme::entry_kind maps event kinds to archive kinds") {
    auto kind = [](const char* k) { return meme::entry_kind(meme::Event{k}); };
    CHECK(kind("training.epoch") == storage::EntryKind::training);
    CHECK(kind("training.crash") == storage::EntryKind::training);
    CHECK(kind("ci.pipeline") == storage::EntryKind::ci);
    CHECK(kind("commit") == storage::EntryKind::commit);
    CHECK(kind("message") == storage::EntryKind::message);
}

TEST_CASE("meme::quote_nonfinite_literals quotes Python's bare NaN and infinities outside strings only") {
    using meme::quote_nonfinite_literals;
    CHECK(quote_nonfinite_literals(R"({"loss":NaN})") == R"({"loss":"nan"})");
    CHECK(quote_nonfinite_literals(R"({"a": Infinity, "b":-Infinity})") == R"({"a": "inf", "b":"-inf"})");
    CHECK(quote_nonfinite_literals("[NaN,[Infinity,[ -Infinity ]],\n\tNaN ]") ==
          "[\"nan\",[\"inf\",[ \"-inf\" ]],\n\t\"nan\" ]");
    // Inside strings they stay text, escaped quotes and backslashes included.
    std::string in_strings = R"({"text":"loss NaN, Infinity \"NaN\" -Infinity \\","NaN":"x\\\"Infinity"})";
    CHECK(quote_nonfinite_literals(in_strings) == in_strings);
    CHECK(quote_nonfinite_literals(R"({"t":"a\\","v":NaN})") == R"({"t":"a\\","v":"nan"})");
    // Only whole tokens: parts of other words are not literals (and stay invalid JSON).
    CHECK(quote_nonfinite_literals("[NaNa, xInfinity, Infinity2, nan]") == "[NaNa, xInfinity, Infinity2, nan]");
    CHECK(quote_nonfinite_literals("") == "");
    CHECK(quote_nonfinite_literals(R"({"open":"NaN)") == R"({"open":"NaN)");  // unterminated: copied
}

TEST_CASE("meme::parse_event_document reads events as Python's json.dumps writes them") {
    auto doc = meme::parse_event_document(
        R"({"kind":"training.epoch","run":"r","epoch":3,"metrics":{"loss":NaN,"val_loss":Infinity,"lr":-Infinity},)"
        R"("text":"NaN stays text"})");
    REQUIRE(doc.ok());
    auto event = meme::parse_event(doc.value, k_received);
    CHECK(std::isnan(event.metrics.at("loss")));
    CHECK(event.metrics.at("val_loss") == std::numeric_limits<double>::infinity());
    CHECK(event.metrics.at("lr") == -std::numeric_limits<double>::infinity());
    CHECK(*event.text == "NaN stays text");
    CHECK(event.raw["metrics"]["loss"] == "nan");  // the archived event is valid JSON
    CHECK(meme::parse_event_document(R"({"kind":"message","text":"plain"})").value["text"] == "plain");
    CHECK(meme::parse_event_document("{NaN}").value.is_discarded());
    CHECK(meme::parse_event_document("{oops").value.is_discarded());
}

TEST_CASE("meme::parse_event refuses broken commit and confusion.matrix fields, naming them") {
    auto field_of = [](const json& doc) {
        try {
            meme::parse_event(doc, 0);
        } catch (const meme::InvalidEvent& e) {
            return e.field();
        }
        return std::string("(accepted)");
    };
    // A training.end whose commit is not a sha once crashed the bot; it is a 400 now.
    CHECK(field_of({{"kind", "training.end"}, {"run", "r"}, {"status", "success"}, {"commit", "abc123xyz"}}) == "commit");
    CHECK(field_of({{"kind", "commit"}, {"commit", "abc"}}) == "commit");
    CHECK(field_of({{"kind", "commit"}, {"commit", std::string(65, 'a')}}) == "commit");
    CHECK(field_of({{"kind", "commit"}, {"commit", "abcd1234"}, {"rewrites", "$(rm -rf /)"}}) == "rewrites");
    CHECK(field_of({{"kind", "commit"}, {"commit", "abcd1234"}, {"version", "yes"}}) == "version");
    CHECK(field_of({{"kind", "commit"}, {"commit", "abcd1234"}, {"tag", "../../refs/heads/main"}}) == "tag");
    CHECK(field_of({{"kind", "commit"}, {"commit", "abcd1234"}, {"announced", 1}}) == "announced");
    CHECK(field_of({{"kind", "commit"}, {"commit", "ABCD1234"}, {"version", true}}) == "(accepted)");
    json matrix{{"kind", "confusion.matrix"}, {"run", "r"}, {"labels", {"cat", "dog"}}};
    CHECK(field_of(matrix) == "matrix");
    matrix["matrix"] = {{1, 2}, {3}};
    CHECK(field_of(matrix) == "matrix");  // not square
    matrix["matrix"] = {{1, -2}, {3, 4}};
    CHECK(field_of(matrix) == "matrix");  // negative
    matrix["matrix"] = {{1, "2"}, {3, 4}};
    CHECK(field_of(matrix) == "matrix");  // not a count
    matrix["labels"] = json::array();
    CHECK(field_of(matrix) == "labels");
    matrix["labels"] = {"cat", "dog"};
    matrix["matrix"] = {{1, 2}, {3, 4}};
    CHECK(field_of(matrix) == "(accepted)");
    CHECK(meme::parse_event(matrix, 0).confusion->accuracy == Approx(0.5));
}
