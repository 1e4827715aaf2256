#include "core/repo_identity.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace memeops::core {
namespace {

// "user:pass@host:22" → "host"; "" for an IPv6 address without its closing "]" (no host: the
// colons left in it would read as an scp-like remote again).
std::string bare_host(std::string_view authority) {
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {  // [v6]:port
        size_t close = authority.find(']');
        return close == std::string_view::npos ? "" : ascii_lower(authority.substr(0, close + 1));
    }
    if (size_t colon = authority.find(':'); colon != std::string_view::npos) authority = authority.substr(0, colon);
    return ascii_lower(authority);
}

std::optional<std::string> join(const std::string& host, std::string_view path) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    path = without_git_suffix(path);
    if (host.empty() || path.empty()) return std::nullopt;
    return host + "/" + std::string(path);
}

// Whether `scheme` is one (RFC 3986: a letter, then letters, digits, "+", "-" or "."), so that
// "://" inside a path ("host/a:b://c", an identity) is not taken for one.
bool is_scheme(std::string_view scheme) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto other = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'; };
    return !scheme.empty() && letter(scheme.front()) && std::all_of(scheme.begin() + 1, scheme.end(), other);
}

// scheme://[user[:pass]@]host[:port]/path
std::optional<std::string> from_url_form(std::string_view url, size_t scheme_end) {
    std::string scheme = ascii_lower(url.substr(0, scheme_end));
    if (scheme == "file") return std::nullopt;
    std::string_view rest = url.substr(scheme_end + 3);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view path = rest.substr(slash);
    if (size_t cut = path.find_first_of("?#"); cut != std::string_view::npos) path = path.substr(0, cut);
    return join(bare_host(rest.substr(0, slash)), path);
}

// [user@]host:path, git's scp-like form; a colon after the first slash makes it a local path.
std::optional<std::string> from_scp_form(std::string_view url) {
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    if (colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon)) return std::nullopt;
    if (colon == 1) return std::nullopt;  // C:\ drive letters
    return join(bare_host(url.substr(0, colon)), url.substr(colon + 1));
}

}  // namespace

std::optional<std::string> normalize_remote_url(std::string_view url) {
    while (!url.empty() && (url.back() == ' ' || url.back() == '\n' || url.back() == '\r')) url.remove_suffix(1);
    if (url.empty() || url.front() == '/' || url.front() == '.' || url.front() == '~') return std::nullopt;
    if (size_t scheme = url.find("://"); scheme != std::string_view::npos && is_scheme(url.substr(0, scheme)))
        return from_url_form(url, scheme);
    return from_scp_form(url);
}

std::string repo_identity(std::string_view repo) {
    if (auto remote = normalize_remote_url(repo)) return *remote;
    return std::string(repo);
}

std::string_view without_git_suffix(std::string_view path) {
    auto trim_slashes = [&] {
        while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    };
    trim_slashes();
    if (path.size() > 4 && path.ends_with(".git")) path.remove_suffix(4);
    trim_slashes();
    return path;
}

std::string repo_short_name(std::string_view identity) {
    identity = without_git_suffix(identity);
    size_t cut = identity.find_last_of("/:\\");
    return std::string(cut == std::string_view::npos ? identity : identity.substr(cut + 1));
}

bool is_path_identity(std::string_view identity) {
    return !identity.empty() && (identity.front() == '/' || identity.front() == '\\' ||
                                 (identity.size() > 2 && identity[1] == ':' && identity[2] == '\\'));
}

}  // namespace memeops::core
