#include "sim/core/simulation.h"

#include <algorithm>

#include "sim/base/check.h"
#include "sim/core/job_progress.h"

namespace capsim {

const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::kNotArrived: return "not_arrived";
    case JobState::kPending: return "pending";
    case JobState::kRunning: return "running";
    case JobState::kCompleted: return "completed";
    case JobState::kGaveUp: return "gave_up";
    case JobState::kFailed: return "failed";
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
      placement_(jobs.size()),
      queue_(jobs, policy) {
  CAPSIM_CHECK(config.sample_interval_us > 0, "sample interval is positive");
  CAPSIM_CHECK(std::is_sorted(jobs.submit_us.begin(), jobs.submit_us.end()),
               "jobs are sorted by submit time");
  CAPSIM_CHECK(jobs.size() < UINT32_MAX, "job count fits 32-bit ids");
  node_state_.assign(fleet.size(), NodeState::kOnline);
  node_acquired_us_.assign(fleet.size(), 0);
  node_boot_us_.assign(fleet.size(), 0);
  node_idle_gen_.assign(fleet.size(), 0);
  pool_held_.assign(fleet.pools.size(), 0);
  pool_booting_.assign(fleet.pools.size(), 0);
  pool_draining_.assign(fleet.pools.size(), 0);
  pool_capacity_.assign(fleet.pools.size(), INT32_MAX);
  // Static pools hold every node; an elastic pool starts with its first min_nodes.
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const auto p = static_cast<std::size_t>(fleet.pool[n]);
    if (fleet.pools[p].elastic && pool_held_[p] >= fleet.pools[p].min_nodes) {
      node_state_[n] = NodeState::kOffline;
      cluster_.set_online(n, false);
    } else {
      ++pool_held_[p];
    }
  }
  for (const auto& p : fleet.pools) {
    has_elastic_ = has_elastic_ || p.elastic;
    has_spot_ = has_spot_ || (p.kind == PoolKind::kSpot && p.spot.active());
  }
  resilient_ = has_spot_ || jobs.resilience_classes.size() > 1;
  if (resilient_) {
    progress_us_.assign(jobs.size(), 0);
    last_start_us_.assign(jobs.size(), -1);
    lost_us_.assign(jobs.size(), 0);
    saved_at_notice_us_.assign(jobs.size(), -1);
    restarts_.assign(jobs.size(), 0);
  }
  if (has_spot_) {
    jobs_on_node_.resize(fleet.size());
    node_hold_gen_.assign(fleet.size(), 0);
    for (const auto& p : fleet.pools) pool_rng_.emplace_back(config.seed, "spot/" + p.name);
  }
}

SimTime Simulation::oldest_pending_submit_us() const {
  SimTime oldest = kNever;
  for (std::uint32_t c : queue_.active()) oldest = std::min(oldest, jobs_->submit_us[queue_.head(c)]);
  return oldest;
}

std::uint32_t Simulation::strict_fifo_head() const {
  std::uint32_t head = UINT32_MAX;
  if (config_.queue == QueueDiscipline::kStrictFifo)
    for (std::uint32_t c : queue_.active()) head = std::min(head, queue_.head(c));
  return head;
}

