#include <catch2/catch.hpp>

#include "sim/base/check.h"
#include "sim/io/scenario_loader.h"
#include "scenario/run_inputs.h"

using namespace capsim;
using Catch::Contains;

namespace {

config::Scenario parse_valid(const std::string& json) {
  config::Scenario s = parse_scenario_json(json, "s.json");
  validate_scenario(s, "s.json");
  return s;
}

const std::string kGroupFleet =
    R"("fleet": {"nodes": [{"group": {"count": 4, "cpu_cores": 8, "memory_gib": 32, "gpus": 2, "gpu_model": "T4"}}]})";

}  // namespace

TEST_CASE("scenario JSON: unknown and mistyped fields are named", "[scenario]") {
  CHECK_THROWS_WITH(parse_scenario_json(R"({"seed": 1, "fleet": {"nodes": [{"trace": {"pathx": "a"}}]}})", "s.json"),
                    Contains("s.json") && Contains("fleet.nodes[0].trace") && Contains("pathx"));
  CHECK_THROWS_WITH(parse_scenario_json(R"({"seed": "abc"})", "s.json"), Contains("seed") && Contains("abc"));
  CHECK_THROWS_WITH(parse_scenario_json(R"({"horizon_s": [1]})", "s.json"), Contains("horizon_s"));
  CHECK_THROWS_AS(parse_scenario_json(R"({"seed": 1,)", "s.json"), InputError);
}

TEST_CASE("scenario text proto errors carry line and column", "[scenario]") {
  CHECK_THROWS_WITH(parse_scenario_textproto("seed: 1\nfleet { nodez {} }\n", "s.textproto"),
                    Contains("s.textproto:2:") && Contains("nodez"));
}

TEST_CASE("scenario values are validated with field paths", "[scenario]") {
  const std::string wl = R"("workloads": [{"synthetic": {"count": 10, "arrivals": {"poisson_rate_per_hour": 60},
                              "duration_s": {"exponential": {"mean": 60}}, "shapes": [{"weight": 1, "cpu_cores": 1}]}}])";
  CHECK_NOTHROW(parse_valid("{" + kGroupFleet + "," + wl + "}"));
  CHECK_THROWS_WITH(parse_valid("{" + kGroupFleet + "," + wl + R"(, "horizon_s": -1})"), Contains("field horizon_s"));
  CHECK_THROWS_WITH(parse_valid("{" + kGroupFleet + "," + wl + R"(, "queue": "lifo"})"), Contains("field queue"));
  CHECK_THROWS_WITH(parse_valid("{" + wl + "}"), Contains("field fleet.nodes"));
  CHECK_THROWS_WITH(parse_valid("{" + kGroupFleet + "}"), Contains("field workloads"));
  CHECK_THROWS_WITH(
      parse_valid(R"({"fleet": {"nodes": [{"group": {"count": 1, "cpu_cores": 1, "gpus": 2}}]},)" + wl + "}"),
      Contains("field fleet.nodes[0].group.gpu_model"));
  CHECK_THROWS_WITH(parse_valid("{" + kGroupFleet + R"(, "workloads": [{"synthetic": {"count": 1,
      "arrivals": {"poisson_rate_per_hour": 1}, "duration_s": {"exponential": {"mean": -2}},
      "shapes": [{"cpu_cores": 1}]}}]})"),
                    Contains("field workloads[0].synthetic.duration_s.exponential.mean"));
}

