#pragma once
// Simulated time is an integer count of microseconds: no floating-point clock,
// so event order never depends on rounding.
#include <cmath>
#include <cstdint>

namespace capsim {

using SimTime = std::int64_t;  // microseconds since the trace origin

inline constexpr SimTime kMicrosPerSecond = 1'000'000;
inline constexpr SimTime kNever = INT64_MAX;

inline constexpr SimTime seconds_to_us(std::int64_t s) { return s * kMicrosPerSecond; }
// Rounds to the nearest microsecond; callers validate range and sign first.
inline SimTime seconds_to_us(double s) { return static_cast<SimTime>(std::llround(s * 1e6)); }
inline constexpr double us_to_seconds(SimTime t) { return static_cast<double>(t) / 1e6; }

}  // namespace capsim
