#include "policies/fgd.h"

#include "sim/core/check.h"

namespace capsim {

FgdPolicy::FgdPolicy(std::vector<TaskClass> target) : model_(std::move(target)) {}

double FgdPolicy::fragmentation_now(const ClusterState& c, std::size_t node) {
  if (node_fragmentation_.size() != c.fleet().size()) node_fragmentation_.assign(c.fleet().size(), {});
  NodeFragmentation& f = node_fragmentation_[node];
  if (f.version_plus_one != c.node_version[node] + 1) {
    f.value = model_.fragmentation(c, node);
    f.version_plus_one = c.node_version[node] + 1;
  }
  return f.value;
}

FgdPolicy::Score FgdPolicy::score(const JobRequest& r, const ClusterState& c, std::size_t node) {
  const NodeResources now = NodeResources::of(c, node);
  const double before = fragmentation_now(c, node);
  Score s;
  s.version_plus_one = c.node_version[node] + 1;
  if (r.num_gpu != 1) {
    s.delta = model_.fragmentation(now.after(r, choose_gpus(c, node, r, GpuChoice::kLowestIndex))) - before;
    return s;
  }
  // Devices with the same free share give the same result: try each free value once.
  bool tried[kMilliPerGpu + 1] = {};
  for (int g = 0; g < now.gpu_count; ++g) {
    const std::int32_t free = now.gpu_free[g];
    if (free < r.gpu_milli || tried[free]) continue;
    tried[free] = true;
    const double delta = model_.fragmentation(now.after(r, std::uint64_t{1} << g)) - before;
    if (s.gpu < 0 || delta < s.delta) {
      s.delta = delta;
      s.gpu = static_cast<std::int8_t>(g);
    }
  }
  CAPSIM_CHECK(s.gpu >= 0, "fgd scores only nodes that fit");
  return s;
}

Placement FgdPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const std::size_t nodes = c.fleet().size();
  std::vector<Score>* row = nullptr;
  auto [it, fresh] = rows_.try_emplace({r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.gpu_models}, cache_.size());
  if (!fresh || cache_.size() < kMaxCachedShapes) {
    if (fresh) cache_.emplace_back(nodes);
    row = &cache_[it->second];
  } else {
    rows_.erase(it);  // too many shapes to cache: score without remembering
  }
  std::int32_t best = -1;
  Score best_score;
  for (std::size_t n = 0; n < nodes; ++n) {
    if (!c.fits(n, r)) continue;
    Score s;
    if (row && (*row)[n].version_plus_one == c.node_version[n] + 1) {
      s = (*row)[n];
    } else {
      s = score(r, c, n);
      if (row) (*row)[n] = s;
    }
    if (best < 0 || s.delta < best_score.delta) {
      best = static_cast<std::int32_t>(n);
      best_score = s;
    }
  }
  if (best < 0) return {};
  const std::uint64_t mask = r.num_gpu == 1 ? std::uint64_t{1} << best_score.gpu
                                            : choose_gpus(c, static_cast<std::size_t>(best), r, GpuChoice::kLowestIndex);
  return {best, mask};
}

}  // namespace capsim
