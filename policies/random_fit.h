#pragma once
#include "sim/core/placement_policy.h"
#include "sim/base/random.h"

namespace capsim {

// A uniformly random node among those that fit, then a uniformly random GPU
// among the node's fitting devices (whole free devices, lowest first, for
// multi-GPU jobs). Draws come from the run's "placement/random" stream.
class RandomFitPolicy final : public PlacementPolicy {
 public:
  explicit RandomFitPolicy(std::uint64_t seed);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

 private:
  RandomStream rng_;
  std::vector<std::int32_t> candidates_;  // reused: no allocation per placement
};

}  // namespace capsim
