// Caption rendering: a reaction's template filled with values from events and git (a run name,
// a branch, a commit message), the template tidying, and metric formatting.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "meme/caption.hpp"
#include "meme/caption_templates.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const auto& reactions = memeops::meme::required_reactions();
    std::string reaction = reactions[input.ConsumeIntegralInRange<size_t>(0, reactions.size() - 1)];
    std::map<std::string, std::string> values;
    for (const auto& name : memeops::meme::known_placeholders())
        if (input.ConsumeBool()) values[name] = input.ConsumeRandomLengthString(200);
    (void)memeops::meme::format_metric(input.ConsumeFloatingPoint<double>(), input.ConsumeBool());
    std::string subject = input.ConsumeRandomLengthString(200);
    (void)memeops::meme::render_caption(reaction, subject, values);
    std::string text = input.ConsumeRemainingBytesAsString();
    (void)memeops::meme::fill_template(text, values);
    (void)memeops::meme::tidy_caption(text);
    return 0;
}
