#include "experiments/fgd_sim.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "sim/base/check.h"
#include "sim/base/random.h"
#include "sim/model/cluster_state.h"

namespace capsim {
namespace {

// The reference normalises by a node of 128 cores and 8 GPUs.
constexpr double kCpuScale = 128000.0;
constexpr double kGpuScale = 8000.0;

int truncate_score(double x) { return std::clamp(static_cast<int>(std::floor(x)), 0, 100); }

bool sharing(const JobRequest& r) { return r.num_gpu == 1 && r.gpu_milli < kMilliPerGpu; }
int kind_of(const JobRequest& r) { return sharing(r) ? 0 : r.num_gpu; }

// The fitting device with the least idle milli (lowest index on ties).
std::uint64_t tightest_device(const NodeResources& n, std::int32_t milli) {
  int best = -1;
  for (int g = 0; g < n.gpu_count; ++g)
    if (n.gpu_free[g] >= milli && (best < 0 || n.gpu_free[g] < n.gpu_free[best])) best = g;
  return best < 0 ? 0 : std::uint64_t{1} << best;
}

// The lowest-indexed fully idle devices.
std::uint64_t idle_devices(const NodeResources& n, int count) {
  std::uint64_t mask = 0;
  for (int g = 0; g < n.gpu_count && count > 0; ++g)
    if (n.gpu_free[g] == kMilliPerGpu) mask |= std::uint64_t{1} << g, --count;
  return mask;
}

int fgd_score_of(double before, const NodeResources& after, const std::vector<FgdSimClass>& target) {
  const double delta = before - fgd_sim_fragmentation(after, target);
  return truncate_score(100.0 / (1.0 + std::exp(-delta / 1000.0)));
}

}  // namespace

const std::vector<std::string>& fgd_sim_policy_names() {
  static const std::vector<std::string> names = {"random", "dot-product", "gpu-clustering",
                                                 "gpu-packing", "best-fit", "fgd"};
  return names;
}

FgdSimPolicy fgd_sim_policy(const std::string& spec) {
  const auto& names = fgd_sim_policy_names();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == spec) return static_cast<FgdSimPolicy>(k);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  throw InputError("--protocol fgd-sim: policy '" + spec + "' is not one of the reference simulator's (" + all +
                   "; they take no parameters)");
}

std::vector<FgdSimClass> fgd_sim_target(const JobTable& pods) {
  // Key: (CPU, per-GPU milli, GPU count, model string); memory ignored.
  using Key = std::tuple<std::int64_t, std::int32_t, std::int32_t, std::string>;
  std::map<Key, std::pair<std::int64_t, GpuModelMask>> groups;
  for (std::size_t j = 0; j < pods.size(); ++j) {
    const JobRequest r = pods.request(j);
    std::string models;  // the constraint as a string: catalog names in id order, '|'-separated
    for (GpuModelMask m = r.gpu_models; m; m &= m - 1)
      models += (models.empty() ? "" : "|") + std::string(gpu_model_info(static_cast<GpuModelId>(std::countr_zero(m))).name);
    auto& g = groups[Key{r.cpu_milli, r.num_gpu ? r.gpu_milli : 0, r.num_gpu, models}];
    ++g.first;
    g.second = r.gpu_models;
  }
  std::vector<std::pair<Key, std::pair<std::int64_t, GpuModelMask>>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.second.first != b.second.first) return a.second.first > b.second.first;
    return a.first > b.first;  // larger CPU, then milli, count, model string
  });
  std::vector<FgdSimClass> out;
  std::int64_t covered = 0;
  for (const auto& [key, value] : sorted) {
    if (static_cast<double>(covered) >= 0.95 * static_cast<double>(pods.size())) break;
    FgdSimClass c;
    c.cpu_milli = std::get<0>(key);
    c.gpu_milli = std::get<1>(key);
    c.num_gpu = std::get<2>(key);
    c.models = value.second;
    c.share = static_cast<double>(value.first);
    covered += value.first;
    out.push_back(c);
  }
  for (auto& c : out) c.share /= static_cast<double>(covered);
  return out;
}

double fgd_sim_fragmentation(const NodeResources& n, const std::vector<FgdSimClass>& target) {
  const auto idle = static_cast<double>(n.free_gpu_milli());
  if (idle == 0) return 0;
  double f = 0;
  for (const FgdSimClass& c : target) {
    if (c.num_gpu == 0 || (c.models && !(c.models >> n.gpu_model & 1)) || c.cpu_milli > n.cpu_milli) {
      f += c.share * idle;
      continue;
    }
    int fitting = 0;
    std::int64_t below = 0;
    for (int g = 0; g < n.gpu_count; ++g) {
      if (n.gpu_free[g] >= c.gpu_milli)
        ++fitting;
      else
        below += n.gpu_free[g];
    }
    f += c.share * (fitting < c.num_gpu ? idle : static_cast<double>(below));
  }
  return f;
}

