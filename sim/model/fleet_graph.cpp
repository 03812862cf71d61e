#include "sim/model/fleet_graph.h"

#include <map>
#include <utility>

#include "sim/base/check.h"

namespace capsim {

const char* topology_level_name(TopologyLevel level) {
  static constexpr const char* kNames[] = {"cluster", "zone", "rack", "node", "socket", "numa", "gpu"};
  return kNames[static_cast<int>(level)];
}

FleetGraph::FleetGraph(const Fleet& fleet) {
  auto add = [&](TopologyLevel level, std::int32_t index, std::int32_t local) {
    ++counts_[static_cast<int>(level)];
    return boost::add_vertex(TopologyVertex{level, index, local}, graph_);
  };
  const Vertex root = add(TopologyLevel::kCluster, 0, 0);
  std::vector<Vertex> zones;
  for (std::size_t z = 0; z < fleet.zone_names.size(); ++z) {
    zones.push_back(add(TopologyLevel::kZone, static_cast<std::int32_t>(z), 0));
    boost::add_edge(root, zones.back(), graph_);
  }
  std::map<std::pair<std::int32_t, std::int32_t>, Vertex> racks;
  node_vertex_.resize(fleet.size());
  first_gpu_vertex_.resize(fleet.size());
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const auto key = std::make_pair(fleet.zone[n], fleet.rack[n]);
    auto it = racks.find(key);
    if (it == racks.end()) {
      Vertex r = add(TopologyLevel::kRack, fleet.rack[n], 0);
      boost::add_edge(zones[fleet.zone[n]], r, graph_);
      it = racks.emplace(key, r).first;
    }
    const auto node = static_cast<std::int32_t>(n);
    const Vertex nv = add(TopologyLevel::kNode, node, 0);
    node_vertex_[n] = nv;
    boost::add_edge(it->second, nv, graph_);
    const int numa_total = fleet.sockets[n] * fleet.numa_per_socket[n];
    std::vector<Vertex> numas;
    for (int s = 0; s < fleet.sockets[n]; ++s) {
      const Vertex sv = add(TopologyLevel::kSocket, node, s);
      boost::add_edge(nv, sv, graph_);
      for (int m = 0; m < fleet.numa_per_socket[n]; ++m) {
        numas.push_back(add(TopologyLevel::kNuma, node, s * fleet.numa_per_socket[n] + m));
        boost::add_edge(sv, numas.back(), graph_);
      }
    }
    const int gpus = fleet.gpu_count[n];
    for (int g = 0; g < gpus; ++g) {
      const Vertex gv = add(TopologyLevel::kGpu, node, g);
      if (g == 0) first_gpu_vertex_[n] = gv;
      boost::add_edge(numas[static_cast<std::size_t>(g) * numa_total / gpus], gv, graph_);
    }
  }
}

FleetGraph::Vertex FleetGraph::gpu_vertex(std::size_t node, int gpu) const {
  return first_gpu_vertex_[node] + static_cast<Vertex>(gpu);
}

FleetGraph::Vertex FleetGraph::parent(Vertex v) const {
  auto [begin, end] = boost::in_edges(v, graph_);
  if (begin == end) return v;
  return boost::source(*begin, graph_);
}

FleetGraph::Vertex FleetGraph::ancestor(Vertex v, TopologyLevel level) const {
  while (graph_[v].level != level) {
    CAPSIM_CHECK(graph_[v].level != TopologyLevel::kCluster, "topology ancestor level exists");
    v = parent(v);
  }
  return v;
}

}  // namespace capsim
