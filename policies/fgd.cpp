#include "policies/fgd.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

FgdPolicy::FgdPolicy(std::vector<TaskClass> target, ScoreMode mode, std::uint64_t seed)
    : model_(std::move(target)), mode_(mode), seed_(seed) {}

int FgdPolicy::kubernetes_score(double delta) {
  return static_cast<int>(100.0 / (1.0 + std::exp(delta / 1000.0)));
}

bool FgdPolicy::better(double delta, double than) const {
  return mode_ == ScoreMode::kExact ? delta < than : kubernetes_score(delta) > kubernetes_score(than);
}

double FgdPolicy::fragmentation_now(const ClusterState& c, std::size_t node) {
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
    if (mode_ == ScoreMode::kKubernetes) s.kubernetes = static_cast<std::int8_t>(kubernetes_score(s.delta));
    return s;
  }
  // Devices with the same free share give the same result: try each free value once.
  bool tried[kMilliPerGpu + 1] = {};
  for (int g = 0; g < now.gpu_count; ++g) {
    const std::int32_t free = now.gpu_free[g];
    if (free < r.gpu_milli || tried[free]) continue;
    tried[free] = true;
    const double delta = model_.fragmentation(now.after(r, std::uint64_t{1} << g)) - before;
    if (s.gpu < 0 || better(delta, s.delta)) {
      s.delta = delta;
      s.gpu = static_cast<std::int8_t>(g);
    }
  }
  CAPSIM_CHECK(s.gpu >= 0, "fgd scores only nodes that fit");
  if (mode_ == ScoreMode::kKubernetes) s.kubernetes = static_cast<std::int8_t>(kubernetes_score(s.delta));
  return s;
}

Placement FgdPolicy::place(std::uint32_t, const JobRequest& r, const ClusterState& c, SimTime) {
  const std::size_t nodes = c.fleet().size();
  if (r.kind != ResourceKind::kNative && r.num_gpu > 0) {
    // A GPU guest holds no native GPU: it leaves the native fragmentation as it is. First fit.
    for (std::size_t n = 0; n < nodes; ++n)
      if (c.fits(n, r)) return {static_cast<std::int32_t>(n), choose_gpus(c, n, r, GpuChoice::kLowestIndex)};
    return {};
  }
  if (node_fragmentation_.size() != nodes) node_fragmentation_.assign(nodes, {});
  std::vector<Score>* row = nullptr;
  auto [it, fresh] = rows_.try_emplace({r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.gpu_models}, cache_.size());
  if (!fresh || cache_.size() < kMaxCachedShapes) {
    if (fresh) cache_.emplace_back(nodes);
    row = &cache_[it->second];
  } else {
    rows_.erase(it);  // too many shapes to cache: score without remembering
  }
  // Each call touches only its own node's cache entries, so scoring may run
  // on several threads.
  auto cached = [&](std::size_t n) {
    if (row && (*row)[n].version_plus_one == c.node_version[n] + 1) return (*row)[n];
    const Score s = score(r, c, n);
    if (row) (*row)[n] = s;
    return s;
  };
  const std::uint64_t placement = ++placements_;
  // Exact scores are a function of the node's state: the score index answers
  // from the nodes that changed. Kubernetes mode draws a tie key per placement.
  std::int32_t best = -1;
  if (mode_ != ScoreMode::kExact)
    best = min_score_node(r, c, [&](std::size_t n) {
      return std::make_pair(-int{cached(n).kubernetes}, tie_key(seed_, placement, n));
    });
  else if (score_index_use() == ScoreIndexUse::kNever)
    best = min_score_node(r, c, [&](std::size_t n) { return cached(n).delta; });
  else
    best = index_.best(r, c, [&](std::size_t n) { return cached(n).delta; });
  if (best < 0) return {};
  const auto node = static_cast<std::size_t>(best);
  if (r.num_gpu != 1) return {best, choose_gpus(c, node, r, GpuChoice::kLowestIndex)};
  const bool fresh_row = row && (*row)[node].version_plus_one == c.node_version[node] + 1;
  const std::int8_t gpu = fresh_row ? (*row)[node].gpu : score(r, c, node).gpu;
  return {best, std::uint64_t{1} << gpu};
}

}  // namespace capsim
