#include "templates/templates.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "core/json.hpp"
#include "core/settings.hpp"

namespace memeops::templates {

std::string_view embedded(std::string_view name) {
    for (const auto& file : embedded_files())
        if (file.name == name) return file.content;
    throw std::out_of_range("no built-in template named " + std::string(name));
}

const nlohmann::json& embedded_json(std::string_view name) {
    static std::mutex mutex;
    static std::map<std::string, nlohmann::json, std::less<>> parsed;
    std::lock_guard lock(mutex);
    auto it = parsed.find(name);
    if (it == parsed.end()) {
        auto document = core::parse_json(embedded(name));
        if (!document.ok())  // the build embeds files from templates/ as they are
            throw std::logic_error("built-in template " + std::string(name) + ": " + document.error->message());
        it = parsed.emplace(std::string(name), std::move(document.value)).first;
    }
    return it->second;
}

TemplateText in_force(std::string_view name) {
    if (auto folder = core::env("MEMEOPS_TEMPLATES")) {
        std::string path = *folder + "/" + std::string(name);
        if (std::ifstream in{path}) return {std::string(std::istreambuf_iterator<char>(in), {}), path};
    }
    return {std::string(embedded(name)), "templates/" + std::string(name)};
}

}  // namespace memeops::templates
