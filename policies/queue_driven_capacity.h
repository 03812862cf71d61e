#pragma once
// queue-driven: the simple capacity policy of elastic pools. After a pass
// that left jobs waiting, each elastic pool (in fleet order) acquires enough
// offline nodes to hold the waiting jobs that fit its nodes, counted by
// resource (CPU, memory, GPU milli) against the size of the first node shape
// that can hold them, less the nodes of that shape already booting; only jobs
// the placement policy would put in the pool are counted (may_use). Jobs a
// pool can serve in full are not counted again for the next; when a pool runs
// out of nodes, the next pools see them too. A node left empty for idle_grace_s is released, down to the
// pool's min_nodes. Cooldowns and prediction belong to the autoscaler.
#include <vector>

#include "sim/core/capacity_policy.h"
#include "sim/core/placement_policy.h"
#include "sim/model/fleet.h"

namespace capsim {

class QueueDrivenCapacity final : public CapacityPolicy {
 public:
  QueueDrivenCapacity(const PolicyParams& params, const Fleet& fleet);

  void plan(const Simulation& sim, SimTime now, std::vector<std::int32_t>& acquire) override;
  SimTime idle_grace_us(const Simulation& sim, std::int32_t node) override;
  bool may_release(const Simulation& sim, SimTime now, std::int32_t node) override;

 private:
  const Fleet* fleet_;
  SimTime idle_grace_us_;
  std::vector<std::vector<std::vector<std::int32_t>>> shapes_;  // per pool, per node shape: node indices
};

}  // namespace capsim