std::vector<std::uint32_t> fgd_sim_arrivals(const JobTable& pods, double capacity_milli, double target_share,
                                            std::uint64_t seed) {
  std::vector<std::uint32_t> by_name(pods.size());
  std::iota(by_name.begin(), by_name.end(), 0u);
  std::stable_sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) { return pods.name[a] < pods.name[b]; });
  std::vector<std::uint32_t> order = by_name;
  RandomStream shuffle(seed, "fgd-sim/shuffle");
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle.uniform_index(i)]);
  double total = 0;
  for (std::uint32_t j : order) total += static_cast<double>(pods.request(j).gpu_milli_total());
  const double limit = target_share * capacity_milli;
  RandomStream draws(seed, "fgd-sim/copies");
  if (total > limit) {
    while (total > limit && !order.empty()) {
      const std::size_t k = draws.uniform_index(order.size());
      total -= static_cast<double>(pods.request(order[k]).gpu_milli_total());
      order.erase(order.begin() + static_cast<std::ptrdiff_t>(k));
    }
    return order;
  }
  bool any_gpu = false;
  for (std::uint32_t j : by_name) any_gpu = any_gpu || pods.num_gpu[j] > 0;
  if (!any_gpu) throw InputError("inflation: the pod list has no GPU pods, so GPU requests never reach the target");
  for (;;) {
    const std::uint32_t j = by_name[draws.uniform_index(by_name.size())];
    const JobRequest r = pods.request(j);
    if (total + (r.num_gpu ? r.gpu_milli : 0) > limit) break;
    order.push_back(j);
    total += static_cast<double>(r.gpu_milli_total());
  }
  return order;
}

int fgd_sim_score(FgdSimPolicy policy, const FgdSimNode& node, const JobRequest& pod,
                  const std::vector<FgdSimClass>& target, std::uint64_t* fgd_device) {
  const NodeResources& n = node.free;
  const auto gpu_left = static_cast<double>(n.free_gpu_milli());
  const double pod_gpu = static_cast<double>(pod.gpu_milli_total());
  switch (policy) {
    case FgdSimPolicy::kRandom:
      return 0;
    case FgdSimPolicy::kDotProduct: {
      const double d = (static_cast<double>(n.cpu_milli) / kCpuScale * static_cast<double>(pod.cpu_milli) / kCpuScale +
                        gpu_left / kGpuScale * pod_gpu / kGpuScale) / 2.0;
      return truncate_score(100.0 * (1.0 - d));
    }
    case FgdSimPolicy::kBestFit: {
      const double s = 0.5 * static_cast<double>(n.cpu_milli - pod.cpu_milli) / kCpuScale +
                       0.5 * (gpu_left - pod_gpu) / kGpuScale;
      return truncate_score(100.0 * (1.0 - s));
    }
    case FgdSimPolicy::kGpuClustering: {
      if (pod.num_gpu == 0) return 0;
      const int base = static_cast<int>(std::floor(25.0 * (kGpuScale - gpu_left) / kGpuScale));
      const int mine = kind_of(pod);
      bool any = false, same = false, other = false;
      for (int k = 0; k <= std::min(n.gpu_count, kMaxGpusPerNode); ++k) {
        if (node.kinds[k] == 0) continue;
        any = true;
        (k == mine ? same : other) = true;
      }
      const int bonus = !any ? 25 : (same && !other ? 75 : (same ? 50 : 0));
      return std::clamp(base + bonus, 0, 100);
    }
    case FgdSimPolicy::kGpuPacking: {
      if (pod.num_gpu == 0) return 0;
      bool all_idle = true;
      for (int g = 0; g < n.gpu_count; ++g) all_idle = all_idle && n.gpu_free[g] == kMilliPerGpu;
      if (all_idle) return std::max(33 - n.gpu_count, n.gpu_count);
      std::int32_t order[kMaxGpusPerNode];
      int m = 0;
      for (int g = 0; g < n.gpu_count; ++g)
        if (n.gpu_free[g] >= pod.gpu_milli) order[m++] = g;
      std::stable_sort(order, order + m, [&](int a, int b) { return n.gpu_free[a] < n.gpu_free[b]; });
      int k = 0, s = 0;
      for (int i = 0; i < std::min(m, pod.num_gpu); ++i) {
        const std::int32_t idle = n.gpu_free[order[i]];
        if (idle == kMilliPerGpu) ++k;
        s += idle * 100 / kMilliPerGpu;
      }
      if (k > 0) return std::max(50 - k, 33);
      return std::max(100 - s / 10, 50);
    }
    case FgdSimPolicy::kFgd: {
      const double before = fgd_sim_fragmentation(n, target);
      if (!sharing(pod)) {
        const std::uint64_t mask = pod.num_gpu ? idle_devices(n, pod.num_gpu) : 0;
        if (fgd_device) *fgd_device = mask;
        return fgd_score_of(before, n.after(pod, mask), target);
      }
      int best = -1;
      for (int g = 0; g < n.gpu_count; ++g) {
        if (n.gpu_free[g] < pod.gpu_milli) continue;
        const int s = fgd_score_of(before, n.after(pod, std::uint64_t{1} << g), target);
        if (s > best) {
          best = s;
          if (fgd_device) *fgd_device = std::uint64_t{1} << g;
        }
      }
      return best;
    }
  }
  return 0;
}

