// The component interface, on cases worked out by hand: an example component
// that changes progress rates (tests/unit/slow_down_window.h), a placement
// policy that names victims to preempt, and a gang placed in one call.
#include <catch2/catch.hpp>

#include <map>

#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/components/registry.h"
#include "sim/core/simulation.h"
#include "helpers.h"
#include "slow_down_window.h"

using namespace capsim;
using capsim::test::add_job;
using capsim::test::node;
using capsim::test::req;

namespace {

constexpr SimTime s(double seconds) { return static_cast<SimTime>(seconds * 1e6); }

SimConfig config() {
  SimConfig c;
  c.sample_interval_us = s(100000);
  return c;
}

// Records every interruption with its reason.
struct Interruptions final : EngineListener {
  std::vector<std::pair<std::uint32_t, InterruptReason>> seen;
  std::vector<SimTime> lost;
  void on_job_interrupted(const Simulation&, SimTime, std::uint32_t j, const Placement&, SimTime l,
                          InterruptReason why) override {
    seen.push_back({j, why});
    lost.push_back(l);
  }
};

// First fit; job 1 preempts whatever runs on the first node it would fit
// when that node is empty. Every other job only waits.
class PreemptForJobOne final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override {
    return first_fit_->place(job, r, c, now);
  }
  bool may_preempt() const override { return true; }
  void choose_victims(std::uint32_t job, const JobRequest& r, const Simulation& sim, SimTime,
                      std::vector<std::uint32_t>& victims) override {
    if (job != 1) return;
    for (std::size_t n = 0; n < sim.fleet().size(); ++n)
      if (sim.cluster().fits_empty(n, r)) {
        for (std::uint32_t v : sim.jobs_on_node(n)) victims.push_back(v);
        return;
      }
  }

 private:
  std::unique_ptr<PlacementPolicy> first_fit_ = make_placement_policy("first-fit", {}, 1);
};

// Places a gang only when every worker fits on one rack of two nodes.
class WholeRackGangs final : public PlacementPolicy {
 public:
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override {
    return first_fit_->place(job, r, c, now);
  }
  bool place_gang(std::uint32_t job, const JobRequest& r, std::int32_t workers, GangDraft& draft,
                  SimTime now) override {
    ++calls;
    const ClusterState& c = draft.cluster();
    for (std::size_t rack = 0; rack + 1 < c.fleet().size(); rack += 2) {
      if (!c.fits(rack, r) || !c.fits(rack + 1, r) || workers != 2) continue;
      draft.add({static_cast<std::int32_t>(rack), 0});
      draft.add({static_cast<std::int32_t>(rack + 1), 0});
      return true;
    }
    (void)job, (void)now;
    return false;
  }
  int calls = 0;

 private:
  std::unique_ptr<PlacementPolicy> first_fit_ = make_placement_policy("first-fit", {}, 1);
};

}  // namespace

TEST_CASE("an example component slows running jobs in a window: their finishes move by hand-computed amounts",
          "[component]") {
  // A: 1,000 s from 0. Window [400, 800) at rate 0.5: 400 s done at 400,
  // 200 s more by 800, the last 400 s at full speed: ends at 1,200.
  // B: 100 s from 900, after the window: unaffected, ends at 1,000.
  Fleet fleet;
  fleet.add_node(node("n0", 8000, 8192, 0));
  JobTable jobs;
  add_job(jobs, 0, 1000, req(1000, 1024));
  add_job(jobs, 900, 100, req(1000, 1024));
  auto policy = make_placement_policy("first-fit", {}, 1);
  Simulation sim(fleet, jobs, *policy, config());
  add_standard_components(sim);
  sim.add_component(std::make_unique<test::SlowDownWindow>(s(400), s(800), 0.5));
  sim.run();
  CHECK(sim.end_us(0) == s(1200));
  CHECK(sim.end_us(1) == s(1000));
  CHECK(sim.stats().end_us == s(1200));
}

