#include <catch2/catch.hpp>

#include <set>

#include "experiments/runner.h"
#include "policies/fgd.h"
#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/components/registry.h"
#include "sim/core/simulation.h"
#include "sim/io/summary_json.h"
#include "sim/metrics/recorder.h"
#include "workloads/synthetic.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::node;
using capsim::test::req;

namespace {

// n0: 4 cores, 8 GiB, 2 GPUs, idle.  n1: 8 cores, 16 GiB, 2 GPUs with a job
// holding 2 cores, 2 GiB and 600 milli of GPU 0.  n2: CPU only.
struct SmallCluster {
  Fleet fleet;
  std::unique_ptr<ClusterState> state;
  SmallCluster() {
    fleet.add_node(node("n0", 4000, 8192, 2));
    fleet.add_node(node("n1", 8000, 16384, 2));
    fleet.add_node(node("n2", 2000, 4096, 0));
    state = std::make_unique<ClusterState>(fleet);
    state->allocate(req(2000, 2048, 1, 600), {1, 0b01});
  }
};

Placement place(const std::string& policy, const ClusterState& c, const JobRequest& r, std::uint64_t seed = 1) {
  auto p = make_placement_policy(policy, {}, seed);
  return p->place(0, r, c, 0);
}

}  // namespace

TEST_CASE("first-fit takes the lowest node and GPU that fit", "[policy]") {
  SmallCluster s;
  const Placement p = place("first-fit", *s.state, req(1000, 1024, 1, 300));
  CHECK(p.node == 0);
  CHECK(p.gpu_mask == 0b01);
  CHECK(place("first-fit", *s.state, req(5000, 1024)).node == 1);  // n0 has only 4 cores, n1 has 6 free
  CHECK(place("first-fit", *s.state, req(1000, 1024)).node == 0);
  CHECK_FALSE(place("first-fit", *s.state, req(9000, 1024)).placed());
}

TEST_CASE("best-fit picks the fullest node after placement and the tightest GPU", "[policy]") {
  SmallCluster s;
  // Free fractions after placing 1 core, 1 GiB, 300 milli (mean of CPU, memory, GPU):
  //   n0: (3/4 + 7/8 + 1700/2000) / 3 = 0.825
  //   n1: (5/8 + 13/16 + 1100/2000) / 3 = 0.6625   <- least free
  const JobRequest r = req(1000, 1024, 1, 300);
  CHECK(free_fraction_after(*s.state, 0, r, {}) == Approx(0.825));
  CHECK(free_fraction_after(*s.state, 1, r, {}) == Approx(0.6625));
  const Placement p = place("best-fit", *s.state, r);
  CHECK(p.node == 1);
  CHECK(p.gpu_mask == 0b01);  // GPU 0 has 400 free: the tightest fit, GPU 1 stays whole
  // A CPU-only job: the CPU-only node counts its missing GPU as used, so it is fullest.
  CHECK(place("best-fit", *s.state, req(1000, 1024)).node == 2);
}

TEST_CASE("best-fit weights change the answer as documented", "[policy]") {
  SmallCluster s;
  // With only the CPU term: n0 (3/4) vs n1 (5/8) vs n2 (1/2): n2 for a CPU job,
  // n1 for a GPU job.
  auto p = make_placement_policy("best-fit", {{"w_mem", "0"}, {"w_gpu", "0"}}, 1);
  CHECK(p->place(0, req(1000, 1024), *s.state, 0).node == 2);
  CHECK(p->place(0, req(1000, 1024, 1, 300), *s.state, 0).node == 1);
  CHECK_THROWS_AS(make_placement_policy("best-fit", {{"w_cpu", "-1"}}, 1), InputError);
  CHECK_THROWS_AS(make_placement_policy("best-fit", {{"w_cpu", "x"}}, 1), InputError);
  CHECK_THROWS_WITH(make_placement_policy("best-fit", {{"w_disk", "1"}}, 1),
                    Catch::Contains("unknown parameter 'w_disk'") && Catch::Contains("w_cpu"));
  CHECK_THROWS_WITH(make_placement_policy("nope", {}, 1),
                    Catch::Contains("unknown placement policy 'nope'") && Catch::Contains("best-fit"));
}

TEST_CASE("worst-fit spreads: emptiest node, loosest GPU", "[policy]") {
  SmallCluster s;
  const Placement p = place("worst-fit", *s.state, req(1000, 1024, 1, 300));
  CHECK(p.node == 0);
  // On n1 the loosest GPU is GPU 1 (1000 free) rather than GPU 0 (400 free).
  Fleet f;
  f.add_node(node("only", 8000, 16384, 2));
  ClusterState c(f);
  c.allocate(req(1000, 1024, 1, 600), {0, 0b01});
  CHECK(place("worst-fit", c, req(1000, 1024, 1, 300)).gpu_mask == 0b10);
  CHECK(place("best-fit", c, req(1000, 1024, 1, 300)).gpu_mask == 0b01);
}

