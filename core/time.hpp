// Time in MemeOps: milliseconds since the Unix epoch, UTC, everywhere it is stored or compared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memeops::core {

using TimeMs = std::int64_t;

// The wall clock now.
TimeMs now_ms();

// ISO-8601 in UTC: "2026-11-29T02:16:29Z", with ".123" milliseconds only when they are not zero.
std::string format_iso8601(TimeMs t);

// Parses ISO-8601 dates and date-times: "2026-11-29", "2026-11-29T02:16", "2026-11-29 02:16:29",
// fractional seconds, and a "Z" or "+08:00" / "-0500" offset (no offset means UTC).
// Returns nullopt for anything else.
std::optional<TimeMs> parse_iso8601(std::string_view text);

// A time bound as the CLI takes it: ISO-8601, or relative to `now` as "<N><unit>" with units
// s, m, h, d, w, y ("7d" is seven days before now; "1y" is 365 days). Returns nullopt when it
// is neither.
std::optional<TimeMs> parse_time_bound(std::string_view text, TimeMs now);

// For people: "just now", "42s ago", "3m ago", "3h ago", "2d ago", "5w ago", then the date;
// times in the future read "in 3h".
std::string format_relative(TimeMs t, TimeMs now);

}  // namespace memeops::core
