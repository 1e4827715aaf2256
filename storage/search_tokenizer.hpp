// The FTS5 tokenizer behind `memeops search`, registered as "memeops" on every archive connection.
//
// Words of Latin-like scripts become lower-cased tokens, as in FTS5's own tokenizers. Chinese (and
// Japanese, Korean) has no spaces, and SQLite's trigram tokenizer cannot find words shorter than
// three characters, so a run of CJK characters is indexed as overlapping bigrams with each single
// character at the same position: "头秃了" indexes 头秃 (+头), 秃了 (+秃), 了. A query of two or
// more characters becomes a phrase of its bigrams ("绝绝子" → "绝绝 绝子"), a single character
// matches itself. Each emoji is a token of its own, so "💯" finds memes too.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::storage {

// Registers the tokenizer on `db`. Throws SqliteError when FTS5 is not available.
void register_search_tokenizer(sqlite3* db);

// One token as the tokenizer emits it: `colocated` means it shares the previous token's position.
struct SearchToken {
    std::string text;
    bool colocated;
};

enum class TokenizeFor { document, query };

// The tokens of `text`, exactly as FTS5 receives them (exposed for tests).
std::vector<SearchToken> search_tokens(std::string_view text, TokenizeFor purpose);

}  // namespace memeops::storage
