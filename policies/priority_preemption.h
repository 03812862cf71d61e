#pragma once
// Priority preemption around any placement policy, after the Kubernetes
// scheduler's DefaultPreemption plugin, with Koordinator's tier rule: when
// the policy finds no node, a tiered pod may evict running tiered pods of
// lower priority that hold the same kind of resource (native, Mid or Batch),
// except that Prod never preempts Mid. Per node: take every candidate off,
// check the pod fits, then give candidates back from the highest priority
// down while it still fits (the "reprieve"); the rest are the node's
// victims. The node chosen has the lowest highest-victim priority, then the
// lowest sum of victim priorities, then the fewest victims, then the lowest
// index. Victims are interrupted (reason preempted) and wait again.
// Enabled by the scenario's colocation.preemption.
#include <vector>

#include "sim/core/placement_policy.h"

namespace capsim {

class PriorityPreemption final : public PlacementPolicy {
 public:
  explicit PriorityPreemption(PlacementPolicy& inner) : inner_(inner) {}
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override {
    return inner_.place(job, r, c, now);
  }
  bool place_gang(std::uint32_t job, const JobRequest& r, std::int32_t workers, GangDraft& d, SimTime now) override {
    return inner_.place_gang(job, r, workers, d, now);
  }
  bool may_preempt() const override { return true; }
  void choose_victims(std::uint32_t job, const JobRequest& request, const Simulation& sim, SimTime now,
                      std::vector<std::uint32_t>& victims) override;
  bool may_use(std::uint32_t job, const JobRequest& r, const PoolSpec& pool) const override {
    return inner_.may_use(job, r, pool);
  }
  bool allows(std::uint32_t job, const JobRequest& r, const ClusterState& c, std::size_t node, SimTime now) const override {
    return inner_.allows(job, r, c, node, now);
  }
  std::uint64_t job_class_key(std::uint32_t job) const override { return inner_.job_class_key(job); }
  bool refusal_may_change() const override { return inner_.refusal_may_change(); }
  SimTime refusal_changes_at() const override { return inner_.refusal_changes_at(); }

 private:
  PlacementPolicy& inner_;
  std::vector<std::uint32_t> candidates_, kept_, best_;
};

// Whether a pod of tier `a` may preempt one of tier `b` (priorities aside): both tiered, and not Prod over Mid.
bool tier_may_preempt(const TierClass& a, const TierClass& b);

}  // namespace capsim
