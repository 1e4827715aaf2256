#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace memeops::core {
namespace {

constexpr char32_t k_replacement = 0xFFFD;

struct Range {
    char32_t first;
    char32_t last;
};

// East Asian Wide and Fullwidth blocks (Unicode 15, coarse-grained where whole blocks are wide).
constexpr std::array k_wide_ranges = {
    Range{0x1100, 0x115F},   Range{0x231A, 0x231B},   Range{0x2329, 0x232A},
    Range{0x23E9, 0x23EC},   Range{0x23F0, 0x23F0},   Range{0x23F3, 0x23F3},
    Range{0x25FD, 0x25FE},   Range{0x2614, 0x2615},   Range{0x2648, 0x2653},
    Range{0x267F, 0x267F},   Range{0x2693, 0x2693},   Range{0x26A1, 0x26A1},
    Range{0x26AA, 0x26AB},   Range{0x26BD, 0x26BE},   Range{0x26C4, 0x26C5},
    Range{0x26CE, 0x26CE},   Range{0x26D4, 0x26D4},   Range{0x26EA, 0x26EA},
    Range{0x26F2, 0x26F3},   Range{0x26F5, 0x26F5},   Range{0x26FA, 0x26FA},
    Range{0x26FD, 0x26FD},   Range{0x2705, 0x2705},   Range{0x270A, 0x270B},
    Range{0x2728, 0x2728},   Range{0x274C, 0x274C},   Range{0x274E, 0x274E},
    Range{0x2753, 0x2755},   Range{0x2757, 0x2757},   Range{0x2795, 0x2797},
    Range{0x27B0, 0x27B0},   Range{0x27BF, 0x27BF},   Range{0x2B1B, 0x2B1C},
    Range{0x2B50, 0x2B50},   Range{0x2B55, 0x2B55},   Range{0x2E80, 0x303E},
    Range{0x3041, 0x33FF},   Range{0x3400, 0x4DBF},   Range{0x4E00, 0x9FFF},
    Range{0xA000, 0xA4CF},   Range{0xA960, 0xA97F},   Range{0xAC00, 0xD7A3},
    Range{0xF900, 0xFAFF},   Range{0xFE10, 0xFE19},   Range{0xFE30, 0xFE6F},
    Range{0xFF00, 0xFF60},   Range{0xFFE0, 0xFFE6},   Range{0x16FE0, 0x18CFF},
    Range{0x1B000, 0x1B2FF}, Range{0x1F004, 0x1F004}, Range{0x1F0CF, 0x1F0CF},
    Range{0x1F18E, 0x1F18E}, Range{0x1F191, 0x1F19A}, Range{0x1F200, 0x1F2FF},
    Range{0x1F300, 0x1F64F}, Range{0x1F680, 0x1F6FF}, Range{0x1F7E0, 0x1F7EB},
    Range{0x1F90C, 0x1F9FF}, Range{0x1FA70, 0x1FAFF}, Range{0x20000, 0x3FFFD},
};

bool in_ranges(char32_t cp, const auto& ranges) {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                               [](char32_t value, const Range& r) { return value < r.first; });
    return it != ranges.begin() && cp <= std::prev(it)->last;
}

