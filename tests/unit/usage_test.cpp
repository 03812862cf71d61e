// Usage below request (sim/core/usage_table.h, ServiceUsage): a replica's
// used share by hand; on a mixed run (batch jobs, an autoscaled CPU
// service, a GPU-sharing service), used never exceeds allocated on any node
// at any sample, the fleet's used total equals the sum over running pods,
// and the summary's means reconcile with the per-pod integrals in /jobs.
#include <catch2/catch.hpp>

#include <cmath>

#include "experiments/runner.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

namespace {

double key(const RunResult& r, const std::string& k) { return summary_number(r.summary, k); }

RunResult run_json(const std::string& json, EngineListener* observer = nullptr) {
  config::Scenario s = parse_scenario_json(json, "test");
  validate_scenario(s, "test");
  PreparedScenario prepared(s, "");
  RunSetup setup = prepared.setup(s.seed());
  setup.observer = observer;
  return run_one(setup, resolve_run_spec(s, "", {}, std::nullopt)).result;
}

// Checks, at every sample and after every pass, every node's used against its allocation.
struct NodeUsageCheck final : EngineListener {
  std::int64_t checks = 0, violations = 0, mismatches = 0;
  void check(const Simulation& sim, SimTime t) {
    const Fleet& f = sim.fleet();
    const ClusterState& c = sim.cluster();
    std::vector<ResourceAmounts> used(f.size(), ResourceAmounts{});
    ResourceAmounts fleet{};
    for (std::uint32_t j = 0; j < sim.jobs().size(); ++j) {
      if (sim.state(j) != JobState::kRunning) continue;
      const ResourceAmounts u = sim.usage().used_by(j);
      sim.for_each_placement(j, [&](const Placement& p) {
        for (int r = 0; r < kUsageResources; ++r) {
          used[static_cast<std::size_t>(p.node)][r] += u[r];
          fleet[r] += u[r];
        }
      });
    }
    for (std::size_t n = 0; n < f.size(); ++n) {
      const double cpu_alloc = static_cast<double>(f.cpu_milli[n] - c.free_cpu_milli[n]);
      const double mem_alloc = static_cast<double>(f.memory_mib[n] - c.free_memory_mib[n]);
      ++checks;
      if (used[n][kUsedCpu] > cpu_alloc + 1e-6 || used[n][kUsedMemory] > mem_alloc + 1e-6 || used[n][kUsedCpu] < 0)
        ++violations;
    }
    const UsageTotals kept = sim.usage().fleet(t);
    for (int r = 0; r < kUsageResources; ++r)
      if (std::abs(kept.used[r] - fleet[r]) > 1e-6 * std::max(1.0, fleet[r])) ++mismatches;
  }
  void on_sample(const Simulation& sim, SimTime t) override { check(sim, t); }
  void on_pass_end(const Simulation& sim, SimTime t) override { check(sim, t); }
};

}  // namespace

TEST_CASE("a replica's used share by hand: M/M/10 at 90 requests/s", "[usage]") {
  // rho = 90 / (10 x 10) = 0.9. CPU: 0.05 + 0.95 x 0.9 = 0.905 of 1 core; memory: 0.6 + 0.2 x 0.9 = 0.78 of 2 GiB.
  const RunResult r = run_json(R"({"seed": 1, "fleet": {"nodes": [{"group": {"count": 10, "cpu_cores": 4, "memory_gib": 16}}]},
    "workloads": [{"service": {"name": "api", "replicas": 10, "cpu_cores": 1, "memory_gib": 2, "replica_rps": 10,
                               "load": {"constant_rps": 90}, "end_s": 3600, "priority_class": "prod"}}]})");
  CHECK(key(r, "alloc_cpu_mean") == Approx(10.0 / 40));
  CHECK(key(r, "cpu_used_mean") == Approx(0.905 * 10 / 40).epsilon(1e-12));
  CHECK(key(r, "cpu_used_peak") == Approx(0.905 * 10 / 40).epsilon(1e-12));  // the start's instant at the request does not count
  CHECK(key(r, "memory_used_mean") == Approx(0.78 * 20 / 160).epsilon(1e-12));
  CHECK(key(r, "cpu_alloc_unused_mean") == Approx(0.095 * 10 / 40).epsilon(1e-9));
  CHECK(key(r, "class.prod.cpu_used_mean") == Approx(0.905 * 10 / 40).epsilon(1e-12));
  CHECK(key(r, "team.api.cpu_alloc_mean") == Approx(10.0 / 40));
  const DoubleColumn& used = real_column(r.jobs, "cpu_used_core_s");
  const DoubleColumn& held = real_column(r.jobs, "cpu_alloc_core_s");
  for (std::size_t j = 0; j < used.values.size(); ++j) {
    CHECK(held.values[j] == Approx(3600.0));
    CHECK(used.values[j] == Approx(0.905 * 3600).epsilon(1e-12));
  }
}

