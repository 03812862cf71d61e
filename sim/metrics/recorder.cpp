#include "sim/metrics/recorder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

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
  start_ = last_change_ = window_start_ = start;
  window_open_ = sim.config().warmup_us <= 0;
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
      {"cpu_used_frac", "fraction", {}},
      {"memory_used_frac", "fraction", {}},
      {"gpu_used_frac", "fraction of GPU milli", {}},
      {"gpu_memory_used_frac", "fraction", {}},
  };
  // Nodes held (booting or online) per pool: what elastic pools grew to.
  for (const PoolSpec& p : f.pools) series_.columns.push_back({"nodes_held." + p.name, "nodes", {}});
  // Co-location: used CPU and GPU per class (the tiers' labels) and the reclaimed offers, for the tide's figure.
  const JobTable& all_jobs = sim.jobs();
  class_columns_ = all_jobs.tier_classes.size() > 1 || sim.config().colocation.enabled;
  if (class_columns_) {
    for (const auto& q : all_jobs.qos_names) {
      const std::string label = q.empty() ? "none" : q;
      series_.columns.push_back({"cpu_used_frac." + label, "fraction of the fleet's CPU", {}});
      series_.columns.push_back({"gpu_used_frac." + label, "fraction of the fleet's GPU milli", {}});
    }
    for (const char* k : {"mid", "batch", "free"}) {
      series_.columns.push_back({std::string(k) + "_cpu_offered_frac", "fraction of the fleet's CPU", {}});
      series_.columns.push_back({std::string(k) + "_cpu_taken_frac", "fraction of the fleet's CPU", {}});
    }
  }  if (sim.config().node_series) {
    nodes_.node = f.name;
    nodes_.matrices = {{"cpu_alloc_milli", "milli-cores, samples x nodes", {}},
                       {"cpu_used_milli", "milli-cores, samples x nodes", {}},
                       {"gpu_alloc_milli", "GPU milli, samples x nodes", {}},
                       {"gpu_used_milli", "GPU milli (compute), samples x nodes", {}}};
    const JobTable& jobs = sim.jobs();
    for (std::size_t j = 0; j < jobs.size(); ++j)
      if (jobs.service[j] >= 0) service_rows_.push_back(static_cast<std::uint32_t>(j));
  }
}

void Recorder::sample_nodes(const Simulation& sim) {
  const Fleet& f = sim.fleet();
  const ClusterState& c = sim.cluster();
  const std::size_t n = f.size();
  auto& cpu_alloc = nodes_.matrices[0].values;
  auto& cpu_used = nodes_.matrices[1].values;
  auto& gpu_alloc = nodes_.matrices[2].values;
  auto& gpu_used = nodes_.matrices[3].values;
  const std::size_t row = cpu_alloc.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double cpu = static_cast<double>(f.cpu_milli[i] - c.free_cpu_milli[i]);
    double gpu = 0;
    for (std::int32_t g = 0; g < f.gpu_count[i]; ++g) gpu += kMilliPerGpu - c.gpu_free_milli(i, g);
    cpu_alloc.push_back(cpu);
    cpu_used.push_back(cpu);
    gpu_alloc.push_back(gpu);
    gpu_used.push_back(gpu);
  }
  for (std::uint32_t j : service_rows_) {
    if (sim.state(j) != JobState::kRunning) continue;
    const ResourceAmounts held = UsageTable::requested(sim.jobs().request(j));
    const ResourceAmounts used = sim.usage().used_by(j);
    sim.for_each_placement(j, [&](const Placement& p) {
      const std::size_t at = row + static_cast<std::size_t>(p.node);
      cpu_used[at] -= held[kUsedCpu] - used[kUsedCpu];
      gpu_used[at] -= held[kUsedGpu] - used[kUsedGpu];
    });
  }
}

void Recorder::on_warmup_end(const Simulation& sim, SimTime t) { open_window(sim, t); }

