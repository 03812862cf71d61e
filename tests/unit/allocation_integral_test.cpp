// Property test: the recorder's exact allocation means (integrated between
// events) equal a reconstruction from a per-segment job log, on random
// scenarios with interruptions, gangs, checkpoints on notice and elastic
// pools, for every policy. A metric that misses a signal (an interruption,
// a job leaving on notice) shows here as a difference.
#include <catch2/catch.hpp>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "random_scenario.h"
#include "segment_log.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

TEST_CASE("recorded allocation integrals equal the per-segment job log", "[invariant]") {
  std::int64_t segments = 0, interrupted_runs = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const std::string json = test::random_scenario(seed);
    CAPTURE(seed);
    config::Scenario s = parse_scenario_json(json, "random scenario");
    validate_scenario(s, "random scenario");
    PreparedScenario prepared(s, "");
    for (const auto& policy : placement_policy_names()) {
      CAPTURE(policy);
      test::SegmentLog log;
      RunSetup setup = prepared.setup(seed);
      setup.observer = &log;
      const RunResult r = run_one(setup, RunSpec{policy, {}, seed}).result;
      const std::string mismatch = log.mismatch(r.summary, setup.inputs->fleet);
      INFO(mismatch);
      CHECK(mismatch.empty());
      segments += log.segments;
      interrupted_runs += summary_number(r.summary, "job_interruptions") > 0;
    }
  }
  CHECK(segments > 10000);
  CHECK(interrupted_runs > 100);  // the interesting case is exercised
}
