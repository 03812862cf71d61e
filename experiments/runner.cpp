#include "experiments/runner.h"
#include "policies/priority_preemption.h"
#include "policies/tidal_gate.h"

#include <cmath>

#include <algorithm>
#include <atomic>
#include <optional>
#include <chrono>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "experiments/fgd_sim.h"
#include "policies/registry.h"
#include "sim/components/registry.h"
#include "sim/components/services.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"
#include "sim/metrics/cluster_summary.h"
#include "sim/metrics/cost_ledger.h"
#include "sim/metrics/fragmentation_recorder.h"
#include "sim/metrics/held_capacity_recorder.h"
#include "sim/metrics/interruption_recorder.h"
#include "sim/metrics/recorder.h"
#include "sim/model/fragmentation.h"

#ifndef CAPSIM_VERSION
#define CAPSIM_VERSION "unknown"
#endif

namespace capsim {

SimConfig sim_config_from(const config::Scenario& s) {
  SimConfig c;
  c.horizon_us = seconds_to_us(s.horizon_s());
  if (s.sample_interval_s() > 0) c.sample_interval_us = seconds_to_us(s.sample_interval_s());
  c.max_wait_us = seconds_to_us(s.max_wait_s());
  c.queue = s.queue() == "strict-fifo" ? QueueDiscipline::kStrictFifo : QueueDiscipline::kFifo;
  c.seed = s.seed();
  c.node_series = s.node_series();
  c.warmup_us = seconds_to_us(s.warmup_s());
  if (s.has_colocation()) {
    const auto& k = s.colocation();
    ColocationConfig& o = c.colocation;
    auto policy = [](const std::string& p) {
      return p == "request" ? ReclaimPolicy::kRequest
             : p == "max-usage-request" ? ReclaimPolicy::kMaxUsageRequest : ReclaimPolicy::kUsage;
    };
    o.enabled = true;
    if (k.update_s() > 0) o.update_us = seconds_to_us(k.update_s());
    o.cpu_policy = policy(k.cpu_policy());
    o.memory_policy = policy(k.memory_policy());
    if (k.has_cpu_reclaim_percent()) o.cpu_reclaim_percent = k.cpu_reclaim_percent();
    if (k.has_memory_reclaim_percent()) o.memory_reclaim_percent = k.memory_reclaim_percent();
    o.reserved_cpu_milli = static_cast<std::int64_t>(std::llround(k.reserved_cpu_cores() * 1000));
    o.reserved_memory_mib = static_cast<std::int64_t>(std::llround(k.reserved_memory_gib() * 1024));
    if (k.has_mid_cpu_threshold_percent()) o.mid_cpu_threshold_percent = k.mid_cpu_threshold_percent();
    if (k.has_mid_memory_threshold_percent()) o.mid_memory_threshold_percent = k.mid_memory_threshold_percent();
    o.mid_unallocated_percent = k.mid_unallocated_percent();
    if (k.has_mid_cpu_percentile()) o.mid_cpu_percentile = k.mid_cpu_percentile();
    if (k.has_mid_memory_percentile()) o.mid_memory_percentile = k.mid_memory_percentile();
    if (k.has_mid_headroom()) o.mid_headroom = k.mid_headroom();
    if (k.mid_window_s() > 0) o.mid_window_us = seconds_to_us(k.mid_window_s());
    if (k.has_be_cpu_suppress()) o.be_cpu_suppress = k.be_cpu_suppress();
    if (k.has_be_cpu_suppress_percent()) o.be_cpu_suppress_percent = k.be_cpu_suppress_percent();
    if (k.has_be_min_cpu_cores()) o.be_min_cpu_milli = static_cast<std::int64_t>(std::llround(k.be_min_cpu_cores() * 1000));
    if (k.has_be_memory_evict()) o.be_memory_evict = k.be_memory_evict();
    if (k.has_memory_evict_threshold_percent()) o.memory_evict_threshold_percent = k.memory_evict_threshold_percent();
    o.preemption = k.preemption();
    o.be_cpu_evict = k.be_cpu_evict();
    if (k.has_free_cpu_watermark_percent()) o.free_cpu_watermark_percent = k.free_cpu_watermark_percent();
    if (k.has_free_memory_watermark_percent()) o.free_memory_watermark_percent = k.free_memory_watermark_percent();
    if (k.has_cpu_evict_satisfaction_lower_percent()) o.cpu_evict_satisfaction_lower_percent = k.cpu_evict_satisfaction_lower_percent();
    if (k.has_cpu_evict_satisfaction_upper_percent()) o.cpu_evict_satisfaction_upper_percent = k.cpu_evict_satisfaction_upper_percent();
    o.tidal = tidal_calendar_of(k, "");
    o.eviction_back_off_us = k.has_eviction_back_off_s() ? seconds_to_us(k.eviction_back_off_s()) : o.update_us;
    o.memory_evict_lower_percent = k.has_memory_evict_lower_percent() ? k.memory_evict_lower_percent()
                                                                      : o.memory_evict_threshold_percent - 2;
    if (k.has_gpu_sharing()) {
      const auto& g = k.gpu_sharing();
      o.gpu.enabled = true;
      if (g.has_guests_per_gpu()) o.gpu.guests_per_gpu = static_cast<std::int32_t>(g.guests_per_gpu());
      if (g.has_memory_safety_percent()) o.gpu.memory_safety_percent = g.memory_safety_percent();
      if (g.has_guest_memory_percent()) o.gpu.guest_memory_percent = g.guest_memory_percent();
      if (g.has_back_off_s()) o.gpu.back_off_us = seconds_to_us(g.back_off_s());
    }
  }
  return c;
}

std::vector<RunSpec> specs_for(const std::vector<std::string>& policy_specs, const std::vector<std::uint64_t>& seeds,
                               const std::string& default_policy,
                               const std::map<std::string, std::string>& defaults) {
  std::vector<RunSpec> out;
  for (const auto& text : policy_specs) {
    const PolicySpec p = parse_policy_spec(text);
    std::map<std::string, std::string> params = p.name == default_policy ? defaults : std::map<std::string, std::string>{};
    for (const auto& [k, v] : p.params) params[k] = v;
    for (auto seed : seeds) out.push_back({p.name, params, seed, p.params.empty() ? "" : text});
  }
  return out;
}

std::string params_to_json(const std::map<std::string, std::string>& params) {
  std::string out = "{";
  for (const auto& [k, v] : params) out += (out.size() > 1 ? ", " : "") + json_quote(k) + ": " + json_quote(v);
  return out + "}";
}

TimedResult run_one(const RunSetup& setup, const RunSpec& spec, const std::function<void(SimTime)>& progress) {
  auto policy = make_placement_policy(spec.policy, spec.params,
                                      PolicyContext{spec.seed, &setup.inputs->fleet, &setup.inputs->jobs});
  return run_one_with(setup, spec, *policy, progress);
}

TimedResult run_one_with(const RunSetup& setup, const RunSpec& spec, PlacementPolicy& policy,
                         const std::function<void(SimTime)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const RunInputs& in = *setup.inputs;
  SimConfig config = setup.config;
  config.seed = spec.seed;  // the run's seed drives its interruption streams too
  // Decorators around the run's policy: preemption, then the daily tide's gate outermost.
  PlacementPolicy* used = &policy;
  std::optional<PriorityPreemption> preempting;
  if (config.colocation.preemption) used = &preempting.emplace(*used);
  std::optional<TidalGate> gate;
  if (!config.colocation.tidal.empty()) used = &gate.emplace(*used, config.colocation.tidal, in.jobs);
  Simulation sim(in.fleet, in.jobs, *used, config);
  add_standard_components(sim);
  Recorder recorder;
  sim.add_listener(&recorder);
  InterruptionRecorder interruptions;
  sim.add_listener(&interruptions);
  const FragmentationModel model(task_classes_of(in.jobs));
  FragmentationRecorder fragmentation(model);
  sim.add_listener(&fragmentation);
  std::unique_ptr<CapacityPolicy> capacity;
  if (std::any_of(in.fleet.pools.begin(), in.fleet.pools.end(), [](const PoolSpec& p) { return p.elastic; })) {
    capacity = make_capacity_policy(in.capacity_policy, in.capacity_params, in.fleet);
    sim.set_capacity_policy(capacity.get());
  }
  std::optional<HeldCapacityRecorder> held;
  if (HeldCapacityRecorder::needed(in.fleet)) sim.add_listener(&held.emplace());
  std::optional<CostLedger> ledger;
  if (in.pricing) sim.add_listener(&ledger.emplace(*in.pricing, in.cost));
  if (progress) sim.set_progress(progress);
  if (setup.observer) sim.add_settled_listener(setup.observer);
  sim.run();
  TimedResult out;
  RunResult& r = out.result;
  r.meta = {CAPSIM_VERSION, setup.scenario_json, spec.policy, params_to_json(spec.params), spec.seed};
  r.summary.push_back({"input_rows_skipped", setup.inputs->rows_skipped});
  r.summary.push_back({"input_jobs_impossible", setup.inputs->jobs_impossible});
  recorder.take(r);
  interruptions.take(sim, r);
  fragmentation.take(r);
  if (held) held->take(sim, r);
  if (ledger) ledger->take(sim, r);
  for (const auto& c : sim.components()) c->report(sim, r);
  add_cluster_summary(in.fleet, in.jobs, r);  // from the pools' costs and the services' keys above
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

PreparedScenario::PreparedScenario(config::Scenario scenario, std::string base_dir,
                                   std::shared_ptr<const JobTable> jobs)
    : scenario_(std::move(scenario)), base_dir_(std::move(base_dir)), jobs_(std::move(jobs)) {}

const RunInputs& PreparedScenario::inputs(std::uint64_t seed) {
  // Jobs that do not depend on the seed are built once, under the first seed asked for.
  const bool by_seed = !jobs_ && workload_depends_on_seed(scenario_);
  if (!by_seed && !inputs_.empty()) return *inputs_.begin()->second;
  auto& slot = inputs_[by_seed ? seed : 0];
  if (!slot) {
    config::Scenario s = scenario_;
    s.set_seed(seed);
    slot = std::make_unique<RunInputs>(build_run_inputs(s, base_dir_, InputUse::kReplay, jobs_.get()));
  }
  return *slot;
}

RunSetup PreparedScenario::setup(std::uint64_t seed) {
  config::Scenario s = scenario_;
  s.set_seed(seed);  // the recorded scenario is the one this run ran
  SimConfig config = sim_config_from(s);
  return {&inputs(seed), config, scenario_to_json(s)};
}

RunSpec resolve_run_spec(const config::Scenario& scenario, const std::string& policy_spec,
                         const std::map<std::string, std::string>& params, std::optional<std::uint64_t> seed) {
  const std::string& own = scenario.placement().name();
  const PolicySpec given = policy_spec.empty() ? PolicySpec{own.empty() ? "best-fit" : own, {}}
                                               : parse_policy_spec(policy_spec);
  RunSpec spec;
  spec.policy = given.name;
  if (given.name == own) spec.params.insert(scenario.placement().params().begin(), scenario.placement().params().end());
  for (const auto& [k, v] : given.params) spec.params[k] = v;
  for (const auto& [k, v] : params) spec.params[k] = v;
  spec.seed = seed ? *seed : scenario.seed();
  validate_placement_policy(spec.policy, spec.params);
  return spec;
}

std::vector<RunSpec> resolve_compare_specs(PreparedScenario& scenario, const std::vector<std::string>& policy_specs,
                                           const std::vector<std::uint64_t>& seeds) {
  const config::Scenario& s = scenario.scenario();
  const std::vector<std::uint64_t> run_seeds = seeds.empty() ? std::vector<std::uint64_t>{s.seed()} : seeds;
  const std::vector<std::string> policies =
      policy_specs.empty() ? placement_policy_names_for(scenario.inputs(run_seeds.front()).fleet) : policy_specs;
  const std::map<std::string, std::string> own(s.placement().params().begin(), s.placement().params().end());
  std::vector<RunSpec> specs = specs_for(policies, run_seeds, s.placement().name(), own);
  for (const auto& spec : specs) validate_placement_policy(spec.policy, spec.params);
  return specs;
}

std::vector<TimedResult> run_many(PreparedScenario& scenario, const std::vector<RunSpec>& specs, int threads,
                                  const std::function<void(std::size_t)>& on_done,
                                  const std::function<void(SimTime)>& progress) {
  for (const auto& s : specs) validate_placement_policy(s.policy, s.params);  // fail before any work
  std::vector<RunSetup> setups;
  for (const auto& s : specs) setups.push_back(scenario.setup(s.seed));  // inputs are built here, on one thread
  std::vector<TimedResult> results(specs.size());
  std::atomic<std::size_t> finished{0};
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, specs.size(), [&](std::size_t i) {
      results[i] = run_one(setups[i], specs[i], progress);
      const std::size_t done = ++finished;
      if (on_done) on_done(done);
    });
  });
  return results;
}

}  // namespace capsim

