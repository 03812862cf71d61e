#pragma once
// What is free on every node and GPU, and the allocation accounting that
// keeps it. Every allocate/release is checked: no node or GPU ever goes
// below zero free or above its capacity (CAPSIM_CHECK, also in Release).
#include <array>
#include <cstdint>
#include <vector>

#include "sim/base/time.h"
#include "sim/model/fleet.h"
#include "sim/model/job_table.h"

namespace capsim {

// Where a job runs: a node, the set of that node's GPUs it holds, and the
// NUMA node its CPU and memory are pinned to (-1: the node's shared pool).
// With a Topology Manager policy (sim/model/topology.h) the kubelet's admission
// (ClusterState::admit) sets numa and locality, and may move the GPUs onto the
// pinned NUMA node, after the placement policy has chosen the node.
struct Placement {
  std::int32_t node = -1;     // -1: no placement
  std::uint64_t gpu_mask = 0; // bit g = GPU g of the node
  std::int8_t numa = -1;      // pinned NUMA node within the node (the first of its set), or -1
  // A pod wider than one NUMA node is pinned to a run of numa_span consecutive NUMA nodes from numa
  // (the kubelet's narrowest NUMA mask that holds it), its CPU and memory spread evenly over them.
  std::uint8_t numa_span = 1;
  Locality locality = Locality::kLocal;
  bool placed() const { return node >= 0; }
};

// Part k of `total` split evenly over `count` parts, the remainder to the lowest-numbered: a node's
// CPU and memory over its NUMA nodes, a pinned pod's over its run of NUMA nodes.
inline std::int64_t even_share(std::int64_t total, int k, int count) {
  return total / count + (k < total % count ? 1 : 0);
}

// What the Topology Manager makes of a request on a node (ClusterState::align).
struct Alignment {
  bool admitted = false;
  std::int8_t numa = -1;
  std::uint8_t numa_span = 1;
  std::uint64_t gpu_mask = 0;
  Locality locality = Locality::kLocal;
};

class ClusterState {
 public:
  explicit ClusterState(const Fleet& fleet);
  ClusterState(const ClusterState& o);
  ClusterState& operator=(const ClusterState&) = delete;

  const Fleet& fleet() const { return *fleet_; }

