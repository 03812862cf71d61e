// The Topology Manager's admission on a two-socket, four-NUMA node, worked by hand
// (docs/topology.md). The node: 32 cores, 128 GiB, 8 GPUs; per NUMA node 8 cores, 32 GiB
// and GPUs {2m, 2m+1} (the topology graph's layout); sockets {NUMA 0, 1} and {2, 3}.
#include <catch2/catch.hpp>

#include "sim/base/check.h"
#include "sim/model/cluster_state.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::node;
using capsim::test::req;

namespace {

Fleet two_socket_node(TopologyPolicy policy, int nvlink_island = 0) {
  Fleet f;
  NodeSpec s = node("n0", 32000, 131072, 8);
  s.sockets = 2;
  s.numa_per_socket = 2;
  s.nvlink_island_gpus = nvlink_island;
  f.topology.policy = policy;
  f.add_node(s);
  return f;
}

// Admits and allocates a placement the way the engine does (Scheduler: policy, then kubelet).
Placement place(ClusterState& c, const JobRequest& r, std::uint64_t gpus) {
  Placement p{0, gpus};
  c.admit(r, p);
  c.allocate(r, p);
  return p;
}

}  // namespace

TEST_CASE("Topology Manager none: no pod is pinned, every pod spans the node's sockets", "[model][topology]") {
  const Fleet f = two_socket_node(TopologyPolicy::kNone);
  ClusterState c(f);
  const Placement p = place(c, req(6000, 16384), 0);
  CHECK(p.numa == -1);
  CHECK(p.locality == Locality::kCrossSocket);
  CHECK(c.numa_free_cpu_milli(0, 0) == 8000);  // the shared pool: no NUMA node charged
  // The policy's GPUs are kept as they are, across NUMA nodes.
  const Placement g = place(c, req(2000, 1024, 2), 0b0110);
  CHECK(g.gpu_mask == 0b0110);
  CHECK(g.locality == Locality::kCrossSocket);
}

TEST_CASE("Topology Manager single-numa-node: pods pinned to the lowest NUMA node with room, wider pods refused",
          "[model][topology]") {
  const Fleet f = two_socket_node(TopologyPolicy::kSingleNumaNode);
  ClusterState c(f);
  // A: 6 cores, 16 GiB -> NUMA 0 (8 cores), local; NUMA 0 keeps 2 cores, 16 GiB.
  const Placement a = place(c, req(6000, 16384), 0);
  CHECK(a.numa == 0);
  CHECK(a.locality == Locality::kLocal);
  CHECK(c.numa_free_cpu_milli(0, 0) == 2000);
  CHECK(c.numa_free_memory_mib(0, 0) == 16384);
  // B: 4 cores does not fit NUMA 0's 2 left -> NUMA 1.
  const Placement b = place(c, req(4000, 8192), 0);
  CHECK(b.numa == 1);
  // C: 2 GPUs + 4 cores. The policy chose GPUs 0 and 1 (NUMA 0), but NUMA 0 has 2 cores left: the
  // kubelet moves the pod to NUMA 1 (4 cores left) and its devices to GPUs 2 and 3.
  const Placement g = place(c, req(4000, 8192, 2), 0b0011);
  CHECK(g.numa == 1);
  CHECK(g.gpu_mask == 0b1100);
  CHECK(g.locality == Locality::kLocal);
  // A 1-GPU pod whose device (GPU 5, NUMA 2) is aligned keeps it.
  const Placement h = place(c, req(1000, 1024, 1, 500), 0b100000);
  CHECK(h.numa == 2);
  CHECK(h.gpu_mask == 0b100000);
  // 12 cores are more than any NUMA node (8): refused on the node, even empty.
  CHECK_FALSE(c.fits(0, req(12000, 1024)));
  CHECK_FALSE(c.fits_empty(0, req(12000, 1024)));
  // So are 4 GPUs (2 per NUMA node).
  CHECK_FALSE(c.fits_empty(0, req(1000, 1024, 4)));
  CHECK(c.fits_empty(0, req(1000, 1024, 2)));
  // 4 copies of an 8-core pod fit the empty node (one per NUMA node); 3 of a 5-core pod would fit
  // the node's 32 cores 6 times, but only once per NUMA node.
  CHECK(c.copies_when_empty(0, req(8000, 1024)) == 4);
  CHECK(c.copies_when_empty(0, req(5000, 1024)) == 4);
  // Now NUMA 0 has 2 cores, NUMA 1 0, NUMA 2 7, NUMA 3 8: an 8-core pod fits NUMA 3 only.
  CHECK(c.fits(0, req(8000, 1024)));
  const Placement d = place(c, req(8000, 1024), 0);
  CHECK(d.numa == 3);
  CHECK_FALSE(c.fits(0, req(8000, 1024)));  // the node has 9 cores free, no NUMA node 8
  CHECK(c.free_cpu_milli[0] == 9000);
}

