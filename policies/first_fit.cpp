#include "policies/first_fit.h"

namespace capsim {

Placement FirstFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  // Stops at the first fitting node rather than scoring them all.
  const std::size_t n = c.fleet().size();
  for (std::size_t node = 0; node < n; ++node)
    if (c.fits(node, r))
      return {static_cast<std::int32_t>(node), choose_gpus(c, node, r, GpuChoice::kLowestIndex)};
  return {};
}

}  // namespace capsim
