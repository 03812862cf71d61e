#include "sim/core/simulation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/base/check.h"

namespace capsim {

const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::kNotArrived: return "not_arrived";
    case JobState::kPending: return "pending";
    case JobState::kRunning: return "running";
    case JobState::kCompleted: return "completed";
    case JobState::kGaveUp: return "gave_up";
    case JobState::kFailed: return "failed";
    case JobState::kRemoved: return "removed";
  }
  return "?";
}

const char* interrupt_reason_name(InterruptReason r) {
  switch (r) {
    case InterruptReason::kNodeReclaimed: return "node_reclaimed";
    case InterruptReason::kSavedOnNotice: return "saved_on_notice";
    case InterruptReason::kPreempted: return "preempted";
    case InterruptReason::kEvicted: return "evicted";
  }
  return "?";
}

Simulation::Simulation(const Fleet& fleet, const JobTable& jobs, PlacementPolicy& policy, SimConfig config)
    : fleet_(&fleet),
      jobs_(&jobs),
      policy_(&policy),
      config_(config),
      cluster_(fleet),
      state_(jobs.size(), JobState::kNotArrived),
      generation_(jobs.size(), 0),
      start_us_(jobs.size(), -1),
      end_us_(jobs.size(), -1),
      arrival_us_(jobs.size(), -1),
      placements_(jobs.size(), fleet.size()),
      scheduler_(*this, jobs, policy, config.queue) {
  CAPSIM_CHECK(config.sample_interval_us > 0, "sample interval is positive");
  CAPSIM_CHECK(std::is_sorted(jobs.submit_us.begin(), jobs.submit_us.end()),
               "jobs are sorted by submit time");
  CAPSIM_CHECK(jobs.size() < UINT32_MAX, "job count fits 32-bit ids");
  const std::size_t n_nodes = fleet.size(), n_pools = fleet.pools.size();
  nodes_.state.assign(n_nodes, NodeState::kOnline);
  nodes_.acquired_us.assign(n_nodes, 0);
  nodes_.boot_us.assign(n_nodes, 0);
  nodes_.idle_gen.assign(n_nodes, 0);
  nodes_.hold_gen.assign(n_nodes, 0);
  nodes_.drained.assign(n_nodes, 0);
  nodes_.pool_held.assign(n_pools, 0);
  nodes_.pool_booting.assign(n_pools, 0);
  nodes_.pool_draining.assign(n_pools, 0);
  nodes_.pool_capacity.assign(n_pools, INT32_MAX);
  // Every node starts held and online; components take away what their pools do not hold yet.
  for (std::size_t n = 0; n < n_nodes; ++n) ++nodes_.pool_held[static_cast<std::size_t>(fleet.pool[n])];
  // Jobs with resilience records (retries, restores) are counted per restart.
  if (jobs.resilience_classes.size() > 1) track_progress();
  if (policy.may_preempt()) {
    track_progress();
    track_jobs_on_nodes();
  }
  register_own_handlers();
}

Simulation::~Simulation() = default;

void Simulation::claim(EventKind kind, void* self, HandlerFn fn) {
  Handler& h = handlers_[static_cast<std::size_t>(kind)];
  CAPSIM_CHECK(h.fn == nullptr, "event kind " + std::to_string(static_cast<int>(kind)) + " has one handler");
  h = {self, fn};
}

void Simulation::register_own_handlers() {
  // The kernel's own kinds, through the same table as the components'.
  claim(EventKind::kJobFinish, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_finish(e); });
  claim(EventKind::kJobArrival, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_arrival(e); });
  claim(EventKind::kJobGiveUp, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_give_up(e); });
  claim(EventKind::kNodeReady, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_node_ready(e); });
  claim(EventKind::kSchedulePass, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_pass(e); });
  claim(EventKind::kRetryPass, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_retry_pass(e); });
  claim(EventKind::kSample, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_sample(e); });
  claim(EventKind::kJobRequeue, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_requeue(e); });
  claim(EventKind::kWarmupEnd, this, [](void* s, Simulation&, const Event& e) { static_cast<Simulation*>(s)->on_warmup_end(e); });
}

