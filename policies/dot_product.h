#pragma once
#include "sim/core/placement_policy.h"

namespace capsim {

// Tetris-style alignment: the node whose free resource vector has the
// largest dot product with the job's request vector, both normalised by the
// node's capacity per resource (CPU, memory, GPU milli); on it the loosest
// GPU. Ties to the lowest node index.
class DotProductPolicy final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

 private:
  ScoreIndex<double> index_;
};

}  // namespace capsim
