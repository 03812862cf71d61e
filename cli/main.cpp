// capsim: the command line. Subcommands run, compare, inflate, cost, policies, validate here; sweep,
// baseline and regress in cli/plan_commands.cpp; shared helpers in cli/commands.h.
// Exit status: 0 success, 2 bad input (file, line, field named), 1 internal error.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>

#include <boost/program_options.hpp>

#include "experiments/cost_report.h"
#include "experiments/fgd_sim.h"
#include "experiments/inflation_report.h"
#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/cost_h5.h"
#include "sim/io/results_h5.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

#include "cli/commands.h"

namespace po = boost::program_options;
using namespace capsim;
using namespace capsim::cli;

namespace {

constexpr const char* kUsage =
    "usage: capsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run        simulate one placement policy on a scenario or trace files\n"
    "  compare    run several policies (and seeds) side by side and print one table\n"
    "  inflate    the workload-inflation experiment (Weng et al., ATC'23) for several policies\n"
    "  cost       break a priced run's bill down by team, business unit (showback), pool, GPU model, window or month\n"
    "  policies   list the registered policies and their parameters\n"
    "  validate   check a scenario or trace files without running\n"
    "  sweep      what-if sweep: a scenario's fields, policies and seeds varied; one table\n"
    "  baseline   record a baseline (scenarios x policies x seeds, with tolerances) for regress\n"
    "  regress    rerun a baseline and fail (exit 1) on a regression beyond its tolerances\n"
    "  report     one self-contained HTML page for runs, a compare, an inflation or a sweep\n"
    "  deadline-spot  one deadline-bound job on a spot capacity series: greedy, uniform-progress and baselines\n"
    "\n"
    "'capsim <command> --help' describes each command's options.\n";

struct Inputs {
  config::Scenario scenario;
  std::string base_dir = ".";
};

// Options shared by run, compare and validate: where the fleet and workload come from.
po::options_description input_options() {
  po::options_description o("Input");
  o.add_options()
      ("scenario", po::value<std::string>(), "scenario file (.json, or .textproto/.txtpb/.pbtxt)")
      ("nodes", po::value<std::string>(), "node list CSV (openb or alibaba-spot-v2026 format, detected)")
      ("pods", po::value<std::string>(), "openb pod list CSV")
      ("node-memory-gib", po::value<double>(), "memory per node for node lists without a memory column")
      ("skip-bad-rows", po::bool_switch(), "skip malformed rows and impossible jobs (counted) instead of failing")
      ("seed", po::value<std::string>(),
       "the run's seed, root of every random stream: synthetic workloads, placement ties, interruptions "
       "(default: the scenario's seed, 0 when it sets none; 1 for --nodes/--pods without a scenario)")
      ("workload-seed", po::value<std::string>(),
       "draw synthetic workloads from this seed whatever the run's seed (scenario field workload_seed)")
      ("horizon", po::value<double>(), "stop at this simulated time, seconds (default: when all jobs left)")
      ("sample-interval", po::value<double>(), "time-series sample interval, seconds (default 3600)")
      ("max-wait", po::value<double>(), "a pending job gives up after this many seconds (default never)")
      ("queue", po::value<std::string>(), "fifo (default) or strict-fifo")
      ("max-memory", po::value<double>(),
       "refuse a run estimated to need more than this many GiB (default: the memory available now)");
  return o;
}

Inputs load_inputs(const po::variables_map& vm) {
  Inputs in;
  const bool have_scenario = vm.count("scenario");
  if (have_scenario) {
    LoadedScenario l = load_scenario_file(vm["scenario"].as<std::string>());
    in.scenario = l.scenario;
    in.base_dir = l.base_dir;
  }
  if (vm.count("nodes") || vm.count("pods")) {
    if (!vm.count("nodes") || !vm.count("pods"))
      throw InputError("--nodes and --pods go together (or give a scenario file)");
    in.scenario.mutable_fleet()->clear_nodes();
    in.scenario.clear_workloads();
    auto* t = in.scenario.mutable_fleet()->add_nodes()->mutable_trace();
    // Paths given on the command line are relative to the working directory.
    t->set_path(std::filesystem::absolute(vm["nodes"].as<std::string>()).string());
    if (vm.count("node-memory-gib")) t->set_default_memory_gib(vm["node-memory-gib"].as<double>());
    in.scenario.add_workloads()->mutable_trace()->set_path(std::filesystem::absolute(vm["pods"].as<std::string>()).string());
    if (!have_scenario) {
      in.scenario.set_name("trace-replay");
      in.scenario.set_seed(1);
      in.base_dir = "";
    }
  } else if (!have_scenario) {
    throw InputError("give a scenario file, or --nodes and --pods");
  }
  if (vm["skip-bad-rows"].as<bool>()) in.scenario.set_skip_bad_rows(true);
  if (vm.count("seed")) in.scenario.set_seed(parse_seed(vm["seed"].as<std::string>(), "--seed"));
  if (vm.count("workload-seed"))
    in.scenario.set_workload_seed(parse_seed(vm["workload-seed"].as<std::string>(), "--workload-seed"));
  if (vm.count("horizon")) in.scenario.set_horizon_s(vm["horizon"].as<double>());
  if (vm.count("sample-interval")) in.scenario.set_sample_interval_s(vm["sample-interval"].as<double>());
  if (vm.count("max-wait")) in.scenario.set_max_wait_s(vm["max-wait"].as<double>());
  if (vm.count("queue")) in.scenario.set_queue(vm["queue"].as<std::string>());
  if (vm.count("max-memory")) {
    const double gib = vm["max-memory"].as<double>();
    if (!(gib > 0 && gib < 1e9)) throw InputError("--max-memory: expected a positive number of GiB");
    in.scenario.set_max_memory_gib(gib);
  }
  validate_scenario(in.scenario, have_scenario ? vm["scenario"].as<std::string>() : "command line");
  return in;
}

std::map<std::string, std::string> parse_params(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--param " + item + ": expected name=value");
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep);

// A policy spec as a directory name: characters other than letters, digits,
// '.', '_', '=' and '-' become '_' (best-fit:w_gpu=0 -> best-fit_w_gpu=0).
std::string file_safe(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '=' && ch != '-') ch = '_';
  return s;
}

