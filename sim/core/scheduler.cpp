#include "sim/core/scheduler.h"

#include <algorithm>

#include "sim/base/check.h"
#include "sim/core/placement_policy.h"
#include "sim/core/simulation.h"

namespace capsim {

Scheduler::Scheduler(Simulation& sim, const JobTable& jobs, PlacementPolicy& policy, QueueDiscipline discipline)
    : sim_(sim), jobs_(jobs), policy_(policy), discipline_(discipline), queue_(jobs, policy) {}

void Scheduler::trim_class_of(std::uint32_t job) {
  queue_.trim(queue_.class_of(job), [&](std::uint32_t k) { return sim_.state(k) != JobState::kPending; });
}

std::uint32_t Scheduler::strict_fifo_head() const {
  std::uint32_t head = UINT32_MAX;
  if (discipline_ == QueueDiscipline::kStrictFifo)
    for (std::uint32_t c : queue_.active()) head = std::min(head, queue_.head(c));
  return head;
}

void Scheduler::pass(SimTime now) {
  if (discipline_ == QueueDiscipline::kStrictFifo)
    strict_fifo_pass(now);
  else
    fifo_pass(now);
}

bool Scheduler::may_fit_now(std::uint32_t c) {
  const std::uint32_t since = queue_.blocked_at(c);
  if (since == PendingQueue::kNotBlocked) return true;
  const JobRequest r = jobs_.request(queue_.head(c));
  const ClusterState& cluster = sim_.cluster();
  for (std::size_t i = since; i < freed_log_.size(); ++i)
    if (cluster.fits(static_cast<std::size_t>(freed_log_[i]), r)) return true;
  // None of those nodes fits, and capacity only grows again through new
  // entries in the log: the next pass need not look at these.
  queue_.block(c, static_cast<std::uint32_t>(freed_log_.size()));
  return false;
}

// Pending jobs are tried in arrival order; one that does not fit is skipped.
// Classes are merged by the arrival order of their heads; a class whose head
// fails is done for this pass (its other jobs make the same request).
void Scheduler::fifo_pass(SimTime now) {
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
void Scheduler::strict_fifo_pass(SimTime now) {
  const auto log_now = static_cast<std::uint32_t>(freed_log_.size());
  while (!queue_.active().empty()) {
    const std::uint32_t c = queue_.class_of(strict_fifo_head());
    if (!may_fit_now(c) || !place_head(c, now, log_now)) return;
  }
}

void Scheduler::refused(std::uint32_t c, std::uint32_t log_now) {
  // A refusal that may change by itself is asked again at the next pass;
  // otherwise the class waits for capacity freed after this point.
  if (policy_.refusal_may_change()) {
    queue_.unblock(c);
    retry_at_ = std::min(retry_at_, policy_.refusal_changes_at());
  } else {
    queue_.block(c, log_now);
  }
}

bool Scheduler::place_one(std::uint32_t j, const JobRequest& r, SimTime now) {
  Placement& p = gang_scratch_.emplace_back();
  p = policy_.place(j, r, sim_.cluster(), now);
  if (!p.placed() && policy_.may_preempt()) {
    // The policy may name running jobs to preempt; they leave now (and wait
    // again), and the job is offered once more on the cluster they freed.
    victims_.clear();
    policy_.choose_victims(j, r, sim_, now, victims_);
    if (victims_.empty()) return false;
    for (std::uint32_t v : victims_) {
      CAPSIM_CHECK(sim_.state(v) == JobState::kRunning, "a policy preempts only running jobs");
      sim_.interrupt_job(now, v, InterruptReason::kPreempted);
    }
    p = policy_.place(j, r, sim_.cluster(), now);
  }
  if (p.placed()) sim_.cluster().admit(r, p);  // the kubelet's Topology Manager: NUMA node, devices, locality
  return p.placed();
}

bool Scheduler::place_gang(std::uint32_t j, const JobRequest& r, std::int32_t workers, SimTime now) {
  // One call places every worker on the cluster as it fills; all or none.
  GangDraft draft(sim_.mutable_cluster(), r, gang_scratch_);
  const bool placed = policy_.place_gang(j, r, workers, draft, now) &&
                      static_cast<std::int32_t>(gang_scratch_.size()) == workers;
  if (!placed) {
    for (const Placement& p : gang_scratch_) sim_.mutable_cluster().release(r, p);
    return false;
  }
  return true;
}

bool Scheduler::place_head(std::uint32_t c, SimTime now, std::uint32_t log_now) {
  const std::uint32_t j = queue_.head(c);
  sim_.count_placement_call();
  const JobRequest r = jobs_.request(j);
  const std::int32_t workers = jobs_.workers[j];
  gang_scratch_.clear();
  if (!(workers == 1 ? place_one(j, r, now) : place_gang(j, r, workers, now))) {
    refused(c, log_now);
    return false;
  }
  queue_.pop_head(c);
  sim_.start_job(now, j, gang_scratch_.data(), workers);
  queue_.trim(c, [&](std::uint32_t k) { return sim_.state(k) != JobState::kPending; });
  return true;
}

}  // namespace capsim
