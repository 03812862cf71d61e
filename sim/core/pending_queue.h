#pragma once
// The jobs waiting for a placement, grouped by request class: jobs whose
// requests are identical (CPU, memory, GPUs, milli-GPU, allowed models) share
// a class and wait in arrival order within it. Within one scheduling pass
// capacity only shrinks, so once a class's head fails to place, every job
// behind it would fail too: a pass costs O(classes + placements), not
// O(pending jobs), even with a queue of hundreds of thousands.
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/model/job_table.h"

namespace capsim {

class PlacementPolicy;

class PendingQueue {
 public:
  static constexpr std::uint32_t kNotBlocked = UINT32_MAX;

  // Classes group jobs with the same request and the same policy key
  // (PlacementPolicy::job_class_key).
  PendingQueue(const JobTable& jobs, const PlacementPolicy& policy);

  std::uint32_t class_of(std::uint32_t job) const { return class_of_[job]; }
  // Classes with at least one waiting job, in no particular order.
  const std::vector<std::uint32_t>& active() const { return active_; }
  bool has_waiting(std::uint32_t c) const { return !members_[c].empty(); }
  std::uint32_t head(std::uint32_t c) const { return members_[c].front(); }
  // Jobs queued in class c, including any behind the head that gave up already.
  std::size_t waiting(std::uint32_t c) const { return members_[c].size(); }

  // A job arrives. A class that was empty starts unblocked.
  void push(std::uint32_t job);
  // Removes the head of class c.
  void pop_head(std::uint32_t c);
  // Pops heads for which gone(job) holds (jobs that gave up), so that every
  // active class's head is a waiting job.
  template <typename Gone>
  void trim(std::uint32_t c, Gone gone) {
    while (!members_[c].empty() && gone(members_[c].front())) pop_head(c);
  }

  // Where in the freed-node log the class's head last failed to place, or
  // kNotBlocked. Capacity freed after that point may let it fit again.
  std::uint32_t blocked_at(std::uint32_t c) const { return blocked_at_[c]; }
  void block(std::uint32_t c, std::uint32_t freed_log_size) { blocked_at_[c] = freed_log_size; }
  void unblock(std::uint32_t c) { blocked_at_[c] = kNotBlocked; }

 private:
  void deactivate(std::uint32_t c);

  std::vector<std::uint32_t> class_of_;          // per job
  std::vector<std::deque<std::uint32_t>> members_;  // per class, arrival order
  std::vector<std::uint32_t> blocked_at_;        // per class
  std::vector<std::uint32_t> active_;
  std::vector<std::int32_t> active_pos_;         // per class: index in active_, or -1
};

}  // namespace capsim
