#include "sim/model/cluster_state.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>

#include "sim/base/check.h"
#include "sim/model/fleet_graph.h"

namespace capsim {
namespace {
std::atomic<std::uint64_t> next_instance{1};
}  // namespace

ClusterState::ClusterState(const ClusterState& o)
    : free_cpu_milli(o.free_cpu_milli),
      free_memory_mib(o.free_memory_mib),
      free_gpu_milli(o.free_gpu_milli),
      whole_free_gpus(o.whole_free_gpus),
      max_free_gpu_milli(o.max_free_gpu_milli),
      node_version(o.node_version),
      online(o.online),
      spot_node(o.spot_node),
      fleet_(o.fleet_),
      alloc_cpu_milli_(o.alloc_cpu_milli_),
      alloc_memory_mib_(o.alloc_memory_mib_),
      alloc_gpu_milli_(o.alloc_gpu_milli_),
      busy_gpus_(o.busy_gpus_),
      jobs_on_(o.jobs_on_),
      changes_(o.changes_),
      instance_(next_instance++),
      change_ring_(o.change_ring_),
      numa_offset_(o.numa_offset_),
      numa_free_cpu_milli_(o.numa_free_cpu_milli_),
      numa_free_memory_mib_(o.numa_free_memory_mib_),
      gpu_numa_(o.gpu_numa_),
      reclaim_cpu_offered_(o.reclaim_cpu_offered_),
      reclaim_cpu_taken_(o.reclaim_cpu_taken_),
      reclaim_memory_offered_(o.reclaim_memory_offered_),
      reclaim_memory_taken_(o.reclaim_memory_taken_),
      reclaim_totals_(o.reclaim_totals_),
      guest_offered_(o.guest_offered_),
      guest_taken_(o.guest_taken_),
      guest_free_gpus_(o.guest_free_gpus_),
      pool_interruptions_(o.pool_interruptions_),
      pool_last_interruption_(o.pool_last_interruption_),
      pool_nodes_(o.pool_nodes_),
      gpu_requests_(o.gpu_requests_) {
  topology_gate_ = o.topology_gate_;
}

ClusterState::ClusterState(const Fleet& fleet)
    : free_cpu_milli(fleet.cpu_milli),
      free_memory_mib(fleet.memory_mib),
      free_gpu_milli(static_cast<std::size_t>(fleet.total_gpus()), kMilliPerGpu),
      whole_free_gpus(fleet.gpu_count),
      max_free_gpu_milli(fleet.size()),
      node_version(fleet.size(), 0),
      online(fleet.size(), 1),
      spot_node(fleet.size(), 0),
      fleet_(&fleet),
      jobs_on_(fleet.size(), 0),
      pool_interruptions_(fleet.pools.size(), 0.0),
      pool_last_interruption_(fleet.pools.size(), 0),
      pool_nodes_(fleet.pools.size(), 0),
      gpu_requests_(fleet.size()) {
  instance_ = next_instance++;
  for (std::size_t n = 0; n < fleet.size() && fleet.topology.enabled(); ++n)
    topology_gate_ = topology_gate_ || fleet.policy_of(n) == TopologyPolicy::kRestricted ||
                     fleet.policy_of(n) == TopologyPolicy::kSingleNumaNode;
  for (int k = 0; k < kReclaimedKinds; ++k) {
    reclaim_cpu_offered_[k].assign(fleet.size(), 0);
    reclaim_cpu_taken_[k].assign(fleet.size(), 0);
    reclaim_memory_offered_[k].assign(fleet.size(), 0);
    reclaim_memory_taken_[k].assign(fleet.size(), 0);
  }
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    max_free_gpu_milli[n] = fleet.gpu_count[n] > 0 ? kMilliPerGpu : 0;
    spot_node[n] = fleet.pools[static_cast<std::size_t>(fleet.pool[n])].kind == PoolKind::kSpot;
    ++pool_nodes_[static_cast<std::size_t>(fleet.pool[n])];
  }
  std::size_t ring = 1024;
  while (ring < 2 * fleet.size()) ring *= 2;
  change_ring_.assign(ring, 0);
  numa_offset_.assign(fleet.size() + 1, 0);
  bool several_numa = false;
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const int k = fleet.sockets[n] * fleet.numa_per_socket[n];
    CAPSIM_CHECK(k >= 1 && k <= 127, "a node has 1 to 127 NUMA nodes");
    several_numa = several_numa || k > 1;
    numa_offset_[n + 1] = numa_offset_[n] + k;
  }
  numa_free_cpu_milli_.resize(static_cast<std::size_t>(numa_offset_.back()));
  numa_free_memory_mib_.resize(numa_free_cpu_milli_.size());
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const int k = numa_count(n);
    for (int m = 0; m < k; ++m) {
      const auto i = static_cast<std::size_t>(numa_offset_[n] + m);
      numa_free_cpu_milli_[i] = even_share(fleet.cpu_milli[n], m, k);
      numa_free_memory_mib_[i] = even_share(fleet.memory_mib[n], m, k);
    }
  }
  // With one NUMA node per machine every GPU is on NUMA node 0: no graph needed.
  if (several_numa && fleet.total_gpus() > 0) {
    const FleetGraph graph(fleet);
    gpu_numa_.resize(static_cast<std::size_t>(fleet.total_gpus()));
    for (std::size_t n = 0; n < fleet.size(); ++n)
      for (int g = 0; g < fleet.gpu_count[n]; ++g)
        gpu_numa_[static_cast<std::size_t>(fleet.gpu_offset[n] + g)] = static_cast<std::int8_t>(
            graph.at(graph.ancestor(graph.gpu_vertex(n, g), TopologyLevel::kNuma)).local);
  }
}