TEST_CASE("usage curves come from the scenario and are checked", "[usage][errors]") {
  const RunResult r = run_json(R"({"seed": 1, "fleet": {"nodes": [{"group": {"count": 2, "cpu_cores": 4, "memory_gib": 16}}]},
    "workloads": [{"service": {"name": "api", "replicas": 2, "cpu_cores": 1, "memory_gib": 2, "replica_rps": 10,
                               "load": {"constant_rps": 5}, "end_s": 100,
                               "usage": {"cpu": {"idle": 0.5, "busy": 0.7}}}}]})");
  CHECK(key(r, "cpu_used_mean") == Approx((0.5 + 0.2 * 0.25) * 2 / 8).epsilon(1e-12));
  CHECK_THROWS_WITH(run_json(R"({"seed": 1, "fleet": {"nodes": [{"group": {"count": 2, "cpu_cores": 4, "memory_gib": 16}}]},
    "workloads": [{"service": {"name": "api", "cpu_cores": 1, "replica_rps": 10, "load": {"constant_rps": 5}, "end_s": 100,
                               "usage": {"memory": {"idle": 0.5, "busy": 1.5}}}}]})"),
                    Catch::Matchers::Contains("workloads[0].service.usage.memory"));
}

TEST_CASE("used never exceeds allocated on any node, integrals reconcile with the per-pod records", "[usage]") {
  NodeUsageCheck check;
  const RunResult r = run_json(R"({"seed": 3,
    "fleet": {"nodes": [{"group": {"count": 6, "cpu_cores": 16, "memory_gib": 64, "gpus": 2, "gpu_model": "T4"}}]},
    "workloads": [
      {"synthetic": {"count": 300, "arrivals": {"poisson_rate_per_hour": 120},
                     "duration_s": {"lognormal": {"median": 600, "sigma": 1.0}},
                     "shapes": [{"weight": 2, "cpu_cores": 2, "memory_gib": 4},
                                {"weight": 1, "cpu_cores": 1, "memory_gib": 2, "gpus": 1, "gpu_milli": 500}],
                     "team": "batch"}},
      {"service": {"name": "web", "replicas": 2, "min_replicas": 1, "max_replicas": 12, "cpu_cores": 2, "memory_gib": 4,
                   "replica_rps": 20, "end_s": 10800, "priority_class": "prod",
                   "load": {"diurnal": {"mean_rps": 80, "daily_amplitude": 0.8, "peak_hour": 1, "noise": 0.2, "step_s": 60}},
                   "hpa": {"target_utilization": 0.6}}},
      {"service": {"name": "sd", "replicas": 3, "cpu_cores": 1, "memory_gib": 8, "gpus": 1, "gpu_milli": 500,
                   "replica_rps": 2, "end_s": 10800, "load": {"constant_rps": 3}}}],
    "sample_interval_s": 300})",
                               &check);
  CHECK(check.checks > 100);
  CHECK(check.violations == 0);
  CHECK(check.mismatches == 0);
  // Reconstruction: the fleet's integrals are the sums of the per-pod records.
  const double span_s = key(r, "sim_end_s") - key(r, "sim_start_s");
  const double cores = 6 * 16, gpus = 6 * 2;
  auto sum = [&](const char* column) {
    double s = 0;
    for (double v : real_column(r.jobs, column).values) s += v;
    return s;
  };
  CHECK(sum("cpu_alloc_core_s") == Approx(key(r, "alloc_cpu_mean") * cores * span_s).epsilon(1e-9));
  CHECK(sum("cpu_used_core_s") == Approx(key(r, "cpu_used_mean") * cores * span_s).epsilon(1e-9));
  CHECK(sum("gpu_alloc_s") == Approx(key(r, "alloc_gpu_milli_mean") * gpus * span_s).epsilon(1e-9));
  CHECK(sum("gpu_used_s") == Approx(key(r, "gpu_used_mean") * gpus * span_s).epsilon(1e-9));
  // Services use less than they hold; batch jobs use what they hold; teams add up to the fleet.
  CHECK(key(r, "cpu_used_mean") < key(r, "alloc_cpu_mean"));
  CHECK(key(r, "team.batch.cpu_used_mean") == Approx(key(r, "team.batch.cpu_alloc_mean")).epsilon(1e-12));
  CHECK(key(r, "team.web.cpu_used_mean") < key(r, "team.web.cpu_alloc_mean"));
  // A stable service's replicas use lambda / mu of one replica's GPU share whatever their number:
  // 3 / 2 x 500 milli = 0.75 GPU for its 10,800 s (its replicas are placed at once on the empty fleet).
  CHECK(key(r, "team.sd.gpu_used_mean") * gpus * span_s == Approx(0.75 * 10800).epsilon(1e-9));
  CHECK(key(r, "team.batch.cpu_used_mean") + key(r, "team.web.cpu_used_mean") + key(r, "team.sd.cpu_used_mean") ==
        Approx(key(r, "cpu_used_mean")).epsilon(1e-9));
}