void Recorder::open_window(const Simulation& sim, SimTime t) {
  advance(sim, t);
  window_start_ = t;
  window_open_ = true;
  integral_at_window_ = integral_;
  peak_ = current_;
  const UsageTable& usage = sim.usage();
  usage_at_window_.clear();
  usage_at_window_.push_back(usage.fleet(t));
  for (std::size_t i = 0; i < usage.teams(); ++i) usage_at_window_.push_back(usage.team(i, t));
  for (std::size_t i = 0; i < usage.classes(); ++i) usage_at_window_.push_back(usage.job_class(i, t));
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

namespace {
constexpr std::size_t kFixedColumns = 13;
}  // namespace

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
  const UsageTotals used = sim.usage().fleet(t);
  c[9].values.push_back(capacity_[kCpu] > 0 ? used.used[kUsedCpu] / capacity_[kCpu] : 0.0);
  c[10].values.push_back(capacity_[kMemory] > 0 ? used.used[kUsedMemory] / capacity_[kMemory] : 0.0);
  c[11].values.push_back(capacity_[kGpuMilli] > 0 ? used.used[kUsedGpu] / capacity_[kGpuMilli] : 0.0);
  c[12].values.push_back(capacity_[kGpuMilli] > 0 ? used.used[kUsedGpuMemory] / capacity_[kGpuMilli] : 0.0);
  for (std::size_t p = 0; p < sim.fleet().pools.size(); ++p)
    c[kFixedColumns + p].values.push_back(static_cast<double>(sim.pool_held(p)));
  if (class_columns_) {
    std::size_t at = kFixedColumns + sim.fleet().pools.size();
    const UsageTable& usage = sim.usage();
    for (std::size_t q = 0; q < sim.jobs().qos_names.size(); ++q) {
      const UsageTotals u = usage.job_class(q, t);
      c[at++].values.push_back(capacity_[kCpu] > 0 ? u.used[kUsedCpu] / capacity_[kCpu] : 0.0);
      c[at++].values.push_back(capacity_[kGpuMilli] > 0 ? u.used[kUsedGpu] / capacity_[kGpuMilli] : 0.0);
    }
    const ClusterState& cl = sim.cluster();
    for (ResourceKind k : {ResourceKind::kMid, ResourceKind::kBatch, ResourceKind::kFree}) {
      c[at++].values.push_back(capacity_[kCpu] > 0 ? static_cast<double>(cl.reclaim_cpu_offered_total(k)) / capacity_[kCpu] : 0.0);
      c[at++].values.push_back(capacity_[kCpu] > 0 ? static_cast<double>(cl.reclaim_cpu_taken_total(k)) / capacity_[kCpu] : 0.0);
    }
  }  if (nodes_.present()) sample_nodes(sim);
}

void Recorder::on_run_end(const Simulation& sim, SimTime end) {
  advance(sim, end);
  // A run that ended inside its warm-up measures an empty window at its end.
  if (!window_open_) open_window(sim, end);
  const SimTime cut = sim.config().warmup_us > 0 ? start_ + sim.config().warmup_us : start_;
  const JobTable& jobs = sim.jobs();
  const std::size_t n = jobs.size();

  // Job outcome table.
  outcomes_.name = jobs.name;
  outcomes_.state_names.clear();
  for (int s = 0; s <= static_cast<int>(JobState::kRemoved); ++s)
    outcomes_.state_names.push_back(job_state_name(static_cast<JobState>(s)));
  // References into the columns stay valid only while the vector never
  // reallocates: reserve all of them first.
  constexpr std::size_t kJobColumns = 14;
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
  auto& team = column("team", "code, see /jobs_labels/team");
  auto& source = column("source", "code, see /jobs_labels/source");
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
    team[j] = jobs.team[j];
    source[j] = jobs.source[j];
    arrived += sim.state(j) != JobState::kNotArrived;
    never_placed += sim.state(j) != JobState::kNotArrived && start[j] < 0;
    completed += sim.state(j) == JobState::kCompleted;
    if (start[j] >= 0) {
      ++placed;
      if (submit[j] >= cut) waits.push_back(us_to_seconds(wait[j]));
    }
  }
  // What each job held and used (all workers, over all its runs).
  const UsageTable& usage = sim.usage();
  std::vector<double> cpu_alloc(n), cpu_used(n), gpu_alloc(n), gpu_used(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto a = usage.job_allocated_integral(static_cast<std::uint32_t>(j), end);
    const auto u = usage.job_used_integral(static_cast<std::uint32_t>(j), end);
    cpu_alloc[j] = a[kUsedCpu] / 1e9;  // milli-core us -> core s
    cpu_used[j] = u[kUsedCpu] / 1e9;
    gpu_alloc[j] = a[kUsedGpu] / 1e9;  // milli-GPU us -> GPU s
    gpu_used[j] = u[kUsedGpu] / 1e9;
  }
  outcomes_.real_columns = {{"cpu_alloc_core_s", "core-seconds held", std::move(cpu_alloc)},
                            {"cpu_used_core_s", "core-seconds used", std::move(cpu_used)},
                            {"gpu_alloc_s", "GPU-seconds held (milli / 1000)", std::move(gpu_alloc)},
                            {"gpu_used_s", "GPU-seconds of compute used", std::move(gpu_used)}};
  outcomes_.team_names = jobs.team_names;
  outcomes_.source_names.clear();
  for (const auto& n : jobs.source_names) outcomes_.source_names.push_back(source_label(n));
  std::sort(waits.begin(), waits.end());
  double wait_sum = 0;
  for (double w : waits) wait_sum += w;

  const double span = static_cast<double>(end - window_start_);
  auto mean = [&](int r) {
    if (capacity_[r] <= 0) return 0.0;
    return span > 0 ? (integral_[r] - integral_at_window_[r]) / span / capacity_[r] : current_[r] / capacity_[r];
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
  if (sim.config().warmup_us > 0) summary_.push_back({"warmup_s", us_to_seconds(sim.config().warmup_us)});
  add_usage_keys(sim, end);
  add_wait_groups(sim, cut);
}

