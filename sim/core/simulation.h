#pragma once
// One run: jobs from a JobTable arrive, wait in a queue, are placed by a
// policy, run for their duration and leave. Single-threaded and
// deterministic; independent runs go side by side (see sim/core/run_many.h).
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "sim/core/capacity_policy.h"
#include "sim/core/engine_listener.h"
#include "sim/core/pending_event_set.h"
#include "sim/core/pending_queue.h"
#include "sim/core/placement_policy.h"
#include "sim/base/random.h"
#include "sim/model/cluster_state.h"
#include "sim/model/job_table.h"

namespace capsim {

enum class QueueDiscipline : std::uint8_t {
  kFifo,        // every pending job is tried in arrival order; one that does not fit is skipped
  kStrictFifo,  // the oldest pending job blocks all behind it (batch-scheduler style)
};

struct SimConfig {
  SimTime horizon_us = 0;                       // 0: until every job has left
  SimTime sample_interval_us = seconds_to_us(std::int64_t{3600});
  SimTime max_wait_us = 0;                      // give-up time of a pending job; 0: never
  QueueDiscipline queue = QueueDiscipline::kFifo;
  std::uint64_t seed = 0;                       // spot interruptions draw from named streams of it
};

// Nodes of static pools are online from start to end; elastic ones move
// offline -> booting (acquired and billed, not yet usable) -> online -> offline.
enum class NodeState : std::uint8_t { kOffline, kBooting, kOnline, kDraining };

enum class JobState : std::uint8_t { kNotArrived, kPending, kRunning, kCompleted, kGaveUp, kFailed };
const char* job_state_name(JobState s);

struct RunStats {
  std::uint64_t events_processed = 0;
  std::uint64_t events_stale = 0;  // cancelled events dropped when they popped
  std::uint64_t passes = 0;
  std::uint64_t placement_calls = 0;
  std::uint64_t nodes_acquired = 0;  // elastic acquisitions
  std::uint64_t nodes_released = 0;
  std::uint64_t node_notices = 0;     // spot interruptions (a notice, then a reclaim)
  std::uint64_t jobs_interrupted = 0;
  SimTime start_us = 0;
  SimTime end_us = 0;
};

class Simulation {
 public:
  // jobs must be sorted by submit time; fleet, jobs and policy outlive the run.
  Simulation(const Fleet& fleet, const JobTable& jobs, PlacementPolicy& policy, SimConfig config);

  void add_listener(EngineListener* listener) { listeners_.push_back(listener); }
  // A listener also called after every event that leaves no pass pending (on_settled).
  void add_settled_listener(EngineListener* listener) {
    listeners_.push_back(listener);
    settled_listeners_.push_back(listener);
  }
  // Required when the fleet has elastic pools; outlives the run.
  void set_capacity_policy(CapacityPolicy* policy) { capacity_ = policy; }
  // Called about every 65,536 events with the current simulated time.
  void set_progress(std::function<void(SimTime)> progress) { progress_ = std::move(progress); }

  const RunStats& run();

  // Read-only state for listeners and results.
  const Fleet& fleet() const { return *fleet_; }
  const JobTable& jobs() const { return *jobs_; }
  const ClusterState& cluster() const { return cluster_; }
  const SimConfig& config() const { return config_; }
  const RunStats& stats() const { return stats_; }
  JobState state(std::size_t j) const { return state_[j]; }
  SimTime start_us(std::size_t j) const { return start_us_[j]; }
  SimTime end_us(std::size_t j) const { return end_us_[j]; }
  // The first worker's placement; for_each_placement visits every worker's (gangs).
  const Placement& placement(std::size_t j) const { return placement_[j]; }
  template <typename F>
  void for_each_placement(std::uint32_t j, F f) const {
    if (jobs_->workers[j] == 1) return f(placement_[j]);
    const auto it = gang_.find(j);
    if (it == gang_.end()) return f(placement_[j]);
    for (const Placement& p : it->second) f(p);
  }
  std::int64_t pending_count() const { return pending_; }
  std::int64_t running_count() const { return running_; }
  std::int64_t gave_up_count() const { return gave_up_; }
  std::int64_t failed_count() const { return failed_; }
  // Interruptions (zero without spot pools or resilience records).
  std::int32_t restarts(std::size_t j) const { return resilient_ ? restarts_[j] : 0; }
  SimTime lost_us(std::size_t j) const { return resilient_ ? lost_us_[j] : 0; }
  const PlacementPolicy& placement_policy() const { return *policy_; }
  // Submit time of the oldest pending job, or kNever.
  SimTime oldest_pending_submit_us() const;
  NodeState node_state(std::size_t n) const { return node_state_[n]; }
  SimTime node_acquired_us(std::size_t n) const { return node_acquired_us_[n]; }
  // How long the node's current acquisition took to boot (a pool's boot delay,
  // or a spot replacement's delay); 0 for nodes held from the start.
  SimTime node_boot_us(std::size_t n) const { return node_boot_us_[n]; }
  bool drained(std::size_t n) const { return !drained_.empty() && drained_[n]; }
  // Nodes of pool p that are booting or online.
  std::int32_t pool_held(std::size_t p) const { return pool_held_[p]; }
  std::int32_t pool_booting(std::size_t p) const { return pool_booting_[p]; }
  // Nodes of pool p the provider lets the fleet hold now (spot capacity series; else no limit).
  std::int32_t pool_capacity(std::size_t p) const { return pool_capacity_[p]; }
  // Under strict FIFO, the job every other waits behind; UINT32_MAX under FIFO or with none waiting.
  std::uint32_t strict_fifo_head() const;
  // Waiting jobs by request class, for capacity policies: call f(head job, waiting count).
  template <typename F>
  void for_each_pending_class(F f) const {
    for (std::uint32_t c : queue_.active()) f(queue_.head(c), queue_.waiting(c));
  }

