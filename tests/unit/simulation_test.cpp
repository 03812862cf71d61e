#include <catch2/catch.hpp>

#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/components/registry.h"
#include "sim/core/simulation.h"
#include "sim/metrics/recorder.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::add_job;
using capsim::test::node;
using capsim::test::req;

namespace {

constexpr SimTime s(double seconds) { return static_cast<SimTime>(seconds * 1e6); }

// One node with 4 cores, 8 GiB and one GPU.
//   j0: t=0, 10 s, a whole GPU
//   j1: t=2, 5 s, half a GPU        -> waits for j0
//   j2: t=3, 4 s, CPU only          -> runs at once (FIFO skips the blocked j1)
//   j3: t=4, 1 s, half a GPU        -> waits for j0, then shares the GPU with j1
struct Timeline {
  Fleet fleet;
  JobTable jobs;
  Timeline() {
    fleet.add_node(node("n0", 4000, 8192, 1));
    add_job(jobs, 0, 10, req(1000, 1024, 1, 1000));
    add_job(jobs, 2, 5, req(1000, 1024, 1, 500));
    add_job(jobs, 3, 4, req(1000, 1024));
    add_job(jobs, 4, 1, req(1000, 1024, 1, 500));
  }
};

struct Outcome {
  std::vector<SimTime> start, end;
  std::vector<JobState> state;
  RunStats stats;
  RunResult result;
};

Outcome simulate(const Fleet& fleet, const JobTable& jobs, SimConfig config, const std::string& policy = "first-fit") {
  auto p = make_placement_policy(policy, {}, 1);
  Simulation sim(fleet, jobs, *p, config);
  add_standard_components(sim);
  Recorder rec;
  sim.add_listener(&rec);
  Outcome o;
  o.stats = sim.run();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    o.start.push_back(sim.start_us(j));
    o.end.push_back(sim.end_us(j));
    o.state.push_back(sim.state(j));
  }
  rec.take(o.result);
  return o;
}

SimConfig every_second() {
  SimConfig c;
  c.sample_interval_us = s(1);
  return c;
}

}  // namespace

TEST_CASE("FIFO queue: hand-computed timeline", "[engine]") {
  Timeline t;
  const Outcome o = simulate(t.fleet, t.jobs, every_second());
  CHECK(o.start == std::vector<SimTime>{s(0), s(10), s(3), s(10)});
  CHECK(o.end == std::vector<SimTime>{s(10), s(15), s(7), s(11)});
  CHECK(o.stats.end_us == s(15));
  const Summary& sum = o.result.summary;
  CHECK(summary_number(sum, "jobs_completed") == 4);
  CHECK(summary_number(sum, "wait_max_s") == 8);      // j1: 2 -> 10
  CHECK(summary_number(sum, "wait_mean_s") == Approx((8.0 + 6.0) / 4));
  CHECK(summary_number(sum, "wait_p50_s") == 0);     // nearest rank of {0, 0, 6, 8}
  CHECK(summary_number(sum, "wait_p95_s") == 8);
  // GPU milli: 1000 over [0,10], 1000 (j1 + j3) over [10,11], 500 over [11,15]; window [0,15].
  CHECK(summary_number(sum, "alloc_gpu_milli_mean") == Approx((10000.0 + 1000 + 2000) / 15 / 1000));
  CHECK(summary_number(sum, "alloc_gpu_milli_peak") == 1.0);
  // CPU: j0 [0,10], j2 [3,7], j1 [10,15], j3 [10,11] -> 1000 x (10 + 4 + 5 + 1) milli-seconds.
  CHECK(summary_number(sum, "alloc_cpu_mean") == Approx(20.0 / 15 / 4));
  CHECK(summary_number(sum, "alloc_cpu_peak") == Approx(0.5));  // two jobs at once
}

TEST_CASE("strict FIFO: the blocked head holds back later jobs", "[engine]") {
  Timeline t;
  SimConfig c = every_second();
  c.queue = QueueDiscipline::kStrictFifo;
  const Outcome o = simulate(t.fleet, t.jobs, c);
  CHECK(o.start == std::vector<SimTime>{s(0), s(10), s(10), s(10)});
  CHECK(o.end == std::vector<SimTime>{s(10), s(15), s(14), s(11)});
}

