#pragma once
// Two-level capacity at load (docs/topology.md#vms-on-hosts): where each VM of a node group goes on
// the hosts of fleet.hosts.
#include <cstdint>
#include <string>
#include <vector>

#include "scenario.pb.h"
#include "sim/model/fleet.h"

namespace capsim {

// Host sockets' free CPU and memory while VMs are placed on them at load, in order.
struct HostSockets {
  std::vector<std::int64_t> cpu_milli, memory_mib;  // per physical socket of the hosts
};

// Places VM number i of the group on its host group, on `sockets` consecutive sockets of one host that
// each hold 1/sockets of it, by the group's vm.placement: the first such window (first-fit), the one
// whose tightest socket keeps the most free CPU and memory (spread: OpenStack Nova's default RAM and CPU
// weighers, positive multipliers; ties to the first) or the one vm.host_sockets[i] names (given). Sets
// spec.host and spec.socket_base.
void place_vm(const config::NodeGroup& g, const std::string& field, std::uint32_t i, NodeSpec& spec, const Fleet& fleet,
              HostSockets& free);

}  // namespace capsim