const RunStats& Simulation::run() {
  const JobTable& jobs = *jobs_;
  const SimTime start = jobs.size() ? jobs.submit_us.front() : 0;
  stats_.start_us = start;
  events_.reserve(1024);
  for (auto* l : listeners_) l->on_run_start(*this, start);
  if (jobs.size()) {
    events_.push(jobs.submit_us[0], EventKind::kJobArrival, 0, 0);
    ++live_events_;
  }
  // Samples fall on multiples of the interval, starting at or before the first arrival.
  const SimTime interval = config_.sample_interval_us;
  SimTime first_sample = start >= 0 ? start / interval * interval : -((-start + interval - 1) / interval) * interval;
  events_.push(first_sample, EventKind::kSample);

  CAPSIM_CHECK(!has_elastic_ || capacity_, "a fleet with elastic pools has a capacity policy");
  for (std::size_t n = 0; n < fleet_->size(); ++n) node_acquired_us_[n] = start;
  if (has_elastic_)  // elastic nodes held from the start are idle until a job lands
    for (std::size_t n = 0; n < fleet_->size(); ++n)
      if (node_state_[n] == NodeState::kOnline && fleet_->pools[static_cast<std::size_t>(fleet_->pool[n])].elastic)
        node_idle(start, static_cast<std::int32_t>(n));

  if (capacity_) {
    const SimTime tick = capacity_->next_tick(start);
    if (tick != kNever) events_.push(std::max(tick, start), EventKind::kCapacityTick);
  }
  if (has_spot_) {
    for (std::size_t n = 0; n < fleet_->size(); ++n)
      if (node_state_[n] == NodeState::kOnline) arm_spot(start, n);
    for (std::size_t p = 0; p < fleet_->pools.size(); ++p) {
      for (SimTime t : fleet_->pools[p].spot.notices_at_us)
        if (t >= start) {  // the run starts at its first arrival; earlier notices do not apply
          events_.push(t, EventKind::kPoolNotice, static_cast<std::uint32_t>(p));
          ++wait_events_;
        }
      const auto& at = fleet_->pools[p].spot.capacity_at_us;
      for (std::size_t i = 0; i < at.size(); ++i) {
        // The point in force at the start applies at once; later ones when they come.
        if (i + 1 < at.size() && at[i + 1] <= start) continue;
        events_.push(std::max(at[i], start), EventKind::kPoolCapacity, static_cast<std::uint32_t>(p),
                     static_cast<std::uint32_t>(i));
        ++wait_events_;
      }
    }
  }

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
    handle(e);
    ++stats_.events_processed;
    if (!settled_listeners_.empty() && !pass_scheduled_)
      for (auto* l : settled_listeners_) l->on_settled(*this, now);
    // Nothing left that can change the cluster; future spot capacity matters only to waiting jobs.
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

void Simulation::handle(const Event& e) {
  const std::uint32_t j = e.job;
  switch (e.kind()) {
    case EventKind::kJobFinish: {
      if (e.generation != generation_[j]) {
        ++stats_.events_stale;
        return;
      }
      --live_events_;
      const Placement p = release_workers(j);
      state_[j] = JobState::kCompleted;
      ++generation_[j];
      end_us_[j] = e.time;
      --running_;
      for (auto* l : listeners_) l->on_allocation_changed(*this, e.time, j);
      for (auto* l : listeners_) l->on_job_finished(*this, e.time, j, p);
      request_pass(e.time);
      if (has_elastic_)
        for_each_placement(j, [&](const Placement& q) {
          const auto node = static_cast<std::size_t>(q.node);
          if (cluster_.jobs_on(node) != 0 || node_state_[node] != NodeState::kOnline ||
              !fleet_->pools[static_cast<std::size_t>(fleet_->pool[q.node])].elastic)
            return;
          if (drained(node))
            release_node(e.time, q.node);  // a drained node goes as soon as it is empty
          else
            node_idle(e.time, q.node);
        });
      gang_.erase(j);
      return;
    }
    case EventKind::kJobSavedExit:
      if (e.generation != generation_[j]) {
        ++stats_.events_stale;
        return;
      }
      interrupt_job(e.time, j);
      return;
    case EventKind::kNodeReady:
      --live_events_;
      node_ready(e.time, static_cast<std::int32_t>(j));
      return;
    case EventKind::kNodeNotice:
      if (e.generation != node_hold_gen_[j] || node_state_[j] != NodeState::kOnline) {
        ++stats_.events_stale;
        return;
      }
      node_notice(e.time, j);
      return;
    case EventKind::kPoolNotice: {
      // A hand-placed interruption: the pool's reclaim order picks an online node.
      --wait_events_;
      const std::int32_t pick = pick_online_node(j);
      if (pick >= 0) node_notice(e.time, static_cast<std::size_t>(pick));
      return;
    }
    case EventKind::kPoolCapacity:
      --wait_events_;
      capacity_change(e.time, j, fleet_->pools[j].spot.capacity_nodes[e.generation]);
      return;
    case EventKind::kNodeReclaim:
      --live_events_;  // counted live: a reclaim interrupts jobs and may bring a replacement
      if (e.generation != node_hold_gen_[j] || node_state_[j] != NodeState::kDraining) {
        ++stats_.events_stale;
        return;
      }
      node_reclaim(e.time, j);
      return;
    case EventKind::kNodeIdleCheck: {
      const auto n = static_cast<std::size_t>(j);
      if (e.generation != node_idle_gen_[n] || node_state_[n] != NodeState::kOnline || cluster_.jobs_on(n) != 0) {
        ++stats_.events_stale;
        return;
      }
      const SimTime at = capacity_->release_at(*this, e.time, static_cast<std::int32_t>(j));
      if (at <= e.time)
        release_node(e.time, static_cast<std::int32_t>(j));
      else if (at != kNever)
        events_.push(at, EventKind::kNodeIdleCheck, j, node_idle_gen_[n]);
      return;
    }
    case EventKind::kJobArrival: {
      --live_events_;
      state_[j] = JobState::kPending;
      ++pending_;
      queue_.push(j);
      for (auto* l : listeners_) l->on_job_arrived(*this, e.time, j);
      if (config_.max_wait_us > 0) {
        events_.push(e.time + config_.max_wait_us, EventKind::kJobGiveUp, j, generation_[j]);
        ++live_events_;
      }
      if (++next_arrival_ < jobs_->size()) {
        events_.push(jobs_->submit_us[next_arrival_], EventKind::kJobArrival,
                     static_cast<std::uint32_t>(next_arrival_), 0);
        ++live_events_;
      }
      request_pass(e.time);
      return;
    }
    case EventKind::kJobGiveUp: {
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
      queue_.trim(queue_.class_of(j), [&](std::uint32_t k) { return state_[k] != JobState::kPending; });
      for (auto* l : listeners_) l->on_job_gave_up(*this, e.time, j);
      // Under strict FIFO the job that left may have blocked every job behind it.
      if (config_.queue == QueueDiscipline::kStrictFifo && pending_ > 0) request_pass(e.time);
      return;
    }
    case EventKind::kCapacityTick: {
      plan_capacity(e.time);
      acquire_.clear();
      capacity_->drain(*this, e.time, acquire_);
      for (std::int32_t n : acquire_) {
        const auto node = static_cast<std::size_t>(n);
        CAPSIM_CHECK(node_state_[node] == NodeState::kOnline &&
                         fleet_->pools[static_cast<std::size_t>(fleet_->pool[node])].elastic,
                     "a capacity policy drains only online elastic nodes");
        if (drained_.empty()) drained_.assign(fleet_->size(), 0);
        drained_[node] = 1;
        cluster_.set_online(node, false);  // no new jobs; the running ones finish
        for (auto* l : listeners_) l->on_node_drained(*this, e.time, n);
        if (cluster_.jobs_on(node) == 0) release_node(e.time, n);
      }
      const SimTime next = capacity_->next_tick(e.time);
      if (next != kNever) events_.push(std::max(next, e.time + 1), EventKind::kCapacityTick);
      return;
    }
    case EventKind::kCapacityWake:
      --wait_events_;
      if (e.time != capacity_wake_us_) {
        ++stats_.events_stale;
        return;
      }
      capacity_wake_us_ = kNever;
      if (pending_ > 0) plan_capacity(e.time);
      return;
    case EventKind::kSchedulePass:
      pass_scheduled_ = false;
      schedule_pass(e.time);
      return;
    case EventKind::kSample:
      for (auto* l : listeners_) l->on_sample(*this, e.time);
      last_sample_ = e.time;
      events_.push(e.time + config_.sample_interval_us, EventKind::kSample);
      return;
  }
}

void Simulation::request_pass(SimTime now) {
  // Several arrivals and finishes at one instant share one pass.
  if (pass_scheduled_) return;
  pass_scheduled_ = true;
  events_.push(now, EventKind::kSchedulePass);
}

bool Simulation::may_fit_now(std::uint32_t c) {
  const std::uint32_t since = queue_.blocked_at(c);
  if (since == PendingQueue::kNotBlocked) return true;
  const JobRequest r = jobs_->request(queue_.head(c));
  for (std::size_t i = since; i < freed_log_.size(); ++i)
    if (cluster_.fits(static_cast<std::size_t>(freed_log_[i]), r)) return true;
  // None of those nodes fits, and capacity only grows again through new
  // entries in the log: the next pass need not look at these.
  queue_.block(c, static_cast<std::uint32_t>(freed_log_.size()));
  return false;
}

void Simulation::schedule_pass(SimTime now) {
  ++stats_.passes;
  if (config_.queue == QueueDiscipline::kStrictFifo)
    strict_fifo_pass(now);
  else
    fifo_pass(now);
  if (has_elastic_ && pending_ > 0) plan_capacity(now);
  for (auto* l : listeners_) l->on_pass_end(*this, now);
}

void Simulation::plan_capacity(SimTime now) {
  acquire_.clear();
  const SimTime wake = capacity_->plan(*this, now, acquire_);
  // The policy wants another look later (a cooldown ends): at most one wake-up queued, the earliest.
  if (wake != kNever && wake > now && wake < capacity_wake_us_) {
    capacity_wake_us_ = wake;
    events_.push(wake, EventKind::kCapacityWake);
    ++wait_events_;
  }
  for (std::int32_t n : acquire_) {
    const auto node = static_cast<std::size_t>(n);
    const auto p = static_cast<std::size_t>(fleet_->pool[node]);
    CAPSIM_CHECK(fleet_->pools[p].elastic && node_state_[node] == NodeState::kOffline,
                 "a capacity policy acquires only offline elastic nodes");
    ++stats_.nodes_acquired;
    boot_node(now, node, fleet_->pools[p].boot_delay_us);
  }
}

void Simulation::boot_node(SimTime now, std::size_t node, SimTime delay_us) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  node_state_[node] = NodeState::kBooting;
  node_acquired_us_[node] = now;
  node_boot_us_[node] = delay_us;
  ++pool_held_[p];
  ++pool_booting_[p];
  for (auto* l : listeners_) l->on_node_acquired(*this, now, static_cast<std::int32_t>(node));
  events_.push(now + delay_us, EventKind::kNodeReady, static_cast<std::uint32_t>(node));
  ++live_events_;
}

