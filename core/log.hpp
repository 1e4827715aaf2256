// Structured log lines on stderr: one line per event received and per delivery attempt,
//   2026-11-29T05:43:00.123Z level=info event=delivery destination=slack memes=3 status=200
// Level from MEMEOPS_LOG (debug, info, warn, error, off; default info). Any URL in a value is
// redacted to its scheme and host, so webhook URLs and tokens never reach a log. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memeops::core {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// The level in force: MEMEOPS_LOG when set, else the default (info, or what
// set_default_log_level chose: the CLI's one-shot commands log warnings only).
LogLevel log_level();
void set_default_log_level(LogLevel level);

// Writes one line when `level` is at or above the level in force.
void log(LogLevel level, std::string_view event, const LogFields& fields = {});

// `text` with every http(s) URL in it reduced to scheme and host.
std::string redact_urls(std::string_view text);

// One log line as written (without the time stamp): "level=info event=x key=value …"; values
// with spaces, quotes or '=' are quoted.
std::string format_log_line(LogLevel level, std::string_view event, const LogFields& fields);

}  // namespace memeops::core
