#pragma once
// The kernel of one run: jobs from a JobTable arrive, wait in a queue, are
// placed by a policy, run for their duration and leave. Events are popped in
// (time, kind, sequence) order and dispatched through a table of handlers,
// one per kind; the kernel handles the job lifecycle (arrival, give-up,
// finish, the scheduling pass, samples, node readiness) and components
// (sim/core/component.h) handle the rest: the spot market and the elastic
// node lifecycle are components in sim/components/. Single-threaded and
// deterministic; independent runs go side by side (experiments/runner.h).
//
// Three faces: a read-only view (the const accessors) for policies and
// listeners, the mutations below for components, and set-up (listeners,
// components, the capacity policy) before run().
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/core/capacity_policy.h"
#include "sim/core/component.h"
#include "sim/core/engine_listener.h"
#include "sim/core/job_placements.h"
#include "sim/core/job_progress.h"
#include "sim/core/job_state.h"
#include "sim/core/node_table.h"
#include "sim/core/pending_event_set.h"
#include "sim/core/placement_policy.h"
#include "sim/core/scheduler.h"
#include "sim/model/colocation_config.h"
#include "sim/core/usage_table.h"
#include "sim/model/cluster_state.h"
#include "sim/model/job_table.h"

namespace capsim {

struct SimConfig {
  SimTime horizon_us = 0;                       // 0: until every job has left
  SimTime sample_interval_us = seconds_to_us(std::int64_t{3600});
  SimTime max_wait_us = 0;                      // give-up time of a pending job; 0: never
  QueueDiscipline queue = QueueDiscipline::kFifo;
  std::uint64_t seed = 0;                       // components draw from named streams of it
  bool node_series = false;                     // listeners record per-node series at samples
  SimTime warmup_us = 0;                        // summaries measure from start + warmup (0: from the start)
  ColocationConfig colocation;                  // reclaimed capacity and QoS enforcement (off by default)
};

// Whether a scheduled event keeps the run going (Simulation::hold_run).
enum class RunHold : std::uint8_t {
  kAlways,        // the run goes on while it is queued (a finish, a reclaim)
  kWhileWaiting,  // only while jobs wait (capacity points, wake-ups)
};

struct RunStats {
  std::uint64_t events_processed = 0;
  std::uint64_t events_stale = 0;  // cancelled events dropped when they popped
  std::uint64_t passes = 0;
  std::uint64_t placement_calls = 0;
  std::uint64_t nodes_acquired = 0;  // elastic acquisitions
  std::uint64_t nodes_released = 0;
  std::uint64_t node_notices = 0;     // spot interruptions (a notice, then a reclaim)
  std::uint64_t jobs_interrupted = 0;  // every reason
  std::uint64_t jobs_preempted = 0;
  std::uint64_t jobs_evicted = 0;
  SimTime start_us = 0;
  SimTime end_us = 0;
};

class Simulation {
 public:
  // jobs must be sorted by submit time; fleet, jobs and policy outlive the run.
  Simulation(const Fleet& fleet, const JobTable& jobs, PlacementPolicy& policy, SimConfig config);
  ~Simulation();

  // ---- set-up, before run() ----
  void add_listener(EngineListener* listener) { listeners_.push_back(listener); }
  // A listener also called after every event that leaves no pass pending (on_settled).
  void add_settled_listener(EngineListener* listener) {
    listeners_.push_back(listener);
    settled_listeners_.push_back(listener);
  }
  // Components act in the order they are added; attach() runs now.
  Component& add_component(std::unique_ptr<Component> component);
  // The component registered under this name, or null.
  Component* component(const std::string& name) const;
  const std::vector<std::unique_ptr<Component>>& components() const { return components_; }
  // Required when the fleet has elastic pools; outlives the run.
  void set_capacity_policy(CapacityPolicy* policy) { capacity_ = policy; }
  CapacityPolicy* capacity_policy() const { return capacity_; }
  // Called about every 65,536 events with the current simulated time.
  void set_progress(std::function<void(SimTime)> progress) { progress_ = std::move(progress); }

  const RunStats& run();

