#pragma once
// Capacity from the queue, for elastic pools. Two registered forms:
//
// queue-driven: after a pass that left jobs waiting, each elastic pool (in
// fleet order) acquires enough offline nodes to hold the waiting jobs that fit
// its nodes, counted by resource (CPU, memory, GPU milli) against the size of
// the first node shape that can hold them, less the nodes of that shape
// already booting; only jobs the placement policy would put in the pool are
// counted (PlacementPolicy::may_use). Jobs a pool can serve in full are not
// counted again for the next; when a pool runs out of nodes, the next pools
// see them too. A node left empty for idle_grace_s is released, down to the
// pool's min_nodes, unless a waiting job fits it (wanted_by_waiting_job).
//
// autoscaler: the same, plus what production autoscalers add: a scale-up
// cooldown and a scale-down cooldown per pool, at most max_nodes per pool, at
// most max_step nodes per scale-up, a dead band (scale up only when the
// waiting GPU demand exceeds target_pending_gpus), and on scale-down spot
// nodes go first: an idle non-spot node waits while an idle spot node could
// still be released. Predictive mode (daily_profile: 24 numbers, the GPUs
// needed at each hour of the simulated day): every tick_s the profile pool
// is held at the profile's value lead_s ahead, whatever the queue, and never
// released below it.
//
// Both stay within the clusters' quotas (GPUs of a model, vCPUs of some pools;
// sim/model/quota_book.h): a node asked for, booting or online counts.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/base/random.h"
#include "sim/core/capacity_policy.h"
#include "sim/core/placement_policy.h"
#include "sim/model/fleet.h"
#include "sim/model/quota_book.h"

namespace capsim {

struct CapacityOptions {
  SimTime idle_grace_us = 600'000'000;
  SimTime scale_up_cooldown_us = 0;
  SimTime scale_down_cooldown_us = 0;
  double max_step = 0;              // 0: no limit
  double target_pending_gpus = 0;   // dead band
  bool spot_first_down = false;
  std::vector<double> daily_profile;  // GPUs by hour of day; empty: not predictive
  std::string profile_pool;           // default: the first elastic pool that is not spot
  SimTime lead_us = 900'000'000;
  SimTime tick_us = 600'000'000;
  double reclaim_below = 0;            // drain a node whose allocated share stays below this; 0: never
  SimTime reclaim_after_us = 1'800'000'000;
  // Stock-outs (PoolSpec::stock_outs). "priority": the cluster-autoscaler with its priority expander
  // (pools in fleet order): a request to a stocked-out pool hangs until max_node_provision_time, then
  // the pool backs off (backoff, doubling up to max_backoff) and later pools get its jobs.
  // "fallback": Karpenter's, the provider answers at once (insufficient capacity) and the pool is
  // skipped for ice_ttl. A pool's provision_failure_rate fails single node requests at random, handled
  // the same way: a failed node hangs (priority) or ends the pool's turn (fallback).
  bool priority_expander = true;
  SimTime max_node_provision_us = 900'000'000;
  SimTime backoff_us = 300'000'000;
  SimTime max_backoff_us = 1'800'000'000;
  SimTime ice_ttl_us = 180'000'000;
};

class QueueDrivenCapacity final : public CapacityPolicy {
 public:
  QueueDrivenCapacity(const CapacityOptions& options, const Fleet& fleet);
  // Reads the options from policy parameters (the autoscaler form takes them all).
  static CapacityOptions options_from(const std::string& policy, const PolicyParams& params, bool autoscaler);

  SimTime plan(const Simulation& sim, SimTime now, std::vector<std::int32_t>& acquire) override;
  SimTime idle_grace_us(const Simulation& sim, std::int32_t node) override;
  SimTime release_at(const Simulation& sim, SimTime now, std::int32_t node) override;
  SimTime next_tick(SimTime now) override;
  void drain(const Simulation& sim, SimTime now, std::vector<std::int32_t>& nodes) override;

 private:
  std::int32_t max_held(std::size_t pool) const;
  // An idle node that a waiting job fits when empty (and the placement policy
  // would put it in the node's pool) is kept: the job waits for more nodes (a
  // gang under max_step) or for the queue ahead of it, and releasing the node
  // would only buy it back, for ever if each step comes after the last release.
  bool wanted_by_waiting_job(const Simulation& sim, std::size_t node) const;
  // Whether every worker of the job fits, at once, on the empty nodes of the
  // pools the placement policy may use: a gang that never can neither buys
  // nor keeps nodes.
  bool satisfiable(const Simulation& sim, std::uint32_t job) const;
  // Whether a booting node could take the job.
  bool booting_for(const Simulation& sim, std::uint32_t job) const;
  // Nodes the profile asks the profile pool to hold at time t (0 when not predictive).
  std::int32_t predicted_nodes(SimTime t) const;

  const Fleet* fleet_;
  CapacityOptions options_;
  std::vector<std::vector<std::vector<std::int32_t>>> shapes_;  // per pool, per node shape: node indices
  std::vector<std::int32_t> pool_size_;
  std::vector<SimTime> last_up_, last_down_;  // per pool
  // Stock-outs: requests that hang (node, noticed-failed time) per pool, nodes among them, each pool's
  // back-off end and its next back-off.
  std::vector<std::vector<std::pair<std::int32_t, SimTime>>> hanging_;
  std::vector<std::uint8_t> hanging_node_;
  std::vector<SimTime> backoff_until_, next_backoff_;
  // Random provisioning failures: one stream per pool ("provision-failures:" + its name), made on first use.
  std::vector<std::optional<RandomStream>> failure_draws_;
  // The clusters' GPU and vCPU quotas, recounted at each plan: what may still be acquired.
  QuotaBook quotas_;
  std::int32_t profile_pool_ = -1;
  std::vector<SimTime> low_since_;  // per node: since when its allocated share is below reclaim_below (-1: not)
};

}  // namespace capsim
