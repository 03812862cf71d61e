#pragma once
#include "sim/core/placement_policy.h"

namespace capsim {

// The lowest-indexed node that fits, and on it the lowest-indexed GPU(s).
class FirstFitPolicy final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;
  static constexpr std::size_t kIndexedFrom = 4096;  // nodes; below, a scan from node 0 is cheaper

 private:
  ScoreIndex<int> index_;
};

}  // namespace capsim
