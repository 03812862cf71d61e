#include "policies/queue_driven_capacity.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/core/check.h"
#include "sim/core/simulation.h"

namespace capsim {

QueueDrivenCapacity::QueueDrivenCapacity(const PolicyParams& params, const Fleet& fleet)
    : fleet_(&fleet), members_(fleet.pools.size()) {
  const double grace_s = params.get_double("idle_grace_s", 600);
  if (!(grace_s >= 0 && grace_s <= 1e12))
    throw InputError("capacity policy queue-driven: idle_grace_s must be in [0, 1e12], got " + std::to_string(grace_s));
  idle_grace_us_ = seconds_to_us(grace_s);
  for (std::size_t n = 0; n < fleet.size(); ++n)
    members_[static_cast<std::size_t>(fleet.pool[n])].push_back(static_cast<std::int32_t>(n));
}

void QueueDrivenCapacity::plan(const Simulation& sim, SimTime, std::vector<std::int32_t>& acquire) {
  const Fleet& f = *fleet_;
  const JobTable& jobs = sim.jobs();
  std::set<std::uint32_t> counted;  // heads of classes already served by an earlier pool
  for (std::size_t p = 0; p < f.pools.size(); ++p) {
    if (!f.pools[p].elastic || members_[p].empty()) continue;
    const auto node = static_cast<std::size_t>(members_[p].front());  // pools are sized by their first node
    double cpu = 0, mem = 0, gpu = 0;
    bool any = false;
    std::vector<std::uint32_t> heads;
    sim.for_each_pending_class([&](std::uint32_t head, std::size_t waiting) {
      const JobRequest r = jobs.request(head);
      if (counted.count(head) || !sim.cluster().fits_empty(node, r)) return;
      if (!sim.placement_policy().may_use(head, r, f.pools[p].kind)) return;
      heads.push_back(head);
      any = true;
      const auto k = static_cast<double>(waiting);
      cpu += k * static_cast<double>(r.cpu_milli);
      mem += k * static_cast<double>(r.memory_mib);
      gpu += k * static_cast<double>(r.num_gpu == 1 ? r.gpu_milli : r.num_gpu * kMilliPerGpu);
    });
    if (!any) continue;
    double need = std::ceil(cpu / static_cast<double>(f.cpu_milli[node]));
    if (f.memory_mib[node] > 0) need = std::max(need, std::ceil(mem / static_cast<double>(f.memory_mib[node])));
    if (f.gpu_count[node] > 0) need = std::max(need, std::ceil(gpu / (f.gpu_count[node] * double{kMilliPerGpu})));
    need = std::max(need, 1.0) - sim.pool_booting(p);
    for (std::int32_t n : members_[p]) {
      if (need <= 0) break;
      if (sim.node_state(static_cast<std::size_t>(n)) != NodeState::kOffline) continue;
      acquire.push_back(n);
      need -= 1;
    }
    // Jobs this pool could serve in full are not counted again by later pools;
    // when it ran out of nodes, later pools see them too (spot full: fall back).
    if (need <= 0) counted.insert(heads.begin(), heads.end());
  }
}

SimTime QueueDrivenCapacity::idle_grace_us(const Simulation&, std::int32_t) { return idle_grace_us_; }

bool QueueDrivenCapacity::may_release(const Simulation& sim, SimTime, std::int32_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[static_cast<std::size_t>(node)]);
  return sim.pool_held(p) > fleet_->pools[p].min_nodes;
}

}  // namespace capsim
