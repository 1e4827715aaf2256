#include "cli/event_preview.hpp"

#include <iterator>

#include "core/error.hpp"

namespace memeops::cli {

StdinEvents read_stdin_events(Io& io) {
    std::string input{std::istreambuf_iterator<char>(*io.in), std::istreambuf_iterator<char>()};
    auto parsed = meme::parse_event_document(input);
    if (!parsed.ok()) throw core::Fatal("cannot read the event on stdin", parsed.error->message());
    StdinEvents out{std::move(parsed.value), {}};
    try {
        out.events = meme::parse_events(out.document, core::now_ms());
    } catch (const meme::InvalidEvent& e) {
        throw core::Fatal("invalid event", e.what());
    }
    return out;
}

std::unique_ptr<storage::Archive> preview_archive(Context& context) {
    if (auto existing = context.open_existing_archive()) return existing;
    return storage::Archive::open(":memory:");
}

}  // namespace memeops::cli
