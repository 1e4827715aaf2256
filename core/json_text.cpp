#include "core/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace memeops::core {

namespace {

constexpr char32_t k_replacement_character = 0xFFFD;
constexpr std::string_view k_replacement_utf8 = "\xEF\xBF\xBD";

// The bytes written as they are without a further look: ASCII that needs no escape. Names and
// most values are nothing else, so the loop below passes them one table lookup a byte.
constexpr std::array<bool, 256> k_plain_ascii = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
    return plain;
}();

void append_escaped(std::string& out, char c) {
    static constexpr char k_hex[] = "0123456789abcdef";
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default: {
        auto byte = static_cast<unsigned char>(c);
        char code[] = {'\\', 'u', '0', '0', k_hex[byte >> 4], k_hex[byte & 0xF]};
        out.append(code, sizeof code);
    }
    }
}

}  // namespace

// Callers pass UTF-8 (the header's contract); bytes that are not UTF-8 anyway (a CSV header in
// Latin-1, say) are written as U+FFFD, one per sequence core::next_code_point rejects, so what is
// stored always reads back as JSON.
void append_json_string(std::string& out, std::string_view value) {
    out += '"';
    size_t plain = 0;  // start of the run of bytes copied as they are
    for (size_t i = 0; i < value.size();) {
        if (k_plain_ascii[static_cast<unsigned char>(value[i])]) {
            ++i;
            continue;
        }
        size_t start = i;
        if (static_cast<unsigned char>(value[i]) < 0x80) {  // a quote, a backslash or a control
            out.append(value, plain, start - plain);
            append_escaped(out, value[start]);
            plain = ++i;
            continue;
        }
        bool replaced = next_code_point(value, i) == k_replacement_character &&
                        value.substr(start, i - start) != k_replacement_utf8;
        if (replaced) {
            out.append(value, plain, start - plain);
            out += "\\ufffd";
            plain = i;
        }
    }
    out.append(value, plain);
    out += '"';
}

void JsonObjectText::key(std::string_view name) {
    if (m_text.size() > 1) m_text += ',';
    append_json_string(m_text, name);
    m_text += ':';
}

JsonObjectText& JsonObjectText::number(std::string_view name, double value) {
    if (!std::isfinite(value)) return null(name);
    key(name);
    char digits[32];  // the shortest round-trip form of any double fits in 24
    auto written = std::to_chars(digits, digits + sizeof digits, value);
    m_text.append(digits, written.ptr);
    return *this;
}

JsonObjectText& JsonObjectText::integer(std::string_view name, std::int64_t value) {
    key(name);
    char digits[24];
    auto written = std::to_chars(digits, digits + sizeof digits, value);
    m_text.append(digits, written.ptr);
    return *this;
}

JsonObjectText& JsonObjectText::boolean(std::string_view name, bool value) {
    key(name);
    m_text += value ? "true" : "false";
    return *this;
}

JsonObjectText& JsonObjectText::string(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(m_text, value);
    return *this;
}

JsonObjectText& JsonObjectText::null(std::string_view name) {
    key(name);
    m_text += "null";
    return *this;
}

JsonObjectText& JsonObjectText::raw(std::string_view name, std::string_view json_text) {
    key(name);
    m_text += json_text;
    return *this;
}

std::string JsonObjectText::text() {
    m_text += '}';
    return std::move(m_text);
}

}  // namespace memeops::core
