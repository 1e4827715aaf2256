#include "storage/search_query.hpp"

#include "storage/search_tokenizer.hpp"

namespace memeops::storage {
namespace {

constexpr std::string_view k_white_space{" \t\r\n\0", 5};

bool is_white_space(char c) { return k_white_space.find(c) != std::string_view::npos; }

// Reads one term starting at `pos` (not white space); moves `pos` past it.
SearchTerm read_term(std::string_view text, size_t& pos) {
    SearchTerm term;
    if (text[pos] == '-') {
        term.excluded = true;
        ++pos;
    }
    if (pos < text.size() && text[pos] == '"') {
        term.phrase = true;
        size_t close = text.find('"', pos + 1);
        size_t end = close == std::string_view::npos ? text.size() : close;
        term.text = text.substr(pos + 1, end - pos - 1);
        pos = close == std::string_view::npos ? end : close + 1;
        // A NUL inside an FTS5 string would end FTS5's reading of it ("unterminated string").
        for (char& c : term.text)
            if (c == '\0') c = ' ';
        return term;
    }
    size_t end = pos;
    while (end < text.size() && !is_white_space(text[end])) ++end;
    term.text = text.substr(pos, end - pos);
    pos = end;
    while (!term.text.empty() && term.text.back() == '*') term.text.pop_back();
    return term;
}

// `term` as an FTS5 string (double quotes doubled), a word as a prefix.
std::string fts5_string(const SearchTerm& term) {
    std::string quoted = "\"";
    for (char c : term.text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    return term.phrase ? quoted : quoted + "*";
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
    return out;
}

}  // namespace

std::vector<SearchTerm> parse_search_query(std::string_view user_text) {
    std::vector<SearchTerm> terms;
    size_t pos = 0;
    while (pos < user_text.size()) {
        if (is_white_space(user_text[pos])) {
            ++pos;
            continue;
        }
        SearchTerm term = read_term(user_text, pos);
        if (!search_tokens(term.text, TokenizeFor::query).empty()) terms.push_back(std::move(term));
    }
    return terms;
}

std::string search_match_expression(std::string_view user_text) {
    std::vector<std::string> wanted, excluded;
    for (const auto& term : parse_search_query(user_text))
        (term.excluded ? excluded : wanted).push_back(fts5_string(term));
    if (wanted.empty() && !excluded.empty())
        throw SearchQueryError("the search only excludes (-word): add a word or phrase to find");
    if (wanted.empty())
        throw SearchQueryError("nothing to search for: give words, numbers, Chinese or emoji");
    std::string expression = joined(wanted, " AND ");
    if (excluded.empty()) return expression;
    return "(" + expression + ") NOT (" + joined(excluded, " OR ") + ")";
}

}  // namespace memeops::storage