void ClusterState::pin(const JobRequest& r, const Placement& p, int sign) {
  const auto n = static_cast<std::size_t>(p.node);
  CAPSIM_CHECK(p.numa_span >= 1 && p.numa + p.numa_span <= numa_count(n), "a placement pins to NUMA nodes of its node");
  for (int k = 0; k < p.numa_span; ++k) {
    const auto i = static_cast<std::size_t>(numa_offset_[n] + p.numa + k);
    numa_free_cpu_milli_[i] -= sign * even_share(r.cpu_milli, k, p.numa_span);
    numa_free_memory_mib_[i] -= sign * even_share(r.memory_mib, k, p.numa_span);
  }
}

namespace {
constexpr double kRecentUs = 6 * 3600e6;  // time constant of the recent interruption rate
}

void ClusterState::note_interruption(std::size_t pool, SimTime t) {
  pool_interruptions_[pool] =
      pool_interruptions_[pool] * std::exp(-static_cast<double>(t - pool_last_interruption_[pool]) / kRecentUs) + 1.0;
  pool_last_interruption_[pool] = t;
}

double ClusterState::recent_interruptions_per_node_hour(std::size_t pool, SimTime now) const {
  const std::int32_t held = pool_nodes_[pool];
  if (held <= 0 || pool_interruptions_[pool] == 0) return 0;
  const double count =
      pool_interruptions_[pool] * std::exp(-static_cast<double>(now - pool_last_interruption_[pool]) / kRecentUs);
  return count / (held * kRecentUs / 3600e6);
}

SimTime ClusterState::interruption_rate_at_most_at(std::size_t pool, double rate, SimTime now) const {
  if (recent_interruptions_per_node_hour(pool, now) <= rate) return now;
  if (!(rate > 0)) return kNever;
  // count(t) = c0 exp(-(t - t0) / tau) reaches rate * held * tau_hours at t0 + tau ln(c0 / that).
  const double at_rate = rate * pool_nodes_[pool] * (kRecentUs / 3600e6);
  const double t = static_cast<double>(pool_last_interruption_[pool]) + kRecentUs * std::log(pool_interruptions_[pool] / at_rate);
  // Rounded up, plus a microsecond against the rounding of exp and log: at that instant the rate is below.
  return std::max(now + 1, static_cast<SimTime>(std::ceil(t)) + 1);
}

