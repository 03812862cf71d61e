// The kubelet's Topology Manager over ClusterState's NUMA level
// (sim/model/topology.h for the policies, docs/topology.md for the reading).
#include <algorithm>
#include <bit>
#include <climits>

#include "sim/base/check.h"
#include "sim/model/cluster_state.h"

namespace capsim {
Locality ClusterState::span_locality(std::size_t node) const {
  if (fleet_->sockets[node] > 1) return Locality::kCrossSocket;
  return fleet_->numa_per_socket[node] > 1 ? Locality::kCrossNuma : Locality::kLocal;
}

std::int64_t ClusterState::copies_on_numa_when_empty(std::size_t node, int numa, const JobRequest& r) const {
  const Fleet& f = *fleet_;
  const int k = numa_count(node);
  std::int64_t copies = INT64_MAX;
  if (r.cpu_milli > 0) copies = std::min(copies, even_share(f.cpu_milli[node], numa, k) / r.cpu_milli);
  if (r.memory_mib > 0) copies = std::min(copies, even_share(f.memory_mib[node], numa, k) / r.memory_mib);
  if (r.num_gpu > 0) {
    std::int64_t devices = 0;
    for (int g = 0; g < f.gpu_count[node]; ++g) devices += gpu_numa(node, g) == numa;
    copies = std::min(copies, r.num_gpu == 1 ? devices * (kMilliPerGpu / r.gpu_milli) : devices / r.num_gpu);
  }
  return copies == INT64_MAX ? 1 : copies;
}

bool ClusterState::fits_one_numa_empty(std::size_t node, const JobRequest& r) const {
  for (int m = 0; m < numa_count(node); ++m)
    if (copies_on_numa_when_empty(node, m, r) > 0) return true;
  return false;
}

bool ClusterState::numa_gpus(std::size_t node, int numa, const JobRequest& r, std::uint64_t& mask, int span) const {
  mask = 0;
  if (r.num_gpu == 0) return true;
  const int gpus = fleet_->gpu_count[node];
  auto on = [&](int g) { return numa < 0 || (gpu_numa(node, g) >= numa && gpu_numa(node, g) < numa + span); };
  if (r.num_gpu == 1) {
    // The tightest device that still holds the share: whole devices stay free.
    int best = -1;
    for (int g = 0; g < gpus; ++g) {
      if (!on(g) || gpu_free_milli(node, g) < r.gpu_milli) continue;
      if (best < 0 || gpu_free_milli(node, g) < gpu_free_milli(node, best)) best = g;
    }
    if (best < 0) return false;
    mask = std::uint64_t{1} << best;
    return true;
  }
  // Several whole devices: the NVLink island with the fewest free devices that still holds them
  // all (islands stay whole for larger jobs), else the lowest-indexed free devices of the NUMA node.
  const int island = fleet_->nvlink_island[node];
  if (island >= r.num_gpu) {
    int best = -1, best_free = INT_MAX;
    for (int start = 0; start < gpus; start += island) {
      int free = 0;
      for (int g = start; g < start + island; ++g)
        free += on(g) && gpu_free_milli(node, g) == kMilliPerGpu;
      if (free >= r.num_gpu && free < best_free) {
        best = start;
        best_free = free;
      }
    }
    if (best >= 0) {
      int taken = 0;
      for (int g = best; taken < r.num_gpu; ++g)
        if (on(g) && gpu_free_milli(node, g) == kMilliPerGpu) {
          mask |= std::uint64_t{1} << g;
          ++taken;
        }
      return true;
    }
  }
  int taken = 0;
  for (int g = 0; g < gpus && taken < r.num_gpu; ++g)
    if (on(g) && gpu_free_milli(node, g) == kMilliPerGpu) {
      mask |= std::uint64_t{1} << g;
      ++taken;
    }
  return taken == r.num_gpu;
}

std::uint64_t ClusterState::one_island(std::size_t node, int numa, const JobRequest& r, std::uint64_t mask, int span) const {
  const int island = fleet_->nvlink_island[node];
  if (r.num_gpu < 2 || island < r.num_gpu || mask == 0) return mask;
  const int first = std::countr_zero(mask) / island;
  const int last = (63 - std::countl_zero(mask)) / island;
  if (first == last) return mask;  // already one island
  std::uint64_t better = 0;
  return numa_gpus(node, numa, r, better, span) && gpu_islands(node, better) == 1 ? better : mask;
}

int ClusterState::gpu_islands(std::size_t node, std::uint64_t mask) const {
  const int island = fleet_->nvlink_island[node];
  if (island == 0 || mask == 0) return island == 0 ? std::popcount(mask) : 0;
  std::uint64_t seen = 0;
  for (std::uint64_t m = mask; m; m &= m - 1) seen |= std::uint64_t{1} << (std::countr_zero(m) / island);
  return std::popcount(seen);
}

Alignment ClusterState::align(std::size_t node, const JobRequest& r, std::uint64_t gpu_mask) const {
  const Fleet& f = *fleet_;
  const TopologyPolicy policy = f.policy_of(node);
  Alignment a;
  a.gpu_mask = gpu_mask;
  a.admitted = true;
  // Best-effort pods (Mid, Batch, Free) run in the shared pool: they float over the node.
  if (!f.topology.enabled()) return a;
  if (numa_count(node) == 1) {
    // One NUMA node: nothing to align, but the static CPU manager still gives the pod cores of its own.
    if (policy != TopologyPolicy::kNone && r.kind == ResourceKind::kNative) {
      a.gpu_mask = one_island(node, -1, r, gpu_mask);
      a.numa = 0;
    }
    return a;
  }
  a.locality = span_locality(node);
  if (policy == TopologyPolicy::kNone || r.kind != ResourceKind::kNative) return a;

  if (fits_one_numa_empty(node, r)) {
    // The narrowest hint is one NUMA node: the one holding the policy's GPUs, else the
    // lowest-numbered with room (the kubelet merges hints in NUMA-mask order).
    int home = -1;
    if (gpu_mask != 0) {
      home = gpu_numa(node, std::countr_zero(gpu_mask));
      for (std::uint64_t m = gpu_mask; m; m &= m - 1)
        if (gpu_numa(node, std::countr_zero(m)) != home) home = -1;
    }
    if (home >= 0 && numa_free_cpu_milli(node, home) >= r.cpu_milli &&
        numa_free_memory_mib(node, home) >= r.memory_mib) {
      a.numa = static_cast<std::int8_t>(home);
      a.gpu_mask = one_island(node, home, r, gpu_mask);
      a.locality = Locality::kLocal;
      return a;
    }
    for (int m = 0; m < numa_count(node); ++m) {
      std::uint64_t mask = 0;
      if (numa_free_cpu_milli(node, m) < r.cpu_milli || numa_free_memory_mib(node, m) < r.memory_mib ||
          !numa_gpus(node, m, r, mask))
        continue;
      a.numa = static_cast<std::int8_t>(m);
      a.gpu_mask = mask;
      a.locality = Locality::kLocal;
      return a;
    }
    // No NUMA node has room now: best-effort floats the pod, the strict policies refuse it.
    a.admitted = policy == TopologyPolicy::kBestEffort;
    return a;
  }
  // Wider than any NUMA node: single-numa-node refuses it.
  if (policy == TopologyPolicy::kSingleNumaNode) {
    a.admitted = false;
    return a;
  }
  align_wide(node, r, gpu_mask, a);
  return a;
}

bool ClusterState::run_holds(std::size_t node, int lo, int span, const JobRequest& r, bool empty, std::uint64_t& mask) const {
  const Fleet& f = *fleet_;
  const int count = numa_count(node);
  for (int k = 0; k < span; ++k) {
    const int m = lo + k;
    const std::int64_t cpu = empty ? even_share(f.cpu_milli[node], m, count) : numa_free_cpu_milli(node, m);
    const std::int64_t memory = empty ? even_share(f.memory_mib[node], m, count) : numa_free_memory_mib(node, m);
    if (cpu < even_share(r.cpu_milli, k, span) || memory < even_share(r.memory_mib, k, span)) return false;
  }
  if (!empty) return numa_gpus(node, lo, r, mask, span);
  mask = 0;
  std::int32_t devices = 0;
  for (int g = 0; g < f.gpu_count[node]; ++g) devices += gpu_numa(node, g) >= lo && gpu_numa(node, g) < lo + span;
  return devices >= r.num_gpu;
}

void ClusterState::align_wide(std::size_t node, const JobRequest& r, std::uint64_t gpu_mask, Alignment& a) const {
  // The kubelet's hint providers offer the NUMA masks that hold the pod now; the preferred ones are the
  // narrowest the empty machine could hold (restricted admits only those, best-effort any); the CPU
  // manager then takes the pod's CPUs from that mask. Modelled over runs of consecutive NUMA nodes
  // (masks in NUMA order: the lowest run first), CPU and memory spread evenly over the run.
  const Fleet& f = *fleet_;
  const TopologyPolicy policy = f.policy_of(node);
  const int count = numa_count(node);
  std::uint64_t mask = 0;
  int narrowest = 0;
  for (int w = 2; w <= count && narrowest == 0; ++w)
    for (int lo = 0; lo + w <= count; ++lo)
      if (run_holds(node, lo, w, r, /*empty=*/true, mask)) {
        narrowest = w;
        break;
      }
  const int per_socket = f.numa_per_socket[node];
  const int widest = policy == TopologyPolicy::kRestricted ? narrowest : count;
  for (int w = narrowest; narrowest > 0 && w <= widest; ++w)
    for (int lo = 0; lo + w <= count; ++lo) {
      if (!run_holds(node, lo, w, r, /*empty=*/false, mask)) continue;
      bool on_run = gpu_mask != 0;  // the policy's devices, when they lie on the run
      for (std::uint64_t m = gpu_mask; m; m &= m - 1) {
        const int home = gpu_numa(node, std::countr_zero(m));
        on_run = on_run && home >= lo && home < lo + w;
      }
      a.numa = static_cast<std::int8_t>(lo);
      a.numa_span = static_cast<std::uint8_t>(w);
      a.gpu_mask = one_island(node, lo, r, on_run ? gpu_mask : mask, w);
      a.locality = lo / per_socket == (lo + w - 1) / per_socket ? Locality::kCrossNuma : Locality::kCrossSocket;
      return;
    }
  // No run has room now: restricted refuses the pod; best-effort admits it in the shared pool, across
  // the NUMA nodes of one socket when a socket of the empty machine holds it.
  if (policy == TopologyPolicy::kRestricted) {
    a.admitted = false;
    return;
  }
  const int sockets = f.sockets[node];
  std::int64_t gpus_socket0 = 0;
  for (int g = 0; g < f.gpu_count[node]; ++g) gpus_socket0 += gpu_numa(node, g) < per_socket;
  const bool one_socket = r.cpu_milli <= f.cpu_milli[node] / sockets && r.memory_mib <= f.memory_mib[node] / sockets &&
                          (r.num_gpu <= 1 || r.num_gpu <= gpus_socket0);
  a.locality = one_socket && per_socket > 1 ? Locality::kCrossNuma : Locality::kCrossSocket;
}

void ClusterState::admit(const JobRequest& r, Placement& p) const {
  if (!fleet_->topology.enabled()) return;
  const Alignment a = align(static_cast<std::size_t>(p.node), r, p.gpu_mask);
  CAPSIM_CHECK(a.admitted, "the Topology Manager admits the placement the policy chose");
  p.numa = a.numa;
  p.numa_span = a.numa_span;
  p.gpu_mask = a.gpu_mask;
  p.locality = a.locality;
  // A VM spanning host sockets: its guest cannot keep a pod's memory on the socket its vCPUs run on,
  // so every pod in it pays the cross-socket factor.
  const auto n = static_cast<std::size_t>(p.node);
  if (fleet_->host[n] >= 0 && fleet_->sockets[n] > 1) p.locality = Locality::kCrossSocket;
}

}  // namespace capsim