Component& Simulation::add_component(std::unique_ptr<Component> component) {
  components_.push_back(std::move(component));
  components_.back()->attach(*this);
  if (components_.back()->wants_job_signals()) job_components_.push_back(components_.back().get());
  return *components_.back();
}

Component* Simulation::component(const std::string& name) const {
  for (const auto& c : components_)
    if (name == c->name()) return c.get();
  return nullptr;
}

SimTime Simulation::oldest_pending_submit_us() const {
  SimTime oldest = kNever;
  const PendingQueue& q = scheduler_.queue();
  for (std::uint32_t c : q.active()) oldest = std::min(oldest, arrival_us_[q.head(c)]);
  return oldest;
}

const RunStats& Simulation::run() {
  const JobTable& jobs = *jobs_;
  // On-request jobs (submit kNever: a component submits them) sort last.
  SimTime start = jobs.size() && jobs.submit_us.front() != kNever ? jobs.submit_us.front() : kNever;
  for (const ServiceSpec& s : jobs.services) start = std::min(start, s.start_us);  // services start on their own
  if (start == kNever) start = 0;
  stats_.start_us = start;
  events_.reserve(1024);
  usage_.init(jobs, start);
  for (auto* l : listeners_) l->on_run_start(*this, start);
  if (jobs.size() && jobs.submit_us[0] != kNever) {
    events_.push(jobs.submit_us[0], EventKind::kJobArrival, 0, 0);
    ++live_events_;
  }
  // Samples fall on multiples of the interval, starting at or before the first arrival.
  const SimTime interval = config_.sample_interval_us;
  SimTime first_sample = start >= 0 ? start / interval * interval : -((-start + interval - 1) / interval) * interval;
  events_.push(first_sample, EventKind::kSample);
  // Not live: the cut never keeps a run going (a run that ends first has an empty window).
  if (config_.warmup_us > 0) events_.push(start + config_.warmup_us, EventKind::kWarmupEnd);
  for (std::size_t n = 0; n < fleet_->size(); ++n) nodes_.acquired_us[n] = start;
  for (auto& c : components_) c->on_run_start(*this, start);

  SimTime now = start;
  std::uint64_t next_progress = 1 << 16;
  while (!events_.empty()) {
    const Event e = events_.top();
    if (config_.horizon_us > 0 && e.time > config_.horizon_us) {
      now = config_.horizon_us;
      break;
    }
    events_.pop();
    now = e.time;
    const Handler& h = handlers_[static_cast<std::size_t>(e.kind())];
    CAPSIM_CHECK(h.fn != nullptr, "a component handles event kind " + std::to_string(static_cast<int>(e.kind())));
    h.fn(h.self, *this, e);
    ++stats_.events_processed;
    if (!settled_listeners_.empty() && !pass_scheduled_)
      for (auto* l : settled_listeners_) l->on_settled(*this, now);
    // Nothing left that can change the cluster; events kept only for waiting jobs matter only to them.
    if (live_events_ == 0 && !pass_scheduled_ && (pending_ == 0 || wait_events_ == 0)) break;
    if (progress_ && stats_.events_processed >= next_progress) {
      next_progress += 1 << 16;
      progress_(now);
    }
  }
  if (last_sample_ != now)
    for (auto* l : listeners_) l->on_sample(*this, now);
  last_sample_ = now;
  stats_.end_us = now;
  for (auto* l : listeners_) l->on_run_end(*this, now);
  return stats_;
}

void Simulation::on_finish(const Event& e) {
  const std::uint32_t j = e.job;
  if (e.generation != generation_[j]) {
    ++stats_.events_stale;
    return;
  }
  --live_events_;
  complete(e.time, j);
}

void Simulation::on_arrival(const Event& e) {
  --live_events_;
  arrive(e.time, e.job);
  if (++next_arrival_ < jobs_->size() && jobs_->submit_us[next_arrival_] != kNever) {
    events_.push(jobs_->submit_us[next_arrival_], EventKind::kJobArrival, static_cast<std::uint32_t>(next_arrival_), 0);
    ++live_events_;
  }
}

