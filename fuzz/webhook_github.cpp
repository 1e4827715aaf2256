// GitHub webhook deliveries as the bot maps them: the payload of every event kind it reacts to,
// then the mapped ci.pipeline event through validation, as the server does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/webhook_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // One third-party app is enabled so the check_suite path for apps is reached too.
    static const std::vector<std::string> check_apps{"circleci-checks"};
    auto github = [](const std::string& kind, const nlohmann::json& payload) {
        return memeops::bot::github_event(kind, payload, check_apps);
    };
    return memeops::fuzz::map_webhook(data, size, github,
                                      {"workflow_run", "check_suite", "workflow_job", "push", "ping"});
}
