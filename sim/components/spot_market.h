#pragma once
// The spot market of a run: nodes of spot pools get reclaim notices (a
// Poisson process per held node, at the pool's interruptions_per_node_hour,
// drawn from the stream "spot/POOL" of the run's seed; hand-placed notices;
// and a capacity series that reclaims whatever the fleet holds above it).
// A notice stops new placements on the node; jobs that checkpoint on notice
// save and leave; when the notice runs out the node is reclaimed and its
// jobs are interrupted. A static pool below its capacity boots a replacement
// after replacement_delay_s; an elastic pool's capacity policy acquires
// again when the queue asks. Model and defaults: README "Spot pools".
#include <cstdint>
#include <vector>

#include "sim/base/random.h"
#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/model/fleet.h"

namespace capsim {

class SpotMarket final : public Component {
 public:
  SpotMarket(const Fleet& fleet, std::uint64_t seed);
  // Some pool is interrupted (a rate, notices or a capacity series).
  static bool needed(const Fleet& fleet);

  const char* name() const override { return "spot-market"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  void on_node_ready(Simulation& sim, SimTime now, std::size_t node) override;

 private:
  void on_node_notice(Simulation& sim, const Event& e);
  void on_pool_notice(Simulation& sim, const Event& e);
  void on_pool_capacity(Simulation& sim, const Event& e);
  void on_reclaim(Simulation& sim, const Event& e);
  void on_saved_exit(Simulation& sim, const Event& e);

  void arm(Simulation& sim, SimTime now, std::size_t node);  // draws the node's next Poisson notice
  void notice(Simulation& sim, SimTime now, std::size_t node);
  void capacity_change(Simulation& sim, SimTime now, std::size_t pool, std::int32_t nodes);
  // An online node of the pool, by its reclaim order; -1 if none.
  std::int32_t pick_online_node(const Simulation& sim, std::size_t pool) const;

  const Fleet* fleet_;
  std::vector<RandomStream> pool_rng_;
  std::vector<std::uint32_t> victims_;
};

}  // namespace capsim
