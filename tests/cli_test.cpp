#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/table.hpp"
#include "core/text.hpp"
#include "meme/slang.hpp"
#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using storage::EntryKind;

namespace {

// An archive with a few entries of each kind, Chinese and emoji included.
std::string seeded_archive(const test::TempDir& dir) {
    std::string path = dir.file("archive.db");
    auto archive = storage::Archive::open(path);
    std::vector<storage::Entry> entries;
    for (int n = 0; n < 6; ++n) entries.push_back(test::sample_entry(EntryKind::commit, n));
    storage::Entry version = test::sample_entry(EntryKind::version, 10);
    version.summary = "咱就是说，头秃了 ⚠️ but it converged";
    version.memes.push_back({0, "version.tagged", 2, "绝绝子 💯 新版本", "Iconic: new version", 0,
                             {{"slack:ml", storage::DeliveryState::pending, 0, std::nullopt}}});
    entries.push_back(version);
    entries.push_back(test::sample_entry(EntryKind::training, 11));
    archive->add_batch(entries);
    return path;
}

}  // namespace

TEST_CASE("cli: exit codes and error lines follow the contract") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);

    auto ok = test::run_cli({"history", "--db", db});
    CHECK(ok.code == 0);
    CHECK(ok.err.empty());

    auto usage = test::run_cli({"history", "--db", db, "--kind", "banana"});
    CHECK(usage.code == 2);
    CHECK_THAT(usage.err, Catch::StartsWith("memeops: usage : --kind banana"));

    auto bad_flag = test::run_cli({"history", "--no-such-flag"});
    CHECK(bad_flag.code == 2);
    CHECK_THAT(bad_flag.err, Catch::StartsWith("memeops: usage : "));

    auto bad_time = test::run_cli({"history", "--db", db, "--since", "last tuesday"});
    CHECK(bad_time.code == 2);
    CHECK_THAT(bad_time.err, Catch::Contains("not a time"));

    auto missing = test::run_cli({"show", "--db", db, "no-such-tag"});
    CHECK(missing.code == 1);
    CHECK(missing.err == "memeops: no entry no-such-tag : not a tag, git revision, commit or entry id in " + db + "\n");

    test::write_file(dir.file("junk.db"), std::string(4096, 'j'));
    auto corrupt = test::run_cli({"history", "--db", dir.file("junk.db")});
    CHECK(corrupt.code == 1);
    CHECK_THAT(corrupt.err, Catch::StartsWith("memeops: cannot open archive " + dir.file("junk.db") + " : "));
    CHECK(std::count(corrupt.err.begin(), corrupt.err.end(), '\n') == 1);

    CHECK(test::run_cli({"--version"}).code == 0);
    CHECK(test::run_cli({"history", "--help"}).code == 0);
}

TEST_CASE("cli: bare memeops and help give the overview, help CMD is CMD --help, a typo gets did-you-mean") {
    for (std::vector<std::string> overview : {std::vector<std::string>{}, {"help"}, {"--help"}, {"-h"}}) {
        auto r = test::run_cli(overview);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("Commands:") && Catch::Contains("  history ") &&
                              Catch::Contains("memeops help <command>"));
        CHECK(r.out.find("\n  hook ") == std::string::npos);  // plumbing is hidden
    }
    auto help = test::run_cli({"help", "history"});
    CHECK(help.code == 0);
    CHECK(help.out == test::run_cli({"history", "--help"}).out);
    for (std::vector<std::string> version : {std::vector<std::string>{"version"}, {"-V"}, {"--version"}}) {
        auto r = test::run_cli(version);
        CHECK(r.code == 0);
        CHECK(r.out == std::string("memeops ") + MEMEOPS_VERSION + "\n");
    }
    auto typo = test::run_cli({"histroy"});
    CHECK(typo.code == 2);
    CHECK(typo.err == "memeops: 'histroy' is not a memeops command. Did you mean 'history'?\n"
                      "Run 'memeops help' for the list of commands.\n");
    CHECK_THAT(test::run_cli({"help", "stauts"}).err, Catch::Contains("Did you mean 'status'?"));
    auto unknown = test::run_cli({"nope"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("Did you mean") == std::string::npos);  // nothing close enough
    CHECK_THAT(test::run_cli({"\x1b[2Jx"}).err, Catch::Contains("'^[[2Jx'"));  // echoed safely
}

