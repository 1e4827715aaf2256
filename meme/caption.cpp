#include "meme/caption.hpp"

#include "meme/caption_templates.hpp"

namespace memeops::meme {
namespace {

// FNV-1a: small, stable across platforms and releases (std::hash is neither).
std::uint64_t stable_hash(const std::string& text) {
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

}  // namespace

std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
        size_t open = text.find('{', pos);
        size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
        if (close == std::string::npos) {
            out += text.substr(pos);
            break;
        }
        out += text.substr(pos, open - pos);
        auto it = values.find(text.substr(open + 1, close - open - 1));
        out += it != values.end() ? it->second : text.substr(open, close - open + 1);
        pos = close + 1;
    }
    return out;
}

Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values) {
    const auto& variants = caption_templates().at(reaction);
    const auto& chosen = variants.at(stable_hash(subject) % variants.size());
    return {fill_placeholders(chosen.at("zh").get<std::string>(), values),
            fill_placeholders(chosen.at("en").get<std::string>(), values)};
}

}  // namespace memeops::meme
