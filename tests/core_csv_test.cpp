#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "test_support.hpp"

using namespace memeops;
using Cells = std::vector<std::string>;

TEST_CASE("core::CsvReader reads RFC 4180 quotes: doubled quotes, commas and line breaks inside") {
    auto rows = core::read_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\"\"\nlast,\"\",z\n");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].line == 1);
    CHECK(rows[0].cells == Cells{"a", "b,c", "say \"hi\""});
    CHECK(rows[1].line == 2);
    CHECK(rows[1].cells == Cells{"multi\nline", "x", ""});
    CHECK(rows[2].line == 4);  // the quoted line break counted
    CHECK(rows[2].cells == Cells{"last", "", "z"});
}

TEST_CASE("core::CsvReader skips a UTF-8 BOM and blank lines, takes CRLF and LF, trims unquoted cells") {
    auto rows = core::read_csv("\xEF\xBB\xBF" "epoch,loss\r\n\r\n  \t\n 0 , \"0.9\" \r\n1,0.8\r\n\" kept \",a\"b");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].cells == Cells{"epoch", "loss"});  // no BOM in the first name
    CHECK(rows[1].line == 4);
    CHECK(rows[1].cells == Cells{"0", "0.9"});
    CHECK(rows[2].cells == Cells{"1", "0.8"});
    CHECK(rows[3].cells == Cells{" kept ", "a\"b"});  // a quote inside an unquoted cell is data
    CHECK(core::read_csv("a,\n").front().cells == Cells{"a", ""});
    CHECK(core::read_csv("").empty());
    CHECK(core::read_csv("\xEF\xBB\xBF").empty());
    CHECK(core::read_csv("x\r").front().cells == Cells{"x"});
    auto windows = core::read_csv("epoch,loss\r\r\n0,\"0.5\"\r\r\n1,a\rb\r\r");  // Keras on Windows
    REQUIRE(windows.size() == 3);
    CHECK(windows[0].cells == Cells{"epoch", "loss"});
    CHECK(windows[1].cells == Cells{"0", "0.5"});
    CHECK(windows[2].line == 3);
    CHECK(windows[2].cells == Cells{"1", "a\rb"});
}

TEST_CASE("core::CsvReader names the line and column of a broken quote") {
    CHECK_THROWS_WITH(core::read_csv("a,\"never closed\nb\n"),
                      "line 1, column 3: the quoted cell that starts here is never closed");
    CHECK_THROWS_WITH(core::read_csv("x\n\"ab\"c,d\n"),
                      "line 2, column 5: expected a comma or a line end after the quoted cell at column 1");
    CHECK_THROWS_WITH(core::read_csv("\"a\nb\",c\n\"d\"e\n"),
                      "line 3, column 4: expected a comma or a line end after the quoted cell at column 1");
    try {
        core::read_csv("ok\n\"x");
        FAIL("no error");
    } catch (const core::CsvError& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 1);
    }
}

TEST_CASE("core::is_header_row: names that recur nowhere, or known names when alone") {
    std::vector<std::string_view> known{"label", "pred", "y_true", "y_pred"};
    auto header = [&](const std::string& text) { return core::is_header_row(core::read_csv(text), known); };
    CHECK(header("y_true,y_pred\ncat,dog\ndog,dog\n"));
    CHECK(header("truth,guess\ncat,dog\n"));       // any names that are not data
    CHECK_FALSE(header("cat,dog\ndog,dog\n"));     // "cat"… the first row's labels recur
    CHECK_FALSE(header("dog,hamster\ncat,dog\n"));  // one recurring cell is enough
    CHECK_FALSE(header("0,1\n1,1\n"));             // numbers are data
    CHECK_FALSE(header("label,1\n1,1\n"));
    CHECK_FALSE(header(",pred\ncat,dog\n"));  // an empty name is no header
    CHECK(header("Y_TRUE,y_pred\n"));          // alone: only known names
    CHECK_FALSE(header("cat,cat\n"));
    CHECK_FALSE(header(""));
    CHECK(core::is_number_cell("-1.5e3"));
    CHECK(core::is_number_cell("+2"));
    CHECK(core::is_number_cell("nan"));
    CHECK(core::is_number_cell("1e999"));
    CHECK_FALSE(core::is_number_cell("1.5x"));
    CHECK_FALSE(core::is_number_cell(""));
}

TEST_CASE("core::quote_input quotes at most 80 bytes, cut on a UTF-8 boundary, on one line") {
    CHECK(core::quote_input("abc") == "\"abc\"");
    CHECK(core::quote_input("") == "\"\"");
    CHECK(core::quote_input(std::string(80, 'x')) == "\"" + std::string(80, 'x') + "\"");
    CHECK(core::quote_input(std::string(50 * 1024 * 1024, 'x')) == "\"" + std::string(80, 'x') + "…\"");
    std::string accents = "x";
    for (int i = 0; i < 100; ++i) accents += "é";  // 2 bytes each: the 40th would end at byte 81
    std::string kept = "x";
    for (int i = 0; i < 39; ++i) kept += "é";
    CHECK(core::quote_input(accents) == "\"" + kept + "…\"");
    CHECK(core::quote_input("a\r\nb") == "\"a\\r\\nb\"");
    CHECK(core::skip_utf8_bom("\xEF\xBB\xBFhi") == "hi");
    CHECK(core::skip_utf8_bom("hi") == "hi");
}

TEST_CASE("core::read_input_file reads a file, - as standard input, and refuses a directory") {
    test::TempDir dir;
    test::write_file(dir.file("a.csv"), "x,y\n");
    std::istringstream standard_input("from stdin");
    CHECK(core::read_input_file(dir.file("a.csv"), standard_input) == "x,y\n");
    CHECK(core::read_input_file("-", standard_input) == "from stdin");
    CHECK_THROWS_WITH(core::read_input_file(dir.path().string(), standard_input),
                      "cannot read " + dir.path().string() + " : it is a directory, not a file");
    CHECK_THROWS_AS(core::read_input_file(dir.file("missing.csv"), standard_input), core::Fatal);
    CHECK(core::input_name("-") == "standard input");
    CHECK(core::input_stem("-") == "stdin");
    CHECK(core::input_stem("runs/resnet-7.csv") == "resnet-7");
}