bool is_zero_width(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritics
           (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space, joiners, marks
           (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
           (cp >= 0x1F3FB && cp <= 0x1F3FF) ||  // skin-tone modifiers join the emoji before
           (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x20E3;
}

int continuation_bytes(unsigned char lead, char32_t& cp) {
    if (lead < 0x80) return cp = lead, 0;
    if ((lead & 0xE0) == 0xC0) return cp = lead & 0x1F, 1;
    if ((lead & 0xF0) == 0xE0) return cp = lead & 0x0F, 2;
    if ((lead & 0xF8) == 0xF0) return cp = lead & 0x07, 3;
    return -1;
}

}  // namespace

char32_t next_code_point(std::string_view text, size_t& pos) {
    unsigned char lead = static_cast<unsigned char>(text[pos]);
    char32_t cp = 0;
    int extra = continuation_bytes(lead, cp);
    if (extra == 0) {
        ++pos;
        return cp;
    }
    if (extra < 0 || pos + static_cast<size_t>(extra) >= text.size()) {
        ++pos;
        return k_replacement;
    }
    for (int i = 1; i <= extra; ++i) {
        unsigned char c = static_cast<unsigned char>(text[pos + static_cast<size_t>(i)]);
        if ((c & 0xC0) != 0x80) {
            ++pos;
            return k_replacement;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    pos += static_cast<size_t>(extra) + 1;
    static constexpr char32_t k_min_for_length[] = {0, 0x80, 0x800, 0x10000};
    bool overlong = cp < k_min_for_length[extra];
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    return (overlong || surrogate || cp > 0x10FFFF) ? k_replacement : cp;
}

int code_point_width(char32_t cp) {
    if (cp == 0 || is_zero_width(cp)) return 0;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
    return in_ranges(cp, k_wide_ranges) ? 2 : 1;
}

namespace {

// The columns `cp` adds after a code point that took `previous` columns: VS16 asks for emoji
// presentation, which terminals draw two columns wide ("⚠️"), so it widens a narrow symbol.
int width_after(char32_t cp, int previous) {
    return cp == 0xFE0F && previous == 1 ? 1 : code_point_width(cp);
}

}  // namespace

int display_width(std::string_view text) {
    int width = 0;
    int previous = 0;
    for (size_t pos = 0; pos < text.size();) {
        previous = width_after(next_code_point(text, pos), previous);
        width += previous;
    }
    return width;
}

std::string truncate_to_width(std::string_view text, int columns) {
    if (display_width(text) <= columns) return std::string(text);
    if (columns <= 0) return {};
    std::string out;
    int width = 0;
    int previous = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t start = pos;
        previous = width_after(next_code_point(text, pos), previous);
        if (width + previous > columns - 1) break;  // keep one column for the ellipsis
        out.append(text.substr(start, pos - start));
        width += previous;
    }
    return out + "…";
}

std::string pad_to_width(std::string_view text, int columns) {
    std::string out = truncate_to_width(text, columns);
    int width = display_width(out);
    if (width < columns) out.append(static_cast<size_t>(columns - width), ' ');
    return out;
}

std::string first_line(std::string_view text) {
    std::string line(text.substr(0, text.find('\n')));
    std::replace(line.begin(), line.end(), '\t', ' ');
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    return line;
}

bool is_cjk(char32_t cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) ||    // kana
           (cp >= 0x3400 && cp <= 0x4DBF) ||    // Han extension A
           (cp >= 0x4E00 && cp <= 0x9FFF) ||    // Han
           (cp >= 0xAC00 && cp <= 0xD7A3) ||    // Hangul
           (cp >= 0xF900 && cp <= 0xFAFF) ||    // Han compatibility
           (cp >= 0x20000 && cp <= 0x3FFFD);   // Han extensions B and on
}

bool is_emoji(char32_t cp) {
    return (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x1F000 && cp <= 0x1F2FF) || (cp >= 0x2B00 && cp <= 0x2BFF);
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t basis) {
    std::uint64_t hash = basis;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    return hash;
}

std::string count_of(std::int64_t n, std::string_view singular, std::string_view plural) {
    return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += separator;
        out += parts[i];
    }
    return out;
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> parts;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = std::min(text.find(',', pos), text.size());
        std::string_view part = text.substr(pos, comma - pos);
        size_t first = part.find_first_not_of(" \t");
        size_t last = part.find_last_not_of(" \t");
        if (first != std::string_view::npos) parts.emplace_back(part.substr(first, last - first + 1));
        pos = comma + 1;
    }
    return parts;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        size_t start = pos;
        char32_t cp = next_code_point(text, pos);
        auto byte = static_cast<unsigned char>(text[start]);
        if (cp == k_replacement && pos == start + 1 && byte >= 0x80 && byte <= 0x9F) {
            out += "^[";  // a lone byte 0x80–0x9F: an 8-bit C1 control, which is ESC plus (byte − 0x40)
            out += static_cast<char>(byte - 0x40);
        } else if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f) {
            out += '^';
            out += static_cast<char>(cp == 0x7f ? '?' : cp + 0x40);
        } else if (cp >= 0x80 && cp <= 0x9F) {
            out += "^[";  // a C1 control (U+0080–U+009F) is ESC plus (its code − 0x40)
            out += static_cast<char>(cp - 0x40);
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

std::string_view skip_utf8_bom(std::string_view text) {
    constexpr std::string_view k_bom = "\xEF\xBB\xBF";
    return text.starts_with(k_bom) ? text.substr(k_bom.size()) : text;
}

std::string quote_input(std::string_view text) {
    size_t end = 0;  // the last code point boundary within the limit
    for (size_t pos = 0; pos < text.size() && pos <= k_max_quoted_input_bytes;) {
        next_code_point(text, pos);
        if (pos <= k_max_quoted_input_bytes) end = pos;
    }
    std::string out = "\"";
    for (char c : text.substr(0, end)) out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : std::string(1, c);
    return out + (end < text.size() ? "…\"" : "\"");
}

}  // namespace memeops::core
