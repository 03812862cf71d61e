#include "sim/model/fleet.h"

#include <algorithm>

#include "sim/base/check.h"

namespace capsim {

void Fleet::add_node(const NodeSpec& s) {
  if (s.cpu_milli <= 0) throw InputError("node " + s.name + ": cpu must be positive");
  if (s.memory_mib < 0) throw InputError("node " + s.name + ": memory must not be negative");
  if (s.gpu_count < 0 || s.gpu_count > kMaxGpusPerNode)
    throw InputError("node " + s.name + ": gpu count must be in [0, " +
                     std::to_string(kMaxGpusPerNode) + "]");
  if (s.sockets < 1 || s.numa_per_socket < 1)
    throw InputError("node " + s.name + ": sockets and NUMA nodes per socket must be at least 1");
  if (s.nvlink_island_gpus < 0 || (s.nvlink_island_gpus > 0 && s.gpu_count % s.nvlink_island_gpus != 0))
    throw InputError("node " + s.name + ": nvlink_island_gpus must divide the node's GPU count (" +
                     std::to_string(s.gpu_count) + "), got " + std::to_string(s.nvlink_island_gpus));
  if (pools.empty()) pools.push_back(PoolSpec{});
  if (s.pool < 0 || s.pool >= static_cast<std::int32_t>(pools.size()))
    throw InputError("node " + s.name + ": no pool number " + std::to_string(s.pool));
  name.push_back(s.name);
  pool.push_back(s.pool);
  cpu_milli.push_back(s.cpu_milli);
  memory_mib.push_back(s.memory_mib);
  gpu_count.push_back(s.gpu_count);
  gpu_model.push_back(s.gpu_count > 0 ? s.gpu_model : 0);
  sockets.push_back(s.sockets);
  numa_per_socket.push_back(s.numa_per_socket);
  nvlink_island.push_back(s.gpu_count > 0 ? s.nvlink_island_gpus : 0);
  if (s.topology_policy != TopologyPolicy::kOff || !topology_policy_of_node.empty()) {
    topology_policy_of_node.resize(name.size() - 1, TopologyPolicy::kOff);  // the nodes before: the fleet's
    topology_policy_of_node.push_back(s.topology_policy);
  }
  if (s.host >= 0) {
    if (s.host >= static_cast<std::int32_t>(hosts.size()) || s.socket_base < host_socket_base[static_cast<std::size_t>(s.host)] ||
        s.socket_base + s.sockets > host_socket_base[static_cast<std::size_t>(s.host)] + hosts[static_cast<std::size_t>(s.host)].sockets)
      throw InputError("node " + s.name + ": a VM spans sockets of its own host");
    socket_base.push_back(s.socket_base);
  } else {
    socket_base.push_back(physical_sockets_);
    physical_sockets_ += s.sockets;
  }
  host.push_back(s.host);
  overhead_cpu_milli.push_back(s.overhead_cpu_milli);
  overhead_memory_mib.push_back(s.overhead_memory_mib);
  auto z = std::find(zone_names.begin(), zone_names.end(), s.zone);
  if (z == zone_names.end()) {
    zone_names.push_back(s.zone);
    z = zone_names.end() - 1;
  }
  zone.push_back(static_cast<std::int32_t>(z - zone_names.begin()));
  rack.push_back(s.rack);
  gpu_offset.push_back(gpu_offset.back() + s.gpu_count);
  total_cpu_milli_ += s.cpu_milli;
  total_memory_mib_ += s.memory_mib;
  if (s.gpu_count > 0) models_present_ |= GpuModelMask{1} << s.gpu_model;
}

std::int32_t Fleet::add_pool(const PoolSpec& p) {
  if (find_pool(p.name) >= 0) throw InputError("pool '" + p.name + "' is defined twice");
  pools.push_back(p);
  return static_cast<std::int32_t>(pools.size() - 1);
}

void Fleet::order_pools() {
  const auto n = static_cast<std::int32_t>(pools.size());
  pool_order.resize(pools.size());
  for (std::int32_t p = 0; p < n; ++p) pool_order[static_cast<std::size_t>(p)] = p;
  auto priority = [&](std::int32_t p) {
    const std::int32_t c = pools[static_cast<std::size_t>(p)].cluster;
    return c >= 0 ? clusters[static_cast<std::size_t>(c)].priority : 0;
  };
  std::stable_sort(pool_order.begin(), pool_order.end(), [&](std::int32_t a, std::int32_t b) { return priority(a) > priority(b); });
  pool_rank.assign(pools.size(), 0);
  for (std::int32_t k = 0; k < n; ++k) pool_rank[static_cast<std::size_t>(pool_order[static_cast<std::size_t>(k)])] = k;
}

std::int32_t Fleet::add_host(const HostSpec& h) {
  if (h.cpu_milli <= 0 || h.memory_mib <= 0 || h.sockets < 1 || h.numa_per_socket < 1)
    throw InputError("host " + h.name + ": cpu, memory, sockets and NUMA nodes per socket must be positive");
  hosts.push_back(h);
  host_socket_base.push_back(physical_sockets_);
  physical_sockets_ += h.sockets;
  return static_cast<std::int32_t>(hosts.size() - 1);
}

std::int32_t Fleet::find_pool(const std::string& n) const {
  for (std::size_t i = 0; i < pools.size(); ++i)
    if (pools[i].name == n) return static_cast<std::int32_t>(i);
  return -1;
}

}  // namespace capsim
