// What a person types after `memeops search` (or in the bot's /v1/search?q=), read the way grep
// and GitHub search users expect, and turned into an FTS5 MATCH expression.
//
// The syntax: words separated by white space all have to match, each as a word prefix
// ("weight" finds "weights"; a trailing `*` says the same and is dropped); "double quotes" make
// a phrase whose words must appear whole and in that order (a quote left open runs to the end);
// a leading `-` excludes entries with that word or phrase. Chinese and other CJK text goes
// through the archive's own tokenizer (storage/search_tokenizer.hpp) like everything else.
//
// The expression never carries user text as FTS5 syntax: every term is an FTS5 string with its
// double quotes doubled, so operators such as OR, NEAR( or ^ typed by a user are plain words.
// The caller binds the expression as an SQL parameter.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace memeops::storage {

// A query that cannot be run: nothing to search for, or only exclusions. what() is for people.
class SearchQueryError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct SearchTerm {
    std::string text;       // as typed, without the quotes, the leading `-` or trailing `*`
    bool phrase = false;    // typed in double quotes: whole words, in order
    bool excluded = false;  // typed with a leading `-`
};

// The terms of `user_text`, in order. A NUL byte counts as white space. Terms with nothing the
// tokenizer indexes ("...", a lone "-" or "*") are left out.
std::vector<SearchTerm> parse_search_query(std::string_view user_text);

// The FTS5 MATCH expression for `user_text`: `"a"* AND "b c"` with the exclusions as
// `(…) NOT ("d"* OR …)`. Throws SearchQueryError when no term is left, or all are exclusions.
std::string search_match_expression(std::string_view user_text);

}  // namespace memeops::storage
