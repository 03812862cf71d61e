#pragma once
// Checkpointed progress in closed form: no event per checkpoint. A run
// segment that resumes from checkpointed work p0 first restores (when p0 >
// 0), then alternates interval_us of work with checkpoint_cost_us of writing,
// and needs no checkpoint after its last piece of work. Interrupted after
// elapsed_us, the job keeps the work of its last completed checkpoint; the
// work done since is lost.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/base/time.h"
#include "sim/model/job_table.h"

namespace capsim {

struct SegmentProgress {
  SimTime saved_us = 0;    // work covered by the last completed checkpoint (or p0)
  SimTime reached_us = 0;  // work done when interrupted (saved + lost)
};

// Checkpoints written in a segment that does `remaining_us` of work.
inline SimTime checkpoints_in_segment(const Resilience& r, SimTime remaining_us) {
  if (r.checkpoint_interval_us <= 0 || remaining_us <= 0) return 0;
  return (remaining_us + r.checkpoint_interval_us - 1) / r.checkpoint_interval_us - 1;
}

// Wall time of an uninterrupted segment from p0 to work_us.
inline SimTime segment_wall_us(const Resilience& r, SimTime work_us, SimTime p0) {
  const SimTime remaining = work_us - p0;
  return (p0 > 0 ? r.restore_us : 0) + remaining + checkpoints_in_segment(r, remaining) * r.checkpoint_cost_us;
}

inline SegmentProgress progress_at(const Resilience& r, SimTime work_us, SimTime p0, SimTime elapsed_us) {
  const SimTime restore = p0 > 0 ? r.restore_us : 0;
  if (elapsed_us <= restore) return {p0, p0};
  const SimTime e = elapsed_us - restore;
  if (r.checkpoint_interval_us <= 0) return {p0, std::min(work_us, p0 + e)};
  const SimTime cycle = r.checkpoint_interval_us + r.checkpoint_cost_us;
  const SimTime k_max = checkpoints_in_segment(r, work_us - p0);
  const SimTime k = std::min(e / cycle, k_max);
  const SimTime saved = p0 + k * r.checkpoint_interval_us;
  const SimTime within = e - k * cycle;
  const SimTime reached = k < k_max ? saved + std::min(within, r.checkpoint_interval_us) : std::min(work_us, saved + within);
  return {saved, reached};
}

// Per-job progress of a run that tracks it (spot pools, resilience records,
// or a component that changes progress rates): work kept by checkpoints,
// work lost, restarts, and the rate at which the job progresses now.
//
// A rate r slows the whole segment: r microseconds of the segment's own
// clock (work, checkpoint writes, restore) pass per microsecond of simulated
// time, so the closed forms above apply to the segment's own clock. At rate 1
// (every job unless a component changes it) everything is integer exact.
class ProgressTable {
 public:
  void enable(std::size_t jobs);
  bool enabled() const { return enabled_; }

  // A segment starts now: the simulated time it takes to complete.
  SimTime start(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now);
  // The segment stops now (interrupted): keeps the work of its last
  // checkpoint (or all of it when it saved on notice); returns the work lost.
  SimTime stop(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now);
  // Checkpoint on notice: when a checkpoint fits in the notice and the job
  // would not finish before now + notice_us, records the work it saves and
  // returns when it leaves (now + checkpoint cost); otherwise kNever.
  SimTime save_on_notice(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now, SimTime notice_us);
  // The job's rate changes now; returns the simulated time its segment still needs (kNever at rate 0:
  // suspended).
  SimTime set_rate(const Resilience& r, SimTime work_us, std::uint32_t j, SimTime now, double rate);

  // A restart of a job without work to lose (a service replica).
  void note_restart(std::uint32_t j) { ++restarts_[j]; }
  double rate(std::uint32_t j) const { return rate_.empty() ? 1.0 : rate_[j]; }
  std::int32_t restarts(std::size_t j) const { return restarts_.empty() ? 0 : restarts_[j]; }
  SimTime lost_us(std::size_t j) const { return lost_us_.empty() ? 0 : lost_us_[j]; }

 private:
  // The segment's own clock now.
  SimTime segment_clock(std::uint32_t j, SimTime now) const;
  // Simulated time for `clock_us` of the segment's clock at the job's rate.
  SimTime at_rate(std::uint32_t j, SimTime clock_us) const;

  bool enabled_ = false;
  std::size_t jobs_ = 0;
  std::vector<SimTime> progress_us_;        // work kept at the start of the segment
  std::vector<SimTime> last_start_us_;      // when the clock last changed rate (or the segment started)
  std::vector<SimTime> clock_at_start_us_;  // the segment's clock then
  std::vector<SimTime> lost_us_, saved_at_notice_us_;
  std::vector<std::int32_t> restarts_;
  std::vector<double> rate_;                // allocated at the first change of rate
};

}  // namespace capsim
