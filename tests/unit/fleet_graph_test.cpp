#include <catch2/catch.hpp>

#include "sim/base/check.h"
#include "sim/model/fleet_graph.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::node;

TEST_CASE("the topology graph has one vertex per hardware part", "[model]") {
  Fleet f;
  NodeSpec a = node("a", 64000, 262144, 8, "A10");
  a.sockets = 2;
  a.numa_per_socket = 2;
  f.add_node(a);
  NodeSpec b = node("b", 8000, 16384, 0);
  b.zone = "zone-b";
  b.rack = 3;
  f.add_node(b);
  FleetGraph g(f);
  CHECK(g.count(TopologyLevel::kCluster) == 1);
  CHECK(g.count(TopologyLevel::kZone) == 2);
  CHECK(g.count(TopologyLevel::kRack) == 2);
  CHECK(g.count(TopologyLevel::kNode) == 2);
  CHECK(g.count(TopologyLevel::kSocket) == 3);
  CHECK(g.count(TopologyLevel::kNuma) == 5);
  CHECK(g.count(TopologyLevel::kGpu) == 8);
  CHECK(boost::num_vertices(g.graph()) == 1 + 2 + 2 + 2 + 3 + 5 + 8);
  CHECK(boost::num_edges(g.graph()) == boost::num_vertices(g.graph()) - 1);  // a tree

  // 8 GPUs over 4 NUMA nodes: GPUs 0-1 on NUMA 0, ..., 6-7 on NUMA 3 (socket 1).
  for (int gpu = 0; gpu < 8; ++gpu) {
    const auto numa = g.ancestor(g.gpu_vertex(0, gpu), TopologyLevel::kNuma);
    CHECK(g.at(numa).local == gpu / 2);
    CHECK(g.at(g.ancestor(numa, TopologyLevel::kSocket)).local == gpu / 4);
    CHECK(g.ancestor(g.gpu_vertex(0, gpu), TopologyLevel::kNode) == g.node_vertex(0));
  }
  const auto zone_b = g.ancestor(g.node_vertex(1), TopologyLevel::kZone);
  CHECK(f.zone_names[g.at(zone_b).index] == "zone-b");
  CHECK(g.at(g.ancestor(g.node_vertex(1), TopologyLevel::kRack)).index == 3);
}

TEST_CASE("impossible node specs are input errors", "[model]") {
  Fleet f;
  CHECK_THROWS_AS(f.add_node(node("x", 0, 1, 0)), InputError);
  CHECK_THROWS_AS(f.add_node(node("x", 1000, 1, 65)), InputError);
  NodeSpec s = node("x", 1000, 1, 1);
  s.sockets = 0;
  CHECK_THROWS_AS(f.add_node(s), InputError);
  CHECK(f.size() == 0);
}