bool ClusterState::fits_empty(std::size_t node, const JobRequest& r) const {
  const Fleet& f = *fleet_;
  if (spot_node[node] && !r.spot_ok) return false;
  if (r.pool >= 0 && f.pool[node] != r.pool) return false;
  if (f.cpu_milli[node] < r.cpu_milli || f.memory_mib[node] < r.memory_mib) return false;
  // Under single-numa-node the kubelet refuses a pod no NUMA node of the machine can hold.
  const bool single_numa = f.policy_of(node) == TopologyPolicy::kSingleNumaNode && r.kind == ResourceKind::kNative;
  if (r.num_gpu == 0) return !(f.gpu_nodes_tainted && f.gpu_count[node] > 0) && (!single_numa || fits_one_numa_empty(node, r));
  if (f.gpu_count[node] < r.num_gpu) return false;
  if (r.gpu_models && !(r.gpu_models >> f.gpu_model[node] & 1)) return false;
  return !single_numa || fits_one_numa_empty(node, r);
}

std::int64_t ClusterState::copies_when_empty(std::size_t node, const JobRequest& r) const {
  if (!fits_empty(node, r)) return 0;
  const Fleet& f = *fleet_;
  if (f.policy_of(node) == TopologyPolicy::kSingleNumaNode && r.kind == ResourceKind::kNative) {
    std::int64_t copies = 0;
    for (int m = 0; m < numa_count(node); ++m) copies += copies_on_numa_when_empty(node, m, r);
    return copies;
  }
  std::int64_t k = INT64_MAX;
  if (r.cpu_milli > 0) k = std::min(k, f.cpu_milli[node] / r.cpu_milli);
  if (r.memory_mib > 0) k = std::min(k, f.memory_mib[node] / r.memory_mib);
  if (r.num_gpu == 1) k = std::min<std::int64_t>(k, f.gpu_count[node] * (kMilliPerGpu / r.gpu_milli));
  if (r.num_gpu > 1) k = std::min<std::int64_t>(k, f.gpu_count[node] / r.num_gpu);
  return k;
}

void ClusterState::check_shape(const JobRequest& r, const Placement& p) const {
  CAPSIM_CHECK(p.node >= 0 && static_cast<std::size_t>(p.node) < fleet_->size(),
               "placement names an existing node");
  const int gpus = fleet_->gpu_count[p.node];
  CAPSIM_CHECK(gpus == 64 || (p.gpu_mask >> gpus) == 0, "placement names only the node's GPUs");
  CAPSIM_CHECK(std::popcount(p.gpu_mask) == r.num_gpu, "placement holds exactly num_gpu GPUs");
}

void ClusterState::set_reclaim_offer(ResourceKind kind, std::size_t node, std::int64_t cpu_milli,
                                     std::int64_t memory_mib) {
  const int k = static_cast<int>(kind) - 1;
  CAPSIM_CHECK(k >= 0 && k < kReclaimedKinds, "a reclaimed kind is mid, batch or free");
  CAPSIM_CHECK(cpu_milli >= 0 && memory_mib >= 0, "a reclaimed offer is not negative");
  reclaim_totals_[k][0] += cpu_milli - reclaim_cpu_offered_[k][node];
  reclaim_totals_[k][2] += memory_mib - reclaim_memory_offered_[k][node];
  reclaim_cpu_offered_[k][node] = cpu_milli;
  reclaim_memory_offered_[k][node] = memory_mib;
  ++node_version[node];
  note_change(node);
}

void ClusterState::set_gpu_guest_offer(std::size_t node, int gpu, std::int32_t slots) {
  CAPSIM_CHECK(slots >= 0 && gpu >= 0 && gpu < fleet_->gpu_count[node], "a guest offer names a device and is not negative");
  if (guest_offered_.empty()) {
    guest_offered_.assign(static_cast<std::size_t>(fleet_->total_gpus()), 0);
    guest_taken_.assign(guest_offered_.size(), 0);
    guest_free_gpus_.assign(fleet_->size(), 0);
  }
  std::int32_t& offered = guest_offered_[static_cast<std::size_t>(fleet_->gpu_offset[node] + gpu)];
  if (offered == slots) return;
  offered = slots;
  refresh_guest_free(node);
  ++node_version[node];
  note_change(node);
}

