// The ledger's size target: a year of a 1,000-node fleet (three pools, one
// of them elastic) with five teams at one-minute windows. Prints the run
// time, the ledger's bytes in memory, the peak resident set, and the time
// and size of writing results.h5. Usage: cost_ledger_year SCENARIOS_DIR [JOBS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "experiments/runner.h"
#include "sim/base/random.h"
#include "sim/io/results_h5.h"
#include "sim/io/scenario_loader.h"
#include "scenario/run_inputs.h"

#include "peak_rss.h"

using namespace capsim;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cost_ledger_year SCENARIOS_DIR [JOBS]\n");
    return 2;
  }
  const long n_jobs = argc > 2 ? std::atol(argv[2]) : 1200000;
  const std::string scenario = R"({"fleet": {"pools": [
      {"name": "reserved", "kind": "reserved", "provider": "aws", "region": "us-east-1", "commitment": "1y-no-upfront",
       "prices": [{"node_type": "p3.8xlarge"}]},
      {"name": "burst", "kind": "on-demand", "provider": "aws", "region": "us-east-1", "prices": [{"node_type": "p3.8xlarge"}],
       "minimum_billed_s": 60, "boot_delay_s": 180, "elastic": {"min_nodes": 0}},
      {"name": "cpu", "kind": "owned", "provider": "onprem", "region": "dc-1", "prices": [{"node_type": "cpu-server"}]}],
    "nodes": [
      {"group": {"name_prefix": "r", "count": 400, "cpu_cores": 32, "memory_gib": 244, "gpus": 4, "gpu_model": "V100", "pool": "reserved"}},
      {"group": {"name_prefix": "b", "count": 400, "cpu_cores": 32, "memory_gib": 244, "gpus": 4, "gpu_model": "V100", "pool": "burst"}},
      {"group": {"name_prefix": "c", "count": 200, "cpu_cores": 32, "memory_gib": 256, "pool": "cpu"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1}, "duration_s": {"constant": 1},
                   "shapes": [{"cpu_cores": 1}]}}],
    "cost": {"catalog": "prices/example_catalog.json", "window_s": 60}})";
  config::Scenario s = parse_scenario_json(scenario, "cost_ledger_year");
  RunInputs in = build_run_inputs(s, argv[1]);
  // A year of jobs: uniform arrivals, exponential durations (mean 24 h), five teams, GPU and CPU shapes.
  in.jobs = JobTable{};
  RandomStream rng(1, "cost-ledger-year");
  const double year_s = 365 * 86400.0;
  for (long j = 0; j < n_jobs; ++j) {
    JobRow r;
    r.name = "j" + std::to_string(j);
    r.submit_us = seconds_to_us(rng.uniform01() * year_s);
    r.duration_us = seconds_to_us(60 + rng.exponential(24 * 3600.0));
    const auto kind = rng.uniform_index(3);
    r.request = kind == 0   ? JobRequest{8000, 61 * 1024, 1, 1000, 0}
                : kind == 1 ? JobRequest{4000, 30 * 1024, 1, 500, 0}
                            : JobRequest{8000, 32 * 1024, 0, 0, 0};
    r.team = "team" + std::to_string(rng.uniform_index(5));
    in.jobs.add(r);
  }
  in.jobs.sort_by_submit();
  in.jobs.drop_unused_teams();
  s.set_horizon_s(year_s);
  RunSetup setup{&in, sim_config_from(s), ""};
  const double rss_before = peak_rss_mib();
  const auto t0 = std::chrono::steady_clock::now();
  const TimedResult res = run_one(setup, {"best-fit", {}, 1});
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const CostResult& c = res.result.cost;
  const double ledger_mib = static_cast<double>((c.bill.size() + c.idle.size() + c.charge.size()) * sizeof(double)) /
                            (1024.0 * 1024.0);
  const std::string path = (std::filesystem::temp_directory_path() / "capsim_cost_ledger_year.h5").string();
  const auto t1 = std::chrono::steady_clock::now();
  write_results_h5(path, res.result);
  const double write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const double file_mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
  std::filesystem::remove(path);
  std::printf("1,000 nodes (3 pools, 400 elastic), %ld jobs, 5 teams, 1 year at 1-minute windows\n", n_jobs);
  std::printf("windows %zu, cost centers %zu, teams %zu\n", c.windows, c.centers.size(), c.teams.size());
  std::printf("run (engine + ledger + recorders) %.2f s; nodes acquired %.0f\n", run_s,
              summary_number(res.result.summary, "nodes_acquired"));
  std::printf("ledger in memory %.1f MiB (net by window; internal view as totals)\n", ledger_mib);
  std::printf("peak RSS %.1f MiB (%.1f MiB before the run, inputs included)\n", peak_rss_mib(), rss_before);
  std::printf("results.h5 written in %.2f s, %.1f MiB\n", write_s, file_mib);
  std::printf("cost %.0f USD, idle share %.3f, conservation error %.3g\n",
              summary_number(res.result.summary, "cost_total"), summary_number(res.result.summary, "cost_idle_share"),
              summary_number(res.result.summary, "cost_conservation_error"));
  return 0;
}