 private:
  void handle(const Event& e);
  void request_pass(SimTime now);
  void schedule_pass(SimTime now);
  // Starts job j on its workers' placements (already allocated for gangs).
  void start_job(SimTime now, std::uint32_t j, const Placement* placements, std::int32_t workers);
  // Releases every worker of a running job; returns the first worker's placement.
  Placement release_workers(std::uint32_t j);
  void plan_capacity(SimTime now);
  void node_ready(SimTime now, std::int32_t node);
  // Starts a node booting (acquired, billed from now), usable after delay_us.
  void boot_node(SimTime now, std::size_t node, SimTime delay_us);
  void node_idle(SimTime now, std::int32_t node);  // an elastic node just became empty
  void release_node(SimTime now, std::int32_t node);
  void arm_spot(SimTime now, std::size_t node);          // draws the node's next Poisson interruption
  void node_notice(SimTime now, std::size_t node);
  void node_reclaim(SimTime now, std::size_t node);
  void interrupt_job(SimTime now, std::uint32_t j);
  void capacity_change(SimTime now, std::size_t pool, std::int32_t nodes);
  std::int32_t pick_online_node(std::size_t pool) const;  // by the pool's reclaim order; -1 if none
  // Checks only nodes freed since the class last looked, then moves its mark
  // to the end of the log: a long-blocked class costs nothing per pass.
  bool may_fit_now(std::uint32_t request_class);
  void fifo_pass(SimTime now);
  void strict_fifo_pass(SimTime now);
  // Tries the oldest job of request class c; blocks the class if it does not place.
  bool place_head(std::uint32_t c, SimTime now, std::uint32_t log_now);
  void refused(std::uint32_t c, std::uint32_t log_now);  // the head of class c did not place

  const Fleet* fleet_;
  const JobTable* jobs_;
  PlacementPolicy* policy_;
  SimConfig config_;
  ClusterState cluster_;
  PendingEventSet events_;
  std::vector<EngineListener*> listeners_;
  std::vector<EngineListener*> settled_listeners_;
  std::function<void(SimTime)> progress_;
  CapacityPolicy* capacity_ = nullptr;

  // Per-job columns.
  std::vector<JobState> state_;
  std::vector<std::uint32_t> generation_;  // bumped when a job changes state; stale events are dropped
  std::vector<SimTime> start_us_;
  std::vector<SimTime> end_us_;
  std::vector<Placement> placement_;
  std::unordered_map<std::uint32_t, std::vector<Placement>> gang_;  // every worker of running gangs
  std::vector<Placement> gang_scratch_;

  // Per-node lifecycle (elastic pools).
  std::vector<NodeState> node_state_;
  std::vector<SimTime> node_acquired_us_;
  std::vector<SimTime> node_boot_us_;
  std::vector<std::uint32_t> node_idle_gen_;  // bumped when a job lands: stale idle checks are dropped
  std::vector<std::int32_t> pool_held_, pool_booting_, pool_draining_, pool_capacity_;
  std::vector<std::int32_t> acquire_;  // reused by plan_capacity and drains
  std::vector<std::uint8_t> drained_;  // elastic nodes drained by the capacity policy: released when empty
  bool has_elastic_ = false;

  // Spot interruptions and job progress (allocated only when needed).
  bool has_spot_ = false;     // some pool is interrupted
  bool resilient_ = false;    // progress is tracked per job
  std::vector<std::vector<std::uint32_t>> jobs_on_node_;
  std::vector<std::uint32_t> node_hold_gen_;  // bumped at each reclaim: stale notices are dropped
  std::vector<RandomStream> pool_rng_;
  std::vector<SimTime> progress_us_, last_start_us_, lost_us_, saved_at_notice_us_;
  std::vector<std::int32_t> restarts_;

  PendingQueue queue_;
  // Nodes that gained free capacity, in order. A request class that failed
  // can only fit again on a node freed since, so retries check those first.
  std::vector<std::int32_t> freed_log_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> candidates_;  // (head job, class), reused by passes
  bool pass_scheduled_ = false;

  std::size_t next_arrival_ = 0;
  std::int64_t live_events_ = 0;  // queued events that still change something (not samples, passes or stale)
  // Queued events that change something only for waiting jobs (hand-placed
  // notices, capacity points, capacity wake-ups): they keep a run going only while jobs wait.
  std::int64_t wait_events_ = 0;
  SimTime capacity_wake_us_ = kNever;  // the queued capacity wake-up, if any
  std::int64_t pending_ = 0, running_ = 0, gave_up_ = 0, failed_ = 0;
  SimTime last_sample_ = -1;
  RunStats stats_;
};

}  // namespace capsim
