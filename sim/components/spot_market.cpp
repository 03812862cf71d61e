#include "sim/components/spot_market.h"

#include "sim/core/simulation.h"

namespace capsim {

SpotMarket::SpotMarket(const Fleet& fleet, std::uint64_t seed) : fleet_(&fleet) {
  for (const auto& p : fleet.pools) pool_rng_.emplace_back(seed, "spot/" + p.name);
}

bool SpotMarket::needed(const Fleet& fleet) {
  for (const auto& p : fleet.pools)
    if (p.kind == PoolKind::kSpot && p.spot.active()) return true;
  return false;
}

void SpotMarket::attach(Simulation& sim) {
  sim.track_progress();
  sim.track_jobs_on_nodes();
  sim.on_event<SpotMarket, &SpotMarket::on_node_notice>(EventKind::kNodeNotice, this);
  sim.on_event<SpotMarket, &SpotMarket::on_pool_notice>(EventKind::kPoolNotice, this);
  sim.on_event<SpotMarket, &SpotMarket::on_pool_capacity>(EventKind::kPoolCapacity, this);
  sim.on_event<SpotMarket, &SpotMarket::on_reclaim>(EventKind::kNodeReclaim, this);
  sim.on_event<SpotMarket, &SpotMarket::on_saved_exit>(EventKind::kJobSavedExit, this);
}

void SpotMarket::on_run_start(Simulation& sim, SimTime start) {
  for (std::size_t n = 0; n < fleet_->size(); ++n)
    if (sim.node_state(n) == NodeState::kOnline) arm(sim, start, n);
  for (std::size_t p = 0; p < fleet_->pools.size(); ++p) {
    for (SimTime t : fleet_->pools[p].spot.notices_at_us)
      if (t >= start) {  // the run starts at its first arrival; earlier notices do not apply
        sim.schedule(t, EventKind::kPoolNotice, static_cast<std::uint32_t>(p));
        sim.hold_run(RunHold::kWhileWaiting, 1);
      }
    const auto& at = fleet_->pools[p].spot.capacity_at_us;
    for (std::size_t i = 0; i < at.size(); ++i) {
      // The point in force at the start applies at once; later ones when they come.
      if (i + 1 < at.size() && at[i + 1] <= start) continue;
      sim.schedule(std::max(at[i], start), EventKind::kPoolCapacity, static_cast<std::uint32_t>(p),
                   static_cast<std::uint32_t>(i));
      sim.hold_run(RunHold::kWhileWaiting, 1);
    }
  }
}

void SpotMarket::on_node_ready(Simulation& sim, SimTime now, std::size_t node) {
  arm(sim, now, node);
  // Capacity fell while it booted: it is reclaimed at once.
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  if (sim.nodes().pool_held[p] - sim.nodes().pool_draining[p] > sim.pool_capacity(p)) notice(sim, now, node);
}

void SpotMarket::on_node_notice(Simulation& sim, const Event& e) {
  if (e.generation != sim.nodes().hold_gen[e.job] || sim.node_state(e.job) != NodeState::kOnline) {
    sim.note_stale_event();
    return;
  }
  notice(sim, e.time, e.job);
}

void SpotMarket::on_pool_notice(Simulation& sim, const Event& e) {
  // A hand-placed interruption: the pool's reclaim order picks an online node.
  sim.hold_run(RunHold::kWhileWaiting, -1);
  const std::int32_t pick = pick_online_node(sim, e.job);
  if (pick >= 0) notice(sim, e.time, static_cast<std::size_t>(pick));
}

void SpotMarket::on_pool_capacity(Simulation& sim, const Event& e) {
  sim.hold_run(RunHold::kWhileWaiting, -1);
  capacity_change(sim, e.time, e.job, fleet_->pools[e.job].spot.capacity_nodes[e.generation]);
}

void SpotMarket::on_reclaim(Simulation& sim, const Event& e) {
  sim.hold_run(RunHold::kAlways, -1);  // counted live: a reclaim interrupts jobs and may bring a replacement
  const std::size_t node = e.job;
  if (e.generation != sim.nodes().hold_gen[node] || sim.node_state(node) != NodeState::kDraining) {
    sim.note_stale_event();
    return;
  }
  victims_ = sim.jobs_on_node(node);
  for (std::uint32_t j : victims_) sim.interrupt_job(e.time, j, InterruptReason::kNodeReclaimed);
  sim.remove_reclaimed_node(e.time, node);
  // A static pool below its capacity requests (and pays for) a replacement now; an elastic
  // pool's capacity policy acquires again if the queue asks.
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  if (!fleet_->pools[p].elastic && sim.pool_held(p) < sim.pool_capacity(p))
    sim.boot_node(e.time, node, fleet_->pools[p].spot.replacement_delay_us);
}

void SpotMarket::on_saved_exit(Simulation& sim, const Event& e) {
  if (e.generation != sim.job_generation(e.job)) {
    sim.note_stale_event();
    return;
  }
  sim.interrupt_job(e.time, e.job, InterruptReason::kSavedOnNotice);
}

void SpotMarket::arm(Simulation& sim, SimTime now, std::size_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  const double rate = fleet_->pools[p].spot.interruptions_per_node_hour;
  if (fleet_->pools[p].kind != PoolKind::kSpot || rate <= 0) return;
  const double wait_s = pool_rng_[p].exponential(3600.0 / rate);
  if (!(wait_s < 1e12)) return;  // effectively never
  sim.schedule(now + seconds_to_us(wait_s), EventKind::kNodeNotice, static_cast<std::uint32_t>(node),
               sim.nodes().hold_gen[node]);
}

std::int32_t SpotMarket::pick_online_node(const Simulation& sim, std::size_t pool) const {
  std::int32_t pick = -1;
  const ReclaimOrder order = fleet_->pools[pool].spot.reclaim;
  for (std::size_t n = 0; n < fleet_->size(); ++n) {
    if (fleet_->pool[n] != static_cast<std::int32_t>(pool) || sim.node_state(n) != NodeState::kOnline) continue;
    const bool better =
        pick < 0 || (order == ReclaimOrder::kNewest && sim.node_acquired_us(n) >= sim.node_acquired_us(pick)) ||
        (order == ReclaimOrder::kOldest && sim.node_acquired_us(n) < sim.node_acquired_us(pick));
    if (better) pick = static_cast<std::int32_t>(n);
  }
  return pick;
}

void SpotMarket::capacity_change(Simulation& sim, SimTime now, std::size_t p, std::int32_t nodes) {
  const std::int32_t before = sim.pool_capacity(p);
  sim.set_pool_capacity(p, nodes);
  // Held above capacity (not counting nodes already leaving): the excess gets notices.
  std::int32_t excess = sim.pool_held(p) - sim.nodes().pool_draining[p] - nodes;
  while (excess > 0) {
    const std::int32_t pick = pick_online_node(sim, p);
    if (pick < 0) break;  // the rest are booting: they are reclaimed when they come up
    notice(sim, now, static_cast<std::size_t>(pick));
    --excess;
  }
  // An elastic pool may acquire again for waiting jobs: the pass asks the capacity policy.
  if (fleet_->pools[p].elastic) {
    if (nodes > before && sim.pending_count() > 0) sim.request_pass(now);
    return;
  }
  // A static pool gets back the nodes it lost while capacity was short.
  for (std::size_t n = 0; n < fleet_->size() && sim.pool_held(p) < nodes; ++n) {
    if (fleet_->pool[n] == static_cast<std::int32_t>(p) && sim.node_state(n) == NodeState::kOffline)
      sim.boot_node(now, n, fleet_->pools[p].spot.replacement_delay_us);
  }
}

void SpotMarket::notice(Simulation& sim, SimTime now, std::size_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  const SpotSpec& spot = fleet_->pools[p].spot;
  sim.mutable_cluster().note_interruption(p, now);
  ++sim.mutable_stats().node_notices;
  // Jobs that checkpoint on notice, when the notice leaves time to write one
  // and they would not finish before the reclaim anyway, stop working now,
  // write a checkpoint of their progress (checkpoint_cost_s) and leave the
  // node: nothing they did is lost, and they wait for a new place from then.
  for (std::uint32_t j : sim.jobs_on_node(node)) {
    const SimTime exit = sim.save_on_notice(now, j, spot.notice_us);
    if (exit == kNever) continue;
    // Its finish event is stale; the exit takes its place among the live events.
    sim.schedule(exit, EventKind::kJobSavedExit, j, sim.invalidate_job_events(j));
  }
  sim.begin_reclaim(now, node);
  sim.schedule(now + spot.notice_us, EventKind::kNodeReclaim, static_cast<std::uint32_t>(node),
               sim.nodes().hold_gen[node]);
  sim.hold_run(RunHold::kAlways, 1);
}

}  // namespace capsim
