#include "sim/components/burst.h"

#include <algorithm>

#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim {

double cpu_limit_factor(const JobTable& jobs, std::uint32_t j) {
  const std::int32_t s = jobs.service[j];
  return s >= 0 ? jobs.services[static_cast<std::size_t>(s)].burst_limit : jobs.tier_of(j).cpu_limit_factor;
}

double burst_on_node(const Simulation& sim, std::size_t node, double limit) {
  const JobTable& jobs = sim.jobs();
  double taken = 0, burstable = 0;
  for (std::uint32_t k : sim.jobs_on_node(node)) {
    const auto req = static_cast<double>(jobs.cpu_milli[k]);
    if (cpu_limit_factor(jobs, k) > 1) {
      burstable += req;
      taken += req;
    } else {
      taken += sim.usage().used_by(k)[kUsedCpu];
    }
  }
  const double spare = std::max(0.0, static_cast<double>(sim.fleet().cpu_milli[node]) - taken);
  if (!(burstable > 0)) return 1.0;
  return std::min(limit, 1.0 + spare / burstable);
}

BatchBurst::BatchBurst(const JobTable& jobs) : jobs_(&jobs) {}

bool BatchBurst::needed(const JobTable& jobs) {
  for (const TierClass& t : jobs.tier_classes)
    if (t.cpu_limit_factor > 1) return true;
  return false;
}

bool BatchBurst::burstable_batch(std::uint32_t j) const {
  return jobs_->service[j] < 0 && jobs_->tier_of(j).cpu_limit_factor > 1;
}

void BatchBurst::attach(Simulation& sim) {
  sim.track_progress();
  sim.track_jobs_on_nodes();
  replicas_.assign(jobs_->services.size(), {});
  for (std::uint32_t j = 0; j < jobs_->size(); ++j)
    if (jobs_->service[j] >= 0) replicas_[static_cast<std::size_t>(jobs_->service[j])].push_back(j);
  extra_cores_.assign(jobs_->size(), 0.0);
}

void BatchBurst::on_run_start(Simulation& sim, SimTime start) {
  sim.mutable_usage().enable_job_cpu_shares();  // the usage table exists from here
  since_ = start;
}

void BatchBurst::rerate(Simulation& sim, SimTime now, std::uint32_t j, bool running) {
  double boost = 1.0;
  if (running) {
    const double limit = jobs_->tier_of(j).cpu_limit_factor;
    boost = limit;
    sim.for_each_placement(j, [&](const Placement& q) {  // a gang runs at its slowest worker's
      boost = std::min(boost, burst_on_node(sim, static_cast<std::size_t>(q.node), limit));
    });
    sim.set_rate_boost(now, j, boost);
    // The same work on more cores: it uses its request times the boost.
    if (boost != sim.usage().job_cpu_share(j)) sim.mutable_usage().set_job_cpu_share(now, j, boost);
  }
  extra_core_us_ += extra_now_ * static_cast<double>(now - since_);
  since_ = now;
  const double extra = running ? (boost - 1) * static_cast<double>(jobs_->cpu_milli[j]) / 1000.0 * jobs_->workers[j] : 0.0;
  extra_now_ += extra - extra_cores_[j];
  extra_cores_[j] = extra;
}

void BatchBurst::rerate_beside(Simulation& sim, SimTime now, std::uint32_t j, std::uint32_t except) {
  touched_.clear();
  sim.for_each_placement(j, [&](const Placement& q) {
    for (std::uint32_t k : sim.jobs_on_node(static_cast<std::size_t>(q.node)))
      if (k != except && burstable_batch(k) && sim.state(k) == JobState::kRunning) touched_.push_back(k);
  });
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  for (std::uint32_t k : touched_) rerate(sim, now, k, true);
}

void BatchBurst::on_job_started(Simulation& sim, SimTime now, std::uint32_t job) {
  // Its own burst (from 1 at every start) and, for every pod that came, its neighbours'.
  rerate_beside(sim, now, job, UINT32_MAX);
}

void BatchBurst::on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) {
  if (burstable_batch(job)) rerate(sim, now, job, false);
  rerate_beside(sim, now, job, job);
}

void BatchBurst::on_service_usage(Simulation& sim, SimTime now, std::size_t service) {
  if (jobs_->services[service].burst_limit > 1) return;  // a Burstable replica counts by its request
  for (std::uint32_t r : replicas_[service])
    if (sim.state(r) == JobState::kRunning) rerate_beside(sim, now, r, r);
}

void BatchBurst::report(const Simulation& sim, RunResult& result) const {
  const double total = extra_core_us_ + extra_now_ * static_cast<double>(std::max(sim.stats().end_us, since_) - since_);
  result.summary.push_back({"batch_burst_core_hours", total / 3.6e9});
}

}  // namespace capsim
