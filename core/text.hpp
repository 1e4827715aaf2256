// UTF-8 text as a terminal shows it.
//
// Chinese characters and most emoji take two terminal columns, combining marks, zero-width
// joiners and variation selectors none. Tables that mix them stay aligned only when widths are
// counted in columns, not bytes or code points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::core {

// Decodes the code point at `text[pos]` and advances `pos` past it. Invalid or truncated
// sequences decode as U+FFFD, one byte at a time, so any byte string can be walked safely.
char32_t next_code_point(std::string_view text, size_t& pos);

// Columns a code point occupies: 0, 1 or 2.
int code_point_width(char32_t cp);

// Columns the whole string occupies.
int display_width(std::string_view text);

// The longest prefix that fits in `columns`, ending in "…" when anything was cut. Never splits a
// code point.
std::string truncate_to_width(std::string_view text, int columns);

// `text` cut to `columns` and padded with spaces to exactly `columns`.
std::string pad_to_width(std::string_view text, int columns);

// The first line of `text`, with tabs as spaces and trailing white space removed.
std::string first_line(std::string_view text);

// `text` safe to print on a terminal: every control character that could move the cursor,
// change colours or set the window title (C0 other than newline and tab, DEL, and the C1
// controls U+0080–U+009F) shown in caret notation ("^[" for ESC, "^?" for DEL, "^[[" for CSI
// U+009B's escape form) instead of being sent. For user text, never for our own colours.
std::string terminal_safe(std::string_view text);

// True for Han, kana and Hangul: the scripts written without spaces between words.
bool is_cjk(char32_t cp);

// True for the pictographic emoji blocks.
bool is_emoji(char32_t cp);

// `text` with ASCII letters lower-cased; other bytes unchanged.
std::string ascii_lower(std::string_view text);

// The comma-separated items of `text`, trimmed of spaces and tabs, empty items dropped:
// " a, b,,c " → {"a", "b", "c"}.
std::vector<std::string> split_commas(std::string_view text);

// The standard 64-bit FNV offset basis.
inline constexpr std::uint64_t k_fnv_offset_basis = 14695981039346656037ULL;

// FNV-1a (64 bits) of `text`, starting from `basis`: small, and the same on every machine and
// release (std::hash is neither), for choices that must repeat wherever they are made. Only the
// standard basis gives standard FNV-1a; another basis is for choices already made with it, which
// must not change (see meme/caption.cpp).
std::uint64_t stable_hash(std::string_view text, std::uint64_t basis = k_fnv_offset_basis);

// `parts` with `separator` between them: join({"a", "b"}, ", ") → "a, b".
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// A count with its noun in the right number: count_of(1, "commit", "commits") → "1 commit",
// count_of(3, …) → "3 commits", count_of(0, …) → "0 commits".
std::string count_of(std::int64_t n, std::string_view singular, std::string_view plural);

// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

// `text` without the UTF-8 byte order mark ("\xEF\xBB\xBF") that Excel and Windows tools put
// at the start of a file; unchanged when it has none.
std::string_view skip_utf8_bom(std::string_view text);

// How much of a bad input an error message may show.
inline constexpr size_t k_max_quoted_input_bytes = 80;

// Bad input as an error message shows it, between double quotes: at most
// k_max_quoted_input_bytes bytes of `text`, cut on a code point boundary and ended with "…" when
// cut, so a 50 MB cell never reaches a terminal or a log whole. Line breaks in it are shown as
// "\n" and "\r" so the message stays one line; other control characters are left to
// terminal_safe, which every error line goes through.
std::string quote_input(std::string_view text);

}  // namespace memeops::core