// --policies: a comma-separated list, or "all" for the whole registry.
std::vector<std::string> policy_list(const po::variables_map& vm) {
  const std::string arg = vm["policies"].as<std::string>();
  std::vector<std::string> out = arg == "all" ? placement_policy_names() : split_list(arg);
  if (out.empty()) throw InputError("--policies: no policy given");
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (out[i] == out[k]) throw InputError("--policies: '" + out[i] + "' is listed twice");
  return out;
}

void print_skips(const RunInputs& in) {
  for (const auto& w : in.warnings) std::cerr << "capsim: warning: " << w << "\n";
  if (in.rows_skipped || in.jobs_impossible)
    std::cerr << "capsim: skipped " << in.rows_skipped << " malformed rows and " << in.jobs_impossible
              << " impossible jobs; first: " << in.first_skip_reason << "\n";
}

// Where results go: X.h5 -> X.h5 and X.summary.json; a directory -> results.h5 and summary.json in it.
std::pair<std::string, std::string> result_paths(const std::string& out) {
  if (out.size() > 3 && out.compare(out.size() - 3, 3, ".h5") == 0)
    return {out, out.substr(0, out.size() - 3) + ".summary.json"};
  return {out + "/results.h5", out + "/summary.json"};
}

std::string fmt(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

void print_rows(const std::vector<std::vector<std::string>>& rows, bool csv);

void print_table(const std::vector<RunSpec>& specs, const std::vector<TimedResult>& results, bool csv) {
  std::vector<std::pair<std::string, std::string>> cols{
      {"jobs_placed", "placed"},           {"jobs_never_placed", "never"},
      {"wait_mean_s", "wait_mean_s"},      {"wait_p95_s", "wait_p95_s"},
      {"wait_p99_s", "wait_p99_s"},        {"wait_max_s", "wait_max_s"},
      {"alloc_cpu_mean", "cpu_mean"},
      {"alloc_gpu_milli_mean", "gpu_mean"}, {"alloc_gpu_milli_peak", "gpu_peak"},
      {"gpu_busy_mean", "gpu_busy_mean"},
  };
  // Priced runs add their bill and its idle part (net, in the catalog's currency).
  bool priced = false;
  for (const auto& r : results) priced = priced || r.result.cost.present;
  if (priced) cols.insert(cols.end(), {{"cost_total", "cost"}, {"cost_idle", "idle_cost"}, {"cost_idle_share", "idle_share"}});
  // Runs with interruptions add what they cost in time.
  bool interrupted = false;
  for (const auto& r : results) interrupted = interrupted || summary_number(r.result.summary, "node_notices") > 0;
  if (interrupted)
    cols.insert(cols.end(), {{"job_interruptions", "interrupts"}, {"lost_gpu_hours", "lost_gpu_h"},
                             {"slowdown_mean", "slowdown"}, {"slowdown_p95", "slowdown_p95"},
                             {"deadline_misses", "deadline_miss"}, {"jobs_failed", "failed"}});
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"policy", "seed"};
  for (const auto& c : cols) head.push_back(c.second);
  head.push_back("wall_s");
  rows.push_back(head);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::vector<std::string> row{specs[i].name(), std::to_string(specs[i].seed)};
    for (const auto& c : cols) {
      const double v = summary_number(results[i].result.summary, c.first);
      const bool count = c.first.rfind("jobs_", 0) == 0 || c.first == "job_interruptions" || c.first == "deadline_misses";
      const int digits = count ? 0 : c.first.find("wait") == 0 ? 1
                         : c.first == "cost_total" || c.first == "cost_idle" || c.first == "lost_gpu_hours" ? 2 : 4;
      row.push_back(std::isnan(v) ? "-" : fmt(v, digits));
    }
    row.push_back(fmt(results[i].wall_s, 3));
    rows.push_back(row);
  }
  print_rows(rows, csv);
}