  // ---- read-only view, for policies, listeners and results ----
  const Fleet& fleet() const { return *fleet_; }
  const JobTable& jobs() const { return *jobs_; }
  const ClusterState& cluster() const { return cluster_; }
  const SimConfig& config() const { return config_; }
  const RunStats& stats() const { return stats_; }
  JobState state(std::size_t j) const { return state_[j]; }
  SimTime start_us(std::size_t j) const { return start_us_[j]; }
  SimTime end_us(std::size_t j) const { return end_us_[j]; }
  // When the job first arrived (its submit time, or when a component first submitted an on-request job); -1 before.
  SimTime arrival_us(std::size_t j) const { return arrival_us_[j]; }
  // Jobs of unbounded length (duration kNever: service replicas) run until a component ends them.
  bool runs_until_ended(std::size_t j) const { return jobs_->duration_us[j] == kNever; }
  // The first worker's placement; for_each_placement visits every worker's (gangs).
  const Placement& placement(std::size_t j) const { return placements_.first(static_cast<std::uint32_t>(j)); }
  template <typename F>
  void for_each_placement(std::uint32_t j, F f) const {
    if (jobs_->workers[j] == 1) return f(placements_.first(j));
    placements_.for_each(j, f);
  }
  // Jobs on the node, one entry per worker (only after track_jobs_on_nodes).
  const std::vector<std::uint32_t>& jobs_on_node(std::size_t node) const { return placements_.jobs_on(node); }
  std::int64_t pending_count() const { return pending_; }
  std::int64_t running_count() const { return running_; }
  std::int64_t gave_up_count() const { return gave_up_; }
  std::int64_t failed_count() const { return failed_; }
  // Interruptions (zero unless progress is tracked).
  std::int32_t restarts(std::size_t j) const { return progress_table_.restarts(j); }
  SimTime lost_us(std::size_t j) const { return progress_table_.lost_us(j); }
  const ProgressTable& progress() const { return progress_table_; }
  // What running jobs use of their requests (sim/core/usage_table.h).
  const UsageTable& usage() const { return usage_; }
  std::uint32_t job_generation(std::uint32_t j) const { return generation_[j]; }
  const PlacementPolicy& placement_policy() const { return *policy_; }
  // A pending job waiting out of the queue until its back-off ends (it may not be placed yet).
  bool backing_off(std::uint32_t j) const {
    return std::find(backing_off_.begin(), backing_off_.end(), j) != backing_off_.end();
  }
  // Submit time of the oldest pending job, or kNever.
  SimTime oldest_pending_submit_us() const;
  const NodeTable& nodes() const { return nodes_; }
  NodeState node_state(std::size_t n) const { return nodes_.state[n]; }
  SimTime node_acquired_us(std::size_t n) const { return nodes_.acquired_us[n]; }
  // How long the node's current acquisition took to boot (a pool's boot delay,
  // or a spot replacement's delay); 0 for nodes held from the start.
  SimTime node_boot_us(std::size_t n) const { return nodes_.boot_us[n]; }
  bool drained(std::size_t n) const { return nodes_.drained[n] != 0; }
  // Nodes of pool p that are booting or online.
  std::int32_t pool_held(std::size_t p) const { return nodes_.pool_held[p]; }
  std::int32_t pool_booting(std::size_t p) const { return nodes_.pool_booting[p]; }
  // Nodes of pool p the provider lets the fleet hold now (spot capacity series; else no limit).
  std::int32_t pool_capacity(std::size_t p) const { return nodes_.pool_capacity[p]; }
  // Under strict FIFO, the job every other waits behind; UINT32_MAX under FIFO or with none waiting.
  std::uint32_t strict_fifo_head() const { return scheduler_.strict_fifo_head(); }
  // Waiting jobs by request class, for capacity policies: call f(head job, waiting count).
  template <typename F>
  void for_each_pending_class(F f) const {
    const PendingQueue& q = scheduler_.queue();
    for (std::uint32_t c : q.active()) f(q.head(c), q.waiting(c));
  }

