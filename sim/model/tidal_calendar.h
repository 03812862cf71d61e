#pragma once
// A daily window calendar for tidal sharing of machines: in each window of
// the simulated day (t = 0 is midnight) only some tiers may start pods,
// possibly only short or small ones, and the pods of some tiers checkpoint
// and leave when the window ends. Outside every window any pod may start.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/time.h"
#include "sim/model/job_table.h"

namespace capsim {

struct TidalWindow {
  std::string name;
  SimTime start_us = 0, end_us = 0;  // within the day; end <= start wraps past midnight
  std::uint8_t may_start = 0;        // bit per Tier: tiers whose pods may start (Prod and untiered always may)
  SimTime max_duration_us = 0;       // > 0: only pods at most this long may start
  std::int32_t max_gpus = 0;         // > 0: only pods with at most this many GPUs may start
  std::uint8_t exit_at_end = 0;      // bit per Tier: running pods that leave when the window ends
  SimTime exit_lead_us = 0;          // told this long before the end (checkpoint on notice)
};

inline constexpr SimTime kDayUs = 86'400'000'000;

class TidalCalendar {
 public:
  std::vector<TidalWindow> windows;
  bool empty() const { return windows.empty(); }
  // The window holding time t (-1: none).
  int window_at(SimTime t) const;
  // Whether job j may start at t (not in the last lead of a window its tier must leave by the end).
  bool may_start(const JobTable& jobs, std::size_t j, SimTime t) const;
  // Whether job j may start in window w (-1: outside every window, where all may).
  bool may_start_in(const JobTable& jobs, std::size_t j, int w) const;
  // The first window boundary (a start, an end, or an end less its lead) after t.
  SimTime next_boundary(SimTime t) const;
  // InputError naming field for overlapping windows.
  void check(const std::string& field) const;
};

// "HH:MM" (or "HH:MM:SS") of the day in microseconds; "24:00" is the day's end. InputError naming field.
SimTime parse_time_of_day(const std::string& text, const std::string& field);

}  // namespace capsim
