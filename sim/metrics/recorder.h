#pragma once
// Listens to one run and keeps its metrics: the sampled time series, exact
// time-weighted allocation means and peaks (integrated between events, not
// estimated from samples), and, at the end, the job outcome table and the
// summary.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/engine_listener.h"
#include "sim/core/usage_table.h"
#include "sim/metrics/run_result.h"

namespace capsim {

class Recorder final : public EngineListener {
 public:
  void on_run_start(const Simulation& sim, SimTime start) override;
  void on_allocation_changed(const Simulation& sim, SimTime t, std::uint32_t job) override;
  void on_job_placed(const Simulation& sim, SimTime t, std::uint32_t job, const Placement& p) override;
  void on_sample(const Simulation& sim, SimTime t) override;
  void on_warmup_end(const Simulation& sim, SimTime t) override;
  void on_run_end(const Simulation& sim, SimTime end) override;

  // Moves the collected series, outcomes and summary into result.
  void take(RunResult& result);

 private:
  // Resources whose allocation is integrated over time.
  enum Resource { kCpu, kMemory, kGpuMilli, kGpuBusy, kResources };
  void advance(const Simulation& sim, SimTime t);
  // Used vs allocated: fleet, per team, per class (sim/core/usage_table.h).
  void add_usage_keys(const Simulation& sim, SimTime end);
  // Wait figures per job shape, team and workload source (batch jobs; services have their own).
  void add_wait_groups(const Simulation& sim, SimTime cut);

  std::vector<double> capacity_ = std::vector<double>(kResources, 0.0);
  std::vector<double> current_ = std::vector<double>(kResources, 0.0);
  std::vector<double> integral_ = std::vector<double>(kResources, 0.0);  // allocated units x us
  std::vector<double> peak_ = std::vector<double>(kResources, 0.0);
  SimTime last_change_ = 0;
  SimTime start_ = 0;
  // The warm-up cut: the window opens at window_start_ (start_ without a warm-up); integrals
  // there are subtracted from those at the end.
  void open_window(const Simulation& sim, SimTime t);
  SimTime window_start_ = 0;
  bool window_open_ = true;
  bool class_columns_ = false;  // per-class used and reclaimed offers in the time series
  std::vector<double> integral_at_window_ = std::vector<double>(kResources, 0.0);
  std::vector<UsageTotals> usage_at_window_;  // fleet, then teams, then classes

  double interval_wait_sum_us_ = 0;
  std::int64_t interval_started_ = 0;

  // Per-node series (SimConfig::node_series): node allocation from the cluster, less what
  // running service replicas leave unused.
  void sample_nodes(const Simulation& sim);
  NodeSeries nodes_;
  std::vector<std::uint32_t> service_rows_;
  TimeSeries series_;
  JobOutcomes outcomes_;
  Summary summary_;
};

// A workload source's label: a trace's file name, a generator's field.
std::string source_label(const std::string& name);
// A job's shape for the wait groups: cpu, gpu-shared (a share of one GPU), 1gpu, 2gpu, ...
std::string shape_label(const JobRequest& r);

// Nearest-rank percentile (p in (0, 100]) of sorted values; NaN when empty.
double nearest_rank_percentile(const std::vector<double>& sorted, double p);

}  // namespace capsim
