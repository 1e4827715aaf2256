// What `memeops replay` and `memeops confusion` make of the files users give them: quoted cells,
// BOM and CRLF from spreadsheet tools, standard input, folders, huge cells, header rows, JSON of
// the wrong shape.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

// The JSON lines `replay --json` printed.
std::vector<json> json_lines(const std::string& out) {
    std::vector<json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
}

// A Keras CSVLogger file as Excel saves it: a BOM, CRLF, every cell quoted. Epoch 1 has a NaN
// loss, which training.nan reports.
const std::string k_excel_log = "\xEF\xBB\xBF\"epoch\",\"loss\",\"val_loss\"\r\n"
                                "\"0\",\"0.9\",\"1.0\"\r\n"
                                "\"1\",\"nan\",\"1.1\"\r\n"
                                "\"2\",\"0.7\",\"0.8\"\r\n";

// A cell of `bytes` bytes: "x" then two-byte "é"s, so 80 bytes end inside a character.
std::string accented_cell(size_t bytes) {
    std::string cell = "x";
    while (cell.size() + 2 <= bytes) cell += "é";
    return cell;
}

// What an error quotes of accented_cell: "x" and the 39 "é" that fit in 80 bytes, then "…".
std::string quoted_accented_cell() {
    std::string kept = "x";
    for (int i = 0; i < 39; ++i) kept += "é";
    return "\"" + kept + "…\"";
}

}  // namespace

