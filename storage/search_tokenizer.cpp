#include "storage/search_tokenizer.hpp"

#include <cstring>

#include "core/text.hpp"
#include "storage/sqlite.hpp"

namespace memeops::storage {
namespace {

using core::is_cjk;
using core::is_emoji;

enum class CharClass { word, cjk, emoji, separator };

CharClass classify(char32_t cp) {
    if (cp < 0x80) {
        bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        return (alnum || cp == '_') ? CharClass::word : CharClass::separator;
    }
    if (is_cjk(cp)) return CharClass::cjk;
    if (is_emoji(cp)) return CharClass::emoji;
    bool letter_block = (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
                        (cp >= 0x370 && cp <= 0x52F) || (cp >= 0x1E00 && cp <= 0x1FFF);
    return letter_block ? CharClass::word : CharClass::separator;
}

// A code point with where it sits in the text.
struct Glyph {
    char32_t cp;
    int start;
    int end;
};

// Emits tokens through `emit(text, colocated, start, end)`; stops early when it returns non-zero.
using Emit = std::function<int(std::string_view, bool, int, int)>;

int emit_word(std::string_view text, int start, int end, const Emit& emit) {
    std::string word(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    for (char& c : word)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return emit(word, false, start, end);
}

int emit_cjk_run(std::string_view text, const std::vector<Glyph>& run, TokenizeFor purpose,
                 const Emit& emit) {
    auto slice = [&](size_t from, size_t to) {
        return text.substr(static_cast<size_t>(run[from].start),
                           static_cast<size_t>(run[to].end - run[from].start));
    };
    if (run.size() == 1) return emit(slice(0, 0), false, run[0].start, run[0].end);
    for (size_t i = 0; i < run.size(); ++i) {
        bool has_pair = i + 1 < run.size();
        if (has_pair) {
            if (int rc = emit(slice(i, i + 1), false, run[i].start, run[i + 1].end)) return rc;
        }
        if (purpose == TokenizeFor::document) {
            if (int rc = emit(slice(i, i), has_pair, run[i].start, run[i].end)) return rc;
        }
    }
    return 0;
}

int tokenize(std::string_view text, TokenizeFor purpose, const Emit& emit) {
    std::vector<Glyph> cjk_run;
    int word_start = -1;
    size_t pos = 0;
    auto flush = [&](int here) -> int {
        int rc = 0;
        if (word_start >= 0) rc = emit_word(text, word_start, here, emit);
        word_start = -1;
        if (rc == 0 && !cjk_run.empty()) rc = emit_cjk_run(text, cjk_run, purpose, emit);
        cjk_run.clear();
        return rc;
    };
    while (pos < text.size()) {
        int start = static_cast<int>(pos);
        char32_t cp = core::next_code_point(text, pos);
        int end = static_cast<int>(pos);
        CharClass cls = classify(cp);
        if (cls == CharClass::word) {
            if (!cjk_run.empty())
                if (int rc = flush(start)) return rc;
            if (word_start < 0) word_start = start;
            continue;
        }
        if (cls == CharClass::cjk) {
            if (word_start >= 0)
                if (int rc = flush(start)) return rc;
            cjk_run.push_back({cp, start, end});
            continue;
        }
        if (int rc = flush(start)) return rc;
        if (cls == CharClass::emoji) {
            if (int rc = emit(text.substr(static_cast<size_t>(start), pos - static_cast<size_t>(start)),
                              false, start, end))
                return rc;
        }
    }
    return flush(static_cast<int>(text.size()));
}

// --- FTS5 glue -----------------------------------------------------------------------------

struct Fts5Instance {};

int create_instance(void*, const char**, int, Fts5Tokenizer** out) {
    *out = reinterpret_cast<Fts5Tokenizer*>(new Fts5Instance);
    return SQLITE_OK;
}

void delete_instance(Fts5Tokenizer* instance) { delete reinterpret_cast<Fts5Instance*>(instance); }

int tokenize_for_fts5(Fts5Tokenizer*, void* ctx, int flags, const char* text, int size,
                      int (*x_token)(void*, int, const char*, int, int, int)) {
    TokenizeFor purpose = (flags & FTS5_TOKENIZE_QUERY) ? TokenizeFor::query : TokenizeFor::document;
    std::string_view input(text ? text : "", static_cast<size_t>(size));
    return tokenize(input, purpose, [&](std::string_view token, bool colocated, int start, int end) {
        return x_token(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, token.data(),
                       static_cast<int>(token.size()), start, end);
    });
}

fts5_api* find_fts5_api(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

}  // namespace

void register_search_tokenizer(sqlite3* db) {
    fts5_api* api = find_fts5_api(db);
    if (!api || api->iVersion < 2) throw SqliteError(SQLITE_ERROR, "SQLite was built without FTS5");
    static fts5_tokenizer tokenizer{create_instance, delete_instance, tokenize_for_fts5};
    int rc = api->xCreateTokenizer(api, "memeops", nullptr, &tokenizer, nullptr);
    if (rc != SQLITE_OK) throw SqliteError(rc, "cannot register the search tokenizer");
}

std::vector<SearchToken> search_tokens(std::string_view text, TokenizeFor purpose) {
    std::vector<SearchToken> tokens;
    tokenize(text, purpose, [&](std::string_view token, bool colocated, int, int) {
        tokens.push_back({std::string(token), colocated});
        return 0;
    });
    return tokens;
}

}  // namespace memeops::storage