void Simulation::node_ready(SimTime now, std::int32_t n) {
  const auto node = static_cast<std::size_t>(n);
  CAPSIM_CHECK(node_state_[node] == NodeState::kBooting, "only a booting node becomes ready");
  node_state_[node] = NodeState::kOnline;
  const auto pool = static_cast<std::size_t>(fleet_->pool[node]);
  --pool_booting_[pool];
  cluster_.set_online(node, true);
  freed_log_.push_back(n);  // blocked request classes may fit on it
  for (auto* l : listeners_) l->on_node_ready(*this, now, n);
  request_pass(now);
  if (has_spot_) {
    arm_spot(now, node);
    // Capacity fell while it booted: it is reclaimed at once.
    if (pool_held_[pool] - pool_draining_[pool] > pool_capacity_[pool]) node_notice(now, node);
  }
  if (fleet_->pools[pool].elastic) node_idle(now, n);
}

void Simulation::arm_spot(SimTime now, std::size_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  const double rate = fleet_->pools[p].spot.interruptions_per_node_hour;
  if (fleet_->pools[p].kind != PoolKind::kSpot || rate <= 0) return;
  const double wait_s = pool_rng_[p].exponential(3600.0 / rate);
  if (!(wait_s < 1e12)) return;  // effectively never
  events_.push(now + seconds_to_us(wait_s), EventKind::kNodeNotice, static_cast<std::uint32_t>(node),
               node_hold_gen_[node]);
}