  // The one feasibility filter every policy shares: CPU, memory, GPU model,
  // and GPU fit (a device with gpu_milli free for 1-GPU jobs, num_gpu fully
  // free devices for multi-GPU jobs); CPU pods stay off tainted GPU nodes.
  // Under the restricted and single-numa-node Topology Manager policies a pod the kubelet would
  // refuse (align) does not fit.
  bool fits(std::size_t node, const JobRequest& r) const {
    if (!online[node] || (spot_node[node] && !r.spot_ok)) return false;
    if (r.pool >= 0 && fleet_->pool[node] != r.pool) return false;
    if (r.kind != ResourceKind::kNative) return fits_reclaimed(node, r);
    if (!fits_native(node, r)) return false;
    return !topology_gate_ || align(node, r, 0).admitted;
  }
  bool fits_native(std::size_t node, const JobRequest& r) const {
    if (free_cpu_milli[node] < r.cpu_milli || free_memory_mib[node] < r.memory_mib) return false;
    if (r.num_gpu == 0) return !(fleet_->gpu_nodes_tainted && fleet_->gpu_count[node] > 0);
    if (fleet_->gpu_count[node] == 0) return false;
    if (r.gpu_models && !(r.gpu_models >> fleet_->gpu_model[node] & 1)) return false;
    if (r.num_gpu == 1) return max_free_gpu_milli[node] >= r.gpu_milli;
    return whole_free_gpus[node] >= r.num_gpu;
  }
  // Mid and Batch pods (JobRequest::kind): CPU and memory from what the co-location component
  // offers on the node (Koordinator's mid-* and batch-* resources), not from its native capacity.
  // A Mid or Batch pod with GPUs is a guest (GPU co-location, sim/components/gpu_sharing.h): it takes
  // one guest slot on each of num_gpu devices the sharing component offers, whatever native pods hold.
  bool fits_reclaimed(std::size_t node, const JobRequest& r) const {
    const int k = static_cast<int>(r.kind) - 1;
    if (r.num_gpu > 0) {
      if (guest_free_gpus_.empty() || guest_free_gpus_[node] < r.num_gpu) return false;
      if (r.gpu_models && !(r.gpu_models >> fleet_->gpu_model[node] & 1)) return false;
    } else if (fleet_->gpu_nodes_tainted && fleet_->gpu_count[node] > 0) {
      return false;
    }
    return reclaim_cpu_offered_[k][node] - reclaim_cpu_taken_[k][node] >= r.cpu_milli &&
           reclaim_memory_offered_[k][node] - reclaim_memory_taken_[k][node] >= r.memory_mib;
  }
  // GPU co-location: how many guests a device takes now (set by the sharing component; may fall
  // below what it holds, then none is added), what it holds, and per node the devices with room.
  void set_gpu_guest_offer(std::size_t node, int gpu, std::int32_t slots);
  std::int32_t gpu_guest_offered(std::size_t node, int gpu) const {
    return guest_offered_.empty() ? 0 : guest_offered_[static_cast<std::size_t>(fleet_->gpu_offset[node] + gpu)];
  }
  std::int32_t gpu_guests(std::size_t node, int gpu) const {
    return guest_taken_.empty() ? 0 : guest_taken_[static_cast<std::size_t>(fleet_->gpu_offset[node] + gpu)];
  }
  std::int32_t guest_free_gpus(std::size_t node) const { return guest_free_gpus_.empty() ? 0 : guest_free_gpus_[node]; }
  // What the node offers of a reclaimed kind (set by the co-location component; may fall below what
  // is taken, then nothing new fits until pods leave), and what its Mid or Batch pods hold.
  void set_reclaim_offer(ResourceKind kind, std::size_t node, std::int64_t cpu_milli, std::int64_t memory_mib);
  std::int64_t reclaim_cpu_offered(ResourceKind kind, std::size_t node) const { return reclaim_cpu_offered_[static_cast<int>(kind) - 1][node]; }
  std::int64_t reclaim_memory_offered(ResourceKind kind, std::size_t node) const { return reclaim_memory_offered_[static_cast<int>(kind) - 1][node]; }
  std::int64_t reclaim_cpu_taken(ResourceKind kind, std::size_t node) const { return reclaim_cpu_taken_[static_cast<int>(kind) - 1][node]; }
  std::int64_t reclaim_memory_taken(ResourceKind kind, std::size_t node) const { return reclaim_memory_taken_[static_cast<int>(kind) - 1][node]; }
  // Fleet totals of the same.
  std::int64_t reclaim_cpu_offered_total(ResourceKind kind) const { return reclaim_totals_[static_cast<int>(kind) - 1][0]; }
  std::int64_t reclaim_cpu_taken_total(ResourceKind kind) const { return reclaim_totals_[static_cast<int>(kind) - 1][1]; }
  std::int64_t reclaim_memory_offered_total(ResourceKind kind) const { return reclaim_totals_[static_cast<int>(kind) - 1][2]; }
  std::int64_t reclaim_memory_taken_total(ResourceKind kind) const { return reclaim_totals_[static_cast<int>(kind) - 1][3]; }

  // The Topology Manager (sim/model/topology.h, docs/topology.md): how the kubelet would admit r
  // on the node now, keeping the policy's GPUs (gpu_mask) when they are aligned. Called on a node
  // whose native capacity fits r.
  Alignment align(std::size_t node, const JobRequest& r, std::uint64_t gpu_mask) const;
  // Applies align to a placement the policy chose (checked: the kubelet admits it).
  void admit(const JobRequest& r, Placement& p) const;
  // The locality of a pod that floats over the node's shared pool.
  Locality span_locality(std::size_t node) const;
  // Whether one NUMA node of the empty machine holds r (CPU, memory and GPUs attached to it).
  bool fits_one_numa_empty(std::size_t node, const JobRequest& r) const;
  // How many NVLink islands the devices span (without NVLink: each device is its own).
  int gpu_islands(std::size_t node, std::uint64_t gpu_mask) const;

  // Whether the job could run on the node when the node is empty, online or not.
  bool fits_empty(std::size_t node, const JobRequest& r) const;
  // How many copies of r the node holds at once when empty (workers of a gang).
  std::int64_t copies_when_empty(std::size_t node, const JobRequest& r) const;

