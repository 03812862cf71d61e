#include "sim/metrics/recorder.h"

#include <algorithm>
#include <cmath>

#include "sim/base/check.h"
#include "sim/core/simulation.h"

namespace capsim {

double nearest_rank_percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void Recorder::on_run_start(const Simulation& sim, SimTime start) {
  const Fleet& f = sim.fleet();
  capacity_[kCpu] = static_cast<double>(f.total_cpu_milli());
  capacity_[kMemory] = static_cast<double>(f.total_memory_mib());
  capacity_[kGpuMilli] = static_cast<double>(f.total_gpus()) * kMilliPerGpu;
  capacity_[kGpuBusy] = static_cast<double>(f.total_gpus());
  start_ = last_change_ = start;
  series_.columns = {
      {"cpu_alloc_frac", "fraction", {}},
      {"memory_alloc_frac", "fraction", {}},
      {"gpu_milli_alloc_frac", "fraction", {}},
      {"gpu_busy_frac", "fraction", {}},
      {"jobs_running", "jobs", {}},
      {"jobs_pending", "jobs", {}},
      {"jobs_gave_up", "jobs", {}},
      {"wait_mean_s", "s", {}},
      {"pending_wait_max_s", "s", {}},
  };
}

void Recorder::advance(const Simulation& sim, SimTime t) {
  const double dt = static_cast<double>(t - last_change_);
  for (int r = 0; r < kResources; ++r) integral_[r] += current_[r] * dt;
  last_change_ = t;
  const ClusterState& c = sim.cluster();
  current_[kCpu] = static_cast<double>(c.allocated_cpu_milli());
  current_[kMemory] = static_cast<double>(c.allocated_memory_mib());
  current_[kGpuMilli] = static_cast<double>(c.allocated_gpu_milli());
  current_[kGpuBusy] = static_cast<double>(c.busy_gpus());
  for (int r = 0; r < kResources; ++r) peak_[r] = std::max(peak_[r], current_[r]);
}

void Recorder::on_allocation_changed(const Simulation& sim, SimTime t, std::uint32_t) { advance(sim, t); }

void Recorder::on_job_placed(const Simulation& sim, SimTime t, std::uint32_t job, const Placement&) {
  // A restart (or a replica slot's later lifetime): the wait was measured at the first start.
  if (sim.restarts(job) > 0 || sim.start_us(job) != t) return;
  interval_wait_sum_us_ += static_cast<double>(t - sim.arrival_us(job));
  ++interval_started_;
}

void Recorder::on_sample(const Simulation& sim, SimTime t) {
  auto frac = [&](int r) { return capacity_[r] > 0 ? current_[r] / capacity_[r] : 0.0; };
  series_.t_us.push_back(t);
  auto& c = series_.columns;
  c[0].values.push_back(frac(kCpu));
  c[1].values.push_back(frac(kMemory));
  c[2].values.push_back(frac(kGpuMilli));
  c[3].values.push_back(frac(kGpuBusy));
  c[4].values.push_back(static_cast<double>(sim.running_count()));
  c[5].values.push_back(static_cast<double>(sim.pending_count()));
  c[6].values.push_back(static_cast<double>(sim.gave_up_count()));
  c[7].values.push_back(interval_started_ ? interval_wait_sum_us_ / interval_started_ / 1e6 : std::nan(""));
  const SimTime oldest = sim.oldest_pending_submit_us();
  c[8].values.push_back(oldest == kNever ? 0.0 : us_to_seconds(t - oldest));
  interval_wait_sum_us_ = 0;
  interval_started_ = 0;
}

void Recorder::on_run_end(const Simulation& sim, SimTime end) {
  advance(sim, end);
  const JobTable& jobs = sim.jobs();
  const std::size_t n = jobs.size();

  // Job outcome table.
  outcomes_.name = jobs.name;
  outcomes_.state_names.clear();
  for (int s = 0; s <= static_cast<int>(JobState::kFailed); ++s)
    outcomes_.state_names.push_back(job_state_name(static_cast<JobState>(s)));
  // References into the columns stay valid only while the vector never
  // reallocates: reserve all of them first.
  constexpr std::size_t kJobColumns = 12;
  outcomes_.columns.clear();
  outcomes_.columns.reserve(kJobColumns);
  auto column = [&](const char* name, const char* units) -> std::vector<std::int64_t>& {
    CAPSIM_CHECK(outcomes_.columns.size() < kJobColumns, "job outcome columns reserved up front");
    outcomes_.columns.push_back({name, units, std::vector<std::int64_t>(n)});
    return outcomes_.columns.back().values;
  };
  auto& submit = column("submit_us", "us");
  auto& duration = column("duration_us", "us");
  auto& start = column("start_us", "us, -1 if never started");
  auto& finish = column("end_us", "us, -1 if not finished");
  auto& wait = column("wait_us", "us, -1 if never started");
  auto& node = column("node", "node index, -1 if never placed");
  auto& gpus = column("gpu_mask", "bit g = GPU g of the node");
  auto& cpu = column("cpu_milli", "milli-cores");
  auto& mem = column("memory_mib", "MiB");
  auto& num_gpu = column("num_gpu", "GPUs");
  auto& gpu_milli = column("gpu_milli", "milli-GPU per device");
  auto& state = column("state", "code, see attribute state_names");
  std::int64_t arrived = 0, placed = 0, completed = 0, never_placed = 0;
  std::vector<double> waits;
  for (std::size_t j = 0; j < n; ++j) {
    // On-request jobs (service replicas) arrive when submitted and run until ended (duration -1).
    submit[j] = jobs.submit_us[j] != kNever ? jobs.submit_us[j] : sim.arrival_us(j);
    duration[j] = jobs.duration_us[j] != kNever ? jobs.duration_us[j] : -1;
    start[j] = sim.start_us(j);
    finish[j] = sim.end_us(j);
    wait[j] = start[j] >= 0 ? start[j] - submit[j] : -1;
    node[j] = sim.placement(j).node;
    gpus[j] = static_cast<std::int64_t>(sim.placement(j).gpu_mask);
    cpu[j] = jobs.cpu_milli[j];
    mem[j] = jobs.memory_mib[j];
    num_gpu[j] = jobs.num_gpu[j];
    gpu_milli[j] = jobs.gpu_milli[j];
    state[j] = static_cast<std::int64_t>(sim.state(j));
    arrived += sim.state(j) != JobState::kNotArrived;
    never_placed += sim.state(j) != JobState::kNotArrived && start[j] < 0;
    completed += sim.state(j) == JobState::kCompleted;
    if (start[j] >= 0) {
      ++placed;
      waits.push_back(us_to_seconds(wait[j]));
    }
  }
  std::sort(waits.begin(), waits.end());
  double wait_sum = 0;
  for (double w : waits) wait_sum += w;

  const double span = static_cast<double>(end - start_);
  auto mean = [&](int r) {
    if (capacity_[r] <= 0) return 0.0;
    return span > 0 ? integral_[r] / span / capacity_[r] : current_[r] / capacity_[r];
  };
  auto peak = [&](int r) { return capacity_[r] > 0 ? peak_[r] / capacity_[r] : 0.0; };
  const Fleet& f = sim.fleet();
  const RunStats& st = sim.stats();
  summary_ = {
      {"nodes", static_cast<std::int64_t>(f.size())},
      {"gpus", f.total_gpus()},
      {"sim_start_s", us_to_seconds(start_)},
      {"sim_end_s", us_to_seconds(end)},
      {"jobs_in_workload", static_cast<std::int64_t>(n)},
      {"jobs_submitted", arrived},
      {"jobs_placed", placed},
      {"jobs_completed", completed},
      {"jobs_running_at_end", sim.running_count()},
      {"jobs_pending_at_end", sim.pending_count()},
      {"jobs_gave_up", sim.gave_up_count()},
      {"jobs_never_placed", never_placed},
      {"alloc_cpu_mean", mean(kCpu)},
      {"alloc_cpu_peak", peak(kCpu)},
      {"alloc_memory_mean", mean(kMemory)},
      {"alloc_memory_peak", peak(kMemory)},
      {"alloc_gpu_milli_mean", mean(kGpuMilli)},
      {"alloc_gpu_milli_peak", peak(kGpuMilli)},
      {"gpu_busy_mean", mean(kGpuBusy)},
      {"gpu_busy_peak", peak(kGpuBusy)},
      {"wait_mean_s", waits.empty() ? 0.0 : wait_sum / static_cast<double>(waits.size())},
      {"wait_p50_s", waits.empty() ? 0.0 : nearest_rank_percentile(waits, 50)},
      {"wait_p95_s", waits.empty() ? 0.0 : nearest_rank_percentile(waits, 95)},
      {"wait_p99_s", waits.empty() ? 0.0 : nearest_rank_percentile(waits, 99)},
      {"wait_max_s", waits.empty() ? 0.0 : waits.back()},
      {"events_processed", static_cast<std::int64_t>(st.events_processed)},
      {"events_stale", static_cast<std::int64_t>(st.events_stale)},
      {"scheduling_passes", static_cast<std::int64_t>(st.passes)},
      {"placement_calls", static_cast<std::int64_t>(st.placement_calls)},
      {"nodes_acquired", static_cast<std::int64_t>(st.nodes_acquired)},
      {"nodes_released", static_cast<std::int64_t>(st.nodes_released)},
  };
}

void Recorder::take(RunResult& result) {
  result.timeseries = std::move(series_);
  result.jobs = std::move(outcomes_);
  for (auto& kv : summary_) result.summary.push_back(std::move(kv));
  summary_.clear();
}

}  // namespace capsim