std::int32_t Simulation::pick_online_node(std::size_t pool) const {
  std::int32_t pick = -1;
  const ReclaimOrder order = fleet_->pools[pool].spot.reclaim;
  for (std::size_t n = 0; n < fleet_->size(); ++n) {
    if (fleet_->pool[n] != static_cast<std::int32_t>(pool) || node_state_[n] != NodeState::kOnline) continue;
    const bool better = pick < 0 || (order == ReclaimOrder::kNewest && node_acquired_us_[n] >= node_acquired_us_[pick]) ||
                        (order == ReclaimOrder::kOldest && node_acquired_us_[n] < node_acquired_us_[pick]);
    if (better) pick = static_cast<std::int32_t>(n);
  }
  return pick;
}

void Simulation::capacity_change(SimTime now, std::size_t p, std::int32_t nodes) {
  const std::int32_t before = pool_capacity_[p];
  pool_capacity_[p] = nodes;
  // Held above capacity (not counting nodes already leaving): the excess gets notices.
  std::int32_t excess = pool_held_[p] - pool_draining_[p] - nodes;
  while (excess > 0) {
    const std::int32_t pick = pick_online_node(p);
    if (pick < 0) break;  // the rest are booting: they are reclaimed when they come up
    node_notice(now, static_cast<std::size_t>(pick));
    --excess;
  }
  // An elastic pool may acquire again for waiting jobs: the pass asks the capacity policy.
  if (fleet_->pools[p].elastic) {
    if (nodes > before && pending_ > 0) request_pass(now);
    return;
  }
  // A static pool gets back the nodes it lost while capacity was short.
  for (std::size_t n = 0; n < fleet_->size() && pool_held_[p] < nodes; ++n) {
    if (fleet_->pool[n] == static_cast<std::int32_t>(p) && node_state_[n] == NodeState::kOffline)
      boot_node(now, n, fleet_->pools[p].spot.replacement_delay_us);
  }
}

