#include "sim/model/tidal_calendar.h"

#include <algorithm>
#include <cstdio>

#include "sim/base/check.h"

namespace capsim {
namespace {

SimTime day_offset(SimTime t) { return ((t % kDayUs) + kDayUs) % kDayUs; }

bool inside(const TidalWindow& w, SimTime offset) {
  if (w.start_us < w.end_us) return offset >= w.start_us && offset < w.end_us;
  return offset >= w.start_us || offset < w.end_us;  // wraps past midnight
}

}  // namespace

SimTime parse_time_of_day(const std::string& text, const std::string& field) {
  int h = -1, m = -1, s = 0;
  char tail = 0;
  const int got = std::sscanf(text.c_str(), "%d:%d:%d%c", &h, &m, &s, &tail);
  if ((got != 2 && got != 3) || h < 0 || m < 0 || m > 59 || s < 0 || s > 59 || h > 24 || (h == 24 && (m || s)))
    throw InputError(field + ": expected HH:MM of the day (00:00 to 24:00), got \"" + text + "\"");
  return seconds_to_us(static_cast<std::int64_t>(h) * 3600 + m * 60 + s);
}

int TidalCalendar::window_at(SimTime t) const {
  const SimTime o = day_offset(t);
  for (std::size_t w = 0; w < windows.size(); ++w)
    if (inside(windows[w], o)) return static_cast<int>(w);
  return -1;
}

bool TidalCalendar::may_start_in(const JobTable& jobs, std::size_t j, int w) const {
  if (w < 0) return true;
  const Tier tier = jobs.tier_of(j).tier;
  if (tier == Tier::kNone || tier == Tier::kProd) return true;
  const TidalWindow& win = windows[static_cast<std::size_t>(w)];
  if (!(win.may_start >> static_cast<int>(tier) & 1)) return false;
  if (win.max_duration_us > 0 && (jobs.duration_us[j] == kNever || jobs.duration_us[j] > win.max_duration_us)) return false;
  if (win.max_gpus > 0 && jobs.num_gpu[j] > win.max_gpus) return false;
  return true;
}

bool TidalCalendar::may_start(const JobTable& jobs, std::size_t j, SimTime t) const {
  if (windows.empty()) return true;
  const int w = window_at(t);
  if (!may_start_in(jobs, j, w)) return false;
  if (w < 0) return true;
  // In a window's last lead, the tiers that must leave by its end do not start again.
  const TidalWindow& win = windows[static_cast<std::size_t>(w)];
  if (!(win.exit_at_end >> static_cast<int>(jobs.tier_of(j).tier) & 1) || win.exit_lead_us <= 0) return true;
  const SimTime to_end = ((win.end_us - day_offset(t)) % kDayUs + kDayUs - 1) % kDayUs + 1;  // in (0, day]
  return to_end > win.exit_lead_us;
}

SimTime TidalCalendar::next_boundary(SimTime t) const {
  const SimTime day = t - day_offset(t);
  SimTime best = kNever;
  for (const TidalWindow& w : windows)
    for (SimTime b : {w.start_us, w.end_us % kDayUs, ((w.end_us - w.exit_lead_us) % kDayUs + kDayUs) % kDayUs})
      for (SimTime d : {day, day + kDayUs}) {
        const SimTime at = d + b;
        if (at > t) best = std::min(best, at);
      }
  return best;
}

void TidalCalendar::check(const std::string& field) const {
  // Two windows on the day's circle overlap when either starts inside the other.
  for (std::size_t a = 0; a < windows.size(); ++a) {
    if (windows[a].start_us == windows[a].end_us % kDayUs)
      throw InputError(field + "[" + std::to_string(a) + "]: window \"" + windows[a].name + "\" is empty (start = end)");
    for (std::size_t b = 0; b < a; ++b)
      if (inside(windows[a], windows[b].start_us) || inside(windows[b], windows[a].start_us))
        throw InputError(field + "[" + std::to_string(a) + "]: window \"" + windows[a].name + "\" overlaps window \"" +
                         windows[b].name + "\"");
  }
}

}  // namespace capsim