void Simulation::arrive(SimTime now, std::uint32_t j) {
  state_[j] = JobState::kPending;
  if (arrival_us_[j] < 0) arrival_us_[j] = now;  // a replica slot's later lifetimes keep its first arrival
  ++pending_;
  scheduler_.push(j);
  for (auto* l : listeners_) l->on_job_arrived(*this, now, j);
  // Jobs that run until a component ends them (service replicas) wait as long as it takes.
  if (config_.max_wait_us > 0 && !runs_until_ended(j)) {
    events_.push(now + config_.max_wait_us, EventKind::kJobGiveUp, j, generation_[j]);
    ++live_events_;
  }
  request_pass(now);
}

void Simulation::submit_job(SimTime now, std::uint32_t j) {
  // A replica slot may serve several lifetimes: submitted again after it ended.
  CAPSIM_CHECK(jobs_->submit_us[j] == kNever &&
                   (state_[j] == JobState::kNotArrived || state_[j] == JobState::kCompleted ||
                    state_[j] == JobState::kRemoved),
               "a component submits only on-request jobs that are not waiting or running");
  arrive(now, j);
}

void Simulation::end_job(SimTime now, std::uint32_t j) {
  if (state_[j] == JobState::kPending) {
    if (config_.max_wait_us > 0 && start_us_[j] < 0 && !runs_until_ended(j)) --live_events_;  // its give-up is stale
    state_[j] = JobState::kRemoved;
    ++generation_[j];
    end_us_[j] = now;
    --pending_;
    scheduler_.trim_class_of(j);
    if (config_.queue == QueueDiscipline::kStrictFifo && pending_ > 0) request_pass(now);
    return;
  }
  CAPSIM_CHECK(state_[j] == JobState::kRunning, "a component ends a pending or running job");
  if (!runs_until_ended(j)) --live_events_;  // its finish event is now stale
  complete(now, j);
}

void Simulation::complete(SimTime now, std::uint32_t j) {
  const Placement p = release_workers(now, j);
  state_[j] = JobState::kCompleted;
  ++generation_[j];
  end_us_[j] = now;
  --running_;
  for (auto* l : listeners_) l->on_allocation_changed(*this, now, j);
  for (auto* l : listeners_) l->on_job_finished(*this, now, j, p);
  request_pass(now);
  nodes_left(now, j);
  placements_.forget(j);
  for (auto* c : job_components_) c->on_job_stopped(*this, now, j);
}

void Simulation::on_give_up(const Event& e) {
  const std::uint32_t j = e.job;
  if (e.generation != generation_[j]) {
    ++stats_.events_stale;
    return;
  }
  --live_events_;
  CAPSIM_CHECK(state_[j] == JobState::kPending, "a live give-up event belongs to a pending job");
  state_[j] = JobState::kGaveUp;
  ++generation_[j];
  --pending_;
  ++gave_up_;
  scheduler_.trim_class_of(j);
  for (auto* l : listeners_) l->on_job_gave_up(*this, e.time, j);
  // Under strict FIFO the job that left may have blocked every job behind it.
  if (config_.queue == QueueDiscipline::kStrictFifo && pending_ > 0) request_pass(e.time);
}

void Simulation::on_node_ready(const Event& e) {
  --live_events_;
  const std::size_t node = e.job;
  CAPSIM_CHECK(nodes_.state[node] == NodeState::kBooting, "only a booting node becomes ready");
  nodes_.state[node] = NodeState::kOnline;
  --nodes_.pool_booting[static_cast<std::size_t>(fleet_->pool[node])];
  cluster_.set_online(node, true);
  scheduler_.node_freed(static_cast<std::int32_t>(node));  // blocked request classes may fit on it
  for (auto* l : listeners_) l->on_node_ready(*this, e.time, static_cast<std::int32_t>(node));
  request_pass(e.time);
  for (auto& c : components_) c->on_node_ready(*this, e.time, node);
}

void Simulation::on_pass(const Event& e) {
  pass_scheduled_ = false;
  run_pass(e.time);
}

void Simulation::run_pass(SimTime now) {
  ++stats_.passes;
  last_pass_us_ = now;
  scheduler_.pass(now);
  // A refusal that gives way by itself at a known instant (a decaying interruption rate): pass
  // again then, even if nothing else happens. Kept only while jobs wait.
  const SimTime retry = scheduler_.take_retry_at();
  if (retry != kNever && (retry_pass_us_ <= now || retry < retry_pass_us_)) {
    retry_pass_us_ = std::max(retry, now + 1);
    events_.push(retry_pass_us_, EventKind::kRetryPass);
    ++wait_events_;
  }
  for (auto& c : components_) c->on_pass_end(*this, now);
  for (auto* l : listeners_) l->on_pass_end(*this, now);
}

