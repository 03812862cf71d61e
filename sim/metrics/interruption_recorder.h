#pragma once
// Interruptions and what they cost in time: the preemption curve (job
// interruptions and node reclaim notices per sample interval), each job's
// restarts and lost work, lost GPU-hours, slowdown (completion time over the
// job's ideal run time) and deadline misses. Present in every run; all zero
// without spot pools.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/engine_listener.h"
#include "sim/metrics/run_result.h"

namespace capsim {

class InterruptionRecorder final : public EngineListener {
 public:
  void on_job_interrupted(const Simulation& sim, SimTime t, std::uint32_t job, const Placement& p,
                          SimTime lost_us, InterruptReason) override;
  void on_node_notice(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_sample(const Simulation& sim, SimTime t) override;
  void on_run_end(const Simulation& sim, SimTime end) override;

  // Appends the time-series columns (aligned with the Recorder's samples), the
  // per-job columns restarts and lost_us, and the summary keys.
  void take(const Simulation& sim, RunResult& result);

 private:
  std::int64_t interval_jobs_ = 0, interval_nodes_ = 0;
  // Per class label (the tier's, with co-location) and reason: interruptions, and lost GPU-hours per class.
  static constexpr int kReasons = 4;
  std::vector<std::array<std::int64_t, kReasons>> by_class_;
  std::vector<double> lost_by_class_;
  double lost_gpu_hours_ = 0;
  SimTime end_ = 0;
  DoubleColumn jobs_{"job_interruptions", "jobs interrupted since the previous sample", {}};
  DoubleColumn nodes_{"node_notices", "spot reclaim notices since the previous sample", {}};
  DoubleColumn lost_{"lost_gpu_hours", "cumulative GPU-hours of lost work", {}};
};

}  // namespace capsim
