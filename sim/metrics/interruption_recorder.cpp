#include "sim/metrics/interruption_recorder.h"

#include <algorithm>
#include <cmath>

#include "sim/core/simulation.h"
#include "sim/metrics/recorder.h"

namespace capsim {
namespace {

double job_gpus(const JobTable& jobs, std::size_t j) {
  return static_cast<double>(jobs.request(j).gpu_milli_total()) / 1000.0;
}

}  // namespace

void InterruptionRecorder::on_job_interrupted(const Simulation& sim, SimTime, std::uint32_t j, const Placement&,
                                              SimTime lost_us, InterruptReason reason) {
  ++interval_jobs_;
  const double lost = job_gpus(sim.jobs(), j) * sim.jobs().workers[j] * static_cast<double>(lost_us) / 3.6e9;
  lost_gpu_hours_ += lost;
  const std::size_t q = sim.jobs().qos[j];
  if (by_class_.size() <= q) {
    by_class_.resize(q + 1, {});
    lost_by_class_.resize(q + 1, 0.0);
  }
  ++by_class_[q][static_cast<int>(reason)];
  lost_by_class_[q] += lost;
}

void InterruptionRecorder::on_node_notice(const Simulation&, SimTime, std::int32_t) { ++interval_nodes_; }

void InterruptionRecorder::on_sample(const Simulation&, SimTime) {
  jobs_.values.push_back(static_cast<double>(interval_jobs_));
  nodes_.values.push_back(static_cast<double>(interval_nodes_));
  lost_.values.push_back(lost_gpu_hours_);
  interval_jobs_ = interval_nodes_ = 0;
}

void InterruptionRecorder::on_run_end(const Simulation&, SimTime end) { end_ = end; }

void InterruptionRecorder::take(const Simulation& sim, RunResult& r) {
  const JobTable& jobs = sim.jobs();
  const std::size_t n = jobs.size();
  std::vector<std::int64_t> restarts(n), lost(n), workers(n);
  std::int64_t restarts_total = 0, deadline_jobs = 0, deadline_misses = 0;
  std::vector<double> slowdowns;
  for (std::size_t j = 0; j < n; ++j) {
    restarts[j] = sim.restarts(j);
    workers[j] = jobs.workers[j];
    lost[j] = sim.lost_us(j);
    restarts_total += restarts[j];
    const bool done = sim.state(j) == JobState::kCompleted;
    if (done && jobs.duration_us[j] > 0 && !sim.runs_until_ended(j))
      slowdowns.push_back(static_cast<double>(sim.end_us(j) - jobs.submit_us[j]) / static_cast<double>(jobs.duration_us[j]));
    const SimTime after = jobs.resilience_of(j).deadline_after_us;
    if (after > 0 && sim.state(j) != JobState::kNotArrived) {
      ++deadline_jobs;
      const SimTime due = sim.arrival_us(j) + after;
      deadline_misses += done ? sim.end_us(j) > due : end_ > due;
    }
  }
  std::sort(slowdowns.begin(), slowdowns.end());
  double slow_sum = 0;
  for (double v : slowdowns) slow_sum += v;
  r.timeseries.columns.push_back(std::move(jobs_));
  r.timeseries.columns.push_back(std::move(nodes_));
  r.timeseries.columns.push_back(std::move(lost_));
  r.jobs.columns.push_back({"restarts", "interruptions survived (restarts)", std::move(restarts)});
  r.jobs.columns.push_back({"lost_us", "us of work lost to interruptions", std::move(lost)});
  r.jobs.columns.push_back({"workers", "workers of the gang (each with the request)", std::move(workers)});
  const auto& st = sim.stats();
  auto& s = r.summary;
  s.push_back({"node_notices", static_cast<std::int64_t>(st.node_notices)});
  s.push_back({"job_interruptions", static_cast<std::int64_t>(st.jobs_interrupted)});
  s.push_back({"jobs_failed", sim.failed_count()});
  s.push_back({"lost_gpu_hours", lost_gpu_hours_});
  // With tiers: interruptions by class and reason (evicted, preempted, ...), and lost GPU-hours by class.
  if (jobs.tier_classes.size() > 1)
    for (std::size_t q = 0; q < jobs.qos_names.size(); ++q) {
      const std::string label = "class." + (jobs.qos_names[q].empty() ? std::string("none") : jobs.qos_names[q]) + ".";
      for (int k = 0; k < kReasons; ++k)
        s.push_back({label + "interrupted." + interrupt_reason_name(static_cast<InterruptReason>(k)),
                     q < by_class_.size() ? by_class_[q][k] : std::int64_t{0}});
      s.push_back({label + "lost_gpu_hours", q < lost_by_class_.size() ? lost_by_class_[q] : 0.0});
    }
  s.push_back({"restarts_per_job_mean", n ? static_cast<double>(restarts_total) / static_cast<double>(n) : 0.0});
  s.push_back({"slowdown_mean", slowdowns.empty() ? std::nan("") : slow_sum / static_cast<double>(slowdowns.size())});
  s.push_back({"slowdown_p50", nearest_rank_percentile(slowdowns, 50)});
  s.push_back({"slowdown_p95", nearest_rank_percentile(slowdowns, 95)});
  s.push_back({"jobs_with_deadline", deadline_jobs});
  s.push_back({"deadline_misses", deadline_misses});
}

}  // namespace capsim
