#include "policies/dot_product.h"

namespace capsim {

Placement DotProductPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const Fleet& f = c.fleet();
  const double gpu_request = static_cast<double>(r.gpu_milli_total());
  return indexed_min_score_placement(index_, r, c, GpuChoice::kLoosest, [&](std::size_t n) {
    const double cpu_cap = static_cast<double>(f.cpu_milli[n]);
    const double mem_cap = f.memory_mib[n] > 0 ? static_cast<double>(f.memory_mib[n]) : 1.0;
    double dot = (static_cast<double>(c.free_cpu_milli[n]) / cpu_cap) * (static_cast<double>(r.cpu_milli) / cpu_cap) +
                 (static_cast<double>(c.free_memory_mib[n]) / mem_cap) * (static_cast<double>(r.memory_mib) / mem_cap);
    if (f.gpu_count[n] > 0) {
      const double gpu_cap = static_cast<double>(f.gpu_count[n]) * kMilliPerGpu;
      std::int64_t free = 0;
      for (int g = 0; g < f.gpu_count[n]; ++g) free += c.gpu_free_milli(n, g);
      dot += (static_cast<double>(free) / gpu_cap) * (gpu_request / gpu_cap);
    }
    return -dot;  // the largest dot product has the smallest score
  });
}

}  // namespace capsim