TEST_CASE("memeops replay reads quoted numbers, a UTF-8 BOM and CRLF line ends") {
    test::TempDir dir;
    std::string log = dir.file("excel.csv");
    test::write_file(log, k_excel_log);
    auto r = test::run_cli({"replay", log, "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["run"] == "excel");
    CHECK(lines[0]["epoch"] == 1);
    CHECK(lines[0]["reaction"] == "training.nan");
    CHECK(lines[0]["metric"] == "loss");

    test::write_file(log, "epoch,loss\r\n0,0.9\r\n1,0.8\r\n");
    auto plain = test::run_cli({"replay", log});
    CHECK(plain.code == 0);
    CHECK(plain.out == "Nothing to react to in 2 epochs of excel.\n");
}

TEST_CASE("memeops replay - reads the log from standard input") {
    test::TempDir dir;
    test::ChildOptions options;
    options.stdin_path = dir.file("stdin.csv");
    test::write_file(options.stdin_path, k_excel_log);
    auto r = test::run_child(MEMEOPS_BINARY, {"replay", "-", "--json"}, options);
    REQUIRE(r.code == 0);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["run"] == "stdin");
    CHECK(lines[0]["reaction"] == "training.nan");

    auto bad = test::run_cli({"replay", "-"}, "epoch,loss\n0,fast\n");
    CHECK(bad.code == 1);
    CHECK(bad.err == "memeops: cannot replay standard input : line 2: column \"loss\": \"fast\" is not a number\n");
    auto named = test::run_cli({"replay", "-", "--run", "resnet-7"}, "epoch,loss\n0,0.5\n");
    CHECK(named.code == 0);
    CHECK(named.out == "Nothing to react to in 1 epoch of resnet-7.\n");
}

TEST_CASE("memeops replay and confusion of a directory fail naming it, exit 1") {
    test::TempDir dir;
    std::string folder = dir.path().string();
    auto replay = test::run_cli({"replay", folder});
    CHECK(replay.code == 1);
    CHECK(replay.out.empty());
    CHECK(replay.err == "memeops: cannot read " + folder + " : it is a directory, not a file\n");
    auto confusion = test::run_cli({"confusion", folder});
    CHECK(confusion.code == 1);
    CHECK(confusion.err == "memeops: cannot read " + folder + " : it is a directory, not a file\n");
    auto missing = test::run_cli({"replay", dir.file("missing.csv")});
    CHECK(missing.code == 1);
    CHECK(missing.err == "memeops: cannot read " + dir.file("missing.csv") + " : no such file or not readable\n");
}

TEST_CASE("memeops replay and confusion quote at most 80 bytes of a huge bad cell, naming line and column") {
    test::TempDir dir;
    std::string huge = accented_cell(50 * 1024 * 1024);
    std::string log = dir.file("huge.csv");
    test::write_file(log, "epoch,loss\n0,0.5\n1," + huge + "\n");
    auto replay = test::run_memeops({"replay", log});
    CHECK(replay.code == 1);
    CHECK(replay.err == "memeops: cannot replay " + log + " : line 3: column \"loss\": " + quoted_accented_cell() +
                            " is not a number\n");

    test::write_file(log, "epoch,\"" + huge + "\"\n0,abc\n");
    auto name = test::run_cli({"replay", log});
    CHECK(name.code == 1);
    CHECK(name.err == "memeops: cannot replay " + log + " : line 2: column " + quoted_accented_cell() +
                          ": \"abc\" is not a number\n");

    test::write_file(log, "epoch,loss\n0,0.5\n1,\"0.4\"x\n");
    auto quote = test::run_cli({"replay", log});
    CHECK(quote.code == 1);
    CHECK(quote.err == "memeops: cannot replay " + log +
                           " : line 3, column 8: expected a comma or a line end after the quoted cell at column 3\n");

    std::string predictions = dir.file("preds.csv");
    test::write_file(predictions, "cat,cat\ncat," + huge + "\n");
    auto confusion = test::run_memeops({"confusion", predictions, "--labels", "cat,dog"});
    CHECK(confusion.code == 1);
    CHECK(confusion.err == "memeops: cannot read predictions from " + predictions + " : " + quoted_accented_cell() +
                               " is not one of --labels\n");
}

TEST_CASE("memeops confusion skips a y_true,y_pred header row and reads quoted CRLF cells") {
    test::TempDir dir;
    std::string csv = dir.file("preds.csv");
    test::write_file(csv, "\xEF\xBB\xBFy_true,y_pred\r\n\"cat\",\"cat\"\r\ncat,dog\r\ndog,dog\r\n\"dog\",\"cat\"\r\n");
    auto r = test::run_cli({"confusion", csv, "--json"});
    REQUIRE(r.code == 0);
    auto doc = json::parse(r.out);
    CHECK(doc["labels"] == json{"cat", "dog"});
    CHECK(doc["matrix"] == json{{1, 1}, {1, 1}});
    CHECK(doc["accuracy"] == Approx(0.5));

    test::write_file(csv, "cat,dog\ndog,dog\ncat,cat\n");  // no header: the first row is data
    auto data = json::parse(test::run_cli({"confusion", csv, "--json"}).out);
    CHECK(data["matrix"] == json{{1, 1}, {0, 1}});

    test::write_file(csv, "actual,predicted\n\"a, comma\",b\nb,b\n");
    auto comma = json::parse(test::run_cli({"confusion", csv, "--json"}).out);
    CHECK(comma["labels"] == json{"a, comma", "b"});

    test::write_file(csv, "cat,dog,0.9\n");
    auto three = test::run_cli({"confusion", csv});
    CHECK(three.code == 1);
    CHECK(three.err == "memeops: cannot read predictions from " + csv + " : line 1: expected 2 cells (label,pred), found 3\n");
}

TEST_CASE("memeops confusion of a header-only or empty CSV is an error: no predictions") {
    test::TempDir dir;
    std::string csv = dir.file("preds.csv");
    test::write_file(csv, "label,pred\n");
    auto header_only = test::run_cli({"confusion", csv});
    CHECK(header_only.code == 1);
    CHECK(header_only.out.empty());
    CHECK(header_only.err ==
          "memeops: cannot read predictions from " + csv + " : line 1 is a header, and no predictions follow it\n");
    test::write_file(csv, "y_true,y_pred\r\n");
    CHECK(test::run_cli({"confusion", csv}).code == 1);
    test::write_file(csv, "\n\n");
    auto empty = test::run_cli({"confusion", csv});
    CHECK(empty.code == 1);
    CHECK(empty.err == "memeops: cannot read predictions from " + csv + " : no predictions: the file is empty\n");
    test::write_file(csv, "[]");
    CHECK(test::run_cli({"confusion", csv}).err ==
          "memeops: cannot read predictions from " + csv + " : no predictions: the array is empty\n");
}

TEST_CASE("memeops confusion of JSON that is not an array of records names the shape it expects") {
    test::TempDir dir;
    std::string file = dir.file("preds.json");
    const std::string expected = "expected a JSON array of {\"label\":…,\"pred\":…} records";
    test::write_file(file, R"({"labels":["cat","dog"],"matrix":[[1,0],[0,1]]})");
    auto object = test::run_cli({"confusion", file});
    CHECK(object.code == 1);
    CHECK(object.out.empty());
    CHECK(object.err == "memeops: cannot read predictions from " + file + " : " + expected + ", not a JSON object\n");
    test::write_file(file, "\xEF\xBB\xBF  {\"label\":\"cat\",\"pred\":\"cat\"}\n");
    CHECK(test::run_cli({"confusion", file}).err ==
          "memeops: cannot read predictions from " + file + " : " + expected + ", not a JSON object\n");
    test::write_file(file, "{\"label\":");
    auto broken = test::run_cli({"confusion", file});
    CHECK(broken.code == 1);
    CHECK_THAT(broken.err, Catch::StartsWith("memeops: cannot read predictions from " + file + " : label: not valid JSON"));
    test::write_file(file, "\xEF\xBB\xBF[{\"label\":\"cat\",\"pred\":\"dog\"}]");
    auto bom = test::run_cli({"confusion", file, "--json"});
    REQUIRE(bom.code == 0);
    CHECK(json::parse(bom.out)["matrix"] == json{{0, 1}, {0, 0}});
}

TEST_CASE("memeops confusion heat grid: correct predictions green, errors warm, with a legend") {
    test::TempDir dir;
    std::string csv = dir.file("preds.csv");
    std::string rows;
    for (int i = 0; i < 8; ++i) rows += "cat,cat\n";
    rows += "cat,dog\ncat,bird\n";                                   // 10% each
    for (int i = 0; i < 5; ++i) rows += "dog,dog\n";
    for (int i = 0; i < 5; ++i) rows += "dog,cat\n";                 // 50%
    rows += "bird,bird\n";
    test::write_file(csv, rows);
    auto r = test::run_cli({"confusion", csv, "--labels", "cat,dog,bird"});
    REQUIRE(r.code == 0);
    std::vector<std::string> lines;
    std::istringstream out(r.out);
    for (std::string line; std::getline(out, line);) lines.push_back(line);
    REQUIRE(lines.size() >= 5);
    CHECK(lines[0] == "          pred cat    pred dog    pred bird   ");
    CHECK(lines[1] == "true cat  🟩 8        🟧 1        🟧 1        ");
    CHECK(lines[2] == "true dog  🟥 5        🟩 5        ⬜ 0        ");
    CHECK(lines[3] == "true bird ⬜ 0        ⬜ 0        🟩 1        ");
    CHECK(lines[4] == "🟩 correct  errors, of the true class: 🟨 under 10%  🟧 10-30%  🟥 30% or more  ⬜ none");

    test::write_file(csv, "1,1\n0,0\n1,0\n");  // two classes keep their own words, no heat legend
    auto binary = test::run_cli({"confusion", csv});
    CHECK_THAT(binary.out, Catch::Contains("💯 TP 1") && Catch::Contains("⚠️ FN 1"));
    CHECK(binary.out.find("🟩 correct") == std::string::npos);
}

TEST_CASE("memeops confusion --post files the matrix as a training entry") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    const std::string predictions = R"([{"label":"cat","pred":"cat"},{"label":"cat","pred":"dog"},)"
                                    R"({"label":"dog","pred":"dog"},{"label":"dog","pred":"dog"}])";
    REQUIRE(test::run_cli({"confusion", "-", "--post", "--run", "resnet-7", "--db", db}, predictions).code == 0);
    auto history = json::parse(test::run_cli({"history", "--db", db, "--json"}).out);
    REQUIRE(history.size() == 1);
    CHECK(history[0]["kind"] == "training");
    CHECK(history[0]["run"] == "resnet-7");
    CHECK(history[0]["summary"] == "confusion matrix of resnet-7: accuracy 0.750");
    auto show = json::parse(test::run_cli({"show", "#1", "--db", db, "--json"}).out);
    CHECK(show["kind"] == "training");
    CHECK(json::parse(test::run_cli({"history", "--db", db, "--json", "--kind", "training"}).out).size() == 1);
    CHECK(json::parse(test::run_cli({"history", "--db", db, "--json", "--kind", "message"}).out).empty());
}