TEST_CASE("cli: history, show and search print the contract's JSON") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);

    auto history = test::run_cli({"history", "--db", db, "--json", "--limit", "3"});
    REQUIRE(history.code == 0);
    auto entries = nlohmann::json::parse(history.out);
    REQUIRE(entries.is_array());
    CHECK(entries.size() == 3);
    CHECK(entries[0]["kind"] == "training");

    auto versions = nlohmann::json::parse(
        test::run_cli({"history", "--db", db, "--json", "--kind", "version"}).out);
    REQUIRE(versions.size() == 1);
    std::string tag = versions[0]["tag"];

    auto show = test::run_cli({"show", "--db", db, tag, "--json"});
    REQUIRE(show.code == 0);
    auto entry = nlohmann::json::parse(show.out);
    CHECK(entry["tag"] == tag);
    CHECK(entry["memes"][0]["caption"] == "绝绝子 💯 新版本");
    CHECK(entry["memes"][0]["deliveries"][0]["state"] == "pending");

    auto search = test::run_cli({"search", "--db", db, "头秃", "--json"});
    REQUIRE(search.code == 0);
    auto found = nlohmann::json::parse(search.out);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["tag"] == tag);

    auto empty = nlohmann::json::parse(test::run_cli({"search", "--db", db, "nothing-here", "--json"}).out);
    CHECK(empty.empty());
}

TEST_CASE("cli: history without an archive says so and creates nothing") {
    test::TempDir dir;
    std::string db = dir.file("sub/archive.db");
    auto result = test::run_cli({"history", "--db", db});
    CHECK(result.code == 0);
    CHECK_THAT(result.out, Catch::Contains("Nothing archived yet"));
    CHECK_FALSE(std::filesystem::exists(db));
    CHECK(test::run_cli({"history", "--db", db, "--json"}).out == "[]\n");
}

TEST_CASE("cli: the archive comes from MEMEOPS_DB and git config when no flag names it") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    auto from_env = test::run_memeops({"history", "--json"}, {{"MEMEOPS_DB", db}});
    CHECK(from_env.code == 0);
    CHECK(nlohmann::json::parse(from_env.out).size() == 8);

    std::string repo = dir.file("repo");
    REQUIRE(test::run_process("git", {"init", "-q", repo}).code == 0);
    REQUIRE(test::run_process("git", {"-C", repo, "config", "memeops.db", db}).code == 0);
    auto from_git = test::run_process("sh", {"-c", "cd '" + repo + "' && " + MEMEOPS_BINARY + " history --json"},
                                      {{"MEMEOPS_DB", ""}});
    CHECK(from_git.code == 0);
    CHECK(nlohmann::json::parse(from_git.out).size() == 8);
}

TEST_CASE("cli::Table keeps columns aligned with Chinese text and emoji") {
    cli::Table table({"NAME", "NOTE"});
    table.add_row({"绝绝子", "a"});
    table.add_row({"YYDS 👑", "b"});
    table.add_row({"plain", "c"});
    std::string rendered = table.render(cli::Terminal{});
    std::istringstream lines(rendered);
    std::vector<int> note_columns;
    for (std::string line; std::getline(lines, line);) {
        size_t last_space = line.find_last_of(' ');
        note_columns.push_back(core::display_width(line.substr(0, last_space + 1)));
    }
    REQUIRE(note_columns.size() == 4);
    for (int column : note_columns) CHECK(column == note_columns[0]);
}

TEST_CASE("cli::Table fits the terminal width by cutting the last column") {
    cli::Table table({"ID", "SUMMARY"});
    table.add_row({"1", "咱就是说，头秃了 ⚠️ 这届batch size太菜了 and a very long English tail"});
    cli::Terminal narrow{true, false, 30};
    std::istringstream lines(table.render(narrow));
    for (std::string line; std::getline(lines, line);) CHECK(core::display_width(line) <= 30);
}

TEST_CASE("cli: people's history output shows relative times and names") {
    test::TempDir dir;
    std::string db = seeded_archive(dir);
    storage::Entry recent = test::sample_entry(EntryKind::message, 99);
    recent.time = core::now_ms() - 3 * 3'600'000 - 60'000;
    storage::Archive::open(db)->add(recent);
    auto result = test::run_cli({"history", "--db", db});
    CHECK_THAT(result.out, Catch::StartsWith("ID"));
    CHECK_THAT(result.out, Catch::Contains("3h ago"));
    CHECK_THAT(result.out, Catch::Contains("2025-11-24"));
    CHECK_THAT(result.out, Catch::Contains("绝绝子 💯 新版本"));
    auto show = test::run_cli({"show", "--db", db, "#7"});
    CHECK(show.code == 0);
    CHECK_THAT(show.out, Catch::Contains("slack:ml: pending (0 attempts)"));
}

