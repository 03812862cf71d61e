#include "policies/best_fit.h"

#include "sim/base/check.h"

namespace capsim {

FitWeights fit_weights_from(const std::string& policy, const PolicyParams& p) {
  FitWeights w{p.get_double("w_cpu", 1.0), p.get_double("w_mem", 1.0), p.get_double("w_gpu", 1.0)};
  if (w.cpu < 0 || w.memory < 0 || w.gpu < 0 || w.cpu + w.memory + w.gpu <= 0)
    throw InputError("policy " + policy +
                     ": weights w_cpu, w_mem, w_gpu must be non-negative with a positive sum");
  return w;
}

BestFitPolicy::BestFitPolicy(const PolicyParams& p, std::uint64_t seed)
    : weights_(fit_weights_from("best-fit", p)), mode_(score_mode_from("best-fit", p)), seed_(seed) {}

Placement BestFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  if (mode_ == ScoreMode::kExact)
    return indexed_min_score_placement(index_, r, c, GpuChoice::kTightest,
                                       [&](std::size_t n) { return free_fraction_after(c, n, r, weights_); });
  const std::uint64_t placement = ++placements_;
  return min_score_placement(r, c, GpuChoice::kTightest, [&](std::size_t n) {
    const auto used = static_cast<int>(100.0 * (1.0 - free_fraction_after(c, n, r, weights_)));
    return std::make_pair(-used, tie_key(seed_, placement, n));
  });
}

WorstFitPolicy::WorstFitPolicy(const PolicyParams& p) : weights_(fit_weights_from("worst-fit", p)) {}

Placement WorstFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  return indexed_min_score_placement(index_, r, c, GpuChoice::kLoosest,
                                     [&](std::size_t n) { return -free_fraction_after(c, n, r, weights_); });
}

}  // namespace capsim
