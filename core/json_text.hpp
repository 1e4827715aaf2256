// JSON text written directly, without building a document first: for the small records the bot
// writes on every ingested event (a run's detector state, an epoch's metrics), where nlohmann's
// document (a std::map node and a string per member) and its serializer cost several times what
// writing the text does. What it writes parses back with core::parse_json to the same values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace memeops::core {

// One JSON object, member by member, in the order written. Keys and string values are escaped
// (quote, backslash and control characters; other UTF-8 is copied as it is, so it must be valid
// UTF-8, as all text parsed from JSON is). Numbers are written in the shortest form that reads
// back as the same double; a NaN or infinite number is written as null, as nlohmann writes it.
class JsonObjectText {
public:
    JsonObjectText() {
        m_text.reserve(512);  // a run's detector state fits
        m_text += '{';
    }

    JsonObjectText& number(std::string_view key, double value);
    JsonObjectText& integer(std::string_view key, std::int64_t value);
    JsonObjectText& boolean(std::string_view key, bool value);
    JsonObjectText& string(std::string_view key, std::string_view value);
    JsonObjectText& null(std::string_view key);
    // `json_text`: a whole JSON value written elsewhere (another JsonObjectText's text()).
    JsonObjectText& raw(std::string_view key, std::string_view json_text);

    // The object's text, closed: `{}` when nothing was written. The writer is spent after it.
    std::string text();

private:
    void key(std::string_view name);

    std::string m_text;
};

// Appends `value` to `out` as a JSON string: quoted, with `"`, `\` and control characters escaped.
void append_json_string(std::string& out, std::string_view value);

}  // namespace memeops::core
