#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/log.hpp"

// The bot logs at info by default; the tests only want its warnings (MEMEOPS_LOG still wins).
int main(int argc, char* argv[]) {
    memeops::core::set_default_log_level(memeops::core::LogLevel::warn);
    return Catch::Session().run(argc, argv);
}