TEST_CASE("give-up time: a job that waits too long is unscheduled, stale events are dropped", "[engine]") {
  Timeline t;
  SimConfig c = every_second();
  c.max_wait_us = s(7);
  const Outcome o = simulate(t.fleet, t.jobs, c);
  // j1 would start at 10 but gives up at 2 + 7 = 9; j3 (give-up at 11) starts at 10.
  CHECK(o.state == std::vector<JobState>{JobState::kCompleted, JobState::kGaveUp, JobState::kCompleted,
                                         JobState::kCompleted});
  CHECK(o.start == std::vector<SimTime>{s(0), -1, s(3), s(10)});
  CHECK(o.end[3] == s(11));
  CHECK(o.stats.end_us == s(11));
  // The give-up events of j0 (t=7), j2 (t=10) and j3 (t=11) were cancelled by
  // placement; each is dropped when it pops.
  CHECK(o.stats.events_stale == 3);
  CHECK(summary_number(o.result.summary, "jobs_gave_up") == 1);
  CHECK(summary_number(o.result.summary, "jobs_never_placed") == 1);
  // GPU milli: 1000 over [0,10], 500 over [10,11]; window [0,11].
  CHECK(summary_number(o.result.summary, "alloc_gpu_milli_mean") == Approx(10500.0 / 11 / 1000));
}

TEST_CASE("horizon: the run stops at the horizon with jobs still running and pending", "[engine]") {
  Timeline t;
  SimConfig c = every_second();
  c.horizon_us = s(6);
  const Outcome o = simulate(t.fleet, t.jobs, c);
  CHECK(o.stats.end_us == s(6));
  CHECK(o.state == std::vector<JobState>{JobState::kRunning, JobState::kPending, JobState::kRunning,
                                         JobState::kPending});
  CHECK(summary_number(o.result.summary, "jobs_running_at_end") == 2);
  CHECK(summary_number(o.result.summary, "jobs_pending_at_end") == 2);
  const auto& ts = o.result.timeseries;
  CHECK(ts.t_us.back() == s(6));
  CHECK(ts.t_us.size() == 7);  // samples at 0, 1, ..., 6
}

TEST_CASE("time series samples see the state after the pass at the same instant", "[engine]") {
  Timeline t;
  const Outcome o = simulate(t.fleet, t.jobs, every_second());
  const auto& ts = o.result.timeseries;
  REQUIRE(ts.t_us.size() == 16);  // 0..15
  const auto& running = ts.columns[4].values;
  const auto& pending = ts.columns[5].values;
  CHECK(running[0] == 1);   // j0 placed at t=0
  CHECK(pending[2] == 1);   // j1 waiting
  CHECK(running[3] == 2);   // j2 started at 3
  CHECK(pending[4] == 2);   // j1 and j3
  CHECK(running[10] == 2);  // j1 and j3 started as j0 left
  CHECK(pending[10] == 0);
  CHECK(ts.columns[2].values[10] == 1.0);  // GPU milli fully allocated
  CHECK(ts.columns[8].values[9] == Approx(7.0));  // oldest pending (j1, since 2) at t=9
}

TEST_CASE("simultaneous changes share one scheduling pass", "[engine]") {
  Fleet f;
  f.add_node(node("n0", 64000, 65536, 0));
  JobTable jobs;
  for (int i = 0; i < 3; ++i) add_job(jobs, 5, 20, req(1000, 1024));
  const Outcome o = simulate(f, jobs, every_second());
  CHECK(o.stats.passes == 2);  // one for the three arrivals at 5, one for the three finishes at 25
  CHECK(o.stats.placement_calls == 3);
}

TEST_CASE("zero-length jobs start and finish at the same instant", "[engine]") {
  Fleet f;
  f.add_node(node("n0", 1000, 1024, 0));
  JobTable jobs;
  add_job(jobs, 1, 0, req(1000, 1024));
  add_job(jobs, 1, 3, req(1000, 1024));
  const Outcome o = simulate(f, jobs, every_second());
  CHECK(o.start == std::vector<SimTime>{s(1), s(1)});
  CHECK(o.end == std::vector<SimTime>{s(1), s(4)});
}

TEST_CASE("a policy that answers with an infeasible node stops the run", "[engine][invariant]") {
  struct Liar final : PlacementPolicy {
    Placement place(std::uint32_t, const JobRequest&, const ClusterState&, SimTime) override { return {0, 0}; }
  } liar;
  Fleet f;
  f.add_node(node("n0", 1000, 1024, 0));
  JobTable jobs;
  add_job(jobs, 0, 10, req(1000, 1024));
  add_job(jobs, 1, 10, req(1000, 1024));
  Simulation sim(f, jobs, liar, every_second());
  add_standard_components(sim);
  CHECK_THROWS_AS(sim.run(), InvariantError);
}