void print_rows(const std::vector<std::vector<std::string>>& rows, bool csv) {
  if (csv) {
    for (const auto& r : rows) {
      for (std::size_t k = 0; k < r.size(); ++k) std::cout << (k ? "," : "") << r[k];
      std::cout << "\n";
    }
    return;
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& r : rows)
    for (std::size_t k = 0; k < r.size(); ++k) width[k] = std::max(width[k], r[k].size());
  for (const auto& r : rows) {
    for (std::size_t k = 0; k < r.size(); ++k) {
      const std::string pad(width[k] - r[k].size(), ' ');
      std::cout << (k ? "  " : "") << (k < 1 ? r[k] + pad : pad + r[k]);
    }
    std::cout << "\n";
  }
}

int cmd_run(int argc, char** argv) {
  po::options_description o = input_options();
  o.add_options()
      ("policy", po::value<std::string>(),
       "placement policy (see 'capsim policies'), parameters may follow: best-fit:w_gpu=0 "
       "(default: the scenario's placement, else best-fit)")
      ("param", po::value<std::vector<std::string>>()->composing(), "policy parameter name=value (repeatable)")
      ("out", po::value<std::string>()->default_value("out/run"),
       "results: DIR (DIR/results.h5, DIR/summary.json) or FILE.h5 (FILE.h5, FILE.summary.json)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim run [SCENARIO] [--nodes F --pods F] [options]"))
    return 0;
  Inputs in = load_inputs(vm);
  const RunSpec spec = resolve_run_spec(
      in.scenario, vm.count("policy") ? vm["policy"].as<std::string>() : "",
      vm.count("param") ? parse_params(vm["param"].as<std::vector<std::string>>()) : std::map<std::string, std::string>{},
      std::nullopt);
  PreparedScenario prepared(in.scenario, in.base_dir);
  const RunSetup setup = prepared.setup(spec.seed);
  print_skips(*setup.inputs);

  // The share of simulated time done, against the horizon or else the last arrival (or service end): a
  // lower bound on the run's end, so the estimate of time left errs short while jobs drain.
  const JobTable& jobs = setup.inputs->jobs;
  SimTime first = kNever, last = setup.config.horizon_us > 0 ? setup.config.horizon_us : 0;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (jobs.submit_us[j] != kNever) {
      first = std::min(first, jobs.submit_us[j]);
      if (setup.config.horizon_us <= 0) last = std::max(last, jobs.submit_us[j]);
    }
  for (const ServiceSpec& sv : jobs.services) {
    first = std::min(first, sv.start_us);
    if (setup.config.horizon_us <= 0 && sv.end_us != kNever) last = std::max(last, sv.end_us);
  }
  if (first == kNever) first = 0;
  TimedResult r;
  {
    ProgressLine line;
    const auto t0 = std::chrono::steady_clock::now();
    r = run_one(setup, spec, [&](SimTime now) {
      const double done = last > first ? std::clamp(static_cast<double>(now - first) / static_cast<double>(last - first), 0.0, 1.0) : 0.0;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (done > 0.01 && done < 1.0)
        line.update("%s  simulated %.2f of ~%.2f days (%.0f%%), about %.0f s left", spec.policy.c_str(),
                    us_to_seconds(now - first) / 86400.0, us_to_seconds(last - first) / 86400.0, 100 * done,
                    wall * (1 - done) / done);
      else
        line.update("%s  simulated %.2f days", spec.policy.c_str(), us_to_seconds(now - first) / 86400.0);
    });
    line.update("%s  writing results", spec.policy.c_str());
  }
  const auto [h5, json] = result_paths(vm["out"].as<std::string>());
  write_results_h5(h5, r.result);
  write_summary_json(json, r.result);
  print_table({spec}, {r}, false);
  std::cout << "wrote " << h5 << " and " << json << "\n";
  return 0;
}