void ClusterState::refresh_guest_free(std::size_t node) {
  const auto base = static_cast<std::size_t>(fleet_->gpu_offset[node]);
  std::int32_t free = 0;
  for (int g = 0; g < fleet_->gpu_count[node]; ++g) free += guest_taken_[base + g] < guest_offered_[base + g];
  guest_free_gpus_[node] = free;
}

void ClusterState::allocate_reclaimed(const JobRequest& r, const Placement& p, int sign) {
  const auto n = static_cast<std::size_t>(p.node);
  const int k = static_cast<int>(r.kind) - 1;
  CAPSIM_CHECK(p.numa < 0, "a reclaimed request is not pinned");
  CAPSIM_CHECK(p.gpu_mask == 0 || !guest_taken_.empty(), "a reclaimed request holds GPUs only as a guest");
  if (sign > 0) {
    CAPSIM_CHECK(online[n], "jobs are placed only on online nodes");
    CAPSIM_CHECK(fits_reclaimed(n, r), "a Mid or Batch pod fits what its node offers");
    for (std::uint64_t m = p.gpu_mask; m; m &= m - 1) {
      const auto d = static_cast<std::size_t>(fleet_->gpu_offset[n] + std::countr_zero(m));
      CAPSIM_CHECK(guest_taken_[d] < guest_offered_[d], "a guest takes a device that offers a slot");
    }
  }
  if (p.gpu_mask) {
    for (std::uint64_t m = p.gpu_mask; m; m &= m - 1) {
      const auto d = static_cast<std::size_t>(fleet_->gpu_offset[n] + std::countr_zero(m));
      guest_taken_[d] += sign;
      CAPSIM_CHECK(guest_taken_[d] >= 0, "guest slots released no more than taken");
    }
    refresh_guest_free(n);
  }
  reclaim_cpu_taken_[k][n] += sign * r.cpu_milli;
  reclaim_memory_taken_[k][n] += sign * r.memory_mib;
  reclaim_totals_[k][1] += sign * r.cpu_milli;
  reclaim_totals_[k][3] += sign * r.memory_mib;
  CAPSIM_CHECK(reclaim_cpu_taken_[k][n] >= 0 && reclaim_memory_taken_[k][n] >= 0,
               "reclaimed resources released no more than taken");
  ++node_version[n];
  note_change(n);
  if (sign < 0) CAPSIM_CHECK(jobs_on_[n] > 0, "a node releases only jobs it holds");
  jobs_on_[n] += sign;
}

void ClusterState::allocate(const JobRequest& r, const Placement& p) {
  check_shape(r, p);
  if (r.kind != ResourceKind::kNative) return allocate_reclaimed(r, p, +1);
  const auto n = static_cast<std::size_t>(p.node);
  const std::int32_t per_gpu = r.gpu_milli_per_device();
  const std::int64_t base = fleet_->gpu_offset[n];
  // Check everything before changing anything: a refused allocation leaves no trace.
  CAPSIM_CHECK(online[n], "jobs are placed only on online nodes");
  CAPSIM_CHECK(free_cpu_milli[n] >= r.cpu_milli, "CPU allocated within node capacity");
  CAPSIM_CHECK(free_memory_mib[n] >= r.memory_mib, "memory allocated within node capacity");
  CAPSIM_CHECK(!r.num_gpu || !r.gpu_models || (r.gpu_models >> fleet_->gpu_model[n] & 1),
               "GPU model allowed by the job");
  for (std::uint64_t m = p.gpu_mask; m; m &= m - 1)
    CAPSIM_CHECK(free_gpu_milli[base + std::countr_zero(m)] >= per_gpu, "GPU milli allocated within device capacity");
  if (p.numa >= 0) {
    CAPSIM_CHECK(p.numa_span >= 1 && p.numa + p.numa_span <= numa_count(n), "a pinned placement names NUMA nodes of its node");
    for (int k = 0; k < p.numa_span; ++k)
      CAPSIM_CHECK(numa_free_cpu_milli(n, p.numa + k) >= even_share(r.cpu_milli, k, p.numa_span) &&
                       numa_free_memory_mib(n, p.numa + k) >= even_share(r.memory_mib, k, p.numa_span),
                   "a pinned placement fits its NUMA nodes");
    pin(r, p, +1);
  }
  free_cpu_milli[n] -= r.cpu_milli;
  free_memory_mib[n] -= r.memory_mib;
  alloc_cpu_milli_ += r.cpu_milli;
  alloc_memory_mib_ += r.memory_mib;
  for (std::uint64_t m = p.gpu_mask; m; m &= m - 1) {
    std::int32_t& free = free_gpu_milli[base + std::countr_zero(m)];
    if (free == kMilliPerGpu && per_gpu > 0) ++busy_gpus_;
    free -= per_gpu;
    alloc_gpu_milli_ += per_gpu;
  }
  if (p.gpu_mask) refresh_gpu_summary(n);
  ++node_version[n];
  note_change(n);
  ++jobs_on_[n];
  if (r.num_gpu > 0) count_gpu_request(n, gpu_request_key(r), +1);
}