  // ---- mutations, for components (and the scheduler) ----
  // Claims an event kind (a slot of the tie order, sim/core/event.h) for a
  // component's member function. One handler per kind.
  template <typename C, void (C::*Handler)(Simulation&, const Event&)>
  void on_event(EventKind kind, C* component) {
    claim(kind, component, [](void* self, Simulation& sim, const Event& e) { (static_cast<C*>(self)->*Handler)(sim, e); });
  }
  void schedule(SimTime time, EventKind kind, std::uint32_t id = 0, std::uint32_t generation = 0) {
    events_.push(time, kind, id, generation);
  }
  // Events a component counts as keeping the run going (+1 when scheduled,
  // -1 when it pops or is cancelled). Others (clocks, Poisson notices) do not.
  void hold_run(RunHold hold, std::int64_t delta) { (hold == RunHold::kAlways ? live_events_ : wait_events_) += delta; }
  void note_stale_event() { ++stats_.events_stale; }
  RunStats& mutable_stats() { return stats_; }
  // Ask for the jobs of every node (jobs_on_node) / per-job progress (restarts, lost work, rates).
  void track_jobs_on_nodes() { placements_.track_jobs_on_nodes(); }
  void track_progress() { progress_table_.enable(jobs_->size()); }
  // A coalesced scheduling pass at `now` (several changes at one instant share one).
  void request_pass(SimTime now);
  // A pass is queued (capacity freed during a pass, by an eviction at a start, brings another one).
  bool pass_pending() const { return pass_scheduled_; }
  // Stops a running job now: its allocation is released, its work since
  // its last checkpoint lost (none when it saved on notice), and it waits
  // again (or fails past its max_retries). No-op for a job not running.
  // back_off_us > 0: it waits out of the scheduling queue that long first.
  void interrupt_job(SimTime now, std::uint32_t j, InterruptReason reason, SimTime back_off_us = 0);
  // On-request jobs (submit kNever in the job table) arrive when a component submits them.
  void submit_job(SimTime now, std::uint32_t j);
  // A component ends a job: a running one completes now (its allocation released), a
  // pending one is removed from the queue (state kRemoved).
  void end_job(SimTime now, std::uint32_t j);
  // Makes the job's queued events stale; returns its new generation (for an event that replaces them).
  std::uint32_t invalidate_job_events(std::uint32_t j) { return ++generation_[j]; }
  // The running job progresses at `rate` from now (1 = as fast as its trace
  // says); its finish moves accordingly. Needs track_progress().
  void set_progress_rate(SimTime now, std::uint32_t j, double rate);
  // Several components may each slow a job for their own reason (BE CPU suppression, a GPU guest's
  // compute preemption): each sets its limit, the job progresses at the smallest (0: suspended).
  // Limits start at 1 whenever the job starts. A job without a length (a service replica) only
  // keeps its limits: the services component reads its topology limit as the replica's speed.
  enum RateLimit { kCpuRateLimit, kGpuRateLimit, kTopologyRateLimit, kRateLimits };
  void set_rate_limit(SimTime now, std::uint32_t j, RateLimit which, double rate);
  double rate_limit(std::uint32_t j, RateLimit which) const { return rate_limits_.empty() ? 1.0 : rate_limits_[j][which]; }
  // A Burstable batch job using its node's unused CPU runs `boost` (>= 1) times faster than its limits
  // allow (the burst component); 1 whenever the job starts.
  void set_rate_boost(SimTime now, std::uint32_t j, double boost);
  double rate_boost(std::uint32_t j) const { return rate_boost_.empty() ? 1.0 : rate_boost_[j]; }
  // Checkpoint on notice: when the job would not finish by now + notice_us
  // and can write a checkpoint in that time, records what it saves and
  // returns when it leaves; otherwise kNever.
  SimTime save_on_notice(SimTime now, std::uint32_t j, SimTime notice_us);
  // Node lifecycle. boot_node: acquired (billed) now, online after delay_us.
  void boot_node(SimTime now, std::size_t node, SimTime delay_us);
  // Online -> draining under a reclaim notice: it takes no new job.
  void begin_reclaim(SimTime now, std::size_t node);
  // The node leaves the fleet now (must be empty): released by its pool or reclaimed.
  void release_node(SimTime now, std::size_t node);
  void remove_reclaimed_node(SimTime now, std::size_t node);
  // Set-up: the node is not held when the run starts (an elastic pool's beyond its min_nodes).
  void start_offline(std::size_t node);
  // The capacity policy drained it: no new jobs; the running ones finish.
  void drain_node(SimTime now, std::size_t node);
  void set_pool_capacity(std::size_t pool, std::int32_t nodes) { nodes_.pool_capacity[pool] = nodes; }
  ClusterState& mutable_cluster() { return cluster_; }
  // Every replica of service s uses `share` of its request from now (a service's load over its replicas).
  void set_service_usage(SimTime now, std::size_t s, const UsageShare& share);
  UsageTable& mutable_usage() { return usage_; }
  // What the node offers Mid or Batch pods from now (co-location); a larger offer lets waiting pods in.
  void set_reclaim_offer(SimTime now, ResourceKind kind, std::size_t node, std::int64_t cpu_milli, std::int64_t memory_mib);