int cmd_compare(int argc, char** argv) {
  po::options_description o = input_options();
  o.add_options()
      ("policies", po::value<std::string>(),
       "comma-separated policy specs, or all (default: all, less the spot policies on fleets without spot pools)")
      ("seeds", po::value<std::string>(),
       "comma-separated seeds; each policy runs once per seed, each seed drawing its own synthetic workload "
       "unless --workload-seed pins it (default: the scenario's seed)")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("out", po::value<std::string>()->default_value("out/compare"),
       "directory: <policy>-seed<N>/results.h5 and summary.json per run, compare.csv")
      ("csv", po::bool_switch(), "print the table as CSV")
      ("inflate", "run the inflation experiment instead (same as 'capsim inflate')");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim compare [SCENARIO] [--nodes F --pods F] [options]"))
    return 0;
  Inputs in = load_inputs(vm);
  const std::vector<std::string> policies = vm.count("policies") ? policy_list(vm) : std::vector<std::string>{};
  std::vector<std::uint64_t> seeds;
  if (vm.count("seeds"))
    for (const auto& s : split_list(vm["seeds"].as<std::string>())) seeds.push_back(parse_seed(s, "--seeds"));
  PreparedScenario prepared(in.scenario, in.base_dir);
  const std::vector<RunSpec> specs = resolve_compare_specs(prepared, policies, seeds);
  print_skips(prepared.inputs(specs.front().seed));
  std::vector<TimedResult> results;
  {
    ProgressLine line;
    results = run_many(prepared, specs, vm["threads"].as<int>(),
                       [&](std::size_t done) { line.update("%zu of %zu runs done", done, specs.size()); });
  }
  const std::string out = vm["out"].as<std::string>();
  // HDF5 (Debian's serial build) is not thread-safe: files are written one by one.
  std::ostringstream csv;
  std::streambuf* saved = std::cout.rdbuf(csv.rdbuf());
  print_table(specs, results, true);
  std::cout.rdbuf(saved);
  std::vector<std::string> dirs;
  for (const auto& spec : specs) dirs.push_back(file_safe(spec.name()) + "-seed" + std::to_string(spec.seed));
  // Runs of an earlier comparison in the same directory are not this one's:
  // say so, since globs such as out/*/results.h5 would pick them up.
  std::vector<std::string> stale;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out, ec))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "results.h5") &&
        std::find(dirs.begin(), dirs.end(), entry.path().filename().string()) == dirs.end())
      stale.push_back(entry.path().filename().string());
  std::sort(stale.begin(), stale.end());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    write_results_h5(out + "/" + dirs[i] + "/results.h5", results[i].result);
    write_summary_json(out + "/" + dirs[i] + "/summary.json", results[i].result);
  }
  write_text_atomically(out + "/compare.csv", csv.str());
  const bool as_csv = vm["csv"].as<bool>();
  print_table(specs, results, as_csv);
  // With --csv, stdout is the table alone.
  (as_csv ? std::cerr : std::cout) << "wrote " << specs.size() << " runs under " << out << "/\n";
  if (!stale.empty())
    std::cerr << "capsim: warning: " << out << "/ also holds " << stale.size()
              << " earlier run(s) not in this comparison, left as they were: " << join(stale, ", ")
              << " (compare.csv lists this comparison's runs only)\n";
  return 0;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k) out += (k ? sep : "") + items[k];
  return out;
}