TEST_CASE("a slowed job with checkpoints: the segment's own clock runs at the rate", "[component]") {
  // 1,000 s of work, a 10 s checkpoint every 400 s: 1,020 s at full speed.
  // At rate 0.5 from 0 to 200: 100 s of the segment's clock; the remaining
  // 920 s at full speed: ends at 1,120.
  Fleet fleet;
  fleet.add_node(node("n0", 8000, 8192, 0));
  JobTable jobs;
  add_job(jobs, 0, 1000, req(1000, 1024));
  Resilience r;
  r.checkpoint_interval_us = s(400);
  r.checkpoint_cost_us = s(10);
  jobs.set_resilience(0, 1, r);
  auto policy = make_placement_policy("first-fit", {}, 1);
  Simulation sim(fleet, jobs, *policy, config());
  add_standard_components(sim);
  sim.add_component(std::make_unique<test::SlowDownWindow>(s(0), s(200), 0.5));
  sim.run();
  CHECK(sim.end_us(0) == s(1120));
}

TEST_CASE("a placement names a victim: it is preempted with the reason recorded and runs again", "[component]") {
  // One 8-core node. L (8 cores, 1,000 s) starts at 0. H (8 cores, 100 s)
  // arrives at 200; first fit refuses, the policy names L: L is interrupted
  // at 200 (no checkpoints: 200 s lost), H runs 200-300, L again 300-1,300.
  Fleet fleet;
  fleet.add_node(node("n0", 8000, 8192, 0));
  JobTable jobs;
  add_job(jobs, 0, 1000, req(8000, 1024));
  add_job(jobs, 200, 100, req(8000, 1024));
  PreemptForJobOne policy;
  Simulation sim(fleet, jobs, policy, config());
  add_standard_components(sim);
  Interruptions seen;
  sim.add_listener(&seen);
  sim.run();
  CHECK(sim.start_us(1) == s(200));
  CHECK(sim.end_us(1) == s(300));
  CHECK(sim.end_us(0) == s(1300));
  CHECK(sim.restarts(0) == 1);
  CHECK(sim.lost_us(0) == s(200));
  CHECK(sim.stats().jobs_preempted == 1);
  REQUIRE(seen.seen.size() == 1);
  CHECK(seen.seen[0].first == 0);
  CHECK(seen.seen[0].second == InterruptReason::kPreempted);
  CHECK(seen.lost[0] == s(200));
}

TEST_CASE("a gang is placed by one call: a policy keeps both workers in one rack", "[component]") {
  // Racks {n0, n1} and {n2, n3}. X (1 worker, 8 cores) takes n0 at 0. The
  // gang G (2 x 8 cores) arrives at 1: rack 0 is not whole, so both workers
  // go to rack 1 (n2, n3), where worker-by-worker first fit would have
  // split them over n1 and n2.
  Fleet fleet;
  for (const char* n : {"n0", "n1", "n2", "n3"}) fleet.add_node(node(n, 8000, 8192, 0));
  JobTable jobs;
  add_job(jobs, 0, 100, req(8000, 1024));
  add_job(jobs, 1, 100, req(8000, 1024));
  jobs.workers[1] = 2;
  WholeRackGangs policy;
  Simulation sim(fleet, jobs, policy, config());
  add_standard_components(sim);
  struct GangNodes final : EngineListener {
    std::vector<std::int32_t> nodes;
    void on_job_placed(const Simulation& sim, SimTime, std::uint32_t j, const Placement&) override {
      if (j == 1) sim.for_each_placement(j, [&](const Placement& p) { nodes.push_back(p.node); });
    }
  } seen;
  sim.add_listener(&seen);
  sim.run();
  const std::vector<std::int32_t>& gang_nodes = seen.nodes;
  REQUIRE(gang_nodes.size() == 2);
  CHECK(sim.placement(0).node == 0);
  CHECK(gang_nodes[0] == 2);
  CHECK(gang_nodes[1] == 3);
  CHECK(policy.calls == 1);
  CHECK(sim.end_us(1) == s(101));
}

TEST_CASE("a component claims a free slot of the event order, a taken slot is refused", "[component]") {
  Fleet fleet;
  fleet.add_node(node("n0", 8000, 8192, 0));
  JobTable jobs;
  add_job(jobs, 0, 10, req(1000, 1024));
  auto policy = make_placement_policy("first-fit", {}, 1);
  Simulation sim(fleet, jobs, *policy, config());
  sim.add_component(std::make_unique<test::SlowDownWindow>(s(1), s(2), 0.5));
  CHECK_THROWS_AS(sim.add_component(std::make_unique<test::SlowDownWindow>(s(1), s(2), 0.5)), InvariantError);
}
