#pragma once
// The topology of a fleet as a tree in a Boost.Graph:
//   cluster -> zone -> rack -> node -> socket -> NUMA node -> GPU.
// Built once from a Fleet, read by whatever needs locality (NUMA-aware
// placement, failure domains); the hot placement path reads Fleet columns.
// GPUs are spread evenly over a node's NUMA nodes in index order, the usual
// PCIe layout when a trace says nothing more.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/model/fleet.h"

namespace capsim {

enum class TopologyLevel : std::uint8_t { kCluster, kZone, kRack, kNode, kSocket, kNuma, kGpu };
inline constexpr int kTopologyLevels = 7;
const char* topology_level_name(TopologyLevel level);

struct TopologyVertex {
  TopologyLevel level;
  std::int32_t index;  // node index for kNode and below, zone index for kZone, rack number for kRack
  std::int32_t local;  // socket, NUMA or GPU number within its node
};

class FleetGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, TopologyVertex>;
  using Vertex = Graph::vertex_descriptor;

  explicit FleetGraph(const Fleet& fleet);

  const Graph& graph() const { return graph_; }
  std::size_t count(TopologyLevel level) const { return counts_[static_cast<int>(level)]; }
  Vertex node_vertex(std::size_t node) const { return node_vertex_[node]; }
  Vertex gpu_vertex(std::size_t node, int gpu) const;
  // The parent of v (the cluster is its own parent).
  Vertex parent(Vertex v) const;
  // The first ancestor of v (or v itself) at the given level.
  Vertex ancestor(Vertex v, TopologyLevel level) const;
  const TopologyVertex& at(Vertex v) const { return graph_[v]; }

 private:
  Graph graph_;
  std::array<std::size_t, kTopologyLevels> counts_{};
  std::vector<Vertex> node_vertex_;
  std::vector<Vertex> first_gpu_vertex_;  // per node; GPUs of a node are consecutive vertices
};

}  // namespace capsim
