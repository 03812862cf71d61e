#pragma once
#include <utility>

#include "sim/core/placement_policy.h"

namespace capsim {

// Keeps idle GPUs and idle nodes free for large jobs: a fractional GPU job
// goes first to a partly used GPU that still fits it, then to a node already
// partly used, and only then to an idle node; multi-GPU and CPU-only jobs go
// to partly used nodes before idle ones. Within a tier, best-fit's score (the
// node left with the least free capacity), then the lowest index; on the node
// the tightest GPU.
class GpuPackingPolicy final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

 private:
  ScoreIndex<std::pair<int, double>> index_;
};

}  // namespace capsim
