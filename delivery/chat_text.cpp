#include "delivery/chat_text.hpp"

#include <cctype>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <memory>
#include <vector>

#include "core/text.hpp"

namespace memeops::delivery {
namespace {

struct BreakIteratorClose {
    void operator()(UBreakIterator* it) const { ubrk_close(it); }
};
struct TextClose {
    void operator()(UText* text) const { utext_close(text); }
};

// The byte offsets at which `text` (valid UTF-8) may be cut: the ends of its grapheme clusters
// (ICU's extended grapheme clusters, Unicode's UAX #29).
std::vector<size_t> cluster_ends(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UText, TextClose> utext(
        utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status));
    std::unique_ptr<UBreakIterator, BreakIteratorClose> it(ubrk_open(UBRK_CHARACTER, nullptr, nullptr, 0, &status));
    if (U_SUCCESS(status)) ubrk_setUText(it.get(), utext.get(), &status);
    std::vector<size_t> ends;
    if (U_FAILURE(status)) {  // no break data: code points at least never split a character
        for (size_t pos = 0; pos < text.size();) core::next_code_point(text, pos), ends.push_back(pos);
        return ends;
    }
    ubrk_first(it.get());
    for (int32_t end = ubrk_next(it.get()); end != UBRK_DONE; end = ubrk_next(it.get())) ends.push_back(static_cast<size_t>(end));
    return ends;
}

bool hidden_format_character(char32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

bool control_character(char32_t c) { return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F); }

}  // namespace

bool url_starts_at(std::string_view text, size_t pos) {
    if (pos > 0 && !std::isspace(static_cast<unsigned char>(text[pos - 1]))) return false;
    return text.substr(pos, 8) == "https://" || text.substr(pos, 7) == "http://";
}

size_t utf16_length(std::string_view text) {
    size_t units = 0;
    for (size_t pos = 0; pos < text.size();) units += core::next_code_point(text, pos) >= 0x10000 ? 2 : 1;
    return units;
}

std::string cut_escaped(std::string_view text, size_t limit, const Escape& escape) {
    auto escaped = [&](size_t bytes) { return escape ? escape(text.substr(0, bytes)) : std::string(text.substr(0, bytes)); };
    std::string whole = escaped(text.size());
    if (utf16_length(whole) <= limit) return whole;
    if (limit == 0) return "";
    // The most whole clusters whose prefix, escaped as one text (so a link in it stays one
    // link), leaves a unit for the ellipsis. The escaped length grows with the prefix: a
    // binary search over the cluster ends.
    auto ends = cluster_ends(text);
    size_t kept = 0, too_many = ends.size() + 1;
    while (too_many - kept > 1) {
        size_t mid = (kept + too_many) / 2;
        if (utf16_length(escaped(ends[mid - 1])) <= limit - 1) kept = mid;
        else too_many = mid;
    }
    return (kept ? escaped(ends[kept - 1]) : std::string()) + "…";
}

std::string cut_to(std::string_view text, size_t limit) { return cut_escaped(text, limit, nullptr); }

std::string chat_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        char32_t c = core::next_code_point(text, pos);
        if (c == '\t') c = ' ';
        if (control_character(c) || hidden_format_character(c)) continue;
        core::append_utf8(out, c);
    }
    return out;
}

}  // namespace memeops::delivery
