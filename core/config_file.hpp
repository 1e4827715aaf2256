// The --config file as it was read: its path and text, kept so that every error about it names
// the file, the line, and the key path in plain words:
//   config /etc/memeops.json, line 4 : destinations[1].url must be a string, not an array
//   config /etc/memeops.json, line 3, column 19 : not valid JSON (near destinations[0].name)
// Readers of the file (core/settings, core/destinations) take their values through it, so each
// rule about a value is written once and reported the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace memeops::core {

class ConfigFile {
public:
    // A place in the file: ConfigFile::Path("/destinations/1/url").
    using Path = nlohmann::json::json_pointer;

    // No file: an empty object.
    ConfigFile() = default;

    // Reads and parses `path` (JSON nested at most k_max_json_depth). Throws Fatal naming the
    // file when it cannot be read, is not valid JSON (with the line and column), or is not an
    // object.
    static ConfigFile read(const std::string& path);

    const nlohmann::json& document() const { return m_document; }

    // The value at `at`; nullptr when it is absent or null.
    const nlohmann::json* find(const Path& at) const;

    // The string at `at`; nullopt when absent or null. Throws Fatal for any other type.
    std::optional<std::string> string(const Path& at) const;

    // The URL at `at` (an http or https URL with a host, core/url.hpp); nullopt when absent or
    // null. Throws Fatal for anything else. The URL itself never appears in the error.
    std::optional<std::string> url(const Path& at) const;

    // Throws Fatal: "config FILE, line N" (the line where the value at `at` begins, or of its
    // nearest parent that exists) : "<at> <problem>".
    [[noreturn]] void fail(const Path& at, const std::string& problem) const;

    // `at` as people read it: "destinations[1].url".
    std::string describe(const Path& at) const;

private:
    std::string m_path;
    std::string m_text;
    nlohmann::json m_document = nlohmann::json::object();
};

// "a number", "an array", … : what a JSON value is, for "must be a string, not an array".
std::string json_kind(const nlohmann::json& value);

}  // namespace memeops::core
