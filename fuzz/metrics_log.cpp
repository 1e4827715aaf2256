// `memeops replay`'s input: a Keras CSVLogger file or JSON lines of training.epoch events, then
// what replay does with it (the training detectors and their captions). Bad input may only end
// in the std::runtime_error that names its line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "meme/caption.hpp"
#include "meme/detectors.hpp"
#include "meme/metrics_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    memeops::meme::MetricsLog log;
    try {
        log = memeops::meme::parse_metrics_log(text);
    } catch (const std::runtime_error&) {
        return 0;
    }
    memeops::meme::TrainingDetector detector;
    for (const auto& epoch : log.epochs)
        for (const auto& detection : detector.feed(epoch))
            (void)memeops::meme::detection_caption(detection, log.run.value_or("run"),
                                                   memeops::meme::sparkline(detector.series(detection.metric)));
    return 0;
}
