#include "sim/core/placement_policy.h"

#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>

#include "sim/base/check.h"

namespace capsim {

bool PlacementPolicy::place_gang(std::uint32_t job, const JobRequest& request, std::int32_t workers,
                                 GangDraft& draft, SimTime now) {
  for (std::int32_t w = 0; w < workers; ++w) {
    const Placement p = place(job, request, draft.cluster(), now);
    if (!p.placed()) return false;
    draft.add(p);
  }
  return true;
}

namespace {
std::atomic<std::size_t> g_parallel_scoring_min_nodes{2048};
}  // namespace

std::size_t parallel_scoring_min_nodes() { return g_parallel_scoring_min_nodes.load(std::memory_order_relaxed); }
void set_parallel_scoring_min_nodes(std::size_t nodes) { g_parallel_scoring_min_nodes.store(nodes); }

namespace {
std::atomic<ScoreIndexUse> g_score_index_use{ScoreIndexUse::kAuto};
}  // namespace
ScoreIndexUse score_index_use() { return g_score_index_use.load(std::memory_order_relaxed); }
void set_score_index_use(ScoreIndexUse use) { g_score_index_use.store(use); }

std::uint64_t choose_gpus(const ClusterState& c, std::size_t node, const JobRequest& r,
                          GpuChoice choice) {
  if (r.num_gpu == 0) return 0;
  const int gpus = c.fleet().gpu_count[node];
  if (r.kind != ResourceKind::kNative) {
    // A guest (GPU co-location): the lowest-indexed devices with a free guest slot.
    std::uint64_t mask = 0;
    int taken = 0;
    for (int g = 0; g < gpus && taken < r.num_gpu; ++g)
      if (c.gpu_guests(node, g) < c.gpu_guest_offered(node, g)) {
        mask |= std::uint64_t{1} << g;
        ++taken;
      }
    CAPSIM_CHECK(taken == r.num_gpu, "choose_gpus called on a node that fits");
    return mask;
  }
  if (r.num_gpu > 1) {
    std::uint64_t mask = 0;
    int taken = 0;
    for (int g = 0; g < gpus && taken < r.num_gpu; ++g) {
      if (c.gpu_free_milli(node, g) == kMilliPerGpu) {
        mask |= std::uint64_t{1} << g;
        ++taken;
      }
    }
    CAPSIM_CHECK(taken == r.num_gpu, "choose_gpus called on a node that fits");
    return mask;
  }
  int best = -1;
  std::int32_t best_free = 0;
  for (int g = 0; g < gpus; ++g) {
    const std::int32_t f = c.gpu_free_milli(node, g);
    if (f < r.gpu_milli) continue;
    if (best < 0 || (choice == GpuChoice::kTightest && f < best_free) ||
        (choice == GpuChoice::kLoosest && f > best_free)) {
      best = g;
      best_free = f;
      if (choice == GpuChoice::kLowestIndex) break;
    }
  }
  CAPSIM_CHECK(best >= 0, "choose_gpus called on a node that fits");
  return std::uint64_t{1} << best;
}

double free_fraction_after(const ClusterState& c, std::size_t node, const JobRequest& r,
                           const FitWeights& w) {
  const Fleet& f = c.fleet();
  // Mid and Batch pods fill what the node offers of their kind, not its native capacity.
  const bool reclaimed = r.kind != ResourceKind::kNative;
  const std::int64_t free_cpu = reclaimed ? c.reclaim_cpu_offered(r.kind, node) - c.reclaim_cpu_taken(r.kind, node)
                                          : c.free_cpu_milli[node];
  const std::int64_t free_memory = reclaimed ? c.reclaim_memory_offered(r.kind, node) - c.reclaim_memory_taken(r.kind, node)
                                             : c.free_memory_mib[node];
  const double cpu = static_cast<double>(free_cpu - r.cpu_milli) / static_cast<double>(f.cpu_milli[node]);
  const double mem = f.memory_mib[node] > 0
                         ? static_cast<double>(free_memory - r.memory_mib) / static_cast<double>(f.memory_mib[node])
                         : 0.0;
  double gpu = 0.0;
  if (reclaimed && r.num_gpu > 0) {
    // A GPU guest fills the devices that offer guest slots.
    gpu = static_cast<double>(c.guest_free_gpus(node) - r.num_gpu) / static_cast<double>(f.gpu_count[node]);
  } else if (f.gpu_count[node] > 0) {
    std::int64_t free = 0;
    const std::int64_t base = f.gpu_offset[node];
    for (int g = 0; g < f.gpu_count[node]; ++g) free += c.free_gpu_milli[base + g];
    const std::int64_t taken = r.gpu_milli_total();
    gpu = static_cast<double>(free - taken) / static_cast<double>(f.gpu_count[node] * kMilliPerGpu);
  }
  return (w.cpu * cpu + w.memory * mem + w.gpu * gpu) / (w.cpu + w.memory + w.gpu);
}

ScoreMode score_mode_from(const std::string& policy, const PolicyParams& params) {
  const std::string mode = params.get_string("score", "exact");
  if (mode == "exact") return ScoreMode::kExact;
  if (mode == "k8s") return ScoreMode::kKubernetes;
  throw InputError("policy " + policy + ": parameter score: expected exact or k8s, got '" + mode + "'");
}

std::uint64_t tie_key(std::uint64_t seed, std::uint64_t placement, std::size_t node) {
  // splitmix64 finalizer over the three inputs: independent keys per node, so
  // the smallest among tied nodes is a uniform pick.
  auto mix = [](std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  return mix(mix(mix(seed) ^ placement) ^ static_cast<std::uint64_t>(node));
}

double PolicyParams::get_double(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    throw InputError("policy " + policy_ + ": parameter " + name + ": expected a number, got '" +
                     s + "'");
  return v;
}

std::string PolicyParams::get_string(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::vector<double> PolicyParams::get_doubles(const std::string& name) const {
  std::vector<double> out;
  auto it = values_.find(name);
  if (it == values_.end()) return out;
  const std::string& s = it->second;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t comma = std::min(s.find(',', at), s.size());
    std::string item = s.substr(at, comma - at);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    double v = 0;
    auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || !std::isfinite(v))
      throw InputError("policy " + policy_ + ": parameter " + name + ": expected comma-separated numbers, got '" +
                       s + "'");
    out.push_back(v);
    at = comma + 1;
  }
  return out;
}

}  // namespace capsim
