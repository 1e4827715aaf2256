#include "core/json_text.hpp"

#include <charconv>
#include <cmath>

namespace memeops::core {

namespace {

bool needs_escape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

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

void append_json_string(std::string& out, std::string_view value) {
    out += '"';
    size_t plain = 0;  // start of the run of characters copied as they are
    for (size_t i = 0; i < value.size(); ++i) {
        if (!needs_escape(value[i])) continue;
        out.append(value, plain, i - plain);
        append_escaped(out, value[i]);
        plain = i + 1;
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
