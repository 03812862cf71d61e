#pragma once
// Listens to a run and keeps the cluster's GPU fragmentation against the
// run's own workload (sim/model/fragmentation.h) for every policy: each
// placement, departure, interruption or node change recomputes only the
// nodes that changed. Adds the time series fragmentation_gpus and
// fragmentation_share (of the free GPU capacity of nodes that take jobs), and
// summary keys with exact time-weighted means.
#include <vector>

#include "sim/core/engine_listener.h"
#include "sim/metrics/run_result.h"
#include "sim/model/fragmentation.h"

namespace capsim {

class FragmentationRecorder final : public EngineListener {
 public:
  explicit FragmentationRecorder(const FragmentationModel& model) : model_(&model) {}

  void on_run_start(const Simulation& sim, SimTime start) override;
  void on_allocation_changed(const Simulation& sim, SimTime t, std::uint32_t job) override;
  void on_node_ready(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_node_released(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_node_notice(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_node_drained(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_sample(const Simulation& sim, SimTime t) override;
  void on_run_end(const Simulation& sim, SimTime end) override;

  // Appends the columns (aligned with the Recorder's samples) and summary keys.
  void take(RunResult& result);

 private:
  void node_changed(const Simulation& sim, SimTime t, std::size_t node);
  void job_changed(const Simulation& sim, SimTime t, std::uint32_t job);  // every node of the job (gangs)
  void measure(const Simulation& sim, std::size_t node);
  double share(const Simulation& sim) const;

  const FragmentationModel* model_;
  std::vector<double> node_;  // F_n, milli-GPU
  std::vector<double> free_;  // free GPU milli of nodes that take jobs
  double total_ = 0, free_total_ = 0;
  double integral_ = 0, share_integral_ = 0;  // x microseconds
  double current_share_ = 0;
  SimTime last_change_ = 0, start_ = 0, end_ = 0;
  DoubleColumn gpus_{"fragmentation_gpus", "GPUs", {}};
  DoubleColumn share_{"fragmentation_share", "fraction of free GPU capacity", {}};
};

}  // namespace capsim