TEST_CASE("cli: replay prints one JSON line per reaction with both captions") {
    test::TempDir dir;
    std::string csv = dir.file("run-9.csv");
    test::write_file(csv, "epoch,acc,loss,val_acc,val_loss\n0,0.5,1.0,0.5,1.0\n1,0.6,0.9,0.6,1.1\n"
                          "2,0.7,0.8,0.7,1.2\n3,0.8,0.7,0.92,1.3\n");
    auto result = test::run_cli({"replay", csv, "--json"});
    REQUIRE(result.code == 0);
    std::istringstream lines(result.out);
    std::vector<nlohmann::json> reactions;
    for (std::string line; std::getline(lines, line);) reactions.push_back(nlohmann::json::parse(line));
    REQUIRE(reactions.size() == 2);
    CHECK(reactions[0]["reaction"] == "training.overfitting");
    CHECK(reactions[0]["priority"] == "P1");
    CHECK(reactions[0]["epoch"] == 3);
    CHECK_THAT(reactions[0]["caption"].get<std::string>(), Catch::Contains("咱就是说，头秃了 ⚠️"));
    CHECK_THAT(reactions[0]["caption"].get<std::string>(), Catch::Contains("run-9"));
    CHECK(reactions[1]["reaction"] == "training.breakthrough");
    CHECK_THAT(reactions[1]["caption_en"].get<std::string>(), Catch::Contains("0.92"));
    auto missing = test::run_cli({"replay", dir.file("nope.csv")});
    CHECK(missing.code == 1);
    test::write_file(dir.file("bad.csv"), "loss\n1\n");
    CHECK_THAT(test::run_cli({"replay", dir.file("bad.csv")}).err, Catch::Contains("epoch"));
}

TEST_CASE("cli: replay honours --config thresholds, reads appended fits as runs of their own, and explains") {
    test::TempDir dir;
    std::string csv = dir.file("run-5.csv");
    // Two fits appended to one file (the epoch column goes back); an empty cell is a missing
    // value, not NaN.
    test::write_file(csv, "epoch,loss,val_loss\n0,1.0,\n1,1.0,\n2,1.0,\n3,1.0,\n0,2.0,2.0\n1,2.0,2.0\n2,2.0,2.0\n3,2.0,2.0\n");
    test::write_file(dir.file("config.json"), R"({"detectors":{"plateau_patience":3}})");
    auto result = test::run_cli({"replay", csv, "--json", "--config", dir.file("config.json")});
    REQUIRE(result.code == 0);
    std::istringstream lines(result.out);
    std::vector<nlohmann::json> reactions;
    for (std::string line; std::getline(lines, line);) reactions.push_back(nlohmann::json::parse(line));
    REQUIRE(reactions.size() == 2);  // a plateau per fit after 3 flat epochs; no training.nan
    CHECK(reactions[0]["run"] == "run-5");
    CHECK(reactions[0]["metric"] == "loss");
    CHECK(reactions[1]["run"] == "run-5#2");
    CHECK(reactions[1]["metric"] == "val_loss");
    for (const auto& r : reactions) {
        CHECK(r["reaction"] == "training.plateau");
        CHECK(r["epoch"] == 3);
        CHECK_THAT(r["why"].get<std::string>(), Catch::Contains("patience 3"));
    }
    auto explained = test::run_cli({"replay", csv, "--explain", "--config", dir.file("config.json")});
    CHECK_THAT(explained.out, Catch::Contains("run-5#2 epoch 3  P3  training.plateau"));
    CHECK_THAT(explained.out, Catch::Contains("window:  val_loss 2, 2, 2, 2"));
    CHECK_THAT(explained.out, Catch::Contains("2 reactions in 8 epochs of run-5 (2 fits appended): 25.0 per 100 epochs."));
    test::write_file(dir.file("bad.json"), R"({"detectors":{"plateau_min_delta":0.001}})");
    auto refused = test::run_cli({"replay", csv, "--config", dir.file("bad.json")});
    CHECK(refused.code != 0);
    CHECK_THAT(refused.err, Catch::Contains("min_improvement"));
}

