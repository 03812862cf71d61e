#include "policies/best_fit.h"

#include "sim/core/check.h"

namespace capsim {

FitWeights fit_weights_from(const std::string& policy, const PolicyParams& p) {
  FitWeights w{p.get_double("w_cpu", 1.0), p.get_double("w_mem", 1.0), p.get_double("w_gpu", 1.0)};
  if (w.cpu < 0 || w.memory < 0 || w.gpu < 0 || w.cpu + w.memory + w.gpu <= 0)
    throw InputError("policy " + policy +
                     ": weights w_cpu, w_mem, w_gpu must be non-negative with a positive sum");
  return w;
}

namespace {

// Scans every fitting node for the extreme score; the strict comparison
// keeps the lowest index among equals.
template <bool kMostFree>
Placement extreme_fit(const JobRequest& r, const ClusterState& c, const FitWeights& w,
                      GpuChoice gpu_choice) {
  const std::size_t n = c.fleet().size();
  std::int32_t best = -1;
  double best_score = 0;
  for (std::size_t node = 0; node < n; ++node) {
    if (!c.fits(node, r)) continue;
    const double s = free_fraction_after(c, node, r, w);
    if (best < 0 || (kMostFree ? s > best_score : s < best_score)) {
      best = static_cast<std::int32_t>(node);
      best_score = s;
    }
  }
  if (best < 0) return {};
  return {best, choose_gpus(c, static_cast<std::size_t>(best), r, gpu_choice)};
}

}  // namespace

BestFitPolicy::BestFitPolicy(const PolicyParams& p) : weights_(fit_weights_from("best-fit", p)) {}

Placement BestFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  return extreme_fit<false>(r, c, weights_, GpuChoice::kTightest);
}

WorstFitPolicy::WorstFitPolicy(const PolicyParams& p) : weights_(fit_weights_from("worst-fit", p)) {}

Placement WorstFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  return extreme_fit<true>(r, c, weights_, GpuChoice::kLoosest);
}

}  // namespace capsim