void ClusterState::release(const JobRequest& r, const Placement& p) {
  check_shape(r, p);
  if (r.kind != ResourceKind::kNative) return allocate_reclaimed(r, p, -1);
  const auto n = static_cast<std::size_t>(p.node);
  free_cpu_milli[n] += r.cpu_milli;
  free_memory_mib[n] += r.memory_mib;
  CAPSIM_CHECK(free_cpu_milli[n] <= fleet_->cpu_milli[n], "CPU released no more than allocated");
  CAPSIM_CHECK(free_memory_mib[n] <= fleet_->memory_mib[n], "memory released no more than allocated");
  if (p.numa >= 0) pin(r, p, -1);
  alloc_cpu_milli_ -= r.cpu_milli;
  alloc_memory_mib_ -= r.memory_mib;
  const std::int32_t per_gpu = r.gpu_milli_per_device();
  const std::int64_t base = fleet_->gpu_offset[n];
  for (std::uint64_t m = p.gpu_mask; m; m &= m - 1) {
    std::int32_t& free = free_gpu_milli[base + std::countr_zero(m)];
    free += per_gpu;
    CAPSIM_CHECK(free <= kMilliPerGpu, "GPU milli released no more than allocated");
    if (free == kMilliPerGpu && per_gpu > 0) --busy_gpus_;
    alloc_gpu_milli_ -= per_gpu;
  }
  if (p.gpu_mask) refresh_gpu_summary(n);
  ++node_version[n];
  note_change(n);
  CAPSIM_CHECK(jobs_on_[n] > 0, "a node releases only jobs it holds");
  --jobs_on_[n];
  if (r.num_gpu > 0) count_gpu_request(n, gpu_request_key(r), -1);
}

void ClusterState::set_online(std::size_t node, bool on) {
  online[node] = on ? 1 : 0;
  ++node_version[node];
  note_change(node);
}

std::int32_t ClusterState::jobs_with_gpu_request(std::size_t node, std::uint32_t key) const {
  for (const auto& [k, count] : gpu_requests_[node])
    if (k == key) return count;
  return 0;
}

void ClusterState::count_gpu_request(std::size_t node, std::uint32_t key, std::int32_t delta) {
  auto& v = gpu_requests_[node];
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it->first != key) continue;
    it->second += delta;
    CAPSIM_CHECK(it->second >= 0, "GPU request counts stay non-negative");
    if (it->second == 0) v.erase(it);
    return;
  }
  CAPSIM_CHECK(delta > 0, "a released GPU request was counted when allocated");
  v.push_back({key, delta});
}

void ClusterState::refresh_gpu_summary(std::size_t n) {
  const std::int64_t base = fleet_->gpu_offset[n];
  std::int32_t whole = 0, best = 0;
  for (std::int32_t g = 0; g < fleet_->gpu_count[n]; ++g) {
    const std::int32_t f = free_gpu_milli[base + g];
    whole += f == kMilliPerGpu;
    best = std::max(best, f);
  }
  whole_free_gpus[n] = whole;
  max_free_gpu_milli[n] = best;
}

}  // namespace capsim
