#pragma once
// Checkpointed progress in closed form: no event per checkpoint. A run
// segment that resumes from checkpointed work p0 first restores (when p0 >
// 0), then alternates interval_us of work with checkpoint_cost_us of writing,
// and needs no checkpoint after its last piece of work. Interrupted after
// elapsed_us, the job keeps the work of its last completed checkpoint; the
// work done since is lost.
#include <algorithm>

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

}  // namespace capsim