int cmd_inflate(int argc, char** argv) {
  po::options_description o = input_options();
  o.add_options()
      ("policies", po::value<std::string>()->default_value("random,dot-product,gpu-packing,gpu-clustering,best-fit,fgd"),
       "comma-separated policies, or all")
      ("repeats", po::value<int>()->default_value(10), "seeds per policy: the scenario seed and the ones after it")
      ("target", po::value<double>()->default_value(130), "stop when arrived GPU requests reach this % of capacity")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("protocol", po::value<std::string>()->default_value("capsim"),
       "capsim (this simulator's rules, any policy) or fgd-sim (the FGD paper's reference simulator: its arrival "
       "protocol, six integer-scored policies and fragmentation measure)")
      ("out", po::value<std::string>()->default_value("out/inflate"), "directory: inflation.h5 and summary.json")
      ("csv", po::bool_switch(), "print the table as CSV");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim inflate [SCENARIO] [--nodes F --pods F] [options]"))
    return 0;
  Inputs in = load_inputs(vm);
  const InflationProtocol protocol = inflation_protocol(vm["protocol"].as<std::string>());
  const std::vector<std::string> policies = protocol == InflationProtocol::kFgdSim && vm["policies"].as<std::string>() == "all"
                                                ? fgd_sim_policy_names()
                                                : policy_list(vm);
  const int repeats = vm["repeats"].as<int>();
  if (repeats < 1 || repeats > 10000) throw InputError("--repeats: must be in [1, 10000]");
  const double target = vm["target"].as<double>();
  if (!(target > 0 && target <= 1000)) throw InputError("--target: must be in (0, 1000] percent");
  const std::vector<RunSpec> specs = inflation_specs(policies, in.scenario.seed(), repeats);
  if (protocol == InflationProtocol::kCapsim)
    for (const auto& s : specs) validate_placement_policy(s.policy, s.params);
  const RunInputs inputs = build_run_inputs(in.scenario, in.base_dir, InputUse::kInflation);
  print_skips(inputs);
  std::vector<InflationRun> runs;
  const auto t0 = std::chrono::steady_clock::now();
  {
    ProgressLine line;
    runs = run_inflation_many(inputs, specs, target / 100.0, vm["threads"].as<int>(),
                              [&](std::size_t done) { line.update("%zu of %zu runs done", done, specs.size()); },
                              protocol);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const InflationReport report = summarize_inflation(inputs, policies, runs, target / 100.0, in.scenario.seed(), repeats);
  std::vector<std::vector<std::string>> rows{{"policy", "seeds", "alloc_at_100%", "std", "unallocated_gpus_end", "std",
                                              "frag_share_at_100%", "failed_pods", "wall_s"}};
  // Where the GPUs left free at the end are: fragmentation by cause, then
  // what the target workload could still use.
  std::vector<std::vector<std::string>> cause_rows{{"policy"}};
  for (const auto& c : unallocated_cause_names()) cause_rows.front().push_back(c);
  cause_rows.front().push_back("total");
  for (const InflationPolicySummary& p : report.policies) {
    rows.push_back({p.policy, std::to_string(p.seeds), fmt(100 * p.alloc_at_100_mean, 2) + "%",
                    fmt(100 * p.alloc_at_100_std, 2), fmt(p.unallocated_end_mean, 1), fmt(p.unallocated_end_std, 1),
                    fmt(100 * p.frag_share_at_100_mean, 2) + "%", fmt(p.pods_failed_mean, 1), fmt(p.wall_s, 2)});
    std::vector<std::string> cause_row{p.policy};
    for (double v : p.unallocated_by_cause_mean) cause_row.push_back(fmt(v, 1));
    cause_row.push_back(fmt(p.unallocated_end_mean, 1));
    cause_rows.push_back(cause_row);
  }
  const std::string out = vm["out"].as<std::string>();
  write_inflation_report(out, report);
  print_rows(rows, vm["csv"].as<bool>());
  if (!vm["csv"].as<bool>()) {
    std::cout << "\nGPUs left unallocated at the end, by why the target workload cannot use them (mean over seeds):\n";
    print_rows(cause_rows, false);
  }
  std::cout << specs.size() << " runs, " << fmt(wall, 2) << " s wall; wrote " << out << "/inflation.h5 and " << out
            << "/summary.json\n";
  return 0;
}

int cmd_cost(int argc, char** argv) {
  po::options_description o("Options");
  o.add_options()
      ("results", po::value<std::string>(), "results.h5 of a priced run (or its directory)")
      ("by", po::value<std::string>()->default_value("team"),
       "team, department (showback to business units), pool, gpu-model, gpu-pool (the GPU pools ranked by cost per "
       "useful GPU-hour), provider, center, window, day (the daily margin of services), provider-day (the same per "
       "cloud), service-day (per service: its replicas' charges against its revenue), month or tco")
      ("shared", po::value<std::string>()->default_value("proportional"),
       "department view: how shared costs (platform pods, idle) are allocated: proportional, even or fixed:FILE")
      ("monthly", po::bool_switch(), "department view: one column per 730-hour month")
      ("view", po::value<std::string>()->default_value("net"),
       "net (what finance pays, after discounts) or internal (list/internal prices teams are shown)")
      ("spread-idle", po::bool_switch(), "team view: spread idle cost over teams in proportion to use")
      ("csv", po::bool_switch(), "print CSV");
  po::positional_options_description pos;
  pos.add("results", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim cost RESULTS.h5 [--by team|department|pool|gpu-model|gpu-pool|provider|center|window|day|provider-day|service-day|month|tco] [--shared RULE] [--monthly]"))
    return 0;
  if (!vm.count("results")) throw InputError("give a results.h5 file (capsim cost RESULTS.h5)");
  std::string path = vm["results"].as<std::string>();
  if (std::filesystem::is_directory(path)) path += "/results.h5";
  const std::string view = vm["view"].as<std::string>();
  if (view != "net" && view != "internal") throw InputError("--view: expected net or internal, got '" + view + "'");
  const CostResult cost = read_cost_h5(path);
  CostReportOptions opt{vm["by"].as<std::string>(), view == "internal", vm["spread-idle"].as<bool>(),
                        vm["shared"].as<std::string>(), vm["monthly"].as<bool>()};
  const auto rows = cost_report(cost, opt);
  const bool csv = vm["csv"].as<bool>();
  if (!csv)
    std::cout << path << ": " << view << " prices, " << cost.currency << ", catalog: "
              << (cost.catalog_as_of.empty() ? "(no date)" : cost.catalog_as_of) << "\n";
  print_rows(rows, csv);
  return 0;
}

int cmd_policies(int argc, char** argv) {
  po::options_description o("Options");
  po::variables_map vm;
  if (!parse_command(argc, argv, o, {}, vm, "usage: capsim policies")) return 0;
  auto list = [](const char* title, const auto& table) {
    std::cout << title << "\n";
    for (const auto& p : table) {
      std::cout << "  " << p.name << std::string(p.name.size() < 12 ? 12 - p.name.size() : 1, ' ') << p.description
                << "\n";
      for (const auto& param : p.params)
        std::cout << "      " << param.name << " (" << param.type << ", default " << param.default_value
                  << "): " << param.description << "\n";
    }
  };
  list("placement policies:", placement_policies());
  list("capacity policies (elastic pools; scenario field capacity):", capacity_policies());
  return 0;
}

int cmd_validate(int argc, char** argv) {
  po::options_description o = input_options();
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim validate [SCENARIO] [--nodes F --pods F]")) return 0;
  Inputs in = load_inputs(vm);
  if (!in.scenario.placement().name().empty())
    validate_placement_policy(in.scenario.placement().name(),
                              {in.scenario.placement().params().begin(), in.scenario.placement().params().end()});
  const RunInputs inputs = build_run_inputs(in.scenario, in.base_dir);
  print_skips(inputs);
  std::cout << "ok: " << inputs.fleet.size() << " nodes, " << inputs.fleet.total_gpus() << " GPUs, "
            << inputs.jobs.size() << " jobs\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "run") return cmd_run(argc - 1, argv + 1);
    if (cmd == "compare") {
      // `capsim compare --inflate ...` is `capsim inflate ...`: the same comparison, on the inflation experiment.
      std::vector<char*> rest;
      bool inflate = false;
      for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--inflate") inflate = true;
        else rest.push_back(argv[i]);
      }
      if (inflate) return cmd_inflate(static_cast<int>(rest.size()), rest.data());
      return cmd_compare(argc - 1, argv + 1);
    }
    if (cmd == "inflate") return cmd_inflate(argc - 1, argv + 1);
    if (cmd == "cost") return cmd_cost(argc - 1, argv + 1);
    if (cmd == "policies") return cmd_policies(argc - 1, argv + 1);
    if (cmd == "validate") return cmd_validate(argc - 1, argv + 1);
    if (cmd == "sweep") return cmd_sweep(argc - 1, argv + 1);
    if (cmd == "baseline") return cmd_baseline(argc - 1, argv + 1);
    if (cmd == "regress") return cmd_regress(argc - 1, argv + 1);
    if (cmd == "report") return cmd_report(argc - 1, argv + 1);
    if (cmd == "deadline-spot") return cmd_deadline_spot(argc - 1, argv + 1);
    if (cmd == "--version") {
      std::cout << "capsim " << CAPSIM_VERSION << "\n";
      return 0;
    }
    std::cerr << "capsim: unknown command '" << cmd << "'\n\n" << kUsage;
    return 2;
  } catch (const InputError& e) {
    std::cerr << "capsim: error: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "capsim " << cmd << ": " << e.what() << " (see 'capsim " << cmd << " --help')\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "capsim: internal error: " << e.what() << "\n";
    return 1;
  }
}
