// Property test: the recorder's exact allocation means (integrated between
// events) equal a reconstruction from a per-segment job log, on random
// scenarios with interruptions, gangs, checkpoints on notice and elastic
// pools, for every policy. A metric that misses a signal (an interruption,
// a job leaving on notice) shows here as a difference.
#include <catch2/catch.hpp>

#include <map>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "random_scenario.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

namespace {

// Every run segment of every job: from a placement to its finish or interruption.
class SegmentLog final : public EngineListener {
 public:
  void on_job_placed(const Simulation&, SimTime t, std::uint32_t j, const Placement&) override {
    REQUIRE(open_.count(j) == 0);
    open_[j] = t;
  }
  void on_job_finished(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&) override { close(sim, t, j); }
  void on_job_interrupted(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&, SimTime) override {
    close(sim, t, j);
  }
  void on_run_end(const Simulation& sim, SimTime end) override {
    while (!open_.empty()) close(sim, end, open_.begin()->first);
  }

  double cpu_milli_us = 0, memory_mib_us = 0, gpu_milli_us = 0;
  std::int64_t segments = 0;

 private:
  void close(const Simulation& sim, SimTime t, std::uint32_t j) {
    const auto it = open_.find(j);
    REQUIRE(it != open_.end());
    const JobTable& jobs = sim.jobs();
    const double held = static_cast<double>(t - it->second) * jobs.workers[j];
    cpu_milli_us += held * static_cast<double>(jobs.cpu_milli[j]);
    memory_mib_us += held * static_cast<double>(jobs.memory_mib[j]);
    gpu_milli_us += held * (jobs.num_gpu[j] == 1 ? jobs.gpu_milli[j] : jobs.num_gpu[j] * 1000.0);
    open_.erase(it);
    ++segments;
  }
  std::map<std::uint32_t, SimTime> open_;
};

}  // namespace

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
      SegmentLog log;
      RunSetup setup = prepared.setup(seed);
      setup.observer = &log;
      const RunResult r = run_one(setup, RunSpec{policy, {}, seed}).result;
      const Fleet& f = setup.inputs->fleet;
      const double span_us = (summary_number(r.summary, "sim_end_s") - summary_number(r.summary, "sim_start_s")) * 1e6;
      if (span_us <= 0) continue;
      auto mean = [&](double integral, double capacity) { return integral / span_us / capacity; };
      CHECK(summary_number(r.summary, "alloc_cpu_mean") ==
            Approx(mean(log.cpu_milli_us, static_cast<double>(f.total_cpu_milli()))).epsilon(1e-9).margin(1e-12));
      CHECK(summary_number(r.summary, "alloc_memory_mean") ==
            Approx(mean(log.memory_mib_us, static_cast<double>(f.total_memory_mib()))).epsilon(1e-9).margin(1e-12));
      CHECK(summary_number(r.summary, "alloc_gpu_milli_mean") ==
            Approx(mean(log.gpu_milli_us, f.total_gpus() * 1000.0)).epsilon(1e-9).margin(1e-12));
      segments += log.segments;
      interrupted_runs += summary_number(r.summary, "job_interruptions") > 0;
    }
  }
  CHECK(segments > 10000);
  CHECK(interrupted_runs > 100);  // the interesting case is exercised
}