  // How many GPU guests the device takes from now (GPU co-location); a larger offer lets waiting pods in.
  void set_gpu_guest_offer(SimTime now, std::size_t node, int gpu, std::int32_t slots);

  // Used by the scheduler.
  void start_job(SimTime now, std::uint32_t j, const Placement* placements, std::int32_t workers);
  void count_placement_call() { ++stats_.placement_calls; }

 private:
  using HandlerFn = void (*)(void*, Simulation&, const Event&);
  struct Handler {
    void* self = nullptr;
    HandlerFn fn = nullptr;
  };
  void claim(EventKind kind, void* self, HandlerFn fn);
  void register_own_handlers();
  void on_finish(const Event& e);
  void on_arrival(const Event& e);
  void on_give_up(const Event& e);
  void on_node_ready(const Event& e);
  void on_pass(const Event& e);
  void on_retry_pass(const Event& e);
  void run_pass(SimTime now);
  void on_sample(const Event& e);
  void on_warmup_end(const Event& e);
  void on_requeue(const Event& e);
  void arrive(SimTime now, std::uint32_t j);
  void complete(SimTime now, std::uint32_t j);
  // Releases every worker of a running job; returns the first worker's placement.
  Placement release_workers(SimTime now, std::uint32_t j);
  // The job left its nodes: components hear of nodes it left empty.
  void nodes_left(SimTime now, std::uint32_t j);
  // A node offers more reclaimed capacity or guest slots: waiting pods may fit there now.
  void offer_grew(SimTime now, std::size_t node);
  void node_offline(SimTime now, std::size_t node);

  const Fleet* fleet_;
  const JobTable* jobs_;
  PlacementPolicy* policy_;
  SimConfig config_;
  ClusterState cluster_;
  PendingEventSet events_;
  std::array<Handler, kEventKindSlots> handlers_{};
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<Component*> job_components_;  // those that want job signals
  std::vector<EngineListener*> listeners_;
  std::vector<EngineListener*> settled_listeners_;
  std::function<void(SimTime)> progress_;
  CapacityPolicy* capacity_ = nullptr;

  // Per-job columns.
  std::vector<JobState> state_;
  std::vector<std::uint32_t> generation_;  // bumped when a job changes state; stale events are dropped
  std::vector<SimTime> start_us_;
  std::vector<SimTime> end_us_;
  std::vector<SimTime> arrival_us_;
  std::vector<std::uint32_t> backing_off_;  // jobs waiting out of the queue (interrupt_job's back-off), unordered
  JobPlacements placements_;
  ProgressTable progress_table_;
  std::vector<std::array<double, kRateLimits>> rate_limits_;  // per job, once a component sets one
  std::vector<double> rate_boost_;                            // per job, once a component sets one
  // The job's progress rate: the smallest of its limits times its boost.
  void apply_rate(SimTime now, std::uint32_t j);
  UsageTable usage_;
  NodeTable nodes_;
  Scheduler scheduler_;
  bool pass_scheduled_ = false;
  SimTime last_pass_us_ = kNever;   // when the last pass ran
  SimTime retry_pass_us_ = kNever;  // the earliest retry pass queued (kRetryPass)

  std::size_t next_arrival_ = 0;
  std::int64_t live_events_ = 0;  // queued events that still change something (not samples, passes or stale)
  // Queued events that change something only for waiting jobs: they keep a run going only while jobs wait.
  std::int64_t wait_events_ = 0;
  std::int64_t pending_ = 0, running_ = 0, gave_up_ = 0, failed_ = 0;
  SimTime last_sample_ = -1;
  RunStats stats_;
};

}  // namespace capsim
