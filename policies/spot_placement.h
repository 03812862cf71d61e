#pragma once
// Where spot-tolerant jobs go: the spot-with-fallback policy and its three
// baselines. All four place by best-fit's score within the nodes they allow;
// jobs that do not tolerate spot (or are high priority) never reach spot
// nodes in any policy (the shared feasibility filter).
//   spot-fallback   tolerant jobs on spot first; on-demand/reserved/owned when
//                   no spot node fits, or when every fitting spot pool's recent
//                   interruption rate is above the job's tolerance
//   spot-only       tolerant jobs wait for spot; the others run off spot
//   on-demand-only  nothing runs on spot
//   static-split    a fixed share (spot_share) of tolerant jobs, by job, is
//                   spot-only; the rest never use spot
#include <cstdint>

#include "sim/core/placement_policy.h"

namespace capsim {

enum class SpotMode : std::uint8_t { kFallback, kSpotOnly, kOnDemandOnly, kStaticSplit };

class SpotPlacementPolicy final : public PlacementPolicy {
 public:
  SpotPlacementPolicy(SpotMode mode, const PolicyParams& params, const PolicyContext& context);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;
  bool may_use(std::uint32_t job, const JobRequest& r, const PoolSpec& pool) const override;
  bool allows(std::uint32_t job, const JobRequest& r, const ClusterState& c, std::size_t node,
              SimTime now) const override;
  // static-split sends identical jobs to different sides: the side is part of the class.
  std::uint64_t job_class_key(std::uint32_t job) const override;
  // spot-fallback refuses a spot pool while its recent interruption rate is
  // above the job's tolerance; the rate decays, so the answer can change.
  bool refusal_may_change() const override { return refused_by_rate_; }
  // When the first fitting spot pool's rate falls to the job's tolerance.
  SimTime refusal_changes_at() const override { return refused_until_; }

 private:
  enum class Spot : std::uint8_t { kNever, kOnly, kFirst };
  Spot spot_rule(std::uint32_t job, const JobRequest& r) const;
  // 0 preferred, 1 fallback, 2 not allowed; 3 not allowed now (interruption rate above tolerance).
  int tier(Spot rule, double tolerance, const ClusterState& c, std::size_t node, SimTime now) const;
  double tolerance_of(std::uint32_t job) const;

  SpotMode mode_;
  FitWeights weights_;
  double spot_share_ = 0.5;
  std::uint64_t seed_ = 0;
  const JobTable* jobs_ = nullptr;
  bool refused_by_rate_ = false;  // about the last place() call
  SimTime refused_until_ = kNever;
};

}  // namespace capsim
