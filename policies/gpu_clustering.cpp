#include "policies/gpu_clustering.h"

#include <utility>

namespace capsim {

Placement GpuClusteringPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const Fleet& f = c.fleet();
  const std::uint32_t key = ClusterState::gpu_request_key(r);
  auto tier = [&](std::size_t n) {
    if (r.num_gpu == 0) return 0;
    if (c.jobs_with_gpu_request(n, key) > 0) return 0;
    for (int g = 0; g < f.gpu_count[n]; ++g)
      if (c.gpu_free_milli(n, g) < kMilliPerGpu) return 2;
    return 1;
  };
  return min_score_placement(r, c, GpuChoice::kTightest, [&](std::size_t n) {
    return std::make_pair(tier(n), free_fraction_after(c, n, r, FitWeights{}));
  });
}

}  // namespace capsim
