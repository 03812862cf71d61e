#include "policies/random_fit.h"

namespace capsim {

RandomFitPolicy::RandomFitPolicy(std::uint64_t seed) : rng_(seed, "placement/random") {}

Placement RandomFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  candidates_.clear();
  const std::size_t n = c.fleet().size();
  for (std::size_t node = 0; node < n; ++node)
    if (c.fits(node, r)) candidates_.push_back(static_cast<std::int32_t>(node));
  if (candidates_.empty()) return {};
  const std::int32_t node = candidates_[rng_.uniform_index(candidates_.size())];
  if (r.num_gpu != 1 || r.kind != ResourceKind::kNative) return {node, choose_gpus(c, static_cast<std::size_t>(node), r, GpuChoice::kLowestIndex)};
  int fitting[kMaxGpusPerNode];
  int count = 0;
  for (int g = 0; g < c.fleet().gpu_count[node]; ++g)
    if (c.gpu_free_milli(static_cast<std::size_t>(node), g) >= r.gpu_milli) fitting[count++] = g;
  return {node, std::uint64_t{1} << fitting[rng_.uniform_index(static_cast<std::uint64_t>(count))]};
}

}  // namespace capsim
