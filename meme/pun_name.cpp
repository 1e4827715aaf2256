#include "meme/pun_name.hpp"

#include "core/text.hpp"
#include "templates/templates.hpp"

namespace memeops::meme {
namespace {

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned hex_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return static_cast<unsigned>(c - 'A' + 10);
}

// The 16 bits held by four hex digits starting at `pos`.
unsigned bits16(std::string_view sha, size_t pos) {
    unsigned value = 0;
    for (size_t i = pos; i < pos + 4; ++i) value = (value << 4) | hex_value(sha[i]);
    return value;
}

bool is_tag_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

std::string leetspeak(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
        switch (c) {
            case 'a': c = '4'; break;
            case 'e': c = '3'; break;
            case 'i': c = '1'; break;
            case 'o': c = '0'; break;
            default: break;
        }
    }
    return out;
}

std::optional<PunName> pun_name(std::string_view sha) {
    if (sha.size() != 40 && sha.size() != 64) return std::nullopt;
    for (char c : sha)
        if (!is_hex_digit(c)) return std::nullopt;
    const auto& tables = templates::embedded_json("puns.json");
    const auto& words = tables.at("leet_words");
    const auto& slang = tables.at("slang");
    std::string full = core::ascii_lower(sha);
    std::string prefix = full.substr(0, 8);
    std::string word = leetspeak(words.at(bits16(full, 8) % words.size()).get<std::string>());
    const auto& pick = slang.at(bits16(full, 12) % slang.size());

    PunName name;
    name.sha = full;
    name.tag = prefix + "-" + word + "-" + pick.at("pinyin").get<std::string>();
    name.display = pick.at("hanzi").get<std::string>() + " " + pick.at("emoji").get<std::string>() +
                   " " + prefix + "-" + word;
    name.docker_tag = name.tag;
    return name;
}

nlohmann::json to_json(const PunName& name) {
    return {{"sha", name.sha}, {"tag", name.tag}, {"display", name.display}, {"docker_tag", name.docker_tag}};
}

std::string first_free_tag(const PunName& names, const std::optional<std::string>& preferred,
                           const std::function<bool(const std::string&)>& taken) {
    if (preferred && !taken(*preferred)) return *preferred;
    for (int n = 1;; ++n) {
        std::string candidate = n == 1 ? names.tag : tag_with_suffix(names.tag, n);
        if (!taken(candidate)) return candidate;
    }
}

std::string tag_with_suffix(std::string_view tag, int n) {
    return std::string(tag) + "-" + std::to_string(n);
}

bool is_valid_tag(std::string_view text) {
    if (text.empty() || text.size() > 100) return false;
    if (!((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= '0' && text[0] <= '9'))) return false;
    for (char c : text)
        if (!is_tag_char(c)) return false;
    return true;
}

bool is_valid_docker_tag(std::string_view text) {
    if (text.empty() || text.size() > 128) return false;
    auto word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    if (!word(text[0])) return false;
    for (char c : text)
        if (!word(c) && c != '.' && c != '-') return false;
    return true;
}

}  // namespace memeops::meme
