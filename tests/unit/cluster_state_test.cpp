#include <catch2/catch.hpp>

#include "sim/base/check.h"
#include "sim/model/cluster_state.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::node;
using capsim::test::req;

TEST_CASE("fractional GPUs share a device, multi-GPU jobs take whole devices", "[model]") {
  Fleet f;
  f.add_node(node("n0", 8000, 16384, 2));
  ClusterState c(f);
  const JobRequest a = req(1000, 1024, 1, 600), b = req(1000, 1024, 1, 400), whole = req(1000, 1024, 2);

  c.allocate(a, {0, 0b01});
  CHECK(c.gpu_free_milli(0, 0) == 400);
  CHECK(c.max_free_gpu_milli[0] == 1000);
  CHECK(c.whole_free_gpus[0] == 1);
  CHECK_FALSE(c.fits(0, whole));      // one device is partly used
  CHECK(c.fits(0, b));
  c.allocate(b, {0, 0b01});
  CHECK(c.gpu_free_milli(0, 0) == 0);
  CHECK(c.allocated_gpu_milli() == 1000);
  CHECK(c.busy_gpus() == 1);
  CHECK(c.allocated_cpu_milli() == 2000);

  c.release(a, {0, 0b01});
  c.release(b, {0, 0b01});
  CHECK(c.busy_gpus() == 0);
  CHECK(c.fits(0, whole));
  c.allocate(whole, {0, 0b11});
  CHECK(c.whole_free_gpus[0] == 0);
  CHECK(c.allocated_gpu_milli() == 2000);
  CHECK(c.busy_gpus() == 2);
}

TEST_CASE("no allocation ever exceeds capacity", "[model][invariant]") {
  Fleet f;
  f.add_node(node("n0", 4000, 8192, 1));
  ClusterState c(f);
  c.allocate(req(3000, 1024, 1, 700), {0, 1});
  CHECK_THROWS_AS(c.allocate(req(2000, 1024), {0, 0}), InvariantError);           // CPU
  CHECK_THROWS_AS(c.allocate(req(100, 9000), {0, 0}), InvariantError);            // memory
  CHECK_THROWS_AS(c.allocate(req(100, 100, 1, 400), {0, 1}), InvariantError);     // GPU milli
  CHECK_THROWS_AS(c.allocate(req(100, 100, 1, 100), {0, 0b10}), InvariantError);  // GPU the node lacks
  CHECK_THROWS_AS(c.allocate(req(100, 100, 1, 100), {0, 0}), InvariantError);     // no GPU named
  // A refused allocation changes nothing.
  CHECK(c.allocated_cpu_milli() == 3000);
  CHECK(c.allocated_memory_mib() == 1024);
  CHECK(c.allocated_gpu_milli() == 700);
  CHECK_THROWS_AS(c.release(req(4000, 100), {0, 0}), InvariantError);  // more than was allocated
}

TEST_CASE("GPU model constraints filter nodes", "[model]") {
  Fleet f;
  f.add_node(node("t4", 8000, 8192, 1, "T4"));
  f.add_node(node("a10", 8000, 8192, 1, "A10"));
  f.add_node(node("cpu", 8000, 8192, 0));
  ClusterState c(f);
  const GpuModelMask a10 = GpuModelMask{1} << *find_gpu_model("A10");
  CHECK_FALSE(c.fits(0, req(100, 100, 1, 500, a10)));
  CHECK(c.fits(1, req(100, 100, 1, 500, a10)));
  CHECK_FALSE(c.fits(2, req(100, 100, 1, 500)));
  CHECK(c.fits(2, req(100, 100)));
  CHECK(c.fits_empty(1, req(8000, 8192, 1, 1000, a10)));
  CHECK_FALSE(c.fits_empty(1, req(8001, 8192)));
}

TEST_CASE("NUMA-level state: capacity split per NUMA node, GPUs on their NUMA node, pinned pods charged there",
          "[model][numa]") {
  // 2 sockets x 2 NUMA nodes, 10,001 milli-CPU (remainder to NUMA 0),
  // 8,000 MiB, 8 GPUs: two GPUs per NUMA node in index order (the graph's layout).
  Fleet f;
  NodeSpec s = node("n0", 10001, 8000, 8);
  s.sockets = 2;
  s.numa_per_socket = 2;
  f.add_node(s);
  f.add_node(node("n1", 4000, 4000, 2));  // one NUMA node
  ClusterState c(f);
  REQUIRE(c.numa_count(0) == 4);
  CHECK(c.numa_count(1) == 1);
  CHECK(c.numa_free_cpu_milli(0, 0) == 2501);
  CHECK(c.numa_free_cpu_milli(0, 3) == 2500);
  CHECK(c.numa_free_memory_mib(0, 1) == 2000);
  for (int g = 0; g < 8; ++g) CHECK(c.gpu_numa(0, g) == g / 2);
  CHECK(c.gpu_numa(1, 1) == 0);

  // An unpinned pod draws on the shared pool: no NUMA node changes.
  const JobRequest shared = req(3000, 1000);
  c.allocate(shared, {0, 0});
  CHECK(c.numa_free_cpu_milli(0, 0) == 2501);
  // A pinned pod takes from its NUMA node only.
  const JobRequest pinned = req(2000, 1500, 1, 1000);
  Placement p{0, 0b100};
  p.numa = 1;
  CHECK(c.fits_numa(0, 1, pinned));
  c.allocate(pinned, p);
  CHECK(c.numa_free_cpu_milli(0, 1) == 500);
  CHECK(c.numa_free_memory_mib(0, 1) == 500);
  CHECK(c.numa_free_cpu_milli(0, 2) == 2500);
  CHECK(c.free_cpu_milli[0] == 10001 - 5000);
  CHECK_FALSE(c.fits_numa(0, 1, pinned));  // 500 milli-CPU left there
  CHECK_THROWS_AS(c.allocate(pinned, p), InvariantError);
  CHECK(c.numa_free_cpu_milli(0, 1) == 500);  // a refused allocation leaves no trace
  Placement bad{0, 0b1000};
  bad.numa = 4;
  CHECK_THROWS_AS(c.allocate(pinned, bad), InvariantError);
  c.release(pinned, p);
  c.release(shared, {0, 0});
  for (int m = 0; m < 4; ++m) CHECK(c.numa_free_cpu_milli(0, m) == (m == 0 ? 2501 : 2500));
}

TEST_CASE("tainted GPU nodes take only GPU pods", "[model]") {
  Fleet f;
  f.add_node(node("cpu", 8000, 16384, 0));
  f.add_node(node("gpu", 8000, 16384, 2));
  const JobRequest cpu_pod = req(1000, 1024), gpu_pod = req(1000, 1024, 1, 500);
  {
    ClusterState c(f);
    CHECK(c.fits(1, cpu_pod));  // untainted: any pod
  }
  f.gpu_nodes_tainted = true;
  ClusterState c(f);
  CHECK(c.fits(0, cpu_pod));
  CHECK_FALSE(c.fits(1, cpu_pod));
  CHECK_FALSE(c.fits_empty(1, cpu_pod));
  CHECK(c.copies_when_empty(1, cpu_pod) == 0);
  CHECK(c.fits(1, gpu_pod));
  CHECK_FALSE(c.fits(0, gpu_pod));
}
