#pragma once
#include "sim/core/placement_policy.h"

namespace capsim {

// Puts jobs with the same GPU request (GPU count and milli-GPU per device) on
// the same nodes: first nodes already hosting such a job, then nodes hosting
// no GPU job at all, then the rest. Within a tier, best-fit's score, then the
// lowest index; on the node the tightest GPU. CPU-only jobs are placed by
// best-fit's score alone.
class GpuClusteringPolicy final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;
};

}  // namespace capsim