namespace capsim {

InflationProtocol inflation_protocol(const std::string& name) {
  if (name == "capsim") return InflationProtocol::kCapsim;
  if (name == "fgd-sim") return InflationProtocol::kFgdSim;
  throw InputError("--protocol: '" + name + "' is not a protocol (capsim, fgd-sim)");
}

std::vector<InflationRun> run_inflation_many(const RunInputs& inputs, const std::vector<RunSpec>& specs,
                                             double target_share, int threads,
                                             const std::function<void(std::size_t)>& on_done,
                                             InflationProtocol protocol) {
  const bool fgd_sim = protocol == InflationProtocol::kFgdSim;
  for (const auto& s : specs) {
    if (!fgd_sim) {
      validate_placement_policy(s.policy, s.params);
    } else {
      fgd_sim_policy(s.policy);
      if (!s.params.empty()) fgd_sim_policy(s.name());  // names the six; they take no parameters
    }
  }
  const FragmentationModel model(task_classes_of(inputs.jobs));
  std::vector<InflationRun> runs(specs.size());
  std::atomic<std::size_t> finished{0};
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, specs.size(), [&](std::size_t i) {
      const auto t0 = std::chrono::steady_clock::now();
      runs[i].spec = specs[i];
      if (fgd_sim) {
        runs[i].curve = run_fgd_sim(inputs.fleet, inputs.jobs, fgd_sim_policy(specs[i].policy), specs[i].seed,
                                    target_share, model);
      } else {
        auto policy = make_placement_policy(specs[i].policy, specs[i].params,
                                            PolicyContext{specs[i].seed, &inputs.fleet, &inputs.jobs});
        runs[i].curve = run_inflation(inputs.fleet, inputs.jobs, *policy, model, {target_share, specs[i].seed});
      }
      runs[i].wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const std::size_t done = ++finished;
      if (on_done) on_done(done);
    });
  });
  return runs;
}

}  // namespace capsim
