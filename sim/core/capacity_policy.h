#pragma once
// Capacity policies grow and shrink elastic pools (sim/model/pool.h). The
// engine owns the node lifecycle (offline -> booting -> online -> offline)
// and asks the policy at a few moments: after a scheduling pass that left
// jobs waiting (which nodes to acquire), when a time it asked for comes, at
// its own clock, and when an elastic node has become empty (how long to keep
// it). Implementations live in policies/.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/time.h"

namespace capsim {

class Simulation;

class CapacityPolicy {
 public:
  virtual ~CapacityPolicy() = default;
  // After a pass that left jobs pending: append offline elastic nodes to acquire now.
  // Returns when to plan again if nothing else happens before (a scale-up
  // cooldown ends while jobs still wait), or kNever: the engine wakes the
  // policy then, as long as jobs wait.
  virtual SimTime plan(const Simulation& sim, SimTime now, std::vector<std::int32_t>& acquire) = 0;
  // An elastic node has just become empty (or finished booting): how long it
  // may stay empty before release; kNever keeps it.
  virtual SimTime idle_grace_us(const Simulation& sim, std::int32_t node) = 0;
  // The grace has passed and the node stayed empty: when to release it. now:
  // release now; a later time: ask again then (if it is still empty); kNever: keep.
  virtual SimTime release_at(const Simulation& sim, SimTime now, std::int32_t node) = 0;
  // A clock for policies that act without a queue (scaling ahead of a known
  // profile): the engine calls plan() at the returned time, then asks again.
  // kNever (the default): plan() only after passes that leave jobs waiting.
  virtual SimTime next_tick(SimTime /*now*/) { return kNever; }
  // At each tick: online elastic nodes to drain (they take no new jobs and are
  // released when their last job leaves).
  virtual void drain(const Simulation& /*sim*/, SimTime /*now*/, std::vector<std::int32_t>& /*nodes*/) {}
};

}  // namespace capsim
