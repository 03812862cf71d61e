#include "policies/priority_preemption.h"

#include <algorithm>
#include <bit>
#include <tuple>

#include "sim/core/simulation.h"

namespace capsim {

bool tier_may_preempt(const TierClass& a, const TierClass& b) {
  if (a.tier == Tier::kNone || b.tier == Tier::kNone) return false;
  if (a.tier == Tier::kProd && b.tier == Tier::kMid) return false;
  return a.priority > b.priority;
}

namespace {

// One node's free resources while victims are taken off and given back.
struct NodeFree {
  std::int64_t cpu = 0, memory = 0;
  std::vector<std::int32_t> gpu;  // free milli per device
  bool fits(const JobRequest& r) const {
    if (cpu < r.cpu_milli || memory < r.memory_mib) return false;
    if (r.num_gpu == 0) return true;
    if (r.num_gpu == 1) return std::any_of(gpu.begin(), gpu.end(), [&](std::int32_t f) { return f >= r.gpu_milli; });
    return std::count(gpu.begin(), gpu.end(), kMilliPerGpu) >= r.num_gpu;
  }
  void add(const JobRequest& r, std::uint64_t mask, int sign) {
    cpu += sign * r.cpu_milli;
    memory += sign * r.memory_mib;
    for (std::uint64_t m = mask; m; m &= m - 1) gpu[static_cast<std::size_t>(std::countr_zero(m))] += sign * r.gpu_milli_per_device();
  }
};

}  // namespace

void PriorityPreemption::choose_victims(std::uint32_t job, const JobRequest& request, const Simulation& sim, SimTime now,
                                        std::vector<std::uint32_t>& victims) {
  const JobTable& jobs = sim.jobs();
  const TierClass& me = jobs.tier_of(job);
  if (me.tier == Tier::kNone || jobs.workers[job] > 1) return;  // gangs are not preempted for
  // GPU guests make room by memory eviction (sim/components/gpu_sharing.h), not by preemption.
  if (request.kind != ResourceKind::kNative && request.num_gpu > 0) return;
  const ClusterState& c = sim.cluster();
  const Fleet& f = sim.fleet();
  std::int64_t best_max = INT64_MAX, best_sum = INT64_MAX;
  std::size_t best_count = SIZE_MAX;
  best_.clear();
  for (std::size_t n = 0; n < f.size(); ++n) {
    if (!c.online[n] || !inner_.allows(job, request, c, n, now) || !c.fits_empty(n, request)) continue;
    candidates_.clear();
    for (std::uint32_t v : sim.jobs_on_node(n)) {
      const JobRequest vr = jobs.request(v);
      if (vr.kind == request.kind && jobs.workers[v] == 1 && tier_may_preempt(me, jobs.tier_of(v)) &&
          sim.state(v) == JobState::kRunning)
        candidates_.push_back(v);
    }
    if (candidates_.empty()) continue;
    NodeFree free;
    if (request.kind == ResourceKind::kNative) {
      free.cpu = c.free_cpu_milli[n];
      free.memory = c.free_memory_mib[n];
      for (std::int32_t g = 0; g < f.gpu_count[n]; ++g) free.gpu.push_back(c.gpu_free_milli(n, g));
    } else {
      free.cpu = c.reclaim_cpu_offered(request.kind, n) - c.reclaim_cpu_taken(request.kind, n);
      free.memory = c.reclaim_memory_offered(request.kind, n) - c.reclaim_memory_taken(request.kind, n);
    }
    for (std::uint32_t v : candidates_) free.add(jobs.request(v), sim.placement(v).gpu_mask, +1);
    if (!free.fits(request)) continue;
    // Reprieve from the highest priority down (ties: the later index first, so older pods stay).
    std::sort(candidates_.begin(), candidates_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::int32_t pa = jobs.tier_of(a).priority, pb = jobs.tier_of(b).priority;
      return pa != pb ? pa > pb : a < b;
    });
    kept_.clear();
    for (std::uint32_t v : candidates_) {
      NodeFree trial = free;
      trial.add(jobs.request(v), sim.placement(v).gpu_mask, -1);
      if (trial.fits(request)) free = trial;
      else kept_.push_back(v);  // a victim
    }
    std::int64_t max_p = INT64_MIN, sum = 0;
    for (std::uint32_t v : kept_) {
      max_p = std::max<std::int64_t>(max_p, jobs.tier_of(v).priority);
      sum += jobs.tier_of(v).priority;
    }
    const std::size_t count = kept_.size();
    if (count > 0 && std::tie(max_p, sum, count) < std::tie(best_max, best_sum, best_count)) {
      best_max = max_p;
      best_sum = sum;
      best_count = kept_.size();
      best_ = kept_;
    }
  }
  victims.insert(victims.end(), best_.begin(), best_.end());
}

}  // namespace capsim