TEST_CASE("memeops memeify --dry-run --json gives the meme and the exact payloads, creating nothing") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    auto r = test::run_cli({"memeify", "--dry-run", "--json", "--db", db},
                           R"({"kind":"training.crash","run":"r1","text":"@everyone <!channel> <@123> CUDA & OOM"})");
    REQUIRE(r.code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc.at("dry_run") == true);
    CHECK(doc.at("memes").at(0).at("reaction") == "training.crash");
    CHECK(doc.at("memes").at(0).at("priority") == "P0");
    const auto& payloads = doc.at("payloads");
    CHECK(payloads.at("discord").at("allowed_mentions") == nlohmann::json{{"parse", nlohmann::json::array()}});
    std::string slack = payloads.at("slack").dump();
    CHECK(slack.find("<!channel>") == std::string::npos);
    CHECK(slack.find("&lt;!channel&gt;") != std::string::npos);
    CHECK(slack.find("&amp;") != std::string::npos);
    CHECK(payloads.at("console").get<std::string>().starts_with("P0 training.crash\n"));
    CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("memeops memeify previews by default and changes nothing; --post archives and delivers like emit") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    std::string event = R"({"kind":"ci.pipeline","name":"CI","status":"failure","branch":"main"})";
    auto preview = test::run_cli({"memeify", "--db", db}, event);
    REQUIRE(preview.code == 0);
    CHECK(preview.out.find("P1 ci.failed") != std::string::npos);
    CHECK(preview.out.find("a preview: nothing archived") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
    auto posted = test::run_cli({"memeify", "--post", "--db", db}, event);
    REQUIRE(posted.code == 0);
    CHECK(posted.out.find("P1 ci.failed") != std::string::npos);  // the console delivery
    CHECK(posted.out.find("Archived as #1") != std::string::npos);
    auto archive = storage::Archive::open(db);
    auto entries = archive->history({});
    REQUIRE(entries.size() == 1);
    REQUIRE(entries[0].memes.size() == 1);
    CHECK(entries[0].memes[0].deliveries.at(0).state == storage::DeliveryState::delivered);
    CHECK(archive->pending_deliveries() == 0);
}

TEST_CASE("memeops memeify rejects bad input with the field named, archiving nothing") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    auto bad_json = test::run_cli({"memeify", "--db", db}, "{not json");
    CHECK(bad_json.code == 1);
    CHECK(bad_json.err == "memeops: cannot read the event on stdin : not valid JSON (line 1, column 3)\n");
    auto bad_field = test::run_cli({"memeify", "--db", db}, R"([{"kind":"message","text":"a"},{"kind":"message"}])");
    CHECK(bad_field.code == 1);
    CHECK(bad_field.err == "memeops: invalid event : [1].text: is required for kind \"message\"\n");
    CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("memeops confusion --post archives the matrix and queues its meme") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    std::string csv = dir.file("preds.csv");
    test::write_file(csv, "label,pred\ncat,cat\ncat,dog\ndog,dog\ndog,dog\n");
    auto r = test::run_cli({"confusion", csv, "--post", "--run", "resnet-7", "--db", db});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Archived as #1") != std::string::npos);
    CHECK(r.out.find("confusion.matrix") != std::string::npos);  // delivered to the console at once
    auto archive = storage::Archive::open(db);
    CHECK(archive->pending_deliveries() == 0);
    auto entries = archive->history({});
    REQUIRE(entries.size() == 1);
    REQUIRE(entries[0].memes.size() == 1);
    const auto& meme = entries[0].memes[0];
    CHECK(meme.reaction == "confusion.matrix");
    CHECK(meme.caption.find("resnet-7") != std::string::npos);
    CHECK(meme.caption.find("💯 TP 2") != std::string::npos);
    CHECK(meme.caption.find("0.750") != std::string::npos);
    CHECK(entries[0].details.at("confusion").at("accuracy") == Approx(0.75));
}

