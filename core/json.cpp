#include "core/json.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace memeops::core {
namespace {

using nlohmann::json;

// nlohmann's number-overflow error ("number overflow parsing '1e400'"), an out_of_range error.
constexpr int k_number_overflow_id = 406;
// How many parts of a field's path an error names before "…", and how many columns of a key
// (a key may be as long as the body, and errors go back to whoever sent it).
constexpr size_t k_max_path_parts = 4;
constexpr int k_max_key_columns = 40;

// 1-based line and column of byte `offset` of `text`.
std::pair<size_t, size_t> line_and_column(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') ++line, line_start = i + 1;
    return {line, offset - line_start + 1};
}

// nlohmann's own SAX parser builds the document without recursion; this one lets it, while
// keeping the path to the value being read (for error messages) and refusing a container that
// would nest deeper than the limit before it is built. nlohmann exposes the DOM builder only in
// its detail namespace; it is the same one json::parse uses.
class LimitedDepthParser {
public:
    // `text` is the document being parsed, for line and column numbers; it must outlive this.
    LimitedDepthParser(json& root, std::string_view text, size_t max_depth)
        : m_dom(root, /*allow_exceptions=*/false), m_text(text), m_max_depth(max_depth) {}

    bool null() { return value() && m_dom.null(); }
    bool boolean(bool v) { return value() && m_dom.boolean(v); }
    bool number_integer(json::number_integer_t v) { return value() && m_dom.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return value() && m_dom.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) { return value() && m_dom.number_float(v, s); }
    bool string(json::string_t& v) { return value() && m_dom.string(v); }
    bool binary(json::binary_t& v) { return value() && m_dom.binary(v); }
    bool start_object(size_t size) { return open(false) && m_dom.start_object(size); }
    bool start_array(size_t size) { return open(true) && m_dom.start_array(size); }
    bool key(json::string_t& k) {
        m_frames.back().key = k;
        return m_dom.key(k);
    }
    bool end_object() { return close() && m_dom.end_object(); }
    bool end_array() { return close() && m_dom.end_array(); }

    // `position` is the byte after the last one read. A number out of range is the whole
    // `token`, and the error points at its start; a syntax error points at the byte where it
    // went wrong, as nlohmann's own messages do (its `token` then holds more than the token).
    bool parse_error(size_t position, const std::string& token, const nlohmann::detail::exception& e) {
        bool overflow = e.id == k_number_overflow_id;
        size_t offset = position - std::min(position, overflow ? token.size() : 1);
        auto [line, column] = line_and_column(m_text, offset);
        std::string where = " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
        m_error = JsonError{path(), (overflow ? "number " + token + " is out of range" : "not valid JSON") + where,
                            line, column};
        return false;
    }

    std::optional<JsonError> take_error() { return std::move(m_error); }

private:
    struct Frame {
        bool array = false;
        size_t elements = 0;  // arrays: the elements begun so far
        std::string key;      // objects: the last key read
    };

    // A value begins: in an array it is the next element.
    bool value() {
        if (!m_frames.empty() && m_frames.back().array) ++m_frames.back().elements;
        return true;
    }

    bool open(bool array) {
        if (m_frames.size() >= m_max_depth) {
            m_error = JsonError{path(), "nested deeper than " + std::to_string(m_max_depth) +
                                            " levels of arrays and objects (the limit)", 0, 0};
            return false;
        }
        value();
        m_frames.push_back({array, 0, {}});
        return true;
    }

    bool close() {
        m_frames.pop_back();
        return true;
    }

