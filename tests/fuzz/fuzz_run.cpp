// libFuzzer target: whole small runs (loader, scenario assembly, engine,
// policies, capacity, recorders). The first bytes seed a random scenario
// (tests/unit/random_scenario.h) and pick the policy and queue; the rest, when
// it is a small valid scenario (the corpus holds tests/scenarios), replaces
// it. Every input ends in an input error or in a run whose invariants hold:
// no node or GPU allocated past capacity (the engine checks each allocation),
// no job waiting while a node it may use has room, allocation integrals equal
// to the per-segment job log, and (for the inputs the seed byte prices with
// a small catalog) cost conserved: in every ledger window and cost center the
// bill is its idle part plus the teams' charges, nothing idle is negative,
// and the jobs' costs sum to the charges. Anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/io/fleet_pricing.h"
#include "sim/io/price_catalog_loader.h"
#include "sim/io/scenario_loader.h"
#include "../unit/price_catalog_fixture.h"
#include "../unit/random_scenario.h"
#include "../unit/segment_log.h"
#include "../unit/waiting_invariant.h"

using namespace capsim;

namespace {

// Keeps runs small: a fuzzed count of billions would only measure memory.
bool small_enough(const config::Scenario& s) {
  std::uint64_t jobs = 0, nodes = 0;
  for (const auto& w : s.workloads()) {
    jobs += w.has_synthetic() ? w.synthetic().count() : 1000;
    if (w.has_service()) {  // replica slots and generated load steps
      const auto& v = w.service();
      const std::uint64_t copies = std::max<std::uint32_t>(1, v.copies());
      jobs += copies * std::max({v.max_replicas(), v.replicas(), v.min_replicas()});
      if (copies > 100 || (v.load().has_csv() && v.load().csv().repeat())) return false;
      const auto& d = v.load().diurnal();
      if (v.load().has_diurnal() && (d.step_s() < 1 || d.span_s() / std::max(1.0, d.step_s()) > 1e6 ||
                                     (d.span_s() == 0 && (v.end_s() > 1e7 || s.horizon_s() > 1e7))))
        return false;
    }
  }
  for (const auto& n : s.fleet().nodes()) nodes += n.has_group() ? n.group().count() : 1000;
  return jobs <= 2000 && nodes <= 200;
}

// Every node priced per core from the test catalog's box: owned pools on
// premises, the others in a cloud region with its 1-year commitment.
void price_every_pool(config::Scenario& s) {
  for (auto& pool : *s.mutable_fleet()->mutable_pools()) {
    const bool owned = pool.kind() == "owned" || pool.kind().empty();
    pool.set_provider(owned ? "onprem" : "aws");
    pool.set_region(owned ? "dc" : "r");
    pool.set_commitment("1y");
    pool.clear_prices();
    auto* rule = pool.add_prices();
    rule->set_node_type("box");
    rule->set_scale("cpu");
  }
}

// "" when cost is conserved, else what is not.
std::string cost_mismatch(const RunResult& r, bool reclaimed) {
  const CostResult& c = r.cost;
  const std::size_t C = c.centers.size(), T = c.teams.size();
  double charges = 0;
  for (std::size_t w = 0; w < c.windows; ++w)
    for (std::size_t k = 0; k < C; ++k) {
      double ch = 0;
      for (std::size_t m = 0; m < T; ++m) ch += c.charge[(w * C + k) * T + m];
      const double b = c.bill[w * C + k], tol = 1e-9 * std::max(1.0, std::abs(b));
      if (std::abs(b - c.idle[w * C + k] - ch) > tol)
        return "window " + std::to_string(w) + " center " + std::to_string(k) + ": bill " + std::to_string(b) +
               " != idle " + std::to_string(c.idle[w * C + k]) + " + charges " + std::to_string(ch);
      // Reclaimed pods (co-location) are charged per request beside the native ones that leave their
      // capacity unused, so a window's idle cost may go negative then (docs/colocation.md); otherwise not.
      if (!reclaimed && c.idle[w * C + k] < -tol) return "negative idle cost in window " + std::to_string(w);
      charges += ch;
    }
  double jobs = 0;
  for (const auto& col : r.jobs.real_columns)
    if (col.name == "cost")
      for (double v : col.values)
        if (!std::isnan(v)) jobs += v;
  if (std::abs(jobs - charges) > 1e-9 * std::max(1.0, std::abs(charges)))
    return "job costs " + std::to_string(jobs) + " != charges " + std::to_string(charges);
  return "";
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
  const bool priced = data[9] & 2;
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
  if (priced) price_every_pool(s);
  try {
    PreparedScenario prepared(s, "");
    test::WaitingInvariant waiting;
    test::SegmentLog segments;
    test::BothListeners both(waiting, segments);
    RunSetup setup = prepared.setup(s.seed());
    RunInputs inputs;
    if (priced) {
      inputs = *setup.inputs;
      config::PriceCatalog cat;
      parse_json_into(cat, test::kPriceCatalog, "fuzz catalog");
      validate_price_catalog(cat, "fuzz catalog");
      inputs.pricing = price_fleet(inputs.fleet, s.fleet().pools(), cat, "fuzz catalog");
      inputs.cost.window_us = seconds_to_us(1800.0);
      setup.inputs = &inputs;
    }
    setup.observer = &both;
    const RunResult r = run_one(setup, RunSpec{policy, {}, s.seed()}).result;
    if (!waiting.violations.empty()) fail(policy + ": " + waiting.violations.front(), json);
    const std::string m = segments.mismatch(r.summary, setup.inputs->fleet);
    if (!m.empty()) fail(policy + ": " + m, json);
    if (priced) {
      if (!r.cost.present) fail(policy + ": a priced run has no cost", json);
      const std::string c = cost_mismatch(r, s.has_colocation());
      if (!c.empty()) fail(policy + ": " + c, json);
      if (std::getenv("CAPSIM_FUZZ_TRACE"))
        std::fprintf(stderr, "priced run conserved: %zu windows, %zu centers\n", r.cost.windows, r.cost.centers.size());
    }
  } catch (const InputError&) {
    // a clear input error is a right answer
  }
  return 0;
}
