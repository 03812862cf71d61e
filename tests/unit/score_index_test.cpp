// Property test: policies that answer from a score index
// (sim/core/score_index.h) place every job exactly where a scan of every
// node would, on random scenarios with elastic and spot pools, gangs and
// interruptions, and on a fleet large enough that first-fit indexes by
// itself. Compared: every job's start, end and node, and every summary key
// but wall time.
#include <catch2/catch.hpp>

#include "experiments/runner.h"
#include "random_scenario.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

namespace {

struct IndexUse {
  explicit IndexUse(ScoreIndexUse u) { set_score_index_use(u); }
  ~IndexUse() { set_score_index_use(ScoreIndexUse::kAuto); }
};

RunResult run_with(ScoreIndexUse use, PreparedScenario& prepared, const std::string& policy, std::uint64_t seed) {
  IndexUse scope(use);
  return run_one(prepared.setup(seed), RunSpec{policy, {}, seed}).result;
}

void check_same(const RunResult& a, const RunResult& b) {
  REQUIRE(a.jobs.columns.size() == b.jobs.columns.size());
  for (std::size_t k = 0; k < a.jobs.columns.size(); ++k) {
    CAPTURE(a.jobs.columns[k].name);
    CHECK(a.jobs.columns[k].values == b.jobs.columns[k].values);
  }
  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t k = 0; k < a.summary.size(); ++k) {
    if (a.summary[k].first == "wall_s") continue;
    CAPTURE(a.summary[k].first);
    CHECK(a.summary[k].second == b.summary[k].second);
  }
}

const char* kIndexed[] = {"first-fit", "best-fit", "worst-fit", "dot-product", "gpu-packing", "gpu-clustering", "fgd"};

}  // namespace

TEST_CASE("indexed placement is the linear scan's placement, on random scenarios", "[policy][index]") {
  std::int64_t placed = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    config::Scenario s = parse_scenario_json(test::random_scenario(seed), "random scenario");
    validate_scenario(s, "random scenario");
    PreparedScenario prepared(s, "");
    for (const char* policy : kIndexed) {
      CAPTURE(seed, policy);
      const RunResult linear = run_with(ScoreIndexUse::kNever, prepared, policy, seed);
      const RunResult indexed = run_with(ScoreIndexUse::kAlways, prepared, policy, seed);
      check_same(linear, indexed);
      placed += static_cast<std::int64_t>(summary_number(indexed.summary, "jobs_placed"));
    }
  }
  CHECK(placed > 5000);
}

TEST_CASE("indexed placement on a 5,000-node fleet under load: first-fit indexes by itself", "[policy][index]") {
  const std::string json = R"({"seed": 9, "fleet": {"nodes": [
      {"group": {"count": 2000, "cpu_cores": 64, "memory_gib": 256, "gpus": 8, "gpu_model": "A100"}},
      {"group": {"count": 2000, "cpu_cores": 32, "memory_gib": 128, "gpus": 4, "gpu_model": "T4"}},
      {"group": {"count": 1000, "cpu_cores": 96, "memory_gib": 384}}]},
    "workloads": [{"synthetic": {"count": 20000, "arrivals": {"poisson_rate_per_hour": 40000},
      "duration_s": {"lognormal": {"median": 1800, "sigma": 1.0}},
      "shapes": [{"weight": 6, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_milli": 250},
                 {"weight": 3, "cpu_cores": 8, "memory_gib": 32, "gpus": 1},
                 {"weight": 1, "cpu_cores": 32, "memory_gib": 256, "gpus": 8, "gpu_models": ["A100"]},
                 {"weight": 4, "cpu_cores": 2, "memory_gib": 8}]}}],
    "max_wait_s": 7200})";
  config::Scenario s = parse_scenario_json(json, "load");
  validate_scenario(s, "load");
  PreparedScenario prepared(s, "");
  for (const char* policy : kIndexed) {
    CAPTURE(policy);
    const RunResult linear = run_with(ScoreIndexUse::kNever, prepared, policy, 9);
    const RunResult automatic = run_with(ScoreIndexUse::kAuto, prepared, policy, 9);
    check_same(linear, automatic);
  }
}
