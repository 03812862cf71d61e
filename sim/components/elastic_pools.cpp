#include "sim/components/elastic_pools.h"

#include "sim/base/check.h"
#include "sim/core/simulation.h"

namespace capsim {

bool ElasticPools::needed(const Fleet& fleet) {
  for (const auto& p : fleet.pools)
    if (p.elastic) return true;
  return false;
}

void ElasticPools::attach(Simulation& sim) {
  // An elastic pool starts with its first min_nodes held; the rest are offline until acquired.
  std::vector<std::int32_t> held(fleet_->pools.size(), 0);
  for (std::size_t n = 0; n < fleet_->size(); ++n) {
    const auto p = static_cast<std::size_t>(fleet_->pool[n]);
    if (!fleet_->pools[p].elastic) continue;
    if (held[p] >= fleet_->pools[p].min_nodes)
      sim.start_offline(n);
    else
      ++held[p];
  }
  sim.on_event<ElasticPools, &ElasticPools::on_idle_check>(EventKind::kNodeIdleCheck, this);
  sim.on_event<ElasticPools, &ElasticPools::on_tick>(EventKind::kCapacityTick, this);
  sim.on_event<ElasticPools, &ElasticPools::on_wake>(EventKind::kCapacityWake, this);
}

void ElasticPools::on_run_start(Simulation& sim, SimTime start) {
  policy_ = sim.capacity_policy();
  CAPSIM_CHECK(policy_ != nullptr, "a fleet with elastic pools has a capacity policy");
  // Elastic nodes held from the start are idle until a job lands.
  for (std::size_t n = 0; n < fleet_->size(); ++n)
    if (sim.node_state(n) == NodeState::kOnline && elastic(n)) node_idle(sim, start, n);
  const SimTime tick = policy_->next_tick(start);
  if (tick != kNever) sim.schedule(std::max(tick, start), EventKind::kCapacityTick);
}

void ElasticPools::on_node_ready(Simulation& sim, SimTime now, std::size_t node) {
  if (elastic(node)) node_idle(sim, now, node);
}

void ElasticPools::on_node_emptied(Simulation& sim, SimTime now, std::size_t node) {
  if (sim.node_state(node) != NodeState::kOnline || !elastic(node)) return;
  if (sim.drained(node))
    sim.release_node(now, node);  // a drained node goes as soon as it is empty
  else
    node_idle(sim, now, node);
}

void ElasticPools::on_pass_end(Simulation& sim, SimTime now) {
  if (sim.pending_count() > 0) plan(sim, now);
}

void ElasticPools::on_idle_check(Simulation& sim, const Event& e) {
  const std::size_t n = e.job;
  if (e.generation != sim.nodes().idle_gen[n] || sim.node_state(n) != NodeState::kOnline ||
      sim.cluster().jobs_on(n) != 0) {
    sim.note_stale_event();
    return;
  }
  const SimTime at = policy_->release_at(sim, e.time, static_cast<std::int32_t>(n));
  if (at <= e.time)
    sim.release_node(e.time, n);
  else if (at != kNever)
    sim.schedule(at, EventKind::kNodeIdleCheck, e.job, sim.nodes().idle_gen[n]);
}

void ElasticPools::on_tick(Simulation& sim, const Event& e) {
  plan(sim, e.time);
  nodes_.clear();
  policy_->drain(sim, e.time, nodes_);
  for (std::int32_t n : nodes_) {
    const auto node = static_cast<std::size_t>(n);
    CAPSIM_CHECK(elastic(node), "a capacity policy drains only elastic nodes");
    sim.drain_node(e.time, node);
    if (sim.cluster().jobs_on(node) == 0) sim.release_node(e.time, node);
  }
  const SimTime next = policy_->next_tick(e.time);
  if (next != kNever) sim.schedule(std::max(next, e.time + 1), EventKind::kCapacityTick);
}

void ElasticPools::on_wake(Simulation& sim, const Event& e) {
  sim.hold_run(RunHold::kWhileWaiting, -1);
  if (e.time != wake_us_) {
    sim.note_stale_event();
    return;
  }
  wake_us_ = kNever;
  if (sim.pending_count() > 0) plan(sim, e.time);
}

void ElasticPools::plan(Simulation& sim, SimTime now) {
  nodes_.clear();
  const SimTime wake = policy_->plan(sim, now, nodes_);
  // The policy wants another look later (a cooldown ends): at most one wake-up queued, the earliest.
  if (wake != kNever && wake > now && wake < wake_us_) {
    wake_us_ = wake;
    sim.schedule(wake, EventKind::kCapacityWake);
    sim.hold_run(RunHold::kWhileWaiting, 1);
  }
  for (std::int32_t n : nodes_) {
    const auto node = static_cast<std::size_t>(n);
    const auto p = static_cast<std::size_t>(fleet_->pool[node]);
    CAPSIM_CHECK(fleet_->pools[p].elastic && sim.node_state(node) == NodeState::kOffline,
                 "a capacity policy acquires only offline elastic nodes");
    ++sim.mutable_stats().nodes_acquired;
    SimTime boot = fleet_->pools[p].boot_delay_us;
    if (fleet_->pools[p].boot_delay) {  // drawn per acquisition, from the pool's own stream
      if (boot_draws_.empty()) boot_draws_.resize(fleet_->pools.size());
      if (!boot_draws_[p]) boot_draws_[p].emplace(sim.config().seed, "boot:" + fleet_->pools[p].name);
      boot = seconds_to_us(std::min(86400.0, std::max(0.0, draw(*fleet_->pools[p].boot_delay, *boot_draws_[p]))));
    }
    sim.boot_node(now, node, boot);
  }
}

void ElasticPools::node_idle(Simulation& sim, SimTime now, std::size_t node) {
  const SimTime grace = policy_->idle_grace_us(sim, static_cast<std::int32_t>(node));
  if (grace == kNever) return;
  sim.schedule(now + grace, EventKind::kNodeIdleCheck, static_cast<std::uint32_t>(node), sim.nodes().idle_gen[node]);
}

}  // namespace capsim
