#pragma once
// The elastic node lifecycle: the capacity policy (sim/core/capacity_policy.h)
// decides which offline nodes of elastic pools to acquire after passes that
// leave jobs waiting and when a cooldown it asked for ends, which to drain at
// its own clock, and how long an empty node may stay before it is released.
// This component asks it at those moments and applies the answers through
// the kernel's node mutations (boot, drain, release).
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/base/random.h"
#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/model/fleet.h"

namespace capsim {

class CapacityPolicy;

class ElasticPools final : public Component {
 public:
  explicit ElasticPools(const Fleet& fleet) : fleet_(&fleet) {}
  static bool needed(const Fleet& fleet);

  const char* name() const override { return "elastic-pools"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  void on_node_ready(Simulation& sim, SimTime now, std::size_t node) override;
  void on_node_emptied(Simulation& sim, SimTime now, std::size_t node) override;
  void on_pass_end(Simulation& sim, SimTime now) override;

 private:
  void on_idle_check(Simulation& sim, const Event& e);
  void on_tick(Simulation& sim, const Event& e);
  void on_wake(Simulation& sim, const Event& e);

  bool elastic(std::size_t node) const {
    return fleet_->pools[static_cast<std::size_t>(fleet_->pool[node])].elastic;
  }
  void plan(Simulation& sim, SimTime now);
  void node_idle(Simulation& sim, SimTime now, std::size_t node);  // an elastic node just became empty

  const Fleet* fleet_;
  CapacityPolicy* policy_ = nullptr;
  std::vector<std::int32_t> nodes_;  // reused by plan and drains
  std::vector<std::optional<RandomStream>> boot_draws_;  // pools whose boot is a distribution
  SimTime wake_us_ = kNever;         // the queued wake-up, if any
};

}  // namespace capsim
