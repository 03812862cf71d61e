#include "policies/gpu_clustering.h"

#include <utility>

namespace capsim {

Placement GpuClusteringPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const std::uint32_t key = ClusterState::gpu_request_key(r);
  auto tier = [&](std::size_t n) {
    if (r.num_gpu == 0) return 0;
    return c.jobs_with_gpu_request(n, key) > 0 ? 0 : 1;
  };
  return indexed_min_score_placement(index_, r, c, GpuChoice::kTightest, [&](std::size_t n) {
    return std::make_pair(tier(n), free_fraction_after(c, n, r, FitWeights{}));
  });
}

}  // namespace capsim
