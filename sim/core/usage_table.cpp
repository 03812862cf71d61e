#include "sim/core/usage_table.h"

#include <algorithm>
#include <cmath>

#include "sim/base/check.h"

namespace capsim {
namespace {

std::array<double, kUsageResources> shares(const UsageShare& s) { return {s.cpu, s.memory, s.gpu, s.gpu_memory}; }

}  // namespace

void UsageTotals::advance(SimTime now) {
  const auto dt = static_cast<double>(now - last_us);
  // A value counts toward the peak once it has held for some time (not the instant between
  // a replica's start and its service's new share).
  if (dt > 0)
    for (int r = 0; r < kUsageResources; ++r) {
      allocated_integral[r] += allocated[r] * dt;
      used_integral[r] += used[r] * dt;
      used_peak[r] = std::max(used_peak[r], used[r]);
    }
  last_us = std::max(last_us, now);
}

void UsageTable::start_window(SimTime now) {
  auto restart = [now](UsageTotals& t) {
    t.advance(now);
    t.used_peak = {};
  };
  restart(fleet_);
  for (auto& t : team_) restart(t);
  for (auto& t : class_) restart(t);
}

void UsageTable::Service::advance(SimTime now) {
  const auto dt = static_cast<double>(now - last_us);
  if (dt > 0) {
    const auto s = shares(share);
    for (int r = 0; r < kUsageResources; ++r) cumulative_share[r] += s[r] * dt;
  }
  last_us = std::max(last_us, now);
}

ResourceAmounts UsageTable::requested(const JobRequest& r) {
  const auto gpu = static_cast<double>(r.gpu_milli_total());
  return {static_cast<double>(r.cpu_milli), static_cast<double>(r.memory_mib), gpu, gpu};
}

void UsageTable::init(const JobTable& jobs, SimTime start) {
  jobs_ = &jobs;
  fleet_ = {};
  fleet_.last_us = start;
  team_.assign(std::max<std::size_t>(1, jobs.team_names.size()), fleet_);
  class_.assign(std::max<std::size_t>(1, jobs.qos_names.size()), fleet_);
  service_.assign(jobs.services.size(), Service{});
  for (auto& s : service_) s.last_us = start;
  run_us_.assign(jobs.size(), 0);
  open_since_us_.assign(jobs.size(), -1);
  open_workers_.assign(jobs.size(), 0);
  slot_.assign(jobs.size(), UINT32_MAX);
  std::uint32_t slots = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (jobs.service[j] >= 0) {
      slot_[j] = slots++;
      Service& s = service_[static_cast<std::size_t>(jobs.service[j])];
      s.team = jobs.team[j];
      s.job_class = jobs.qos[j];
    }
  slot_used_.assign(slots, ResourceAmounts{});
  slot_cumulative_at_start_.assign(slots, ResourceAmounts{});
}

void UsageTable::enable_job_shares(JobShare which) {
  if (!job_share_[which].empty()) return;
  job_share_[which].assign(jobs_->size(), 1.0);
  job_lost_us_[which].assign(jobs_->size(), 0.0);
  job_share_since_[which].assign(jobs_->size(), 0);
}

void UsageTable::close_share(SimTime now, std::uint32_t j, JobShare which) {
  job_lost_us_[which][j] += (1.0 - job_share_[which][j]) * static_cast<double>(now - job_share_since_[which][j]) * open_workers_[j];
  job_share_since_[which][j] = now;
}

void UsageTable::set_job_share(SimTime now, std::uint32_t j, JobShare which, double share) {
  CAPSIM_CHECK(!job_share_[which].empty(), "job shares are enabled");
  CAPSIM_CHECK(jobs_->service[j] < 0 && open_since_us_[j] >= 0, "a job share is set on a running batch job");
  // Above 1 only for CPU: a Burstable batch job using its node's unused CPU (the burst component).
  CAPSIM_CHECK(share >= 0 && (share <= 1 || (which == kCpuShare && std::isfinite(share))),
               "a job share is in [0, 1] (CPU: a burst above its request)");
  if (share == job_share_[which][j]) return;
  close_share(now, j, which);
  ResourceAmounts delta{};
  const UsageResource r = kShareResource[which];
  delta[r] = (share - job_share_[which][j]) * requested(jobs_->request(j))[r] * open_workers_[j];
  job_share_[which][j] = share;
  add(jobs_->team[j], jobs_->qos[j], ResourceAmounts{}, delta, now);
}

ResourceAmounts UsageTable::used_by(std::uint32_t j) const {
  ResourceAmounts a = requested(jobs_->request(j));
  if (jobs_->service[j] < 0) {
    for (int k = 0; k < kJobShares; ++k)
      if (!job_share_[k].empty()) a[kShareResource[k]] *= job_share_[k][j];
    return a;
  }
  const auto s = shares(service_[static_cast<std::size_t>(jobs_->service[j])].share);
  for (int r = 0; r < kUsageResources; ++r) a[r] *= s[r];
  return a;
}

void UsageTable::add(std::size_t team, std::size_t job_class, const ResourceAmounts& allocated, const ResourceAmounts& used, SimTime now) {
  for (UsageTotals* t : {&fleet_, &team_[team], &class_[job_class]}) {
    t->advance(now);
    for (int r = 0; r < kUsageResources; ++r) {
      t->allocated[r] += allocated[r];
      t->used[r] += used[r];
      // Removing what was added leaves rounding dust; it must not read as negative use.
      if (t->used[r] < 0 && t->used[r] > -1e-6) t->used[r] = 0;
    }
  }
}

void UsageTable::job_started(SimTime now, std::uint32_t j, std::int32_t workers) {
  ResourceAmounts alloc = requested(jobs_->request(j)), used = used_by(j);
  for (int r = 0; r < kUsageResources; ++r) {
    alloc[r] *= workers;
    used[r] *= workers;
  }
  add(jobs_->team[j], jobs_->qos[j], alloc, used, now);
  open_since_us_[j] = now;
  open_workers_[j] = workers;
  for (int k = 0; k < kJobShares; ++k)
    if (!job_share_[k].empty()) job_share_since_[k][j] = now;
  if (jobs_->service[j] >= 0) {
    Service& s = service_[static_cast<std::size_t>(jobs_->service[j])];
    s.advance(now);
    slot_cumulative_at_start_[slot_[j]] = s.cumulative_share;
    for (int r = 0; r < kUsageResources; ++r) s.running_request[r] += alloc[r];
  }
}

void UsageTable::job_stopped(SimTime now, std::uint32_t j, std::int32_t workers) {
  CAPSIM_CHECK(open_since_us_[j] >= 0 && open_workers_[j] == workers, "a job stops as it started");
  ResourceAmounts alloc = requested(jobs_->request(j)), used = used_by(j);
  for (int r = 0; r < kUsageResources; ++r) {
    alloc[r] *= -workers;
    used[r] *= -workers;
  }
  add(jobs_->team[j], jobs_->qos[j], alloc, used, now);
  run_us_[j] += (now - open_since_us_[j]) * workers;
  for (int k = 0; k < kJobShares; ++k)
    if (!job_share_[k].empty() && jobs_->service[j] < 0) {
      close_share(now, j, static_cast<JobShare>(k));
      job_share_[k][j] = 1.0;  // a restart runs unsuppressed until its node says otherwise
    }
  if (jobs_->service[j] >= 0) {
    Service& s = service_[static_cast<std::size_t>(jobs_->service[j])];
    s.advance(now);
    ResourceAmounts& u = slot_used_[slot_[j]];
    for (int r = 0; r < kUsageResources; ++r) {
      u[r] += (s.cumulative_share[r] - slot_cumulative_at_start_[slot_[j]][r]) * workers;
      s.running_request[r] += alloc[r];
      if (std::abs(s.running_request[r]) < 1e-6) s.running_request[r] = 0;
    }
  }
  open_since_us_[j] = -1;
  open_workers_[j] = 0;
}

void UsageTable::set_service_share(SimTime now, std::size_t s, const UsageShare& share) {
  const auto next = shares(share);
  // CPU may exceed the request: a Burstable replica uses its node's spare CPU (up to its limit).
  for (int r = 0; r < kUsageResources; ++r)
    CAPSIM_CHECK(next[r] >= 0 && (r == kUsedCpu ? std::isfinite(next[r]) : next[r] <= 1),
                 "a usage share is in [0, 1] (CPU: not negative)");
  Service& svc = service_[s];
  svc.advance(now);
  const auto before = shares(svc.share);
  ResourceAmounts delta{};
  bool changed = false;
  for (int r = 0; r < kUsageResources; ++r) {
    delta[r] = (next[r] - before[r]) * svc.running_request[r];
    changed = changed || delta[r] != 0;
  }
  svc.share = share;
  if (!changed) return;
  add(svc.team, svc.job_class, ResourceAmounts{}, delta, now);
}

UsageTotals UsageTable::at(const UsageTotals& t, SimTime now) {
  UsageTotals copy = t;
  copy.advance(now);
  return copy;
}

ResourceAmounts UsageTable::job_allocated_integral(std::uint32_t j, SimTime now) const {
  SimTime worker_us = run_us_[j];
  if (open_since_us_[j] >= 0) worker_us += (now - open_since_us_[j]) * open_workers_[j];
  ResourceAmounts a = requested(jobs_->request(j));
  for (double& v : a) v *= static_cast<double>(worker_us);
  return a;
}

ResourceAmounts UsageTable::job_used_integral(std::uint32_t j, SimTime now) const {
  if (jobs_->service[j] < 0) {
    ResourceAmounts a = job_allocated_integral(j, now);
    const ResourceAmounts per_worker = requested(jobs_->request(j));
    for (int k = 0; k < kJobShares; ++k) {
      if (job_share_[k].empty()) continue;
      double lost = job_lost_us_[k][j];
      if (open_since_us_[j] >= 0)
        lost += (1.0 - job_share_[k][j]) * static_cast<double>(now - job_share_since_[k][j]) * open_workers_[j];
      a[kShareResource[k]] -= per_worker[kShareResource[k]] * lost;
    }
    return a;
  }
  const std::uint32_t k = slot_[j];
  ResourceAmounts share_us = slot_used_[k];
  if (open_since_us_[j] >= 0) {
    Service s = service_[static_cast<std::size_t>(jobs_->service[j])];
    s.advance(now);
    for (int r = 0; r < kUsageResources; ++r)
      share_us[r] += (s.cumulative_share[r] - slot_cumulative_at_start_[k][r]) * open_workers_[j];
  }
  ResourceAmounts a = requested(jobs_->request(j));
  for (int r = 0; r < kUsageResources; ++r) a[r] *= share_us[r];
  return a;
}

}  // namespace capsim