TEST_CASE("random picks uniformly among fitting nodes, never an unfit one", "[policy]") {
  SmallCluster s;
  auto p = make_placement_policy("random", {}, 5);
  int counts[3] = {0, 0, 0};
  const int n = 4000;
  for (int i = 0; i < n; ++i) ++counts[p->place(0, req(1000, 1024, 1, 300), *s.state, 0).node];
  CHECK(counts[2] == 0);  // CPU-only node cannot hold a GPU job
  // Binomial(4000, 1/2): standard deviation 32; 5 of those is 160.
  CHECK(std::abs(counts[0] - n / 2) < 160);
  // Same seed, same choices.
  auto a = make_placement_policy("random", {}, 9), b = make_placement_policy("random", {}, 9);
  for (int i = 0; i < 50; ++i) {
    const Placement x = a->place(0, req(1000, 1024, 1, 300), *s.state, 0);
    const Placement y = b->place(0, req(1000, 1024, 1, 300), *s.state, 0);
    REQUIRE(x.node == y.node);
    REQUIRE(x.gpu_mask == y.gpu_mask);
  }
}

TEST_CASE("dot-product takes the best-aligned node", "[policy]") {
  SmallCluster s;
  // n0: 1 * 1/4 + 1 * 1/8 + 1 * 0.15 = 0.525;  n1: 6/8 * 1/8 + 14/16 * 1/16 + 0.7 * 0.15 = 0.2534
  const Placement p = place("dot-product", *s.state, req(1000, 1024, 1, 300));
  CHECK(p.node == 0);
}

TEST_CASE("gpu-packing: partly used GPU, then partly used node, then idle node", "[policy]") {
  SmallCluster s;
  Placement p = place("gpu-packing", *s.state, req(1000, 1024, 1, 300));
  CHECK(p.node == 1);
  CHECK(p.gpu_mask == 0b01);  // the partly used GPU with 400 free
  p = place("gpu-packing", *s.state, req(1000, 1024, 1, 500));  // no partly used GPU fits
  CHECK(p.node == 1);          // but n1 is partly used; n0 is idle
  CHECK(p.gpu_mask == 0b10);
  CHECK(place("gpu-packing", *s.state, req(1000, 1024)).node == 1);
}

TEST_CASE("gpu-clustering keeps equal GPU requests together", "[policy]") {
  Fleet f;
  f.add_node(node("a", 8000, 16384, 2));
  f.add_node(node("b", 8000, 16384, 2));
  ClusterState c(f);
  c.allocate(req(1000, 1024, 1, 600), {0, 0b01});   // a hosts a (1 GPU, 600 milli) job, lightly loaded
  c.allocate(req(6000, 12000, 1, 300), {1, 0b01});  // b is fuller, with another kind
  // best-fit's free fractions after a (1000, 1024, 600) job: a 0.675, b 0.293 -> b.
  CHECK(place("best-fit", c, req(1000, 1024, 1, 600)).node == 1);
  // gpu-clustering puts it with its own kind on a, on the device that fits.
  const Placement p = place("gpu-clustering", c, req(1000, 1024, 1, 600));
  CHECK(p.node == 0);
  CHECK(p.gpu_mask == 0b10);
  // No node hosts a (1 GPU, 200 milli) job: best-fit's order decides.
  CHECK(place("gpu-clustering", c, req(1000, 1024, 1, 200)).node == 1);
}

namespace {

// After every scheduling pass (samples come after passes at the same instant),
// no pending job may fit anywhere: with the FIFO queue every registered policy
// places a job whenever some node can hold it.
class NoIdleCapacityWhileJobsWait final : public EngineListener {
 public:
  void on_sample(const Simulation& sim, SimTime) override {
    for (std::size_t j = 0; j < sim.jobs().size(); ++j) {
      if (sim.state(j) != JobState::kPending) continue;
      for (std::size_t n = 0; n < sim.fleet().size(); ++n)
        if (sim.cluster().fits(n, sim.jobs().request(j))) ++violations;
    }
  }
  int violations = 0;
};

}  // namespace