std::uint64_t fgd_sim_devices(FgdSimPolicy policy, const FgdSimNode& node, const JobRequest& pod,
                              const std::vector<FgdSimClass>& target) {
  if (pod.num_gpu == 0) return 0;
  if (!sharing(pod)) return idle_devices(node.free, pod.num_gpu);
  if (policy == FgdSimPolicy::kFgd) {
    std::uint64_t device = 0;
    fgd_sim_score(policy, node, pod, target, &device);
    return device;
  }
  return tightest_device(node.free, pod.gpu_milli);
}

std::vector<std::uint32_t> fgd_sim_ranks(std::size_t nodes, std::uint64_t seed) {
  std::vector<std::uint32_t> perm(nodes), rank(nodes);
  std::iota(perm.begin(), perm.end(), 0u);
  RandomStream rs(seed, "fgd-sim/rank");
  for (std::size_t i = nodes; i > 1; --i) std::swap(perm[i - 1], perm[rs.uniform_index(i)]);
  for (std::size_t r = 0; r < nodes; ++r) rank[perm[r]] = static_cast<std::uint32_t>(r);
  return rank;
}

std::int32_t fgd_sim_best(const std::vector<std::int16_t>& scores, const std::vector<std::uint32_t>& rank,
                          std::size_t* feasible) {
  std::int32_t pick = -1;
  int best = -1;
  std::size_t count = 0;
  for (std::size_t n = 0; n < scores.size(); ++n) {
    const int s = scores[n];
    if (s < 0) continue;
    ++count;
    if (s > best || (s == best && rank[n] < rank[static_cast<std::size_t>(pick)])) {
      best = s;
      pick = static_cast<std::int32_t>(n);
    }
  }
  if (feasible) *feasible = count;
  return pick;
}