  std::int32_t gpu_free_milli(std::size_t node, int gpu) const {
    return free_gpu_milli[fleet_->gpu_offset[node] + gpu];
  }

  // Elastic pools: an offline node (not acquired, still booting, or draining
  // under a spot notice) takes no new job; jobs already on it keep running.
  void set_online(std::size_t node, bool on);
  std::int32_t jobs_on(std::size_t node) const { return jobs_on_[node]; }

  // Throws InvariantError when the placement does not fit or is malformed.
  void allocate(const JobRequest& r, const Placement& p);
  void release(const JobRequest& r, const Placement& p);

  // NUMA-level state, after the kubelet's static CPU manager: a pod pinned
  // to a NUMA node (Placement::numa) takes its CPU and memory from that NUMA
  // node exclusively; other pods share the rest of the node. A node's CPU and
  // memory are split evenly over its sockets x NUMA nodes per socket (the
  // remainder to the lowest-numbered); GPUs sit on the NUMA nodes the
  // topology graph puts them on (sim/model/fleet_graph.h). Free per NUMA node
  // is its share less what is pinned there.
  int numa_count(std::size_t node) const { return numa_offset_[node + 1] - numa_offset_[node]; }
  std::int64_t numa_free_cpu_milli(std::size_t node, int numa) const {
    return numa_free_cpu_milli_[static_cast<std::size_t>(numa_offset_[node] + numa)];
  }
  std::int64_t numa_free_memory_mib(std::size_t node, int numa) const {
    return numa_free_memory_mib_[static_cast<std::size_t>(numa_offset_[node] + numa)];
  }
  int gpu_numa(std::size_t node, int gpu) const { return gpu_numa_.empty() ? 0 : gpu_numa_[fleet_->gpu_offset[node] + gpu]; }
  // Whether r, pinned to the NUMA node, fits there (and on the node).
  bool fits_numa(std::size_t node, int numa, const JobRequest& r) const {
    return fits(node, r) && numa_free_cpu_milli(node, numa) >= r.cpu_milli &&
           numa_free_memory_mib(node, numa) >= r.memory_mib;
  }

  // Cluster totals of what is allocated.
  std::int64_t allocated_cpu_milli() const { return alloc_cpu_milli_; }
  std::int64_t allocated_memory_mib() const { return alloc_memory_mib_; }
  std::int64_t allocated_gpu_milli() const { return alloc_gpu_milli_; }
  std::int64_t busy_gpus() const { return busy_gpus_; }  // devices with any allocation

  // Columns, indexed by node (free_gpu_milli by flat GPU index).
  std::vector<std::int64_t> free_cpu_milli;
  std::vector<std::int64_t> free_memory_mib;
  std::vector<std::int32_t> free_gpu_milli;
  std::vector<std::int32_t> whole_free_gpus;    // devices with all 1000 milli free
  std::vector<std::int32_t> max_free_gpu_milli; // largest free share on one device
  // Bumped on every allocate and release of the node: lets policies cache
  // per-node scores and recompute only the nodes that changed.
  std::vector<std::uint32_t> node_version;
  // Every version bump in order: how many there have been, and the node of
  // each of the last change_ring_size() (score indexes replay what changed
  // since they last looked; older history is gone and they rebuild).
  std::uint64_t changes() const { return changes_; }
  // Distinct for every cluster state ever built in the process (copies get their own).
  std::uint64_t instance() const { return instance_; }
  std::size_t change_ring_size() const { return change_ring_.size(); }
  std::int32_t changed_node(std::uint64_t i) const { return change_ring_[i & (change_ring_.size() - 1)]; }
  std::vector<std::uint8_t> online;  // 1 for usable nodes (all of them without elastic pools)
  std::vector<std::uint8_t> spot_node;  // 1 for nodes of spot pools: only spot_ok jobs go there

  // Interruptions seen per pool, as a decaying count (time constant 6 h): policies
  // read the recent rate per held node-hour to decide whether to avoid a spot pool.
  void note_interruption(std::size_t pool, SimTime t);
  // Per node of the pool (its full size).
  double recent_interruptions_per_node_hour(std::size_t pool, SimTime now) const;
  // The first instant from now at which that rate is at most `rate`, with the pool's size as now
  // (the count decays as exp(-t / 6 h)).
  SimTime interruption_rate_at_most_at(std::size_t pool, double rate, SimTime now) const;

