#include "policies/gpu_packing.h"

#include <utility>

namespace capsim {

Placement GpuPackingPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const Fleet& f = c.fleet();
  auto tier = [&](std::size_t n) {
    bool partial_gpu_fits = false, node_used = c.free_cpu_milli[n] < f.cpu_milli[n] ||
                                               c.free_memory_mib[n] < f.memory_mib[n];
    for (int g = 0; g < f.gpu_count[n]; ++g) {
      const std::int32_t free = c.gpu_free_milli(n, g);
      node_used |= free < kMilliPerGpu;
      partial_gpu_fits |= r.num_gpu == 1 && free < kMilliPerGpu && free >= r.gpu_milli;
    }
    return partial_gpu_fits ? 0 : node_used ? 1 : 2;
  };
  return indexed_min_score_placement(index_, r, c, GpuChoice::kTightest, [&](std::size_t n) {
    return std::make_pair(tier(n), free_fraction_after(c, n, r, FitWeights{}));
  });
}

}  // namespace capsim
