#include "templates/templates.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "core/json.hpp"

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

}  // namespace memeops::templates