    // The path to the value being read: outer arrays name the element begun, the innermost one
    // the element that would come next.
    std::string path() const {
        std::string out;
        for (size_t i = 0; i < m_frames.size(); ++i) {
            if (i == k_max_path_parts) return out + "…";
            const Frame& frame = m_frames[i];
            bool innermost = i + 1 == m_frames.size();
            if (frame.array) out += "[" + std::to_string(frame.elements - (innermost || frame.elements == 0 ? 0 : 1)) + "]";
            else if (!frame.key.empty()) out += (out.empty() ? "" : ".") + truncate_to_width(frame.key, k_max_key_columns);
        }
        return out;
    }

    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    std::string_view m_text;
    size_t m_max_depth;
    std::vector<Frame> m_frames;
    std::optional<JsonError> m_error;
};

// --- Finding a value in a document that parsed --------------------------------------------

constexpr std::string_view k_json_space = " \t\r\n";

size_t skip_space(std::string_view text, size_t pos) {
    while (pos < text.size() && k_json_space.find(text[pos]) != std::string_view::npos) ++pos;
    return pos;
}

// Past the string that begins at `pos` (its opening quote).
size_t skip_string(std::string_view text, size_t pos) {
    for (++pos; pos < text.size(); ++pos) {
        if (text[pos] == '\\') ++pos;
        else if (text[pos] == '"') return pos + 1;
    }
    return text.size();
}

// Past the value that begins at `pos`. Counts brackets instead of recursing: the document
// parsed, so they are balanced outside strings.
size_t skip_value(std::string_view text, size_t pos) {
    if (text[pos] == '"') return skip_string(text, pos);
    if (text[pos] != '{' && text[pos] != '[') {
        while (pos < text.size() && std::string_view(",]} \t\r\n").find(text[pos]) == std::string_view::npos) ++pos;
        return pos;
    }
    size_t depth = 0;
    while (pos < text.size()) {
        char c = text[pos];
        if (c == '"') {
            pos = skip_string(text, pos);
            continue;
        }
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
        ++pos;
    }
    return text.size();
}

// Where the member `token` of the object (or element of the array) at `pos` begins.
std::optional<size_t> child_offset(std::string_view text, size_t pos, const std::string& token) {
    bool array = text[pos] == '[';
    if (!array && text[pos] != '{') return std::nullopt;
    std::optional<size_t> found;
    size_t index = 0;
    pos = skip_space(text, pos + 1);
    while (pos < text.size() && text[pos] != '}' && text[pos] != ']') {
        bool match = false;
        if (array) {
            match = std::to_string(index++) == token;
        } else {
            size_t key_end = skip_string(text, pos);
            json key = json::parse(text.substr(pos, key_end - pos), nullptr, /*allow_exceptions=*/false);
            match = key.is_string() && key.get<std::string>() == token;
            pos = skip_space(text, skip_space(text, key_end) + 1);  // past the ':'
        }
        if (match) found = pos;
        if (match && array) break;
        pos = skip_space(text, skip_value(text, pos));
        if (pos < text.size() && text[pos] == ',') pos = skip_space(text, pos + 1);
    }
    return found;
}

// The reference tokens of `pointer`, unescaped ("/a~1b/0" → "a/b", "0").
std::vector<std::string> pointer_tokens(const json::json_pointer& pointer) {
    std::vector<std::string> tokens;
    std::string text = pointer.to_string();
    for (size_t pos = 0; pos < text.size();) {
        size_t end = std::min(text.find('/', pos + 1), text.size());
        std::string token = text.substr(pos + 1, end - pos - 1);
        for (size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i)
            token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
        tokens.push_back(std::move(token));
        pos = end;
    }
    return tokens;
}

}  // namespace

std::optional<JsonPosition> json_value_position(std::string_view text, const json::json_pointer& at) {
    size_t pos = skip_space(text, 0);
    if (pos >= text.size()) return std::nullopt;
    for (const auto& token : pointer_tokens(at)) {
        auto child = child_offset(text, pos, token);
        if (!child || *child >= text.size()) return std::nullopt;
        pos = *child;
    }
    auto [line, column] = line_and_column(text, pos);
    return JsonPosition{line, column};
}

std::string JsonError::message() const { return field.empty() ? problem : field + ": " + problem; }

ParsedJson parse_json(std::string_view text, size_t max_depth) {
    ParsedJson out;
    json root;
    LimitedDepthParser parser(root, text, max_depth);
    if (json::sax_parse(text, &parser, json::input_format_t::json, /*strict=*/true)) {
        out.value = std::move(root);
        return out;
    }
    out.error = parser.take_error();
    if (!out.error) out.error = JsonError{"", "not valid JSON", 0, 0};
    return out;
}

}  // namespace memeops::core
