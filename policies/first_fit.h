#pragma once
#include "sim/core/placement_policy.h"

namespace capsim {

// The lowest-indexed node that fits, and on it the lowest-indexed GPU(s).
class FirstFitPolicy final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;
};

}  // namespace capsim