void Simulation::on_retry_pass(const Event& e) {
  --wait_events_;
  // A pass at this instant has run, or one requested at it is still to come: nothing to add.
  if (last_pass_us_ == e.time || pass_scheduled_) return;
  run_pass(e.time);
}

void Simulation::on_sample(const Event& e) {
  for (auto* l : listeners_) l->on_sample(*this, e.time);
  last_sample_ = e.time;
  events_.push(e.time + config_.sample_interval_us, EventKind::kSample);
}

void Simulation::on_warmup_end(const Event& e) {
  usage_.start_window(e.time);
  for (auto* l : listeners_) l->on_warmup_end(*this, e.time);
}

void Simulation::request_pass(SimTime now) {
  // Several arrivals and finishes at one instant share one pass.
  if (pass_scheduled_) return;
  pass_scheduled_ = true;
  events_.push(now, EventKind::kSchedulePass);
}

void Simulation::start_job(SimTime now, std::uint32_t j, const Placement* placements, std::int32_t workers) {
  const Placement& p = placements[0];
  if (workers == 1) cluster_.allocate(jobs_->request(j), p);  // checks the policy's answer against capacity
  placements_.set(j, placements, workers);
  if (config_.max_wait_us > 0 && start_us_[j] < 0 && !runs_until_ended(j)) --live_events_;  // its give-up is stale
  state_[j] = JobState::kRunning;
  ++generation_[j];
  for (std::int32_t w = 0; w < workers; ++w) ++nodes_.idle_gen[static_cast<std::size_t>(placements[w].node)];
  if (start_us_[j] < 0) start_us_[j] = now;  // the first start: waits are measured to it
  --pending_;
  ++running_;
  if (!rate_limits_.empty()) rate_limits_[j].fill(1.0);
  if (!rate_boost_.empty()) rate_boost_[j] = 1.0;
  usage_.job_started(now, j, workers);
  if (!runs_until_ended(j)) {
    const SimTime wall = progress_table_.enabled()
                             ? progress_table_.start(jobs_->resilience_of(j), jobs_->duration_us[j], j, now)
                             : jobs_->duration_us[j];
    events_.push(now + wall, EventKind::kJobFinish, j, generation_[j]);
    ++live_events_;
  }
  for (auto* l : listeners_) l->on_allocation_changed(*this, now, j);
  for (auto* l : listeners_) l->on_job_placed(*this, now, j, p);
  for (auto* c : job_components_) c->on_job_started(*this, now, j);
}

Placement Simulation::release_workers(SimTime now, std::uint32_t j) {
  const JobRequest r = jobs_->request(j);
  for_each_placement(j, [&](const Placement& q) {
    cluster_.release(r, q);
    scheduler_.node_freed(q.node);
  });
  placements_.leave_nodes(j);
  usage_.job_stopped(now, j, jobs_->workers[j]);
  return placements_.first(j);
}

void Simulation::nodes_left(SimTime now, std::uint32_t j) {
  if (components_.empty()) return;
  for_each_placement(j, [&](const Placement& q) {
    const auto node = static_cast<std::size_t>(q.node);
    if (cluster_.jobs_on(node) != 0) return;
    for (auto& c : components_) c->on_node_emptied(*this, now, node);
  });
}