std::string source_label(const std::string& name) {
  const auto slash = name.find_last_of('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::string shape_label(const JobRequest& r) {
  if (r.num_gpu == 0) return "cpu";
  if (r.num_gpu == 1 && r.gpu_milli < kMilliPerGpu) return "gpu-shared";
  return std::to_string(r.num_gpu) + "gpu";
}

void Recorder::add_wait_groups(const Simulation& sim, SimTime cut) {
  // A p95 over all jobs hides the shapes, teams and sources that wait longest: the same figures per group.
  const JobTable& jobs = sim.jobs();
  std::map<std::string, std::vector<double>> groups;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const SimTime start = sim.start_us(j);
    if (start < 0 || jobs.service[j] >= 0) continue;  // never started, or a service replica
    const SimTime submit = jobs.submit_us[j] != kNever ? jobs.submit_us[j] : sim.arrival_us(j);
    if (submit < cut) continue;  // inside the warm-up
    const double w = us_to_seconds(start - submit);
    groups["shape." + shape_label(jobs.request(j)) + "."].push_back(w);
    if (jobs.team_names.size() > 1) groups["team." + jobs.team_names[jobs.team[j]] + "."].push_back(w);
    if (jobs.source_names.size() > 1)
      groups["source." + source_label(jobs.source_names[static_cast<std::size_t>(jobs.source[j])]) + "."].push_back(w);
  }
  for (auto& [prefix, w] : groups) {
    std::sort(w.begin(), w.end());
    double sum = 0;
    for (double x : w) sum += x;
    summary_.push_back({prefix + "jobs_started", static_cast<std::int64_t>(w.size())});
    summary_.push_back({prefix + "wait_mean_s", sum / static_cast<double>(w.size())});
    summary_.push_back({prefix + "wait_p95_s", nearest_rank_percentile(w, 95)});
    summary_.push_back({prefix + "wait_max_s", w.back()});
  }
}