InflationCurve run_fgd_sim(const Fleet& fleet, const JobTable& pods, FgdSimPolicy policy, std::uint64_t seed,
                           double target_share, const FragmentationModel& cause_model) {
  if (!(target_share > 0) || target_share > 100)
    throw InputError("inflation: the target share must be in (0, 100] (1.3 = 130%)");
  const double capacity = static_cast<double>(fleet.total_gpus()) * kMilliPerGpu;
  if (capacity <= 0) throw InputError("inflation: the fleet has no GPUs");
  const std::vector<FgdSimClass> target = fgd_sim_target(pods);
  const std::vector<std::uint32_t> order = fgd_sim_arrivals(pods, capacity, target_share, seed);

  ClusterState cluster(fleet);
  const std::size_t nodes = fleet.size();
  std::vector<FgdSimNode> state(nodes);
  std::vector<double> node_frag(nodes);
  double frag = 0;
  for (std::size_t n = 0; n < nodes; ++n) {
    state[n].free = NodeResources::of(cluster, n);
    frag += node_frag[n] = fgd_sim_fragmentation(state[n].free, target);
  }
  // Ties go to the lowest rank in a permutation of the nodes drawn once per run.
  const std::vector<std::uint32_t> rank = fgd_sim_ranks(nodes, seed);
  RandomStream random_pick(seed, "fgd-sim/random");

  // Scores are cached per request class and node, valid while the node's version holds.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, std::int32_t, GpuModelMask>, std::uint32_t> class_ids;
  std::vector<std::uint32_t> class_of(pods.size());
  for (std::size_t j = 0; j < pods.size(); ++j) {
    const JobRequest r = pods.request(j);
    class_of[j] = class_ids.try_emplace({r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.gpu_models},
                                        static_cast<std::uint32_t>(class_ids.size())).first->second;
  }
  std::vector<std::vector<std::int16_t>> score(class_ids.size());
  std::vector<std::vector<std::uint32_t>> seen(class_ids.size());

  const auto points = static_cast<std::int64_t>(std::floor(target_share * 100 + 1e-9));
  const auto buckets = static_cast<std::size_t>(points + 2);
  std::vector<double> sum_alloc(buckets), sum_frag(buckets), sum_ratio(buckets);
  std::vector<std::int64_t> count(buckets), failed_at(buckets, -1);
  InflationCurve curve;
  std::vector<std::uint32_t> feasible;
  double arrived = 0;
  for (std::uint32_t j : order) {
    const JobRequest r = pods.request(j);
    arrived += static_cast<double>(r.gpu_milli_total());
    ++curve.pods_arrived;
    const std::uint32_t c = class_of[j];
    if (score[c].empty()) {
      score[c].assign(nodes, -1);
      seen[c].assign(nodes, UINT32_MAX);
    }
    for (std::size_t n = 0; n < nodes; ++n)
      if (seen[c][n] != cluster.node_version[n]) {
        seen[c][n] = cluster.node_version[n];
        score[c][n] = static_cast<std::int16_t>(cluster.fits(n, r) ? fgd_sim_score(policy, state[n], r, target) : -1);
      }
    std::size_t n_feasible = 0;
    std::int32_t pick = fgd_sim_best(score[c], rank, &n_feasible);
    if (policy == FgdSimPolicy::kRandom && n_feasible > 1) {  // a uniformly random feasible node
      feasible.clear();
      for (std::size_t n = 0; n < nodes; ++n)
        if (score[c][n] >= 0) feasible.push_back(static_cast<std::uint32_t>(n));
      pick = static_cast<std::int32_t>(feasible[random_pick.uniform_index(feasible.size())]);
    }
    if (pick < 0) {
      ++curve.pods_failed;
    } else {
      const auto n = static_cast<std::size_t>(pick);
      std::uint64_t mask = fgd_sim_devices(policy, state[n], r, target);
      if (policy == FgdSimPolicy::kRandom && sharing(r)) {
        int fitting[kMaxGpusPerNode], m = 0;
        for (int g = 0; g < state[n].free.gpu_count; ++g)
          if (state[n].free.gpu_free[g] >= r.gpu_milli) fitting[m++] = g;
        mask = std::uint64_t{1} << fitting[random_pick.uniform_index(static_cast<std::uint64_t>(m))];
      }
      cluster.allocate(r, Placement{pick, mask});
      state[n].free = NodeResources::of(cluster, n);
      if (r.num_gpu > 0) ++state[n].kinds[kind_of(r)];
      frag -= node_frag[n];
      frag += node_frag[n] = fgd_sim_fragmentation(state[n].free, target);
    }
    const double allocated = static_cast<double>(cluster.allocated_gpu_milli());
    const double idle = capacity - allocated;
    const double bucket = std::nearbyint(arrived / capacity * 100.0);
    if (bucket >= 0 && bucket < static_cast<double>(buckets)) {
      const auto b = static_cast<std::size_t>(bucket);
      sum_alloc[b] += allocated / capacity;
      sum_frag[b] += frag;
      sum_ratio[b] += idle > 0 ? frag / idle : 0.0;
      ++count[b];
      failed_at[b] = curve.pods_failed;
    }
  }
  std::int64_t failed_so_far = 0;
  for (std::int64_t x = 0; x <= points; ++x) {
    double a = 0, f = 0, q = 0;
    std::int64_t k = 0;
    const auto b = static_cast<std::size_t>(x);
    if (count[b] > 0) {
      a = sum_alloc[b], f = sum_frag[b], q = sum_ratio[b], k = count[b];
    } else {  // no pod rounds to x: those within one percent
      for (std::size_t y = b > 0 ? b - 1 : 0; y <= b + 1 && y < buckets; ++y)
        a += sum_alloc[y], f += sum_frag[y], q += sum_ratio[y], k += count[y];
    }
    if (failed_at[b] >= 0) failed_so_far = failed_at[b];
    const double nan = std::nan("");
    curve.arrived_share.push_back(static_cast<double>(x) / 100.0);
    curve.gpu_alloc_ratio.push_back(k ? a / static_cast<double>(k) : nan);
    curve.fragmentation_gpus.push_back(k ? f / static_cast<double>(k) / kMilliPerGpu : nan);
    curve.fragmentation_share.push_back(k ? q / static_cast<double>(k) : nan);
    curve.failed_pods.push_back(failed_so_far);
  }
  curve.unallocated_gpus_end = (capacity - static_cast<double>(cluster.allocated_gpu_milli())) / kMilliPerGpu;
  for (std::size_t n = 0; n < nodes; ++n) curve.fragmentation_by_cause_end += cause_model.fragmentation_by_cause(cluster, n);
  return curve;
}

}  // namespace capsim
