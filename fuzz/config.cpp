// The --config file as every command reads it: the layered settings, the destinations and
// routes, and the detectors' thresholds. Bad input may only end in core::Fatal (the file or a
// destination named) or std::invalid_argument (a threshold named).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/destinations.hpp"
#include "core/error.hpp"
#include "core/settings.hpp"
#include "meme/detectors.hpp"

namespace {

// The file the input is written to: one per fuzzing process, in memory where /dev/shm exists.
const std::string& config_path() {
    static const std::string path =
        (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/memeops-fuzz-config-") +
        std::to_string(getpid()) + ".json";
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::ofstream(config_path(), std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                          static_cast<std::streamsize>(size));
    try {
        memeops::core::Settings settings(nullptr, config_path());
        (void)settings.archive_path(std::nullopt);
        (void)settings.lookup(memeops::core::k_bot_url_setting, std::nullopt);
        for (const auto& destination : memeops::core::configured_destinations(settings))
            (void)memeops::core::routes_for({destination}, "training.nan", 0);
        (void)memeops::meme::thresholds_from_json(settings.config_file().value("detectors", nlohmann::json()));
    } catch (const memeops::core::Fatal&) {
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
