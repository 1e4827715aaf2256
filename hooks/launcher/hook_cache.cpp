#include "hooks/launcher/hook_cache.hpp"

#include <algorithm>

#include "core/glob.hpp"
#include "core/text.hpp"

namespace memeops::hooks::launcher {
namespace {

constexpr std::string_view k_snapshot_prefix = "snapshot ";
constexpr size_t k_sha_length = 40;

bool is_sha(std::string_view text) {
    return text.size() == k_sha_length &&
           std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Splits off the next line (without its '\n'); false at the end of the text.
bool next_line(std::string_view& text, std::string_view& line) {
    if (text.empty()) return false;
    size_t end = text.find('\n');
    line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    return true;
}

std::optional<ModelSnapshot> parse_snapshot(std::string_view header, std::string_view rest) {
    if (!header.starts_with(k_snapshot_prefix)) return std::nullopt;
    ModelSnapshot snapshot{std::string(header.substr(k_snapshot_prefix.size())), {}};
    if (!is_sha(snapshot.commit)) return std::nullopt;
    std::string_view line;
    while (next_line(rest, line)) {
        if (line.size() < k_sha_length + 2 || line[k_sha_length] != ' ') return std::nullopt;
        std::string_view blob = line.substr(0, k_sha_length);
        if (!is_sha(blob)) return std::nullopt;
        snapshot.files.push_back({std::string(line.substr(k_sha_length + 1)), std::string(blob)});
    }
    bool sorted = std::is_sorted(snapshot.files.begin(), snapshot.files.end(),
                                 [](const PathBlob& a, const PathBlob& b) { return a.path < b.path; });
    if (!sorted) return std::nullopt;
    return snapshot;
}

}  // namespace

std::string format_hook_cache(const HookCache& cache) {
    std::string text = cache.policy + "\n" + cache.patterns + "\n";
    if (!cache.snapshot) return text;
    std::string files;
    for (const auto& file : cache.snapshot->files) {
        if (file.path.find('\n') != std::string::npos) return text;
        files += file.blob + " " + file.path + "\n";
    }
    return text + std::string(k_snapshot_prefix) + cache.snapshot->commit + "\n" + files;
}

std::optional<HookCache> parse_hook_cache(std::string_view text) {
    HookCache cache;
    std::string_view policy, patterns, header;
    if (!next_line(text, policy) || !next_line(text, patterns)) return std::nullopt;
    cache.policy = policy;
    cache.patterns = patterns;
    if (next_line(text, header)) cache.snapshot = parse_snapshot(header, text);
    return cache;
}

bool is_version_path(std::string_view patterns, std::string_view path) {
    for (const auto& pattern : core::split_commas(patterns))
        if (core::glob_match(pattern, path)) return true;
    return false;
}

}  // namespace memeops::hooks::launcher
