#pragma once
// The hardware of one run: a columnar node table (one vector per attribute,
// indexed by node) plus the names of zones and racks. Nodes never change
// during a run; what is free lives in ClusterState.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/gpu_catalog.h"
#include "sim/model/pool.h"
#include "sim/model/topology.h"

namespace capsim {

inline constexpr int kMaxGpusPerNode = 64;  // a placement's GPUs fit one 64-bit mask

struct NodeSpec {
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t gpu_count = 0;
  GpuModelId gpu_model = 0;  // meaningful only when gpu_count > 0
  std::int32_t sockets = 1;
  std::int32_t numa_per_socket = 1;
  std::string zone = "zone-a";
  std::int32_t rack = 0;  // rack number within the zone
  std::int32_t pool = 0;  // index into Fleet::pools
  // GPUs joined by NVLink, in islands of this many consecutive devices (2: pairs, 8: all of an
  // HGX board); 0: none (PCIe only).
  std::int32_t nvlink_island_gpus = 0;
  // This kubelet's Topology Manager policy when it is not the fleet's (fleet.topology.policy); kOff: the fleet's.
  TopologyPolicy topology_policy = TopologyPolicy::kOff;
  // A VM (two-level capacity, docs/topology.md#vms-on-hosts): the host it runs on, the flat index of
  // the first host socket it spans (Fleet::add_host), and what the VM itself keeps of its shape
  // (system reserve, daemon pods): cpu_milli and memory_mib above are what pods may request.
  std::int32_t host = -1;
  std::int32_t socket_base = -1;
  std::int64_t overhead_cpu_milli = 0;
  std::int64_t overhead_memory_mib = 0;
};

// A physical machine that carries VMs; not schedulable itself.
struct HostSpec {
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t sockets = 1;
  std::int32_t numa_per_socket = 1;
};

class Fleet {
 public:
  // Throws InputError when the spec is impossible (no CPU, too many GPUs).
  void add_node(const NodeSpec& spec);
  // Pools come before their nodes. A fleet given no pool has one static owned "default".
  std::int32_t add_pool(const PoolSpec& pool);
  std::int32_t find_pool(const std::string& name) const;  // -1 when absent
  // Hosts come before the VMs on them; returns the host's index.
  std::int32_t add_host(const HostSpec& host);

  // GPU nodes take only pods that ask for GPUs: the NoSchedule taint GPU node pools carry
  // (GKE and EKS add nvidia.com/gpu to them), which CPU pods do not tolerate.
  bool gpu_nodes_tainted = false;
  // The kubelets' Topology Manager policy and the locality performance model (sim/model/topology.h).
  TopologyConfig topology;

  std::size_t size() const { return name.size(); }
  std::int64_t total_gpus() const { return gpu_offset.empty() ? 0 : gpu_offset.back(); }
  std::int64_t total_cpu_milli() const { return total_cpu_milli_; }
  std::int64_t total_memory_mib() const { return total_memory_mib_; }
  // Models present in the fleet.
  GpuModelMask models_present() const { return models_present_; }

  // Columns, indexed by node.
  std::vector<std::string> name;
  std::vector<std::int64_t> cpu_milli;
  std::vector<std::int64_t> memory_mib;
  std::vector<std::int32_t> gpu_count;
  std::vector<GpuModelId> gpu_model;
  std::vector<std::int32_t> sockets;
  std::vector<std::int32_t> numa_per_socket;
  std::vector<std::int32_t> zone;  // index into zone_names
  std::vector<std::int32_t> rack;
  std::vector<std::int32_t> pool;  // index into pools
  std::vector<std::int32_t> nvlink_island;  // GPUs per NVLink island; 0: none
  std::vector<TopologyPolicy> topology_policy_of_node;  // per node when some kubelet differs (empty: all the fleet's)
  // Node n's kubelet's Topology Manager policy.
  TopologyPolicy policy_of(std::size_t n) const {
    return topology_policy_of_node.empty() || topology_policy_of_node[n] == TopologyPolicy::kOff ? topology.policy
                                                                                                   : topology_policy_of_node[n];
  }
  // Physical sockets: a node's socket s is physical socket socket_base[node] + s (a VM's are its
  // host's, shared with the other VMs there; a machine's are its own).
  std::vector<std::int32_t> socket_base;
  std::vector<std::int32_t> host;            // VMs: index into hosts; -1: a machine
  std::vector<std::int64_t> overhead_cpu_milli, overhead_memory_mib;  // VMs: kept by the VM itself
  std::vector<HostSpec> hosts;
  std::vector<std::int32_t> host_socket_base;  // per host
  std::int32_t physical_sockets() const { return physical_sockets_; }
  bool has_vms() const { return !hosts.empty(); }
  // gpu_offset[n] is the index of node n's first GPU in flat per-GPU arrays;
  // gpu_offset has size()+1 entries.
  std::vector<std::int64_t> gpu_offset{0};

  std::vector<std::string> zone_names;
  std::vector<PoolSpec> pools;
  std::vector<CloudCluster> clusters;
  // Pools in the order capacity is bought: higher cluster priority first, then the fleet's order
  // (a pool without a cluster has priority 0). pool_rank[p] is p's place in it.
  // (Empty until order_pools: the fleet's order.)
  std::vector<std::int32_t> pool_order, pool_rank;
  void order_pools();
  std::size_t pool_by_priority(std::size_t k) const {
    return pool_order.empty() ? k : static_cast<std::size_t>(pool_order[k]);
  }
  std::int32_t rank_of_pool(std::int32_t p) const {
    return pool_rank.empty() ? p : pool_rank[static_cast<std::size_t>(p)];
  }

 private:
  std::int64_t total_cpu_milli_ = 0;
  std::int64_t total_memory_mib_ = 0;
  GpuModelMask models_present_ = 0;
  std::int32_t physical_sockets_ = 0;
};

}  // namespace capsim
