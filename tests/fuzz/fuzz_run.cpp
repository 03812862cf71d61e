// libFuzzer target: whole small runs (loader, scenario assembly, engine,
// policies, capacity, recorders). The first bytes seed a random scenario
// (tests/unit/random_scenario.h) and pick the policy and queue; the rest, when
// it is a small valid scenario (the corpus holds tests/scenarios), replaces
// it. Every input ends in an input error or in a run whose invariants hold:
// no node or GPU allocated past capacity (the engine checks each allocation),
// no job waiting while a node it may use has room, allocation integrals equal
// to the per-segment job log. Anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/io/scenario_loader.h"
#include "../unit/random_scenario.h"
#include "../unit/segment_log.h"
#include "../unit/waiting_invariant.h"

using namespace capsim;

namespace {

// Keeps runs small: a fuzzed count of billions would only measure memory.
bool small_enough(const config::Scenario& s) {
  std::uint64_t jobs = 0, nodes = 0;
  for (const auto& w : s.workloads()) jobs += w.has_synthetic() ? w.synthetic().count() : 1000;
  for (const auto& n : s.fleet().nodes()) nodes += n.has_group() ? n.group().count() : 1000;
  return jobs <= 2000 && nodes <= 200;
}

[[noreturn]] void fail(const std::string& what, const std::string& scenario) {
  std::fprintf(stderr, "invariant broken: %s\nscenario: %s\n", what.c_str(), scenario.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 10) return 0;
  std::uint64_t seed = 0;
  std::memcpy(&seed, data, 8);
  const auto& names = placement_policy_names();
  const std::string policy = names[data[8] % names.size()];
  const bool strict = data[9] & 1;
  std::string json(reinterpret_cast<const char*>(data) + 10, size - 10);
  config::Scenario s;
  try {
    s = parse_scenario_json(json, "fuzz.json");
    validate_scenario(s, "fuzz.json");
  } catch (const InputError&) {
    json = test::random_scenario(seed % 100000 + 1);
    s = parse_scenario_json(json, "random scenario");
  }
  if (!small_enough(s)) return 0;
  if (s.horizon_s() <= 0 || s.horizon_s() > test::kHorizonS) s.set_horizon_s(test::kHorizonS);
  if (strict) s.set_queue("strict-fifo");
  try {
    PreparedScenario prepared(s, "");
    test::WaitingInvariant waiting;
    test::SegmentLog segments;
    test::BothListeners both(waiting, segments);
    RunSetup setup = prepared.setup(s.seed());
    setup.observer = &both;
    const RunResult r = run_one(setup, RunSpec{policy, {}, s.seed()}).result;
    if (!waiting.violations.empty()) fail(policy + ": " + waiting.violations.front(), json);
    const std::string m = segments.mismatch(r.summary, setup.inputs->fleet);
    if (!m.empty()) fail(policy + ": " + m, json);
  } catch (const InputError&) {
    // a clear input error is a right answer
  }
  return 0;
}