void Recorder::add_usage_keys(const Simulation& sim, SimTime end) {
  const double span = static_cast<double>(end - window_start_);
  const UsageTable& usage = sim.usage();
  // Integrals from the window's start: the totals now less those when it opened.
  auto since_window = [&](UsageTotals t, std::size_t at) {
    if (at < usage_at_window_.size())
      for (int r = 0; r < kUsageResources; ++r) {
        t.allocated_integral[r] -= usage_at_window_[at].allocated_integral[r];
        t.used_integral[r] -= usage_at_window_[at].used_integral[r];
      }
    return t;
  };
  // Means of used and allocated over the run, as fractions of the fleet's capacity.
  auto mean_of = [&](const ResourceAmounts& integral, const ResourceAmounts& now, int r, double capacity) {
    if (capacity <= 0) return 0.0;
    return span > 0 ? integral[r] / span / capacity : now[r] / capacity;
  };
  const double cpu = capacity_[kCpu], mem = capacity_[kMemory], gpu = capacity_[kGpuMilli];
  const UsageTotals f = since_window(usage.fleet(end), 0);
  const double cpu_used = mean_of(f.used_integral, f.used, kUsedCpu, cpu);
  const double gpu_used = mean_of(f.used_integral, f.used, kUsedGpu, gpu);
  const double mem_used = mean_of(f.used_integral, f.used, kUsedMemory, mem);
  auto frac = [](double v, double capacity) { return capacity > 0 ? v / capacity : 0.0; };
  summary_.push_back({"cpu_used_mean", cpu_used});
  summary_.push_back({"cpu_used_peak", frac(f.used_peak[kUsedCpu], cpu)});
  summary_.push_back({"memory_used_mean", mem_used});
  summary_.push_back({"memory_used_peak", frac(f.used_peak[kUsedMemory], mem)});
  summary_.push_back({"gpu_used_mean", gpu_used});
  summary_.push_back({"gpu_used_peak", frac(f.used_peak[kUsedGpu], gpu)});
  summary_.push_back({"gpu_memory_used_mean", mean_of(f.used_integral, f.used, kUsedGpuMemory, gpu)});
  if (sim.fleet().has_vms()) {
    // Two-level capacity: what pods use as a share of the hosts' cores, and what the VMs keep.
    const Fleet& fl = sim.fleet();
    double host_cores = 0, overhead = 0;
    std::int64_t vms = 0;
    for (const HostSpec& h : fl.hosts) host_cores += static_cast<double>(h.cpu_milli);
    for (std::size_t n = 0; n < fl.size(); ++n)
      if (fl.host[n] >= 0) {
        ++vms;
        overhead += static_cast<double>(fl.overhead_cpu_milli[n]) / 1000.0;
      }
    summary_.push_back({"hosts", static_cast<std::int64_t>(fl.hosts.size())});
    summary_.push_back({"vms", vms});
    summary_.push_back({"vm_overhead_cores", overhead});
    summary_.push_back({"host_cpu_used_mean", mean_of(f.used_integral, f.used, kUsedCpu, host_cores)});
    summary_.push_back({"host_cpu_used_peak", frac(f.used_peak[kUsedCpu], host_cores)});
  }
  // The gap: held but not used (what co-location could borrow).
  summary_.push_back({"cpu_alloc_unused_mean", mean_of(f.allocated_integral, f.allocated, kUsedCpu, cpu) - cpu_used});
  summary_.push_back({"memory_alloc_unused_mean", mean_of(f.allocated_integral, f.allocated, kUsedMemory, mem) - mem_used});
  summary_.push_back({"gpu_alloc_unused_mean", mean_of(f.allocated_integral, f.allocated, kUsedGpu, gpu) - gpu_used});
  const JobTable& jobs = sim.jobs();
  auto group = [&](const std::string& prefix, const UsageTotals& t) {
    summary_.push_back({prefix + "cpu_alloc_mean", mean_of(t.allocated_integral, t.allocated, kUsedCpu, cpu)});
    summary_.push_back({prefix + "cpu_used_mean", mean_of(t.used_integral, t.used, kUsedCpu, cpu)});
    summary_.push_back({prefix + "gpu_alloc_mean", mean_of(t.allocated_integral, t.allocated, kUsedGpu, gpu)});
    summary_.push_back({prefix + "gpu_used_mean", mean_of(t.used_integral, t.used, kUsedGpu, gpu)});
  };
  for (std::size_t t = 0; t < jobs.team_names.size(); ++t)
    group("team." + jobs.team_names[t] + ".", since_window(usage.team(t, end), 1 + t));
  for (std::size_t q = 0; q < jobs.qos_names.size(); ++q)
    group("class." + (jobs.qos_names[q].empty() ? std::string("none") : jobs.qos_names[q]) + ".",
          since_window(usage.job_class(q, end), 1 + usage.teams() + q));
}

void Recorder::take(RunResult& result) {
  result.timeseries = std::move(series_);
  result.node_series = std::move(nodes_);
  result.jobs = std::move(outcomes_);
  for (auto& kv : summary_) result.summary.push_back(std::move(kv));
  summary_.clear();
}

}  // namespace capsim