void Simulation::interrupt_job(SimTime now, std::uint32_t j, InterruptReason reason, SimTime back_off_us) {
  if (state_[j] != JobState::kRunning) return;  // already stopped (several workers on one node)
  CAPSIM_CHECK(progress_table_.enabled(), "a run that interrupts jobs tracks their progress (track_progress)");
  const Placement p = release_workers(now, j);
  const Resilience& r = jobs_->resilience_of(j);
  SimTime lost = 0;
  if (runs_until_ended(j)) {
    progress_table_.note_restart(j);  // no work to lose: it serves, it does not progress
  } else {
    lost = progress_table_.stop(r, jobs_->duration_us[j], j, now);
    --live_events_;  // its finish event is now stale
  }
  ++generation_[j];
  --running_;
  ++stats_.jobs_interrupted;
  if (reason == InterruptReason::kPreempted) ++stats_.jobs_preempted;
  if (reason == InterruptReason::kEvicted) ++stats_.jobs_evicted;
  for (auto* l : listeners_) l->on_allocation_changed(*this, now, j);
  for (auto* l : listeners_) l->on_job_interrupted(*this, now, j, p, lost, reason);
  request_pass(now);  // its capacity is free (unless the node is going), and it may wait again
  nodes_left(now, j);  // every node it left empty, not only the one that stopped it
  placements_.forget(j);
  for (auto* c : job_components_) c->on_job_stopped(*this, now, j);
  if (r.max_retries >= 0 && progress_table_.restarts(j) > r.max_retries) {
    state_[j] = JobState::kFailed;
    end_us_[j] = now;
    ++failed_;
    return;
  }
  state_[j] = JobState::kPending;
  ++pending_;
  if (back_off_us > 0) {
    // It waits, but out of the queue until the back-off ends (an evicted pod kept from coming straight back).
    events_.push(now + back_off_us, EventKind::kJobRequeue, j, generation_[j]);
    ++live_events_;
    backing_off_.push_back(j);
    return;
  }
  scheduler_.push(j);
}

void Simulation::set_reclaim_offer(SimTime now, ResourceKind kind, std::size_t node, std::int64_t cpu_milli,
                                   std::int64_t memory_mib) {
  const bool grew = cpu_milli > cluster_.reclaim_cpu_offered(kind, node) || memory_mib > cluster_.reclaim_memory_offered(kind, node);
  cluster_.set_reclaim_offer(kind, node, cpu_milli, memory_mib);
  if (grew) offer_grew(now, node);
}

void Simulation::offer_grew(SimTime now, std::size_t node) {
  scheduler_.node_freed(static_cast<std::int32_t>(node));  // blocked request classes may fit there now
  request_pass(now);
}

void Simulation::set_gpu_guest_offer(SimTime now, std::size_t node, int gpu, std::int32_t slots) {
  const bool grew = slots > cluster_.gpu_guest_offered(node, gpu);
  cluster_.set_gpu_guest_offer(node, gpu, slots);
  if (grew) offer_grew(now, node);
}

void Simulation::on_requeue(const Event& e) {
  --live_events_;
  const std::uint32_t j = e.job;
  const auto it = std::find(backing_off_.begin(), backing_off_.end(), j);
  if (it != backing_off_.end()) backing_off_.erase(it);
  if (e.generation != generation_[j] || state_[j] != JobState::kPending) {
    ++stats_.events_stale;
    return;
  }
  scheduler_.push(j);
  request_pass(e.time);
}

void Simulation::set_progress_rate(SimTime now, std::uint32_t j, double rate) {
  CAPSIM_CHECK(progress_table_.enabled(), "a run that changes progress rates tracks progress (track_progress)");
  CAPSIM_CHECK(state_[j] == JobState::kRunning && !runs_until_ended(j),
               "only a running job with a length changes its progress rate");
  const SimTime remaining = progress_table_.set_rate(jobs_->resilience_of(j), jobs_->duration_us[j], j, now, rate);
  // The finish moves: the queued one goes stale and this one takes its place among the live events.
  // A suspended job has no finish until its rate rises again; it still counts as live.
  ++generation_[j];
  if (remaining != kNever) events_.push(now + remaining, EventKind::kJobFinish, j, generation_[j]);
}

void Simulation::set_service_usage(SimTime now, std::size_t s, const UsageShare& share) {
  usage_.set_service_share(now, s, share);
  for (auto* c : job_components_) c->on_service_usage(*this, now, s);
}

void Simulation::set_rate_limit(SimTime now, std::uint32_t j, RateLimit which, double rate) {
  CAPSIM_CHECK(rate >= 0 && rate <= 1, "a rate limit is in [0, 1]");
  if (rate_limits_.empty()) rate_limits_.resize(jobs_->size(), [] { std::array<double, kRateLimits> a; a.fill(1.0); return a; }());
  const double before = rate_limits_[j][which];
  rate_limits_[j][which] = rate;
  if (runs_until_ended(j)) {
    if (which == kTopologyRateLimit && rate != before && state_[j] == JobState::kRunning)
      for (auto* c : job_components_) c->on_replica_speed(*this, now, j);
    return;
  }
  apply_rate(now, j);
}

