#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <optional>
#include <mutex>

#include "core/destinations.hpp"
#include "core/settings.hpp"
#include "core/time.hpp"

namespace memeops::core {
namespace {

const char* level_name(LogLevel level) {
    static const char* k_names[] = {"debug", "info", "warn", "error", "off"};
    return k_names[static_cast<int>(level)];
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) return true;
    for (char c : value)
        if (c == ' ' || c == '"' || c == '=' || c == '\t' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

std::string quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') out += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20) out += '?';
        else out += c;
    }
    return out + "\"";
}

}  // namespace

std::atomic<LogLevel> g_default_level{LogLevel::info};

LogLevel log_level() {
    static const std::optional<LogLevel> configured = []() -> std::optional<LogLevel> {
        std::string name = env("MEMEOPS_LOG").value_or("");
        for (int l = 0; l <= 4; ++l)
            if (name == level_name(static_cast<LogLevel>(l))) return static_cast<LogLevel>(l);
        return std::nullopt;
    }();
    return configured.value_or(g_default_level.load());
}

void set_default_log_level(LogLevel level) { g_default_level = level; }

std::string redact_urls(std::string_view text) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t found = text.find("://", pos);
        if (found == std::string_view::npos) break;
        size_t start = found;
        while (start > pos && std::isalpha(static_cast<unsigned char>(text[start - 1]))) --start;
        size_t end = text.find_first_of(" \t\n\"'<>", found);
        if (end == std::string_view::npos) end = text.size();
        out.append(text.substr(pos, start - pos));
        out += redact_url(std::string(text.substr(start, end - start)));
        pos = end;
    }
    out.append(text.substr(pos));
    return out;
}

std::string format_log_line(LogLevel level, std::string_view event, const LogFields& fields) {
    std::string line = std::string("level=") + level_name(level) + " event=" + std::string(event);
    for (const auto& [key, value] : fields) {
        std::string clean = redact_urls(value);
        line += " " + key + "=" + (needs_quotes(clean) ? quote(clean) : clean);
    }
    return line;
}

void log(LogLevel level, std::string_view event, const LogFields& fields) {
    if (level < log_level() || level == LogLevel::off) return;
    std::string line = format_iso8601(now_ms()) + " " + format_log_line(level, event, fields) + "\n";
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace memeops::core
