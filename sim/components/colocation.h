#pragma once
// Co-location after Koordinator (koordinator.sh): every update_s the
// component recomputes, per node, the reclaimed capacity Mid and Batch pods
// are placed against, and enforces node-level QoS on BE pods.
//
// Batch (slo-controller, noderesource plugin "batchresource"):
//   batch = max(0, capacity x reclaim% - max(system used, reserved) - high-priority)
//   where high-priority sums, over the node's Prod, untiered and Mid pods, their use (policy
//   "usage"; a pod's use is known from its start in this model, LSE CPU counts at request), their
//   requests ("request"), or the larger of the two ("max-usage-request"); reclaim% is 60 for CPU
//   and 65 for memory. System use is not modelled: the reserve stands for it.
// Mid (plugin "midresource"):
//   mid = min(predicted unused Prod allocation + unallocated x mid_unallocated%, capacity x threshold%)
//   with each Prod (or untiered) pod's predicted use the p95 (CPU) / p98 (memory) of its samples over
//   the window, times 1.1, at most its request; a pod without samples is predicted at its request.
// Free (capsim's rule; Koordinator defines the band but not its supply): up to the node's utilization
//   watermark, free = max(0, capacity x watermark% (80) - what every non-Free pod uses), LSE CPU at
//   request. Free pods are BE: suppressed and evicted like Batch ones, and first (lowest priority).
// BE CPU suppression (koordlet, cpu_suppress):
//   budget = max(be_min, capacity x 65% - non-BE used - reserved); BE pods on the node progress at
//   min(1, budget / their CPU requests) and use that share of their CPU.
// BE memory eviction (koordlet, memory_evict): when the node's memory use reaches 70% of capacity,
//   BE pods are evicted (lowest priority first, then the largest memory user) until use is at most
//   68%; they wait again like any interrupted job (checkpoint semantics of their resilience record).
// BE CPU eviction (koordlet, cpu_evict; off by default): at an update, when the BE pods on a node get
//   less than lower% (60) of their CPU requests (budget / requests), they are evicted (lowest priority
//   first, then the largest request) until the rest would get upper% (80). Evaluating at updates
//   stands for koordlet's time window over which the satisfaction must stay low.
//
// Enforcement runs at every update and on the nodes of every job that starts or stops. Offers change
// only at updates (like Koordinator's periodic sync); the scheduler's accounting of what Mid and Batch
// pods hold is exact (ClusterState).
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/model/colocation_config.h"
#include "sim/model/job_table.h"

namespace capsim {

class Fleet;

class Colocation final : public Component {
 public:
  static constexpr auto kUpdate = static_cast<EventKind>(49);

  explicit Colocation(const ColocationConfig& config) : config_(config) {}
  static bool needed(const ColocationConfig& c) { return c.enabled; }

  const char* name() const override { return "colocation"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  bool wants_job_signals() const override { return true; }
  void on_job_started(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) override;
  void report(const Simulation& sim, RunResult& result) const override;

  // The BE CPU budget and BE progress rate on a node after its last enforcement (tests).
  std::int64_t be_cpu_budget_milli(std::size_t node) const { return be_budget_[node]; }
  double be_rate(std::size_t node) const { return be_rate_[node]; }

 private:
  void on_update(Simulation& sim, const Event& e);
  void update_offers(Simulation& sim, SimTime now);
  void sample_prod_usage(const Simulation& sim, SimTime now);
  void enforce(Simulation& sim, SimTime now, std::size_t node);
  void apply_rate(Simulation& sim, SimTime now, std::uint32_t job);
  void enforce_nodes(Simulation& sim, SimTime now, const std::vector<std::int32_t>& nodes);
  void integrate(const Simulation& sim, SimTime now);

  ColocationConfig config_;
  std::vector<std::int64_t> be_budget_;
  std::vector<double> be_rate_;  // per node
  bool has_mid_ = false;
  bool has_be_ = false;
  // Per job (Prod and untiered pods, when Mid pods exist): CPU and memory use at each update, newest
  // last, kept over the window.
  struct History {
    std::vector<float> cpu, memory;
    std::size_t head = 0;  // ring position once full
  };
  std::vector<History> history_;
  std::size_t history_len_ = 0;
  // Integrals of offered and taken (Mid, Batch and Free; CPU and memory), units x us.
  static constexpr int kIntegrals = 4 * kReclaimedKinds;
  double last_[kIntegrals] = {};
  double integral_[kIntegrals] = {};
  bool has_free_ = false;
  SimTime last_us_ = 0;
  SimTime start_us_ = 0;
  std::int64_t memory_evictions_ = 0, cpu_evictions_ = 0;
  bool updating_ = false;  // enforcing at an update (CPU eviction acts only then)
  double evict_for_cpu(Simulation& sim, SimTime now, std::size_t node, double budget, double demand);
  std::unordered_map<std::uint32_t, std::vector<std::int32_t>> job_nodes_;  // running jobs' nodes
  bool enforcing_ = false;
  bool next_held_ = false;  // the queued update holds the run while pods wait
  void hold_next(Simulation& sim);
  std::vector<std::int32_t> deferred_;
  std::int64_t offer_changes_ = 0;
};

}  // namespace capsim
