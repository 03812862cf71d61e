// Property test: after every scheduling pass, no job waits while a node it
// may use has room (tests/unit/waiting_invariant.h), on random small
// scenarios with every registered placement policy, both queue disciplines,
// give-ups, spot interruptions (Poisson, hand-placed, capacity series),
// checkpoints, gangs, elastic pools under queue-driven and autoscaler
// capacity. The hand-worked cases of tests/scenarios/ found the bugs this
// generalises.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/io/scenario_loader.h"
#include "random_scenario.h"
#include "waiting_invariant.h"

using namespace capsim;


// CAPSIM_TRACE_INVARIANT=1 prints each run as it starts, CAPSIM_DUMP_SCENARIO=1
// each scenario, to replay a failure with `capsim run`.
TEST_CASE("no job waits while a node it may use has room, after every pass", "[invariant]") {
  constexpr std::int64_t kSeeds = 120;
  std::int64_t passes = 0, settled = 0, checked = 0, runs = 0, guest_runs = 0, topology_runs = 0, pinned = 0;
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(kSeeds); ++seed) {
    const std::string json = test::random_scenario(seed);
    CAPTURE(seed, json);
    if (std::getenv("CAPSIM_DUMP_SCENARIO")) fprintf(stderr, "%s\n", json.c_str());
    config::Scenario s = parse_scenario_json(json, "random scenario");
    validate_scenario(s, "random scenario");
    for (const char* queue : {"fifo", "strict-fifo"}) {
      s.set_queue(queue);
      PreparedScenario prepared(s, "");
      for (const auto& policy : placement_policy_names()) {
        CAPTURE(queue, policy);
        test::WaitingInvariant check;
        if (std::getenv("CAPSIM_TRACE_INVARIANT")) fprintf(stderr, "seed %d %s %s\n", (int)seed, queue, policy.c_str());
        RunSetup setup = prepared.setup(seed);
        setup.observer = &check;
        const TimedResult r = run_one(setup, RunSpec{policy, {}, seed});
        INFO((check.violations.empty() ? std::string() : check.violations.front()));
        CHECK(check.violations.empty());
        // A run that reaches the horizon must be running something (a long job under
        // frequent interruptions); waiting with nothing running is a livelock.
        if (summary_number(r.result.summary, "sim_end_s") >= test::kHorizonS)
          CHECK(summary_number(r.result.summary, "jobs_running_at_end") > 0);
        for (const auto& [key, value] : r.result.summary)
          if (key == "gpu_guest_hours" && summary_number(r.result.summary, key) > 0) {
            // Every second of every GPU is online, offline or idle, exactly once.
            ++guest_runs;
            const Summary& sum = r.result.summary;
            const double online = summary_number(sum, "gpu_online_hours"), offline = summary_number(sum, "gpu_offline_hours");
            const double idle = summary_number(sum, "gpu_idle_hours");
            const double span = summary_number(sum, "gpus") * (summary_number(sum, "sim_end_s") - summary_number(sum, "sim_start_s")) / 3600;
            CHECK(online >= 0);
            CHECK(offline >= summary_number(sum, "gpu_guest_hours") - 1e-9);
            CHECK(idle >= -1e-6 * span);
            CHECK(online + offline + idle == Approx(span).epsilon(1e-9));
          }
        if (s.fleet().has_topology()) {
          // Every placement has a locality, and the requested core-hours by locality add up to the whole.
          ++topology_runs;
          pinned += static_cast<std::int64_t>(summary_number(r.result.summary, "topology.placements.local"));
          const double share = summary_number(r.result.summary, "topology.local_core_share");
          CHECK(share >= 0);
          CHECK(share <= 1);
        }
        passes += check.passes;
        settled += check.settled;
        checked += check.checked;
        ++runs;
      }
    }
  }
  // The property was exercised, not vacuously true.
  CHECK(runs == kSeeds * 2 * static_cast<std::int64_t>(placement_policy_names().size()));
  CHECK(passes > 10 * runs);
  CHECK(settled > passes);
  CHECK(checked > runs);
  CHECK(guest_runs > 0);  // GPU guests ran in some
  CHECK(topology_runs > 0);  // the Topology Manager admitted pods in some
  CHECK(pinned > 0);
  WARN("runs with GPU guests: " << guest_runs << " of " << runs << "; with the Topology Manager: " << topology_runs
                                << " (" << pinned << " local placements)");
}
