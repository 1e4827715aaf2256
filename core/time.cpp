#include "core/time.hpp"

#include <chrono>
#include <cstdio>

namespace memeops::core {
namespace {

constexpr TimeMs k_second = 1000;
constexpr TimeMs k_minute = 60 * k_second;
constexpr TimeMs k_hour = 60 * k_minute;
constexpr TimeMs k_day = 24 * k_hour;
constexpr TimeMs k_week = 7 * k_day;

// A cursor over the text being parsed; every reader returns false and leaves the cursor
// unspecified on a mismatch.
struct Cursor {
    std::string_view text;
    size_t pos = 0;

    bool done() const { return pos >= text.size(); }
    char peek() const { return done() ? '\0' : text[pos]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos;
        return true;
    }
    bool digits(int count, int& out) {
        out = 0;
        for (int i = 0; i < count; ++i) {
            char c = peek();
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
            ++pos;
        }
        return true;
    }
};

TimeMs days_from_civil(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    auto days = sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
    return static_cast<TimeMs>(days) * k_day;
}

bool valid_date(int y, int m, int d) {
    using namespace std::chrono;
    return year_month_day{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}}
        .ok();
}

// Reads ".123456" and returns the milliseconds it holds.
TimeMs read_fraction(Cursor& c) {
    TimeMs ms = 0;
    int places = 0;
    while (c.peek() >= '0' && c.peek() <= '9') {
        if (places < 3) ms = ms * 10 + (c.peek() - '0');
        ++places;
        ++c.pos;
    }
    for (; places < 3; ++places) ms *= 10;
    return ms;
}

// Reads "Z", "+08:00", "+0800", "-05" or nothing; returns the offset east of UTC.
std::optional<TimeMs> read_offset(Cursor& c) {
    if (c.done() || c.eat('Z') || c.eat('z')) return 0;
    int sign = c.eat('+') ? 1 : (c.eat('-') ? -1 : 0);
    int hours = 0;
    int minutes = 0;
    if (sign == 0 || !c.digits(2, hours)) return std::nullopt;
    c.eat(':');
    if (!c.done() && !c.digits(2, minutes)) return std::nullopt;
    return sign * (hours * k_hour + minutes * k_minute);
}

}  // namespace

TimeMs now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601(TimeMs t) {
    using namespace std::chrono;
    auto tp = sys_time<milliseconds>{milliseconds{t}};
    auto day_point = floor<days>(tp);
    year_month_day ymd{day_point};
    hh_mm_ss hms{floor<milliseconds>(tp - day_point)};
    char buf[40];
    int ms = static_cast<int>(hms.subseconds().count());
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    std::string out = buf;
    if (ms != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", ms);
        out += buf;
    }
    return out + "Z";
}

std::optional<TimeMs> parse_iso8601(std::string_view text) {
    Cursor c{text};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d))
        return std::nullopt;
    if (!valid_date(y, mo, d)) return std::nullopt;
    TimeMs t = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (c.done()) return t;
    if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
    if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return std::nullopt;
    if (c.eat(':') && !c.digits(2, s)) return std::nullopt;
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    t += h * k_hour + mi * k_minute + s * k_second;
    if (c.eat('.') || c.eat(',')) t += read_fraction(c);
    auto offset = read_offset(c);
    if (!offset || !c.done()) return std::nullopt;
    return t - *offset;
}

std::optional<TimeMs> parse_time_bound(std::string_view text, TimeMs now) {
    if (auto absolute = parse_iso8601(text)) return absolute;
    if (text.size() < 2) return std::nullopt;
    TimeMs amount = 0;
    for (char c : text.substr(0, text.size() - 1)) {
        if (c < '0' || c > '9' || amount > 1'000'000'000) return std::nullopt;
        amount = amount * 10 + (c - '0');
    }
    switch (text.back()) {
        case 's': return now - amount * k_second;
        case 'm': return now - amount * k_minute;
        case 'h': return now - amount * k_hour;
        case 'd': return now - amount * k_day;
        case 'w': return now - amount * k_week;
        case 'y': return now - amount * 365 * k_day;
        default: return std::nullopt;
    }
}

std::string format_relative(TimeMs t, TimeMs now) {
    TimeMs delta = now - t;
    bool future = delta < 0;
    TimeMs span = future ? -delta : delta;
    if (span < 5 * k_second) return "just now";
    std::string amount;
    if (span < k_minute) amount = std::to_string(span / k_second) + "s";
    else if (span < k_hour) amount = std::to_string(span / k_minute) + "m";
    else if (span < k_day) amount = std::to_string(span / k_hour) + "h";
    else if (span < 2 * k_week) amount = std::to_string(span / k_day) + "d";
    else if (span < 26 * k_week) amount = std::to_string(span / k_week) + "w";
    else return format_iso8601(t).substr(0, 10);
    return future ? "in " + amount : amount + " ago";
}

}  // namespace memeops::core