void Simulation::set_rate_boost(SimTime now, std::uint32_t j, double boost) {
  CAPSIM_CHECK(boost >= 1 && std::isfinite(boost), "a rate boost is at least 1");
  CAPSIM_CHECK(!runs_until_ended(j), "a boosted job has a length (replicas serve faster in their queue instead)");
  if (rate_boost_.empty()) rate_boost_.assign(jobs_->size(), 1.0);
  rate_boost_[j] = boost;
  apply_rate(now, j);
}

void Simulation::apply_rate(SimTime now, std::uint32_t j) {
  double effective = 1.0;
  if (!rate_limits_.empty())
    for (double r : rate_limits_[j]) effective = std::min(effective, r);
  effective *= rate_boost(j);
  if (effective != progress_table_.rate(j)) set_progress_rate(now, j, effective);
}

SimTime Simulation::save_on_notice(SimTime now, std::uint32_t j, SimTime notice_us) {
  return progress_table_.save_on_notice(jobs_->resilience_of(j), jobs_->duration_us[j], j, now, notice_us);
}

void Simulation::boot_node(SimTime now, std::size_t node, SimTime delay_us) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  nodes_.state[node] = NodeState::kBooting;
  nodes_.acquired_us[node] = now;
  nodes_.boot_us[node] = delay_us;
  ++nodes_.pool_held[p];
  ++nodes_.pool_booting[p];
  for (auto* l : listeners_) l->on_node_acquired(*this, now, static_cast<std::int32_t>(node));
  events_.push(now + delay_us, EventKind::kNodeReady, static_cast<std::uint32_t>(node));
  ++live_events_;
}

void Simulation::begin_reclaim(SimTime now, std::size_t node) {
  CAPSIM_CHECK(nodes_.state[node] == NodeState::kOnline, "a reclaim notice goes to an online node");
  ++nodes_.pool_draining[static_cast<std::size_t>(fleet_->pool[node])];
  nodes_.state[node] = NodeState::kDraining;
  cluster_.set_online(node, false);
  for (auto* l : listeners_) l->on_node_notice(*this, now, static_cast<std::int32_t>(node));
}

void Simulation::node_offline(SimTime now, std::size_t node) {
  nodes_.drained[node] = 0;
  nodes_.state[node] = NodeState::kOffline;
  --nodes_.pool_held[static_cast<std::size_t>(fleet_->pool[node])];
  ++nodes_.idle_gen[node];
  ++nodes_.hold_gen[node];  // its pending notices no longer apply
  for (auto* l : listeners_) l->on_node_released(*this, now, static_cast<std::int32_t>(node));
}

void Simulation::release_node(SimTime now, std::size_t node) {
  ++stats_.nodes_released;
  cluster_.set_online(node, false);
  node_offline(now, node);
}

void Simulation::remove_reclaimed_node(SimTime now, std::size_t node) {
  CAPSIM_CHECK(cluster_.jobs_on(node) == 0 && nodes_.state[node] == NodeState::kDraining,
               "a reclaimed node is empty and under notice");
  --nodes_.pool_draining[static_cast<std::size_t>(fleet_->pool[node])];
  node_offline(now, node);
}

void Simulation::start_offline(std::size_t node) {
  CAPSIM_CHECK(stats_.events_processed == 0 && nodes_.state[node] == NodeState::kOnline,
               "nodes are taken offline for the start before the run");
  nodes_.state[node] = NodeState::kOffline;
  cluster_.set_online(node, false);
  --nodes_.pool_held[static_cast<std::size_t>(fleet_->pool[node])];
}

void Simulation::drain_node(SimTime now, std::size_t node) {
  CAPSIM_CHECK(nodes_.state[node] == NodeState::kOnline, "only an online node is drained");
  nodes_.drained[node] = 1;
  cluster_.set_online(node, false);  // no new jobs; the running ones finish
  for (auto* l : listeners_) l->on_node_drained(*this, now, static_cast<std::int32_t>(node));
}

}  // namespace capsim
