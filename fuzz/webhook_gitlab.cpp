// GitLab webhook deliveries as the bot maps them: the payload of every event kind it reacts to,
// then the mapped ci.pipeline event through validation, as the server does.
#include <cstddef>
#include <cstdint>

#include "fuzz/webhook_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return memeops::fuzz::map_webhook(data, size, memeops::bot::gitlab_event,
                                      {"Pipeline Hook", "Job Hook", "Build Hook", "Push Hook"});
}
