#include <catch2/catch.hpp>

#include "meme/event.hpp"
#include "meme/reactions.hpp"

using memeops::meme::crash_reaction;
using memeops::meme::Event;

namespace {

Event crash(const std::string& text) {
    Event e;
    e.kind = "training.crash";
    e.run = "resnet-7";
    e.text = text;
    return e;
}

}  // namespace

TEST_CASE("meme::crash_reaction quotes the line of a traceback that names the error, not its first line") {
    auto caption = crash_reaction(crash("Traceback (most recent call last):\n"
                                        "  File \"train.py\", line 42, in <module>\n"
                                        "    loss.backward()\n"
                                        "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n\n"))
                       .caption;
    CHECK_THAT(caption.en, Catch::Contains("… RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"));
    CHECK_THAT(caption.zh, Catch::Contains("RuntimeError: CUDA out of memory"));
    CHECK_THAT(caption.en, !Catch::Contains("Traceback"));
}

TEST_CASE("meme::crash_reaction keeps a one-line error whole and takes a log's last line when none names an error") {
    CHECK_THAT(crash_reaction(crash("Killed")).caption.en, Catch::Contains("Killed") && !Catch::Contains("…"));
    CHECK_THAT(crash_reaction(crash("step 100\nstep 200\nstopped at step 250")).caption.en,
               Catch::Contains("… stopped at step 250"));
}
