#include "sim/core/job_progress.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

void ProgressTable::enable(std::size_t jobs) {
  if (enabled_) return;
  enabled_ = true;
  jobs_ = jobs;
  progress_us_.assign(jobs, 0);
  last_start_us_.assign(jobs, -1);
  clock_at_start_us_.assign(jobs, 0);
  lost_us_.assign(jobs, 0);
  saved_at_notice_us_.assign(jobs, -1);
  restarts_.assign(jobs, 0);
}

SimTime ProgressTable::segment_clock(std::uint32_t j, SimTime now) const {
  const SimTime elapsed = now - last_start_us_[j];
  if (rate_.empty() || rate_[j] == 1.0) return clock_at_start_us_[j] + elapsed;
  return clock_at_start_us_[j] + static_cast<SimTime>(std::floor(static_cast<double>(elapsed) * rate_[j]));
}

SimTime ProgressTable::at_rate(std::uint32_t j, SimTime clock_us) const {
  if (rate_.empty() || rate_[j] == 1.0) return clock_us;
  if (rate_[j] <= 0) return kNever;
  return static_cast<SimTime>(std::ceil(static_cast<double>(clock_us) / rate_[j]));
}

SimTime ProgressTable::start(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now) {
  // A job stopped while suspended restarts at full rate until a component says otherwise.
  if (!rate_.empty() && rate_[j] == 0) rate_[j] = 1.0;
  last_start_us_[j] = now;
  clock_at_start_us_[j] = 0;
  return at_rate(j, segment_wall_us(r, work_us, progress_us_[j]));
}

SimTime ProgressTable::stop(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now) {
  const SegmentProgress sp = progress_at(r, work_us, progress_us_[j], segment_clock(j, now));
  SimTime saved = sp.saved_us, lost = sp.reached_us - sp.saved_us;
  if (saved_at_notice_us_[j] >= 0) {  // checkpointed on notice: nothing lost
    saved = saved_at_notice_us_[j];
    lost = 0;
    saved_at_notice_us_[j] = -1;
  }
  progress_us_[j] = saved;
  lost_us_[j] += lost;
  ++restarts_[j];
  return lost;
}

SimTime ProgressTable::save_on_notice(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now,
                                      SimTime notice_us) {
  if (!r.checkpoint_on_notice || notice_us < r.checkpoint_cost_us || saved_at_notice_us_[j] >= 0) return kNever;
  const SimTime clock = segment_clock(j, now);
  const SimTime left = at_rate(j, segment_wall_us(r, work_us, progress_us_[j]) - clock);  // kNever: suspended
  if (left != kNever && now + left <= now + notice_us) return kNever;
  saved_at_notice_us_[j] = progress_at(r, work_us, progress_us_[j], clock).reached_us;
  return now + r.checkpoint_cost_us;
}

SimTime ProgressTable::set_rate(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now, double rate) {
  CAPSIM_CHECK(rate >= 0 && std::isfinite(rate), "a progress rate is finite and not negative (0: suspended)");
  if (rate_.empty()) rate_.assign(jobs_, 1.0);
  clock_at_start_us_[j] = segment_clock(j, now);
  last_start_us_[j] = now;
  rate_[j] = rate;
  return at_rate(j, segment_wall_us(r, work_us, progress_us_[j]) - clock_at_start_us_[j]);
}

}  // namespace capsim
