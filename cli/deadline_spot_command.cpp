// `capsim deadline-spot`: one deadline-bound batch job from many start offsets into a spot capacity
// series, under each deadline policy (experiments/deadline_spot.h).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "experiments/deadline_spot.h"
#include "sim/base/check.h"

namespace capsim::cli {

namespace {

SimTime hours_option(const po::variables_map& vm, const char* name) {
  const double h = vm[name].as<double>();
  if (!(h >= 0) || h > 1e6) throw InputError(std::string("--") + name + ": must be in [0, 1e6] hours");
  return seconds_to_us(h * 3600.0);
}

}  // namespace

int cmd_deadline_spot(int argc, char** argv) {
  po::options_description o("Deadline-aware spot (Can't Be Late, NSDI'24)");
  o.add_options()
      ("capacity-csv", po::value<std::string>(), "spot capacity series (t_s,nodes), such as the bundled SkyPilot one")
      ("nodes", po::value<int>()->default_value(1), "spot nodes the job needs (spot is up while nodes >= this)")
      ("work-h", po::value<double>()->default_value(48.0), "compute the job needs, hours")
      ("deadline-h", po::value<double>()->default_value(60.0), "deadline after the job's start, hours")
      ("overhead-h", po::value<double>()->default_value(0.2), "restart overhead per instance start, hours (billed, no progress)")
      ("spot-price", po::value<double>()->default_value(0.9731), "spot price per hour (default: p3.2xlarge us-west-2, the paper's)")
      ("on-demand-price", po::value<double>()->default_value(3.06), "on-demand price per hour (default: p3.2xlarge)")
      ("period-h", po::value<double>(), "the series' period, hours (default: its last row's t_s, the trace's end)")
      ("starts", po::value<int>()->default_value(1000), "start offsets spread evenly over the series' period")
      ("offsets-h", po::value<std::string>(), "comma-separated start offsets in hours instead of --starts")
      ("policies", po::value<std::string>()->default_value("on-demand,spot-only,spot-fallback,greedy,uniform-progress"),
       "comma-separated policies")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("out", po::value<std::string>(), "directory: deadline_spot.csv (one row per run) and summary.csv");
  po::positional_options_description pos;
  pos.add("capacity-csv", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm,
                     "usage: capsim deadline-spot CAPACITY.csv [--work-h H --deadline-h H --overhead-h H] "
                     "[--starts N | --offsets-h a,b] [--policies a,b] [--out DIR]"))
    return 0;
  if (!vm.count("capacity-csv")) throw InputError("deadline-spot: give a capacity CSV (columns t_s,nodes)");
  DeadlineJob job;
  job.work_us = hours_option(vm, "work-h");
  job.deadline_us = hours_option(vm, "deadline-h");
  job.overhead_us = hours_option(vm, "overhead-h");
  job.spot_per_hour = vm["spot-price"].as<double>();
  job.on_demand_per_hour = vm["on-demand-price"].as<double>();
  check_deadline_job(job);
  std::vector<DeadlinePolicy> policies;
  for (const auto& p : split_list(vm["policies"].as<std::string>())) policies.push_back(deadline_policy(p));
  if (policies.empty()) throw InputError("--policies: name at least one");
  const SimTime period = vm.count("period-h") ? hours_option(vm, "period-h") : 0;
  if (vm.count("period-h") && period == 0) throw InputError("--period-h: must be above 0 hours");
  const SpotAvailability spot =
      read_spot_availability(vm["capacity-csv"].as<std::string>(), vm["nodes"].as<int>(), period);
  std::vector<SimTime> offsets;
  if (vm.count("offsets-h")) {
    for (const auto& s : split_list(vm["offsets-h"].as<std::string>())) {
      double h = 0;
      try {
        std::size_t used = 0;
        h = std::stod(s, &used);
        if (used != s.size()) throw std::invalid_argument(s);
      } catch (const std::exception&) {
        throw InputError("--offsets-h: '" + s + "' is not a number of hours");
      }
      if (!(h >= 0) || h > 1e6) throw InputError("--offsets-h: " + s + " is outside [0, 1e6] hours");
      offsets.push_back(seconds_to_us(h * 3600.0));
    }
  } else {
    offsets = even_offsets(spot, vm["starts"].as<int>());
  }
  const std::vector<DeadlineRun> runs = run_deadline_study(spot, offsets, job, policies, vm["threads"].as<int>());
  const std::vector<DeadlineSummary> summary = summarize_deadline_study(runs, job, policies);
  std::printf("%zu start offsets over a %.1f h series; work %.1f h, deadline %.1f h, overhead %.2f h\n", offsets.size(),
              us_to_seconds(spot.period_us) / 3600, us_to_seconds(job.work_us) / 3600,
              us_to_seconds(job.deadline_us) / 3600, us_to_seconds(job.overhead_us) / 3600);
  std::printf("%-17s %10s %8s %8s %11s %9s %12s\n", "policy", "cost_usd", "vs_od", "missed", "unfinished",
              "spot_share", "preemptions");
  for (const DeadlineSummary& s : summary)
    std::printf("%-17s %10.2f %8.3f %7.1f%% %10.1f%% %9.1f%% %12.2f\n",
                deadline_policy_names()[static_cast<std::size_t>(s.policy)].c_str(), s.mean_cost,
                s.cost_vs_on_demand, 100 * s.miss_share, 100 * s.unfinished_share, 100 * s.spot_share,
                s.mean_preemptions);
  if (vm.count("out")) {
    const std::string out = vm["out"].as<std::string>();
    write_deadline_study(out, runs, summary);
    std::printf("wrote %s/deadline_spot.csv and summary.csv\n", out.c_str());
  }
  return 0;
}

}  // namespace capsim::cli
