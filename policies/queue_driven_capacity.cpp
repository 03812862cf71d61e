#include "policies/queue_driven_capacity.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "sim/core/check.h"
#include "sim/core/simulation.h"

namespace capsim {

QueueDrivenCapacity::QueueDrivenCapacity(const PolicyParams& params, const Fleet& fleet)
    : fleet_(&fleet), shapes_(fleet.pools.size()) {
  const double grace_s = params.get_double("idle_grace_s", 600);
  if (!(grace_s >= 0 && grace_s <= 1e12))
    throw InputError("capacity policy queue-driven: idle_grace_s must be in [0, 1e12], got " + std::to_string(grace_s));
  idle_grace_us_ = seconds_to_us(grace_s);
  // Group each pool's nodes by shape: demand is counted against the shape that can hold it.
  std::vector<std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, int>, std::size_t>> index(fleet.pools.size());
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const auto p = static_cast<std::size_t>(fleet.pool[n]);
    const auto key = std::make_tuple(fleet.cpu_milli[n], fleet.memory_mib[n], fleet.gpu_count[n],
                                     fleet.gpu_count[n] > 0 ? static_cast<int>(fleet.gpu_model[n]) : -1);
    auto [it, fresh] = index[p].try_emplace(key, shapes_[p].size());
    if (fresh) shapes_[p].push_back({});
    shapes_[p][it->second].push_back(static_cast<std::int32_t>(n));
  }
}

void QueueDrivenCapacity::plan(const Simulation& sim, SimTime, std::vector<std::int32_t>& acquire) {
  const Fleet& f = *fleet_;
  const JobTable& jobs = sim.jobs();
  std::set<std::uint32_t> counted;  // heads of classes already served by an earlier pool
  for (std::size_t p = 0; p < f.pools.size(); ++p) {
    if (!f.pools[p].elastic || shapes_[p].empty()) continue;
    std::size_t members = 0;
    for (const auto& s : shapes_[p]) members += s.size();
    if (sim.pool_held(p) >= static_cast<std::int32_t>(members)) continue;  // nothing left to acquire
    struct Demand {
      double cpu = 0, mem = 0, gpu = 0;
      std::vector<std::uint32_t> heads;
    };
    std::map<std::size_t, Demand> demand;  // by shape
    sim.for_each_pending_class([&](std::uint32_t head, std::size_t waiting) {
      if (counted.count(head)) return;
      const JobRequest r = jobs.request(head);
      if (!sim.placement_policy().may_use(head, r, f.pools[p].kind)) return;
      for (std::size_t s = 0; s < shapes_[p].size(); ++s) {
        if (!sim.cluster().fits_empty(static_cast<std::size_t>(shapes_[p][s].front()), r)) continue;
        Demand& d = demand[s];
        const auto k = static_cast<double>(waiting);
        d.cpu += k * static_cast<double>(r.cpu_milli);
        d.mem += k * static_cast<double>(r.memory_mib);
        d.gpu += k * static_cast<double>(r.num_gpu == 1 ? r.gpu_milli : r.num_gpu * kMilliPerGpu);
        d.heads.push_back(head);
        return;
      }
    });
    for (const auto& [s, d] : demand) {
      const auto node = static_cast<std::size_t>(shapes_[p][s].front());
      double need = std::ceil(d.cpu / static_cast<double>(f.cpu_milli[node]));
      if (f.memory_mib[node] > 0) need = std::max(need, std::ceil(d.mem / static_cast<double>(f.memory_mib[node])));
      if (f.gpu_count[node] > 0) need = std::max(need, std::ceil(d.gpu / (f.gpu_count[node] * double{kMilliPerGpu})));
      need = std::max(need, 1.0);
      std::vector<std::int32_t> offline;
      for (std::int32_t n : shapes_[p][s]) {
        const NodeState st = sim.node_state(static_cast<std::size_t>(n));
        if (st == NodeState::kBooting) need -= 1;  // already on its way
        else if (st == NodeState::kOffline && static_cast<double>(offline.size()) < need) offline.push_back(n);
      }
      const auto take = static_cast<std::size_t>(std::max(0.0, std::min(need, static_cast<double>(offline.size()))));
      acquire.insert(acquire.end(), offline.begin(), offline.begin() + static_cast<std::ptrdiff_t>(take));
      // Jobs this pool could serve in full are not counted again by later pools;
      // when it ran out of nodes, later pools see them too (spot full: fall back).
      if (need <= static_cast<double>(take)) counted.insert(d.heads.begin(), d.heads.end());
    }
  }
}

SimTime QueueDrivenCapacity::idle_grace_us(const Simulation&, std::int32_t) { return idle_grace_us_; }

bool QueueDrivenCapacity::may_release(const Simulation& sim, SimTime, std::int32_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[static_cast<std::size_t>(node)]);
  return sim.pool_held(p) > fleet_->pools[p].min_nodes;
}

}  // namespace capsim
