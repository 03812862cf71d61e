// What the cost ledger adds to a run: the openb default replay priced with
// the example catalog (scenarios/openb_cost.json, hourly ledger windows)
// against the same run unpriced, best of REPEATS runs each, timed around
// the simulation only (inputs and pricing are built once).
// Usage: cost_overhead SCENARIOS_DIR [REPEATS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "experiments/runner.h"
#include "sim/io/scenario_loader.h"
#include "scenario/run_inputs.h"

using namespace capsim;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cost_overhead SCENARIOS_DIR [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 30;
  LoadedScenario l = load_scenario_file(std::string(argv[1]) + "/openb_cost.json");
  l.scenario.mutable_cost()->set_window_s(3600);
  const RunInputs priced = build_run_inputs(l.scenario, l.base_dir);
  RunInputs plain = priced;
  plain.pricing.reset();
  std::printf("openb default replay (8,152 pods, 1,213 GPU nodes), ledger windows 1 h; best of %d runs\n", repeats);
  std::printf("%-12s %12s %12s %10s\n", "policy", "unpriced_s", "priced_s", "overhead");
  for (const char* policy : {"best-fit", "fgd", "first-fit"}) {
    double best[2] = {1e9, 1e9};
    for (int r = 0; r < repeats; ++r)
      for (int k = 0; k < 2; ++k) {  // interleaved, so drift in machine load hits both alike
        RunSetup setup{k ? &priced : &plain, sim_config_from(l.scenario), ""};
        const auto t0 = std::chrono::steady_clock::now();
        const TimedResult res = run_one(setup, {policy, {}, 1});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s < best[k]) best[k] = s;
        if (k && !res.result.cost.present) return 1;
      }
    std::printf("%-12s %12.4f %12.4f %9.1f%%\n", policy, best[0], best[1], 100 * (best[1] / best[0] - 1));
  }
  return 0;
}
