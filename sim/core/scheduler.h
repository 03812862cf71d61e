#pragma once
// The scheduling pass: waiting jobs are offered to the placement policy
// under the run's queue discipline. Waiting jobs are grouped into request
// classes (sim/core/pending_queue.h); a class whose head was refused is
// skipped until capacity is freed on a node it could fit (the freed-node
// log), or until the next pass when the policy says its refusal may change.
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/base/time.h"
#include "sim/core/pending_queue.h"
#include "sim/model/cluster_state.h"

namespace capsim {

class Simulation;
class PlacementPolicy;

enum class QueueDiscipline : std::uint8_t {
  kFifo,        // every pending job is tried in arrival order; one that does not fit is skipped
  kStrictFifo,  // the oldest pending job blocks all behind it (batch-scheduler style)
};

class Scheduler {
 public:
  Scheduler(Simulation& sim, const JobTable& jobs, PlacementPolicy& policy, QueueDiscipline discipline);

  void push(std::uint32_t job) { queue_.push(job); }
  // Drops heads of the job's class that no longer wait (gave up).
  void trim_class_of(std::uint32_t job);
  // Capacity was freed (or added) on the node: blocked classes may fit there.
  void node_freed(std::int32_t node) { freed_log_.push_back(node); }
  void pass(SimTime now);
  // The earliest instant a refusal of the passes so far gives way by itself (kNever: none); resets it.
  SimTime take_retry_at() {
    const SimTime t = retry_at_;
    retry_at_ = kNever;
    return t;
  }

  const PendingQueue& queue() const { return queue_; }
  QueueDiscipline discipline() const { return discipline_; }
  // Under strict FIFO, the job every other waits behind; UINT32_MAX under FIFO or with none waiting.
  std::uint32_t strict_fifo_head() const;

 private:
  // Checks only nodes freed since the class last looked, then moves its mark
  // to the end of the log: a long-blocked class costs nothing per pass.
  bool may_fit_now(std::uint32_t request_class);
  void fifo_pass(SimTime now);
  void strict_fifo_pass(SimTime now);
  // Tries the oldest job of request class c; blocks the class if it does not place.
  bool place_head(std::uint32_t c, SimTime now, std::uint32_t log_now);
  bool place_one(std::uint32_t j, const JobRequest& r, SimTime now);
  bool place_gang(std::uint32_t j, const JobRequest& r, std::int32_t workers, SimTime now);
  void refused(std::uint32_t c, std::uint32_t log_now);  // the head of class c did not place

  Simulation& sim_;
  const JobTable& jobs_;
  PlacementPolicy& policy_;
  QueueDiscipline discipline_;
  PendingQueue queue_;
  // Nodes that gained free capacity, in order. A request class that failed
  // can only fit again on a node freed since, so retries check those first.
  std::vector<std::int32_t> freed_log_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> candidates_;  // (head job, class), reused by passes
  std::vector<Placement> gang_scratch_;  // the placements of the job being placed (one per worker)
  std::vector<std::uint32_t> victims_;
  SimTime retry_at_ = kNever;
};

}  // namespace capsim
