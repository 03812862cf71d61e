#include "policies/spot_placement.h"

#include <limits>

#include "policies/best_fit.h"
#include "sim/base/check.h"

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

bool SpotPlacementPolicy::may_use(std::uint32_t job, const JobRequest& r, const PoolSpec& pool) const {
  const Spot rule = spot_rule(job, r);
  if (pool.kind == PoolKind::kSpot) return rule != Spot::kNever;
  return rule != Spot::kOnly;
}

std::uint64_t SpotPlacementPolicy::job_class_key(std::uint32_t job) const {
  if (mode_ != SpotMode::kStaticSplit || !jobs_ || job >= jobs_->size()) return 0;
  return static_cast<std::uint64_t>(spot_rule(job, jobs_->request(job)));
}

double SpotPlacementPolicy::tolerance_of(std::uint32_t job) const {
  return jobs_ && job < jobs_->size() ? jobs_->resilience_of(job).max_interruptions_per_node_hour : 0.0;
}

int SpotPlacementPolicy::tier(Spot rule, double tolerance, const ClusterState& c, std::size_t n, SimTime now) const {
  if (!c.spot_node[n]) return rule == Spot::kOnly ? 2 : (rule == Spot::kFirst ? 1 : 0);
  if (rule == Spot::kNever) return 2;
  if (rule == Spot::kFirst && tolerance > 0 &&
      c.recent_interruptions_per_node_hour(static_cast<std::size_t>(c.fleet().pool[n]), now) > tolerance)
    return 3;
  return 0;
}

bool SpotPlacementPolicy::allows(std::uint32_t job, const JobRequest& r, const ClusterState& c, std::size_t node,
                                 SimTime now) const {
  return tier(spot_rule(job, r), tolerance_of(job), c, node, now) < 2;
}

Placement SpotPlacementPolicy::place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) {
  const Spot rule = spot_rule(job, r);
  const double tolerance = tolerance_of(job);
  // Tiers above 1 are not allowed: chosen only when nothing else fits, then refused.
  const std::int32_t node = min_score_node(r, c, [&](std::size_t n) {
    return std::pair<int, double>{std::min(tier(rule, tolerance, c, n, now), 2), free_fraction_after(c, n, r, weights_)};
  });
  refused_by_rate_ = false;
  refused_until_ = kNever;
  if (node < 0) return {};
  const int t = tier(rule, tolerance, c, static_cast<std::size_t>(node), now);
  if (t >= 2) {
    // Only refused nodes fit; if spot nodes among them are refused for their pool's rate, ask again
    // when the first of those rates falls to the tolerance.
    if (rule == Spot::kFirst && tolerance > 0)
      for (std::size_t n = 0; n < c.fleet().size(); ++n)
        if (c.fits(n, r) && tier(rule, tolerance, c, n, now) == 3) {
          refused_by_rate_ = true;
          const auto pool = static_cast<std::size_t>(c.fleet().pool[n]);
          refused_until_ = std::min(refused_until_, c.interruption_rate_at_most_at(pool, tolerance, now));
        }
    return {};
  }
  return {node, choose_gpus(c, static_cast<std::size_t>(node), r, GpuChoice::kTightest)};
}

}  // namespace capsim