TEST_CASE("Topology Manager restricted: a pod that one NUMA node could hold must get one, wider pods span",
          "[model][topology]") {
  const Fleet f = two_socket_node(TopologyPolicy::kRestricted);
  ClusterState c(f);
  // Fill every NUMA node to 2 free cores (6 cores each).
  for (int m = 0; m < 4; ++m) CHECK(place(c, req(6000, 1024), 0).numa == m);
  // 3 cores: narrowest hint is one NUMA node, none has room: refused (best-effort would admit it).
  CHECK(c.free_cpu_milli[0] == 8000);
  CHECK_FALSE(c.fits(0, req(3000, 1024)));
  CHECK_FALSE(c.align(0, req(3000, 1024), 0).admitted);
  // 12 cores never fit one NUMA node (8); the narrowest mask is two NUMA nodes (16 cores): pinned to
  // NUMA 0-1, 6 cores from each, across NUMA nodes of one socket. 20 cores need three (7 + 7 + 6 of
  // 24): NUMA 0-2, across the sockets.
  ClusterState empty(f);
  const Alignment wide = empty.align(0, req(12000, 1024), 0);
  CHECK(wide.admitted);
  CHECK(wide.numa == 0);
  CHECK(wide.numa_span == 2);
  CHECK(wide.locality == Locality::kCrossNuma);
  const Alignment wider = empty.align(0, req(20000, 1024), 0);
  CHECK(wider.numa == 0);
  CHECK(wider.numa_span == 3);
  CHECK(wider.locality == Locality::kCrossSocket);
  // 4 GPUs: 2 per NUMA node, so NUMA 0-1 with GPUs 0-3: cross-NUMA.
  const Alignment gpus = empty.align(0, req(1000, 1024, 4), 0b11110000);
  CHECK(gpus.numa == 0);
  CHECK(gpus.numa_span == 2);
  CHECK(gpus.gpu_mask == 0b1111);
  CHECK(gpus.locality == Locality::kCrossNuma);
  // Pinned: NUMA 0 and 1 keep 2 cores each. The next 12-core pod takes NUMA 2-3; released, the first
  // gives its cores back to both NUMA nodes.
  const Placement p = place(empty, req(12000, 2048), 0);
  CHECK(empty.numa_free_cpu_milli(0, 0) == 2000);
  CHECK(empty.numa_free_cpu_milli(0, 1) == 2000);
  CHECK(empty.numa_free_memory_mib(0, 0) == 32768 - 1024);
  const Placement q = place(empty, req(12000, 2048), 0);
  CHECK(q.numa == 2);
  CHECK(q.numa_span == 2);
  empty.release(req(12000, 2048), p);
  CHECK(empty.numa_free_cpu_milli(0, 0) == 8000);
  CHECK(empty.numa_free_cpu_milli(0, 1) == 8000);
}

TEST_CASE("Topology Manager: a wide pod needs a free NUMA run of its narrowest width under restricted, any under best-effort",
          "[model][topology]") {
  // Every NUMA node keeps 3 of its 8 cores free (12 on the node). A 10-core pod's narrowest mask is two
  // NUMA nodes (5 + 5), and no two have 5 free: restricted refuses it on this node although the node
  // has the cores. Best-effort takes the narrowest run that has room now: three NUMA nodes need 3.334 +
  // 3.333 + 3.333 cores (3 free: no), four need 2.5 each: NUMA 0-3, across the sockets.
  for (TopologyPolicy policy : {TopologyPolicy::kRestricted, TopologyPolicy::kBestEffort}) {
    const Fleet f = two_socket_node(policy);
    ClusterState c(f);
    for (int m = 0; m < 4; ++m) place(c, req(5000, 1024), 0);
    const Alignment a = c.align(0, req(10000, 1024), 0);
    if (policy == TopologyPolicy::kRestricted) {
      CHECK_FALSE(a.admitted);
      CHECK_FALSE(c.fits(0, req(10000, 1024)));
    } else {
      CHECK(a.admitted);
      CHECK(a.numa == 0);
      CHECK(a.numa_span == 4);
      CHECK(a.locality == Locality::kCrossSocket);
      const Placement p = place(c, req(10000, 1024), 0);
      CHECK(c.numa_free_cpu_milli(0, 0) == 500);
      CHECK(c.numa_free_cpu_milli(0, 3) == 500);
      c.release(req(10000, 1024), p);
    }
  }
}