TEST_CASE("scenario inputs: groups, synthetic jobs, impossible requests", "[scenario]") {
  config::Scenario s = parse_valid("{" + kGroupFleet + R"(, "seed": 4, "workloads": [{"synthetic": {"count": 500,
      "arrivals": {"poisson_rate_per_hour": 3600}, "duration_s": {"constant": 30},
      "shapes": [{"weight": 3, "cpu_cores": 1, "memory_gib": 2, "gpus": 1, "gpu_milli": 250},
                 {"weight": 1, "cpu_cores": 2, "gpus": 2, "gpu_models": ["T4"]}]}}]})");
  RunInputs in = build_run_inputs(s, "");
  CHECK(in.fleet.size() == 4);
  CHECK(in.fleet.total_gpus() == 8);
  REQUIRE(in.jobs.size() == 500);
  int two = 0;
  for (std::size_t j = 0; j < 500; ++j) two += in.jobs.num_gpu[j] == 2;
  // Binomial(500, 1/4): mean 125, standard deviation 9.7.
  CHECK(std::abs(two - 125) < 40);
  CHECK(in.jobs.duration_us[0] == 30'000'000);
  // Poisson at 3600/h: 500 arrivals take about 500 s.
  CHECK(in.jobs.submit_us.back() == Approx(500e6).epsilon(0.2));

  auto big = s;
  big.mutable_workloads(0)->mutable_synthetic()->mutable_shapes(0)->set_cpu_cores(64);
  CHECK_THROWS_WITH(build_run_inputs(big, ""), Contains("workloads[0].synthetic:") &&
                                                   Contains("cannot fit on any node"));
  big.set_skip_bad_rows(true);
  RunInputs kept = build_run_inputs(big, "");
  CHECK(kept.jobs_impossible > 300);
  CHECK(kept.jobs.size() + static_cast<std::size_t>(kept.jobs_impossible) == 500);

  auto a100 = s;
  a100.mutable_workloads(0)->mutable_synthetic()->mutable_shapes(1)->set_gpu_models(0, "A100");
  CHECK_THROWS_WITH(build_run_inputs(a100, ""), Contains("cannot fit on any node"));  // no A100 in the fleet
  a100.mutable_workloads(0)->mutable_synthetic()->mutable_shapes(1)->set_gpu_models(0, "B300");
  CHECK_THROWS_WITH(build_run_inputs(a100, ""), Contains("unknown GPU model 'B300'"));
}

TEST_CASE("synthetic workloads are reproducible per seed", "[scenario]") {
  const std::string js = "{" + kGroupFleet + R"(, "workloads": [{"synthetic": {"count": 100,
      "arrivals": {"poisson_rate_per_hour": 60}, "duration_s": {"lognormal": {"median": 600, "sigma": 1}},
      "shapes": [{"cpu_cores": 1}]}}]})";
  config::Scenario s = parse_valid(js);
  s.set_seed(1);
  const RunInputs a = build_run_inputs(s, ""), b = build_run_inputs(s, "");
  s.set_seed(2);
  const RunInputs c = build_run_inputs(s, "");
  CHECK(a.jobs.submit_us == b.jobs.submit_us);
  CHECK(a.jobs.duration_us == b.jobs.duration_us);
  CHECK(a.jobs.submit_us != c.jobs.submit_us);
}

TEST_CASE("bundled example scenarios load", "[scenario][traces]") {
  for (const char* name : {"openb_default.json", "openb_downsized.json", "synthetic_poisson.json",
                           "spot_inventory.textproto", "openb_cost.json", "cost_reserved_plus_burst.json",
                           "spot_v2026.json", "spot_capacity_trace.json"}) {
    CAPTURE(name);
    const LoadedScenario l = load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/" + name);
    const RunInputs in = build_run_inputs(l.scenario, l.base_dir);
    CHECK(in.fleet.size() > 0);
    CHECK(in.jobs.size() > 0);
  }
}

TEST_CASE("times that would overflow microseconds are rejected", "[scenario]") {
  const std::string wl = R"("workloads": [{"synthetic": {"count": 10, "arrivals": {"poisson_rate_per_hour": 1e-300},
      "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}])";
  CHECK_THROWS_WITH(parse_valid("{" + kGroupFleet + "," + wl + R"(, "max_wait_s": 1e300})"),
                    Contains("field max_wait_s: must be at most 1e12 seconds"));
  CHECK_THROWS_WITH(build_run_inputs(parse_valid("{" + kGroupFleet + "," + wl + "}"), ""),
                    Contains("arrivals run past 1e12 s"));
  const std::string long_jobs = R"("workloads": [{"synthetic": {"count": 10, "arrivals": {"poisson_rate_per_hour": 1},
      "duration_s": {"constant": 1e200}, "shapes": [{"cpu_cores": 1}]}}])";
  CHECK_THROWS_WITH(build_run_inputs(parse_valid("{" + kGroupFleet + "," + long_jobs + "}"), ""),
                    Contains("beyond 1e12 s"));
}
