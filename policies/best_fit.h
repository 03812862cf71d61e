#pragma once
#include "sim/core/placement_policy.h"

namespace capsim {

// The node left with the least free capacity after placement (weighted mean
// of the free fractions of CPU, memory and GPU milli, weights w_cpu, w_mem,
// w_gpu, default 1 each); on it the tightest-fitting GPU, which keeps whole
// devices free for whole-GPU jobs. Ties go to the lowest node index.
// score=k8s scores as Kubernetes' NodeResourcesMostAllocated plugin does,
// floor(100 * (1 - free fraction)), with a seeded random pick among the top.
class BestFitPolicy final : public PlacementPolicy {
 public:
  BestFitPolicy(const PolicyParams& params, std::uint64_t seed);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

 private:
  FitWeights weights_;
  ScoreMode mode_;
  std::uint64_t seed_;
  ScoreIndex<double> index_;  // exact mode: the score is a function of the node's state
  std::uint64_t placements_ = 0;
};

// Spread: the node left with the most free capacity (same score as
// best-fit), and on it the GPU with the most free milli.
class WorstFitPolicy final : public PlacementPolicy {
 public:
  explicit WorstFitPolicy(const PolicyParams& params);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

 private:
  FitWeights weights_;
  ScoreIndex<double> index_;
};

FitWeights fit_weights_from(const std::string& policy, const PolicyParams& params);

}  // namespace capsim
