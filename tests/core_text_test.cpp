#include <catch2/catch.hpp>

#include "core/text.hpp"

using namespace memeops::core;

TEST_CASE("core::display_width counts Chinese and emoji as two columns") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("绝绝子") == 6);
    CHECK(display_width("YYDS 👑") == 7);
    CHECK(display_width("💯") == 2);
    CHECK(display_width("❤️") == 2);  // VS16: emoji presentation, two columns
    CHECK(display_width("❤") == 1);
    CHECK(display_width("e\xCC\x81") == 1);  // e + combining acute
    CHECK(display_width("") == 0);
}

TEST_CASE("core::next_code_point survives invalid UTF-8") {
    std::string bad = "a\xFF\xC3";  // stray byte, truncated sequence
    size_t pos = 0;
    CHECK(next_code_point(bad, pos) == U'a');
    CHECK(next_code_point(bad, pos) == 0xFFFD);
    CHECK(next_code_point(bad, pos) == 0xFFFD);
    CHECK(pos == bad.size());
    CHECK(display_width(bad) == 3);
}

TEST_CASE("core::truncate_to_width never splits a character and marks the cut") {
    CHECK(truncate_to_width("咱就是说头秃了", 7) == "咱就是…");
    CHECK(display_width(truncate_to_width("咱就是说头秃了", 7)) <= 7);
    CHECK(truncate_to_width("short", 10) == "short");
    CHECK(truncate_to_width("abcdef", 4) == "abc…");
    CHECK(pad_to_width("头秃", 6) == "头秃  ");
}

TEST_CASE("core::first_line keeps only the first line") {
    CHECK(first_line("fix: loss\n\nbody") == "fix: loss");
    CHECK(first_line("tab\there  \r\n") == "tab here");
}

TEST_CASE("core::split_commas trims items and drops empty ones") {
    CHECK(split_commas(" a, b,,c ") == std::vector<std::string>{"a", "b", "c"});
    CHECK(split_commas("").empty());
    CHECK(split_commas("models/**,*.onnx") == std::vector<std::string>{"models/**", "*.onnx"});
}

TEST_CASE("core::terminal_safe shows control characters instead of sending them to the terminal") {
    using memeops::core::terminal_safe;
    CHECK(terminal_safe("fix \x1b]0;pwned\x07 title") == "fix ^[]0;pwned^G title");
    CHECK(terminal_safe("red \x1b[31mtext\x1b[0m") == "red ^[[31mtext^[[0m");
    CHECK(terminal_safe("del\x7f") == "del^?");
    CHECK(terminal_safe("csi \xc2\x9b" "31m") == "csi ^[[31m");  // U+009B, the 8-bit CSI, as UTF-8
    CHECK(terminal_safe("raw \x9b" "31m") == "raw ^[[31m");      // the same as a lone byte
    CHECK(terminal_safe("头秃了 ⚠️ lines\nand\ttabs stay") == "头秃了 ⚠️ lines\nand\ttabs stay");
    CHECK(terminal_safe("\xef\xbf\xbd stays") == "\xef\xbf\xbd stays");
}