TEST_CASE("every registered policy keeps the invariants on a contended cluster", "[policy][invariant]") {
  std::vector<std::string> specs = placement_policy_names();
  specs.insert(specs.end(), {"fgd:score=k8s", "best-fit:score=k8s"});
  const std::string text = GENERATE_COPY(from_range(specs));
  CAPTURE(text);
  const PolicySpec policy_spec = parse_policy_spec(text);
  Fleet fleet;
  for (int i = 0; i < 6; ++i) fleet.add_node(node("n" + std::to_string(i), 16000, 65536, i % 3 == 2 ? 0 : 4));
  SyntheticSpec spec;
  spec.count = 3000;
  spec.poisson_rate_per_hour = 120;
  spec.duration_s = {DistributionSpec::Kind::kExponential, 600, 0, {}};
  spec.shapes = {{5, req(2000, 4096, 1, 250)}, {3, req(4000, 8192, 1, 1000)}, {1, req(8000, 16384, 4)},
                 {2, req(1000, 2048)}};
  const JobTable jobs = generate_jobs(spec, 3);
  SimConfig config;
  config.sample_interval_us = seconds_to_us(std::int64_t{60});
  auto run = [&] {
    auto p = make_placement_policy(policy_spec.name, policy_spec.params, PolicyContext{1, &fleet, &jobs});
    Simulation sim(fleet, jobs, *p, config);
    add_standard_components(sim);
    Recorder rec;
    NoIdleCapacityWhileJobsWait idle;
    sim.add_listener(&rec);
    sim.add_listener(&idle);
    sim.run();  // ClusterState throws InvariantError on any over-allocation
    CHECK(idle.violations == 0);
    CHECK(sim.cluster().allocated_cpu_milli() == 0);  // everything released at the end
    CHECK(sim.cluster().allocated_gpu_milli() == 0);
    CHECK(sim.cluster().busy_gpus() == 0);
    RunResult r;
    rec.take(r);
    CHECK(summary_number(r.summary, "jobs_completed") == 3000);
    return summary_to_json(r);
  };
  const std::string first = run();
  CHECK(first == run());  // deterministic
}

TEST_CASE("policy specs: a name and its parameters in one word", "[policy][registry]") {
  const PolicySpec plain = parse_policy_spec("fgd");
  CHECK(plain.name == "fgd");
  CHECK(plain.params.empty());
  const PolicySpec variant = parse_policy_spec("best-fit:w_cpu=0:w_mem=0.5");
  CHECK(variant.name == "best-fit");
  CHECK(variant.params == std::map<std::string, std::string>{{"w_cpu", "0"}, {"w_mem", "0.5"}});
  CHECK_NOTHROW(validate_placement_policy(variant.name, variant.params));
  CHECK_THROWS_WITH(parse_policy_spec(":w_cpu=0"), Catch::Contains("no policy name"));
  CHECK_THROWS_WITH(parse_policy_spec("best-fit:w_cpu"), Catch::Contains("'w_cpu' is not name=value"));
  CHECK_THROWS_WITH(parse_policy_spec("best-fit:w_cpu=1:w_cpu=2"), Catch::Contains("given twice"));
  CHECK_THROWS_WITH(parse_policy_spec("best-fit:w_cpu=1/2"), Catch::Contains("'/'"));
  const PolicySpec unknown = parse_policy_spec("fgd:w_cpu=1");
  CHECK_THROWS_WITH(validate_placement_policy(unknown.name, unknown.params), Catch::Contains("unknown parameter 'w_cpu'"));
}

TEST_CASE("score=k8s: integer scores, a seeded random pick among the top", "[policy]") {
  CHECK(FgdPolicy::kubernetes_score(0) == 50);
  CHECK(FgdPolicy::kubernetes_score(-30) == 50);   // 100 * sigmoid(0.03) = 50.7
  CHECK(FgdPolicy::kubernetes_score(30) == 49);    // 49.25
  CHECK(FgdPolicy::kubernetes_score(-1e6) == 100);
  CHECK(FgdPolicy::kubernetes_score(1e6) == 0);
  CHECK(FgdPolicy::kubernetes_score(-1000) == 73);  // 100 * sigmoid(1) = 73.1
  // Four identical idle nodes: exact scoring takes the lowest index every
  // time; k8s scoring picks each of them for some seed, the same one for the
  // same seed.
  Fleet fleet;
  for (int i = 0; i < 4; ++i) fleet.add_node(node("n" + std::to_string(i), 8000, 16384, 2));
  const ClusterState state(fleet);
  JobTable jobs;
  test::add_job(jobs, 0, 1, req(1000, 1024, 1, 500));
  for (const char* name : {"fgd", "best-fit"}) {
    CAPTURE(name);
    std::set<std::int32_t> exact, k8s;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      auto e = make_placement_policy(name, {}, PolicyContext{seed, &fleet, &jobs});
      exact.insert(e->place(0, jobs.request(0), state, 0).node);
      auto k = make_placement_policy(name, {{"score", "k8s"}}, PolicyContext{seed, &fleet, &jobs});
      auto again = make_placement_policy(name, {{"score", "k8s"}}, PolicyContext{seed, &fleet, &jobs});
      const Placement p = k->place(0, jobs.request(0), state, 0);
      CHECK(p.node == again->place(0, jobs.request(0), state, 0).node);
      k8s.insert(p.node);
    }
    CHECK(exact == std::set<std::int32_t>{0});
    CHECK(k8s.size() == 4);
  }
  // A clearly better node still wins: best-fit takes the node already 3/4 used.
  ClusterState used(fleet);
  used.allocate(req(6000, 12288, 2), {2, 0b11});
  auto b = make_placement_policy("best-fit", {{"score", "k8s"}}, PolicyContext{7, &fleet, &jobs});
  CHECK(b->place(0, req(1000, 1024), used, 0).node == 2);
  CHECK_THROWS_WITH(validate_placement_policy("fgd", {{"score", "fast"}}), Catch::Contains("expected exact or k8s"));
}
