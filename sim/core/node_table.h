#pragma once
// The lifecycle of every node and the per-pool counts derived from it.
// Nodes of static pools are online from start to end unless a component
// takes them away (a spot reclaim); elastic ones move offline -> booting
// (acquired and billed, not yet usable) -> online -> offline. The kernel
// changes it through its node mutations (Simulation::boot_node, ...), so the
// counts stay consistent whoever acts.
#include <cstdint>
#include <vector>

#include "sim/base/time.h"

namespace capsim {

enum class NodeState : std::uint8_t { kOffline, kBooting, kOnline, kDraining };

struct NodeTable {
  std::vector<NodeState> state;
  std::vector<SimTime> acquired_us;
  std::vector<SimTime> boot_us;         // how long the current acquisition took to boot
  std::vector<std::uint32_t> idle_gen;  // bumped when a job lands or the node leaves: idle checks from before are stale
  std::vector<std::uint32_t> hold_gen;  // bumped when the node leaves: its pending notices are stale
  std::vector<std::uint8_t> drained;    // drained by the capacity policy: released when empty
  // Per pool: nodes booting or online (held), booting, under notice, and
  // what the provider lets the fleet hold (spot capacity; INT32_MAX: no limit).
  std::vector<std::int32_t> pool_held, pool_booting, pool_draining, pool_capacity;
};

}  // namespace capsim