  // How many jobs on the node hold a GPU request of this kind
  // (gpu_request_key: GPU count and milli-GPU per device).
  std::int32_t jobs_with_gpu_request(std::size_t node, std::uint32_t key) const;
  static std::uint32_t gpu_request_key(const JobRequest& r) {
    return static_cast<std::uint32_t>(r.num_gpu) << 16 | static_cast<std::uint32_t>(r.gpu_milli);
  }

 private:
  void refresh_gpu_summary(std::size_t node);
  // GPUs for r on the NUMA node with the devices it needs free (one NVLink island when one
  // holds them); false when the NUMA node lacks them.
  // Devices for r on NUMA nodes numa..numa+span-1 (numa -1: any).
  bool numa_gpus(std::size_t node, int numa, const JobRequest& r, std::uint64_t& mask, int span = 1) const;
  // Whether the run of NUMA nodes lo..lo+span-1 holds r spread evenly over it (what is free now, or the
  // empty machine's shares), with devices on it (set in mask).
  bool run_holds(std::size_t node, int lo, int span, const JobRequest& r, bool empty, std::uint64_t& mask) const;
  // A pod wider than one NUMA node under best-effort or restricted: the run it is pinned to.
  void align_wide(std::size_t node, const JobRequest& r, std::uint64_t gpu_mask, Alignment& a) const;
  // The devices of one NVLink island (on the NUMA node, -1: any) instead of a mask that spans
  // several, when one island has them free; else the mask.
  std::uint64_t one_island(std::size_t node, int numa, const JobRequest& r, std::uint64_t mask, int span = 1) const;
  std::int64_t copies_on_numa_when_empty(std::size_t node, int numa, const JobRequest& r) const;
  bool topology_gate_ = false;  // restricted or single-numa-node: fits() asks align()
  void pin(const JobRequest& r, const Placement& p, int sign);
  void note_change(std::size_t node) { change_ring_[changes_++ & (change_ring_.size() - 1)] = static_cast<std::int32_t>(node); }
  void check_shape(const JobRequest& r, const Placement& p) const;
  void count_gpu_request(std::size_t node, std::uint32_t key, std::int32_t delta);

  const Fleet* fleet_;
  std::int64_t alloc_cpu_milli_ = 0;
  std::int64_t alloc_memory_mib_ = 0;
  std::int64_t alloc_gpu_milli_ = 0;
  std::int64_t busy_gpus_ = 0;
  std::vector<std::int32_t> jobs_on_;
  std::uint64_t changes_ = 0;
  std::uint64_t instance_ = 0;
  std::vector<std::int32_t> change_ring_;  // a power of two, at least twice the nodes
  std::vector<std::int32_t> numa_offset_;  // per node + 1: first NUMA node in the flat columns
  std::vector<std::int64_t> numa_free_cpu_milli_, numa_free_memory_mib_;
  std::vector<std::int8_t> gpu_numa_;      // per flat GPU; empty when every node has one NUMA node
  std::array<std::vector<std::int64_t>, kReclaimedKinds> reclaim_cpu_offered_, reclaim_cpu_taken_;
  std::array<std::vector<std::int64_t>, kReclaimedKinds> reclaim_memory_offered_, reclaim_memory_taken_;
  std::array<std::array<std::int64_t, 4>, kReclaimedKinds> reclaim_totals_{};  // cpu offered, taken; memory offered, taken
  void allocate_reclaimed(const JobRequest& r, const Placement& p, int sign);
  // GPU guests, per flat GPU (empty until the sharing component makes an offer) and per node.
  std::vector<std::int32_t> guest_offered_, guest_taken_, guest_free_gpus_;
  void refresh_guest_free(std::size_t node);
  std::vector<double> pool_interruptions_;  // decayed count at pool_last_interruption_
  std::vector<SimTime> pool_last_interruption_;
  std::vector<std::int32_t> pool_nodes_;
  // Per node: (gpu_request_key, jobs) pairs; a node hosts few kinds at once.
  std::vector<std::vector<std::pair<std::uint32_t, std::int32_t>>> gpu_requests_;
};

}  // namespace capsim
