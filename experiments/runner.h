#pragma once
// Runs scenarios: one policy, or many policies and seeds side by side on TBB.
// Shared by the CLI and (later) the Python bindings, so both give the same
// results for the same scenario and seed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenario.pb.h"
#include "experiments/inflation.h"
#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"
#include "scenario/run_inputs.h"

namespace capsim {

struct RunSpec {
  std::string policy;
  std::map<std::string, std::string> params;
  std::uint64_t seed = 0;
  std::string label{};  // how tables name the run (a policy spec such as "best-fit:w_gpu=0"); empty: policy
  const std::string& name() const { return label.empty() ? policy : label; }
};

// RunSpecs for `--policies`-style lists of policy specs, seed-major within
// each spec; defaults are parameters a spec naming that policy starts from
// (a scenario's own placement parameters).
std::vector<RunSpec> specs_for(const std::vector<std::string>& policy_specs, const std::vector<std::uint64_t>& seeds,
                               const std::string& default_policy = "",
                               const std::map<std::string, std::string>& defaults = {});

struct RunSetup {
  const RunInputs* inputs = nullptr;
  SimConfig config;
  std::string scenario_json;
  EngineListener* observer = nullptr;  // one more listener, settled events too (checks in tests); not owned
};

// A scenario ready to run with any seed. A run's seed roots every random
// stream of the run: synthetic workloads (unless the scenario pins
// workload_seed), placement tie-breaks and spot interruptions. Inputs are
// built once per distinct workload seed (once for trace-only scenarios).
// jobs, when given (Python's scenario.with_jobs), replace the scenario's
// workloads; the fleet, prices and capacity policy stay the scenario's.
class PreparedScenario {
 public:
  PreparedScenario(config::Scenario scenario, std::string base_dir, std::shared_ptr<const JobTable> jobs = nullptr);
  const config::Scenario& scenario() const { return scenario_; }
  // The inputs, config and recorded scenario of a run with this seed. Builds
  // the inputs on first use: call from one thread (run_many does, before its fan-out).
  RunSetup setup(std::uint64_t seed);
  const RunInputs& inputs(std::uint64_t seed);

 private:
  config::Scenario scenario_;
  std::string base_dir_;
  std::shared_ptr<const JobTable> jobs_;
  std::map<std::uint64_t, std::unique_ptr<RunInputs>> inputs_;  // by workload seed
};

// The one run a front-end asks for (`capsim run`, Python capsim.run):
// policy_spec empty: the scenario's placement policy, else best-fit; a spec
// naming the scenario's policy starts from the scenario's parameters; then
// the spec's own parameters, then params, win. seed: the scenario's when absent.
RunSpec resolve_run_spec(const config::Scenario& scenario, const std::string& policy_spec,
                         const std::map<std::string, std::string>& params, std::optional<std::uint64_t> seed);
// The runs of a comparison (`capsim compare`, Python capsim.compare): every
// policy spec (empty: every policy worth comparing on the fleet) for every
// seed (empty: the scenario's), parameters as in resolve_run_spec.
std::vector<RunSpec> resolve_compare_specs(PreparedScenario& scenario, const std::vector<std::string>& policy_specs,
                                           const std::vector<std::uint64_t>& seeds);

struct TimedResult {
  RunResult result;
  double wall_s = 0;  // kept out of the result files: they must not depend on the machine
};

SimConfig sim_config_from(const config::Scenario& s);
TimedResult run_one(const RunSetup& setup, const RunSpec& spec,
                    const std::function<void(SimTime)>& progress = {});
// The same with a policy object built elsewhere (a Python policy); spec names it.
TimedResult run_one_with(const RunSetup& setup, const RunSpec& spec, PlacementPolicy& policy,
                         const std::function<void(SimTime)>& progress = {});
// Results in the order of specs, whatever the thread count (threads <= 0: all cores).
// on_done(finished_count) is called, from worker threads, as each run ends.
// progress is passed to every run (it may throw to stop them all).
std::vector<TimedResult> run_many(PreparedScenario& scenario, const std::vector<RunSpec>& specs, int threads,
                                  const std::function<void(std::size_t)>& on_done = {},
                                  const std::function<void(SimTime)>& progress = {});

// The inflation experiment for every (policy, seed) in specs, side by side.
// The fragmentation target and fgd's target are the pod list's request shapes.
struct InflationRun {
  RunSpec spec;
  InflationCurve curve;
  double wall_s = 0;
};
// The protocol: capsim's own (experiments/inflation.h, any placement policy)
// or the FGD paper's reference simulator (experiments/fgd_sim.h, its six).
enum class InflationProtocol : std::uint8_t { kCapsim, kFgdSim };
InflationProtocol inflation_protocol(const std::string& name);  // "capsim" or "fgd-sim"; InputError otherwise
std::vector<InflationRun> run_inflation_many(const RunInputs& inputs, const std::vector<RunSpec>& specs,
                                             double target_share, int threads,
                                             const std::function<void(std::size_t)>& on_done = {},
                                             InflationProtocol protocol = InflationProtocol::kCapsim);

std::string params_to_json(const std::map<std::string, std::string>& params);

}  // namespace capsim