TEST_CASE("cli: memeify, emit and replay take Python's bare NaN and infinities") {
    test::TempDir dir;
    std::string db = dir.file("archive.db");
    auto memeified = test::run_cli({"memeify", "--json", "--db", db},
                                   R"({"kind":"training.epoch","run":"py","epoch":3,"metrics":{"loss":NaN}})");
    REQUIRE(memeified.code == 0);
    CHECK(nlohmann::json::parse(memeified.out).at("memes").at(0).at("reaction") == "training.nan");

    auto emitted = test::run_cli({"emit", "training.epoch", "--run", "py-2", "--epoch", "0", "--metric",
                                  "val_loss=-Infinity", "--json", "--db", db});
    REQUIRE(emitted.code == 0);
    // The console destination prints the meme first; the JSON result is the last line.
    std::string last_line = emitted.out.substr(emitted.out.rfind('\n', emitted.out.size() - 2) + 1);
    CHECK(nlohmann::json::parse(last_line).at("memes").at(0).at("reaction") == "training.nan");

    std::string log = dir.file("run.jsonl");
    test::write_file(log, "{\"kind\":\"training.epoch\",\"epoch\":0,\"metrics\":{\"loss\":1.0}}\n"
                          "{\"kind\":\"training.epoch\",\"epoch\":1,\"metrics\":{\"loss\":Infinity}}\n");
    auto replayed = test::run_cli({"replay", log, "--json"});
    REQUIRE(replayed.code == 0);
    CHECK(nlohmann::json::parse(replayed.out.substr(0, replayed.out.find('\n'))).at("reaction") == "training.nan");
}

TEST_CASE("memeops slang prints lexicon entries as a table or JSON, the same for a seed") {
    auto json_run = test::run_memeops({"slang", "--count", "3", "--seed", "42", "--json"});
    REQUIRE(json_run.code == 0);
    auto entries = nlohmann::json::parse(json_run.out);
    REQUIRE(entries.size() == 3);
    for (const auto& e : entries) {
        CHECK(e.size() == 4);
        for (const char* field : {"word", "pinyin", "emoji", "gloss"}) CHECK(!e.at(field).get<std::string>().empty());
    }
    CHECK(test::run_memeops({"slang", "--count", "3", "--seed", "42", "--json"}).out == json_run.out);
    CHECK(test::run_memeops({"slang", "--count", "3", "--seed", "43", "--json"}).out != json_run.out);
    CHECK(nlohmann::json::parse(test::run_memeops({"slang", "--json"}).out).size() == 5);  // the default count
    auto every = nlohmann::json::parse(test::run_memeops({"slang", "--count", "100000", "--json"}).out);
    CHECK(every.size() == meme::slang_lexicon().size());

    auto table = test::run_memeops({"slang", "--count", "2", "--seed", "42"});
    REQUIRE(table.code == 0);
    std::istringstream lines(table.out);
    std::vector<std::string> rows;
    for (std::string line; std::getline(lines, line);) rows.push_back(line);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].starts_with("WORD"));
    for (size_t i = 1; i < 3; ++i) {
        const auto& e = entries.at(i - 1);  // the same seed picks the same entries in the same order
        CHECK(rows[i].starts_with(e.at("word").get<std::string>()));
        // Aligned: each column starts at the header's column, counted in terminal columns.
        size_t gloss = rows[i].find(e.at("gloss").get<std::string>());
        REQUIRE(gloss != std::string::npos);
        CHECK(core::display_width(rows[i].substr(0, gloss)) == core::display_width(rows[0].substr(0, rows[0].find("GLOSS"))));
    }
    CHECK(test::run_memeops({"slang", "--count", "0"}).code == 2);
    CHECK(test::run_memeops({"slang", "--help"}).out.find("--seed") != std::string::npos);
}

TEST_CASE("memeops emojify replaces slang with its emoji, from arguments or stdin") {
    auto said = test::run_memeops({"emojify", "this model is yyds, 绝绝子"});
    CHECK(said.code == 0);
    CHECK(said.out == "this model is 👑, 💯\n");
    CHECK(test::run_memeops({"emojify", "YYDS", "and", "xYYDS"}).out == "👑 and xYYDS\n");
    auto piped = test::run_process("sh", {"-c", "printf '躺平 again\\n摆烂\\n' | \"$0\" emojify -", MEMEOPS_BINARY});
    CHECK(piped.code == 0);
    CHECK(piped.out == "🛌 again\n🫠\n");
    CHECK(test::run_memeops({"emojify"}).code == 2);
    CHECK(test::run_memeops({"emojify", "--help"}).out.find("stdin") != std::string::npos);
}
