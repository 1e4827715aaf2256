#include "core/config_file.hpp"

#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/url.hpp"

namespace memeops::core {
namespace {

std::string subject(const std::string& path) { return "config " + path; }

// The problem of a syntax error without its own " (line L, column C)": the subject says where.
std::string without_position(const JsonError& error) {
    std::string suffix = " (line " + std::to_string(error.line) + ", column " + std::to_string(error.column) + ")";
    const std::string& problem = error.problem;
    if (problem.ends_with(suffix)) return problem.substr(0, problem.size() - suffix.size());
    return problem;
}

}  // namespace

std::string json_kind(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::object: return "an object";
        case nlohmann::json::value_t::array: return "an array";
        case nlohmann::json::value_t::string: return "a string";
        case nlohmann::json::value_t::boolean: return "true or false";
        case nlohmann::json::value_t::null: return "null";
        default: return "a number";
    }
}

ConfigFile ConfigFile::read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Fatal(subject(path), "no such file or not readable");
    ConfigFile file;
    file.m_path = path;
    file.m_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    auto parsed = parse_json(file.m_text);
    if (const auto& error = parsed.error) {
        if (error->line == 0) throw Fatal(subject(path), error->message());
        std::string near = error->field.empty() ? "" : " (near " + error->field + ")";
        throw Fatal(subject(path) + ", line " + std::to_string(error->line) + ", column " + std::to_string(error->column),
                    without_position(*error) + near);
    }
    file.m_document = std::move(parsed.value);
    if (!file.m_document.is_object())
        throw Fatal(subject(path), "must be a JSON object ({…}), not " + json_kind(file.m_document));
    return file;
}

const nlohmann::json* ConfigFile::find(const Path& at) const {
    if (!m_document.contains(at)) return nullptr;
    const nlohmann::json& value = m_document.at(at);
    return value.is_null() ? nullptr : &value;
}

std::optional<std::string> ConfigFile::string(const Path& at) const {
    const nlohmann::json* value = find(at);
    if (!value) return std::nullopt;
    if (!value->is_string()) fail(at, "must be a string, not " + json_kind(*value));
    return value->get<std::string>();
}

std::optional<std::string> ConfigFile::url(const Path& at) const {
    auto text = string(at);
    if (text && !parse_url(*text))
        fail(at, "must be an http or https URL with a host, like https://hooks.slack.com/services/…");
    return text;
}

void ConfigFile::fail(const Path& at, const std::string& problem) const {
    Path located = at;
    std::optional<JsonPosition> position;
    while (!(position = json_value_position(m_text, located)) && !located.empty()) located = located.parent_pointer();
    std::string where = position ? ", line " + std::to_string(position->line) : "";
    throw Fatal(subject(m_path) + where, describe(at) + " " + problem);
}

std::string ConfigFile::describe(const Path& at) const {
    if (at.empty()) return "the file";
    Path parent = at.parent_pointer();
    bool in_array = m_document.contains(parent) && m_document.at(parent).is_array();
    std::string head = parent.empty() ? "" : describe(parent);
    return in_array ? head + "[" + at.back() + "]" : head + (head.empty() ? "" : ".") + at.back();
}

}  // namespace memeops::core
