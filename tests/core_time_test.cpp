#include <catch2/catch.hpp>

#include "core/time.hpp"

using namespace memeops::core;

TEST_CASE("core::parse_iso8601 reads dates, times, fractions and offsets") {
    CHECK(parse_iso8601("1970-01-01") == 0);
    CHECK(parse_iso8601("1970-01-01T00:00:01Z") == 1000);
    CHECK(parse_iso8601("1970-01-01T00:00:01.5Z") == 1500);
    CHECK(parse_iso8601("1970-01-01 01:00") == 3'600'000);
    CHECK(parse_iso8601("1970-01-01T08:00:00+08:00") == 0);
    CHECK(parse_iso8601("1969-12-31T19:00:00-0500") == 0);
    CHECK(parse_iso8601("2026-11-29T02:16:29Z") == 1'795'918'589'000);
    CHECK_FALSE(parse_iso8601("2026-02-30"));
    CHECK_FALSE(parse_iso8601("yesterday"));
    CHECK_FALSE(parse_iso8601("2026-11-29T25:00"));
    CHECK_FALSE(parse_iso8601("2026-11-29T10:00Zjunk"));
}

TEST_CASE("core::format_iso8601 round-trips") {
    CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
    CHECK(format_iso8601(1500) == "1970-01-01T00:00:01.500Z");
    TimeMs t = 1'795'918'589'123;
    CHECK(parse_iso8601(format_iso8601(t)) == t);
}

TEST_CASE("core::parse_time_bound takes relative times") {
    TimeMs now = 10'000'000'000;
    CHECK(parse_time_bound("7d", now) == now - 7 * 86'400'000LL);
    CHECK(parse_time_bound("12h", now) == now - 12 * 3'600'000LL);
    CHECK(parse_time_bound("30m", now) == now - 30 * 60'000LL);
    CHECK(parse_time_bound("2w", now) == now - 14 * 86'400'000LL);
    CHECK(parse_time_bound("1y", now) == now - 365 * 86'400'000LL);
    CHECK_FALSE(parse_time_bound("7x", now));
    CHECK_FALSE(parse_time_bound("d", now));
    CHECK_FALSE(parse_time_bound("-3d", now));
}

TEST_CASE("core::format_relative reads like a person") {
    TimeMs now = 10'000'000'000;
    CHECK(format_relative(now, now) == "just now");
    CHECK(format_relative(now - 42'000, now) == "42s ago");
    CHECK(format_relative(now - 3 * 3'600'000, now) == "3h ago");
    CHECK(format_relative(now - 2 * 86'400'000, now) == "2d ago");
    CHECK(format_relative(now + 3 * 3'600'000, now) == "in 3h");
}
