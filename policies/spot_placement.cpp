#include "policies/spot_placement.h"

#include <limits>

#include "policies/best_fit.h"
#include "sim/core/check.h"

namespace capsim {
namespace {

const char* mode_name(SpotMode m) {
  switch (m) {
    case SpotMode::kFallback: return "spot-fallback";
    case SpotMode::kSpotOnly: return "spot-only";
    case SpotMode::kOnDemandOnly: return "on-demand-only";
    case SpotMode::kStaticSplit: return "static-split";
  }
  return "?";
}

// SplitMix64's finaliser: a job's side of the static split, the same on every run with the seed.
double unit_hash(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

}  // namespace

SpotPlacementPolicy::SpotPlacementPolicy(SpotMode mode, const PolicyParams& p, const PolicyContext& c)
    : mode_(mode), weights_(fit_weights_from(mode_name(mode), p)), seed_(c.seed), jobs_(c.jobs) {
  if (mode == SpotMode::kStaticSplit) {
    spot_share_ = p.get_double("spot_share", 0.5);
    if (!(spot_share_ >= 0 && spot_share_ <= 1))
      throw InputError("policy static-split: spot_share must be in [0, 1], got " + std::to_string(spot_share_));
  }
}

SpotPlacementPolicy::Spot SpotPlacementPolicy::spot_rule(std::uint32_t job, const JobRequest& r) const {
  if (!r.spot_ok) return Spot::kNever;
  switch (mode_) {
    case SpotMode::kFallback: return Spot::kFirst;
    case SpotMode::kSpotOnly: return Spot::kOnly;
    case SpotMode::kOnDemandOnly: return Spot::kNever;
    case SpotMode::kStaticSplit: return unit_hash(seed_ * 0x100000001B3ULL + job) < spot_share_ ? Spot::kOnly : Spot::kNever;
  }
  return Spot::kNever;
}

bool SpotPlacementPolicy::may_use(std::uint32_t job, const JobRequest& r, PoolKind kind) const {
  const Spot rule = spot_rule(job, r);
  if (kind == PoolKind::kSpot) return rule != Spot::kNever;
  return rule != Spot::kOnly;
}

Placement SpotPlacementPolicy::place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) {
  const Spot rule = spot_rule(job, r);
  const double tolerance =
      jobs_ && job < jobs_->size() ? jobs_->resilience_of(job).max_interruptions_per_node_hour : 0.0;
  const Fleet& f = c.fleet();
  // Tiers: 0 preferred, 1 fallback, 2 not allowed (chosen only when nothing else fits, then refused).
  auto tier = [&](std::size_t n) -> int {
    if (!c.spot_node[n]) return rule == Spot::kOnly ? 2 : (rule == Spot::kFirst ? 1 : 0);
    if (rule == Spot::kNever) return 2;
    if (rule == Spot::kFirst && tolerance > 0 &&
        c.recent_interruptions_per_node_hour(static_cast<std::size_t>(f.pool[n]), now) > tolerance)
      return 2;
    return 0;
  };
  const std::int32_t node = min_score_node(r, c, [&](std::size_t n) {
    return std::pair<int, double>{tier(n), free_fraction_after(c, n, r, weights_)};
  });
  if (node < 0 || tier(static_cast<std::size_t>(node)) == 2) return {};
  return {node, choose_gpus(c, static_cast<std::size_t>(node), r, GpuChoice::kTightest)};
}

}  // namespace capsim