TEST_CASE("Topology Manager best-effort: aligned when a NUMA node has room, else admitted across the node",
          "[model][topology]") {
  const Fleet f = two_socket_node(TopologyPolicy::kBestEffort);
  ClusterState c(f);
  for (int m = 0; m < 4; ++m) place(c, req(6000, 1024), 0);
  const Alignment a = c.align(0, req(3000, 1024), 0);
  CHECK(a.admitted);
  CHECK(a.numa == -1);
  CHECK(a.locality == Locality::kCrossSocket);
  CHECK(c.fits(0, req(3000, 1024)));
  CHECK(c.align(0, req(2000, 1024), 0).numa == 0);
}

TEST_CASE("NVLink islands: a multi-GPU pod takes the devices of one island", "[model][topology]") {
  // One NUMA node, 8 GPUs in islands of 4 (0-3, 4-7).
  Fleet f;
  NodeSpec s = node("n0", 32000, 131072, 8);
  s.nvlink_island_gpus = 4;
  f.topology.policy = TopologyPolicy::kBestEffort;
  f.add_node(s);
  ClusterState c(f);
  // GPU 1 busy: island 0 has 3 free devices, island 1 four.
  place(c, req(1000, 1024, 1, 1000), 0b10);
  // The policy chose {0, 2}: both in island 0, kept.
  CHECK(place(c, req(1000, 1024, 2), 0b101).gpu_mask == 0b101);
  // {3, 4} spans both islands: island 1 (4 free) holds 2, taken whole-devices-first from the tightest
  // island that fits: island 0 has 1 free (GPU 3), island 1 four -> GPUs 4 and 5.
  const Placement p = place(c, req(1000, 1024, 2), 0b11000);
  CHECK(p.gpu_mask == 0b110000);
  CHECK(c.gpu_islands(0, p.gpu_mask) == 1);
  CHECK(c.gpu_islands(0, 0b11000) == 2);
  // Under none the policy's devices stay, islands or not.
  Fleet g = f;
  g.topology.policy = TopologyPolicy::kNone;
  ClusterState d(g);
  CHECK(d.align(0, req(1000, 1024, 2), 0b11000).gpu_mask == 0b11000);
}

TEST_CASE("topology policy names", "[model][topology]") {
  CHECK(topology_policy_from("single-numa-node", "f") == TopologyPolicy::kSingleNumaNode);
  CHECK_THROWS_AS(topology_policy_from("single", "fleet.topology.policy"), InputError);
  CHECK(std::string(locality_name(Locality::kCrossNuma)) == "cross_numa");
}

TEST_CASE("Topology Manager per kubelet: a node group's policy overrides the fleet's", "[model][topology]") {
  // Two 2-socket, 4-NUMA nodes (8 cores per NUMA node): n0 keeps the fleet's none, n1's kubelet runs
  // single-numa-node. A 12-core pod fits n0 (floating) but not n1; a 6-core pod is pinned on n1 only.
  Fleet f;
  f.topology.policy = TopologyPolicy::kNone;
  for (int i = 0; i < 2; ++i) {
    NodeSpec s = node(i == 0 ? "n0" : "n1", 32000, 131072, 8);
    s.sockets = 2;
    s.numa_per_socket = 2;
    if (i == 1) s.topology_policy = TopologyPolicy::kSingleNumaNode;
    f.add_node(s);
  }
  CHECK(f.policy_of(0) == TopologyPolicy::kNone);
  CHECK(f.policy_of(1) == TopologyPolicy::kSingleNumaNode);
  ClusterState c(f);
  CHECK(c.fits(0, req(12000, 1024)));
  CHECK_FALSE(c.fits(1, req(12000, 1024)));
  CHECK_FALSE(c.fits_empty(1, req(12000, 1024)));
  CHECK(c.align(0, req(6000, 1024), 0).numa == -1);
  CHECK(c.align(1, req(6000, 1024), 0).numa == 0);
  CHECK(c.copies_when_empty(1, req(5000, 1024)) == 4);  // once per NUMA node
  CHECK(c.copies_when_empty(0, req(5000, 1024)) == 6);  // 32 cores / 5
}
