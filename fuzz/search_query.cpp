// What a person types after `memeops search` (or the bot's /v1/search?q=): the tokens, the FTS5
// MATCH expression built from them, and that expression run by SQLite on an archive. Any text
// must give a valid expression or a storage::SearchQueryError (nothing to find): a
// storage::SqliteError here is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/archive.hpp"
#include "storage/search_query.hpp"
#include "storage/search_tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto archive = memeops::storage::Archive::open(":memory:");
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)memeops::storage::search_tokens(text, memeops::storage::TokenizeFor::document);
    (void)memeops::storage::search_tokens(text, memeops::storage::TokenizeFor::query);
    (void)memeops::storage::parse_search_query(text);
    try {
        (void)archive->search(text, 5);
    } catch (const memeops::storage::SearchQueryError&) {
    }
    return 0;
}
