#pragma once
// NUMA- and socket-aware placement: the kubelet's Topology Manager policy and
// the locality a placement ends up with (docs/topology.md).
//
// Kubernetes Topology Manager (kubelet --topology-manager-policy, scope pod):
//   none             no alignment: CPU and memory float over the whole node;
//   best-effort      align CPU, memory and devices on one NUMA node when one has
//                    room, admit the pod anyway when none has;
//   restricted       admit only with the preferred (narrowest) alignment: a pod
//                    that fits one NUMA node of the empty machine must get one;
//   single-numa-node admit only on one NUMA node; a pod that no single NUMA node
//                    can hold does not fit the node.
// capsim's reading (the kubelet's static CPU manager, docs/topology.md): an
// aligned pod is pinned to its NUMA node (ClusterState's NUMA level) and its
// GPUs are devices attached to that NUMA node; every other pod floats over the
// node's shared pool, so its locality is the node's span.
#include <cstdint>
#include <string>

namespace capsim {

enum class TopologyPolicy : std::uint8_t {
  kOff,             // no topology model at all: placement as before, no locality recorded
  kNone,
  kBestEffort,
  kRestricted,
  kSingleNumaNode,
};
const char* topology_policy_name(TopologyPolicy p);
// Throws InputError naming `field` for anything but the four kubelet names.
TopologyPolicy topology_policy_from(const std::string& name, const std::string& field);

// Where a placement's CPU, memory and GPUs sit relative to each other.
enum class Locality : std::uint8_t {
  kLocal,        // one NUMA node (or a machine with one NUMA node)
  kCrossNuma,    // several NUMA nodes of one socket
  kCrossSocket,  // several sockets
};
inline constexpr int kLocalities = 3;
const char* locality_name(Locality l);

// The performance model (docs/topology.md): what a placement's locality and
// its socket's memory bandwidth cost. Every number is overridable from the
// scenario (fleet.topology) and sweepable.
struct TopologyConfig {
  TopologyPolicy policy = TopologyPolicy::kOff;
  // Throughput of a job or replica relative to a local one. Remote DRAM reads
  // cost ~1.5x (cross-NUMA on one socket) to ~2x (across the socket link) a
  // local one on current two-socket servers; a workload that is partly
  // memory-bound loses a fraction of that.
  double cross_numa_factor = 0.9;
  double cross_socket_factor = 0.8;
  // Memory bandwidth per socket (GB/s) and what a pod draws per requested core;
  // 0 budget: no bandwidth model. Demand above the budget slows every pod on
  // the socket by budget / demand.
  double socket_memory_bandwidth_gbps = 0;
  double memory_bandwidth_gbps_per_core = 0;
  bool enabled() const { return policy != TopologyPolicy::kOff; }
  double factor(Locality l) const {
    return l == Locality::kLocal ? 1.0 : l == Locality::kCrossNuma ? cross_numa_factor : cross_socket_factor;
  }
};

}  // namespace capsim
