#include "policies/first_fit.h"

namespace capsim {

Placement FirstFitPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  // Small fleets: stop at the first fitting node. Large ones: a score index
  // with one score for every node answers "the lowest index that fits" in
  // O(changes x log nodes), the same node.
  const std::size_t n = c.fleet().size();
  const ScoreIndexUse use = score_index_use();
  if (use == ScoreIndexUse::kAlways || (use == ScoreIndexUse::kAuto && n >= kIndexedFrom))
    return indexed_min_score_placement(index_, r, c, GpuChoice::kLowestIndex, [](std::size_t) { return 0; });
  for (std::size_t node = 0; node < n; ++node)
    if (c.fits(node, r))
      return {static_cast<std::int32_t>(node), choose_gpus(c, node, r, GpuChoice::kLowestIndex)};
  return {};
}

}  // namespace capsim