void Simulation::node_notice(SimTime now, std::size_t node) {
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  const SpotSpec& spot = fleet_->pools[p].spot;
  ++pool_draining_[p];
  node_state_[node] = NodeState::kDraining;
  cluster_.set_online(node, false);
  cluster_.note_interruption(p, now);
  ++stats_.node_notices;
  // Jobs that checkpoint on notice, when the notice leaves time to write one
  // and they would not finish before the reclaim anyway, stop working now,
  // write a checkpoint of their progress (checkpoint_cost_s) and leave the
  // node: nothing they did is lost, and they wait for a new place from then.
  for (std::uint32_t j : jobs_on_node_[node]) {
    const Resilience& r = jobs_->resilience_of(j);
    if (!r.checkpoint_on_notice || spot.notice_us < r.checkpoint_cost_us || saved_at_notice_us_[j] >= 0) continue;
    const SimTime finish = last_start_us_[j] + segment_wall_us(r, jobs_->duration_us[j], progress_us_[j]);
    if (finish <= now + spot.notice_us) continue;
    saved_at_notice_us_[j] = progress_at(r, jobs_->duration_us[j], progress_us_[j], now - last_start_us_[j]).reached_us;
    ++generation_[j];  // its finish event is stale; the exit takes its place among the live events
    events_.push(now + r.checkpoint_cost_us, EventKind::kJobSavedExit, j, generation_[j]);
  }
  for (auto* l : listeners_) l->on_node_notice(*this, now, static_cast<std::int32_t>(node));
  events_.push(now + spot.notice_us, EventKind::kNodeReclaim, static_cast<std::uint32_t>(node), node_hold_gen_[node]);
  ++live_events_;
}

