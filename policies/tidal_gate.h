#pragma once
// The daily tide at placement, around any placement policy: a Mid or Batch
// pod starts only in windows that let its tier start (and, where a window
// says so, only if it is short or small enough); outside every window any pod
// may start (sim/model/tidal_calendar.h). Its refusals change with the clock,
// so the scheduler asks again at every pass; the tidal component requests a
// pass at each window boundary.
#include <vector>

#include "sim/core/placement_policy.h"
#include "sim/model/tidal_calendar.h"

namespace capsim {

class TidalGate final : public PlacementPolicy {
 public:
  TidalGate(PlacementPolicy& inner, const TidalCalendar& calendar, const JobTable& jobs);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override {
    gated_ = !calendar_.may_start(jobs_, job, now);
    return gated_ ? Placement{} : inner_.place(job, r, c, now);
  }
  bool place_gang(std::uint32_t job, const JobRequest& r, std::int32_t workers, GangDraft& d, SimTime now) override {
    gated_ = !calendar_.may_start(jobs_, job, now);
    return !gated_ && inner_.place_gang(job, r, workers, d, now);
  }
  bool may_preempt() const override { return inner_.may_preempt(); }
  void choose_victims(std::uint32_t job, const JobRequest& r, const Simulation& sim, SimTime now,
                      std::vector<std::uint32_t>& victims) override {
    if (calendar_.may_start(jobs_, job, now)) inner_.choose_victims(job, r, sim, now, victims);
  }
  bool may_use(std::uint32_t job, const JobRequest& r, const PoolSpec& pool) const override {
    return inner_.may_use(job, r, pool);
  }
  bool allows(std::uint32_t job, const JobRequest& r, const ClusterState& c, std::size_t node, SimTime now) const override {
    return calendar_.may_start(jobs_, job, now) && inner_.allows(job, r, c, node, now);
  }
  // Jobs the gate tells apart (tier, length, GPUs against each window) are in different classes.
  std::uint64_t job_class_key(std::uint32_t job) const override {
    return inner_.job_class_key(job) * 0x100000001B3ULL ^ eligibility_[job];
  }
  bool refusal_may_change() const override { return true; }
  // A window boundary passes anyway (the tidal component's events); the inner policy's own reason otherwise.
  SimTime refusal_changes_at() const override { return gated_ ? kNever : inner_.refusal_changes_at(); }

 private:
  PlacementPolicy& inner_;
  const TidalCalendar& calendar_;
  const JobTable& jobs_;
  std::vector<std::uint64_t> eligibility_;  // per job: bit w = may start in window w; top bit: outside
  bool gated_ = false;                      // the last refusal was the calendar's
};

}  // namespace capsim