void Simulation::node_reclaim(SimTime now, std::size_t node) {
  const std::vector<std::uint32_t> victims = jobs_on_node_[node];
  for (std::uint32_t j : victims) interrupt_job(now, j);
  CAPSIM_CHECK(cluster_.jobs_on(node) == 0, "a reclaimed node is empty");
  const auto p = static_cast<std::size_t>(fleet_->pool[node]);
  ++node_hold_gen_[node];
  ++node_idle_gen_[node];
  --pool_draining_[p];
  node_state_[node] = NodeState::kOffline;
  if (!drained_.empty()) drained_[node] = 0;
  --pool_held_[p];
  for (auto* l : listeners_) l->on_node_released(*this, now, static_cast<std::int32_t>(node));
  // A static pool below its capacity requests (and pays for) a replacement now; an elastic
  // pool's capacity policy acquires again if the queue asks.
  if (!fleet_->pools[p].elastic && pool_held_[p] < pool_capacity_[p])
    boot_node(now, node, fleet_->pools[p].spot.replacement_delay_us);
}

Placement Simulation::release_workers(std::uint32_t j) {
  const JobRequest r = jobs_->request(j);
  for_each_placement(j, [&](const Placement& q) {
    cluster_.release(r, q);
    freed_log_.push_back(q.node);
    if (has_spot_) {
      auto& on = jobs_on_node_[static_cast<std::size_t>(q.node)];
      on.erase(std::find(on.begin(), on.end(), j));
    }
  });
  return placement_[j];
}

void Simulation::interrupt_job(SimTime now, std::uint32_t j) {
  if (state_[j] != JobState::kRunning) return;  // a gang with several workers on the reclaimed node
  const Placement p = release_workers(j);
  const Resilience& r = jobs_->resilience_of(j);
  const SegmentProgress sp = progress_at(r, jobs_->duration_us[j], progress_us_[j], now - last_start_us_[j]);
  SimTime saved = sp.saved_us, lost = sp.reached_us - sp.saved_us;
  if (saved_at_notice_us_[j] >= 0) {  // checkpointed on notice: nothing lost
    saved = saved_at_notice_us_[j];
    lost = 0;
    saved_at_notice_us_[j] = -1;
  }
  progress_us_[j] = saved;
  lost_us_[j] += lost;
  ++restarts_[j];
  ++generation_[j];  // its finish event is now stale
  --live_events_;
  --running_;
  ++stats_.jobs_interrupted;
  for (auto* l : listeners_) l->on_allocation_changed(*this, now, j);
  for (auto* l : listeners_) l->on_job_interrupted(*this, now, j, p, lost);
  gang_.erase(j);
  request_pass(now);  // its capacity is free (unless the node is going), and it may wait again
  if (r.max_retries >= 0 && restarts_[j] > r.max_retries) {
    state_[j] = JobState::kFailed;
    end_us_[j] = now;
    ++failed_;
    return;
  }
  state_[j] = JobState::kPending;
  ++pending_;
  queue_.push(j);
}

void Simulation::node_idle(SimTime now, std::int32_t n) {
  const SimTime grace = capacity_->idle_grace_us(*this, n);
  if (grace == kNever) return;
  events_.push(now + grace, EventKind::kNodeIdleCheck, static_cast<std::uint32_t>(n),
               node_idle_gen_[static_cast<std::size_t>(n)]);
}

void Simulation::release_node(SimTime now, std::int32_t n) {
  const auto node = static_cast<std::size_t>(n);
  if (!drained_.empty()) drained_[node] = 0;
  cluster_.set_online(node, false);
  node_state_[node] = NodeState::kOffline;
  --pool_held_[static_cast<std::size_t>(fleet_->pool[node])];
  ++node_idle_gen_[node];
  if (has_spot_) ++node_hold_gen_[node];  // its pending interruption no longer applies
  ++stats_.nodes_released;
  for (auto* l : listeners_) l->on_node_released(*this, now, n);
}

// Pending jobs are tried in arrival order; one that does not fit is skipped.
// Classes are merged by the arrival order of their heads; a class whose head
// fails is done for this pass (its other jobs make the same request).
void Simulation::fifo_pass(SimTime now) {
  candidates_.clear();
  for (std::uint32_t c : queue_.active())
    if (may_fit_now(c)) candidates_.push_back({queue_.head(c), c});
  auto later = [](const auto& a, const auto& b) { return a.first > b.first; };
  std::make_heap(candidates_.begin(), candidates_.end(), later);
  const auto log_now = static_cast<std::uint32_t>(freed_log_.size());
  while (!candidates_.empty()) {
    std::pop_heap(candidates_.begin(), candidates_.end(), later);
    const std::uint32_t c = candidates_.back().second;
    candidates_.pop_back();
    if (place_head(c, now, log_now) && queue_.has_waiting(c)) {
      candidates_.push_back({queue_.head(c), c});
      std::push_heap(candidates_.begin(), candidates_.end(), later);
    }
  }
}

// The oldest pending job blocks everything behind it.
void Simulation::strict_fifo_pass(SimTime now) {
  const auto log_now = static_cast<std::uint32_t>(freed_log_.size());
  while (!queue_.active().empty()) {
    const std::uint32_t c = queue_.class_of(strict_fifo_head());
    if (!may_fit_now(c) || !place_head(c, now, log_now)) return;
  }
}

void Simulation::refused(std::uint32_t c, std::uint32_t log_now) {
  // A refusal that may change by itself is asked again at the next pass;
  // otherwise the class waits for capacity freed after this point.
  if (policy_->refusal_may_change())
    queue_.unblock(c);
  else
    queue_.block(c, log_now);
}

bool Simulation::place_head(std::uint32_t c, SimTime now, std::uint32_t log_now) {
  const std::uint32_t j = queue_.head(c);
  ++stats_.placement_calls;
  const JobRequest r = jobs_->request(j);
  const std::int32_t workers = jobs_->workers[j];
  if (workers == 1) {
    const Placement p = policy_->place(j, r, cluster_, now);
    if (!p.placed()) {
      refused(c, log_now);
      return false;
    }
    queue_.pop_head(c);
    start_job(now, j, &p, 1);
  } else {
    // A gang: place worker after worker on the cluster as it fills; all or none.
    gang_scratch_.clear();
    for (std::int32_t w = 0; w < workers; ++w) {
      const Placement p = policy_->place(j, r, cluster_, now);
      if (!p.placed()) break;
      cluster_.allocate(r, p);  // checks the policy's answer
      gang_scratch_.push_back(p);
    }
    if (static_cast<std::int32_t>(gang_scratch_.size()) < workers) {
      for (const Placement& p : gang_scratch_) cluster_.release(r, p);
      refused(c, log_now);
      return false;
    }
    queue_.pop_head(c);
    start_job(now, j, gang_scratch_.data(), workers);
  }
  queue_.trim(c, [&](std::uint32_t k) { return state_[k] != JobState::kPending; });
  return true;
}

void Simulation::start_job(SimTime now, std::uint32_t j, const Placement* placements, std::int32_t workers) {
  const Placement& p = placements[0];
  if (workers == 1)
    cluster_.allocate(jobs_->request(j), p);  // checks the policy's answer against capacity
  else
    gang_[j].assign(placements, placements + workers);
  if (config_.max_wait_us > 0 && start_us_[j] < 0) --live_events_;  // its give-up event is now stale
  state_[j] = JobState::kRunning;
  ++generation_[j];
  placement_[j] = p;
  for (std::int32_t w = 0; w < workers; ++w) ++node_idle_gen_[static_cast<std::size_t>(placements[w].node)];
  if (start_us_[j] < 0) start_us_[j] = now;  // the first start: waits are measured to it
  --pending_;
  ++running_;
  SimTime wall = jobs_->duration_us[j];
  if (resilient_) {
    last_start_us_[j] = now;
    wall = segment_wall_us(jobs_->resilience_of(j), jobs_->duration_us[j], progress_us_[j]);
  }
  if (has_spot_)
    for (std::int32_t w = 0; w < workers; ++w) jobs_on_node_[static_cast<std::size_t>(placements[w].node)].push_back(j);
  events_.push(now + wall, EventKind::kJobFinish, j, generation_[j]);
  ++live_events_;
  for (auto* l : listeners_) l->on_allocation_changed(*this, now, j);
  for (auto* l : listeners_) l->on_job_placed(*this, now, j, p);
}

}  // namespace capsim
