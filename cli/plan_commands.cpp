// capsim sweep, baseline and regress: what-if sweeps and CI regression checks (experiments/sweep.h,
// experiments/regress.h).
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "experiments/regress.h"
#include "experiments/sweep.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"

namespace capsim::cli {

int cmd_sweep(int argc, char** argv) {
  po::options_description o("Sweep");
  o.add_options()
      ("spec", po::value<std::string>(), "sweep spec (.json or .textproto; schema sim/io/sweep.proto)")
      ("out", po::value<std::string>()->default_value("out/sweep"),
       "directory: sweep.csv, sweep.h5 (goal.csv with a goal), plan.json and points/ (finished points, for resume)")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("shard", po::value<std::string>(), "i/N: run points i, i+N, i+2N, ... only (0 <= i < N); join with --merge")
      ("merge", po::value<std::vector<std::string>>()->multitoken(),
       "join the finished points of these shard directories into --out's table instead of running");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim sweep SPEC [--out DIR] [--shard i/N] | --merge DIR... --out DIR"))
    return 0;
  const std::string out = vm["out"].as<std::string>();
  if (vm.count("merge")) {
    std::vector<std::string> axes;
    const std::vector<SweepRow> rows = read_sweep_rows(vm["merge"].as<std::vector<std::string>>(), &axes);
    write_sweep_table(out, axes, rows);
    std::cout << "merged " << rows.size() << " points into " << out << "/sweep.csv and sweep.h5\n";
    return 0;
  }
  if (!vm.count("spec")) throw InputError("sweep: give a SPEC (or --merge)");
  const SweepPlan plan = plan_sweep(vm["spec"].as<std::string>());
  SweepOptions options;
  options.threads = vm["threads"].as<int>();
  options.out_dir = out;
  if (vm.count("shard")) {
    const std::string sh = vm["shard"].as<std::string>();
    const auto slash = sh.find('/');
    try {
      if (slash == std::string::npos) throw std::invalid_argument("no slash");
      options.shard = std::stoul(sh.substr(0, slash));
      options.shards = std::stoul(sh.substr(slash + 1));
    } catch (const std::exception&) {
      throw InputError("--shard: expected i/N, got '" + sh + "'");
    }
  }
  std::vector<SweepRow> rows;
  {
    ProgressLine line;
    rows = run_sweep(plan, options, [&](std::size_t done, std::size_t total) {
      line.update("%zu of %s%zu points done", done, plan.spec.has_goal() ? "about " : "", total);
    });
  }
  write_sweep_table(out, plan.axis_names, rows);
  std::cout << "ran " << rows.size() << " of " << plan.points.size() << " points";
  if (options.shards > 1) std::cout << " (shard " << options.shard << "/" << options.shards << ")";
  std::cout << "; wrote " << out << "/sweep.csv and sweep.h5\n";
  if (plan.spec.has_goal()) {
    const std::vector<GoalAnswer> answers = goal_answers(plan, rows);
    write_goal_csv(out, plan, answers);
    for (const auto& a : answers) {
      std::string group;
      for (const auto& g : a.group) group += (group.empty() ? "" : ", ") + g;
      std::cout << "smallest " << plan.spec.goal().axis() << " with " << plan.spec.goal().condition() << " (" << group
                << "): " << (a.value.empty() ? "none of the values" : a.value) << "\n";
    }
    std::cout << "wrote " << out << "/goal.csv\n";
  }
  return 0;
}

int cmd_baseline(int argc, char** argv) {
  po::options_description o("Baseline");
  o.add_options()
      ("scenarios", po::value<std::vector<std::string>>()->multitoken(), "scenario files")
      ("policies", po::value<std::string>(), "comma-separated policy specs (default: each scenario's)")
      ("seeds", po::value<std::string>(), "comma-separated seeds (default: each scenario's)")
      ("tolerance", po::value<std::vector<std::string>>()->composing(),
       "KEY=SPEC (repeatable; KEY * for the default): exact, ignore, abs:X, rel:X, "
       "higher-is-worse[:abs:X|:rel:X], lower-is-worse[...]")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores)")
      ("out", po::value<std::string>()->default_value("baseline.json"),
       "the baseline file (scenario paths are written relative to it)");
  po::positional_options_description pos;
  pos.add("scenarios", -1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim baseline SCENARIO... [--policies a,b] [--seeds 1,2] "
                                             "[--tolerance KEY=SPEC]... [--out FILE]"))
    return 0;
  if (!vm.count("scenarios")) throw InputError("baseline: give one or more scenario files");
  const std::string out = vm["out"].as<std::string>();
  const std::filesystem::path out_dir = std::filesystem::absolute(out).parent_path();
  std::vector<std::string> scenarios;
  for (const auto& s : vm["scenarios"].as<std::vector<std::string>>()) {
    if (!std::filesystem::exists(s)) throw InputError(s + ": no such scenario file");
    scenarios.push_back(std::filesystem::relative(std::filesystem::absolute(s), out_dir).string());
  }
  std::vector<std::string> policies;
  if (vm.count("policies")) policies = split_list(vm["policies"].as<std::string>());
  std::vector<std::uint64_t> seeds;
  if (vm.count("seeds"))
    for (const auto& s : split_list(vm["seeds"].as<std::string>())) seeds.push_back(parse_seed(s, "--seeds"));
  std::map<std::string, std::string> tolerances;
  if (vm.count("tolerance"))
    for (const auto& t : vm["tolerance"].as<std::vector<std::string>>()) {
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0) throw InputError("--tolerance: expected KEY=SPEC, got '" + t + "'");
      tolerances[t.substr(0, eq)] = t.substr(eq + 1);
    }
  const Baseline b = record_baseline(scenarios, out_dir.string(), policies, seeds, tolerances, vm["threads"].as<int>());
  write_baseline(out, b);
  std::cout << "recorded " << b.runs.size() << " runs in " << out << "\n";
  return 0;
}

int cmd_regress(int argc, char** argv) {
  po::options_description o("Regress");
  o.add_options()
      ("baseline", po::value<std::string>(), "the baseline file (capsim baseline)")
      ("junit", po::value<std::string>(), "also write a JUnit XML report here (one test case per run)")
      ("markdown", po::value<std::string>(), "also write a Markdown summary here (a CI job's summary or comment)")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores)");
  po::positional_options_description pos;
  pos.add("baseline", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, o, pos, vm, "usage: capsim regress BASELINE [--junit FILE] [--markdown FILE]"))
    return 0;
  if (!vm.count("baseline")) throw InputError("regress: give a BASELINE file");
  const std::string path = vm["baseline"].as<std::string>();
  const Baseline b = load_baseline(path);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const RegressReport r = run_regress(b, dir.empty() ? "." : dir, vm["threads"].as<int>());
  std::cout << regress_table(b, r);
  if (vm.count("junit")) write_text_atomically(vm["junit"].as<std::string>(), regress_junit(b, r));
  if (vm.count("markdown")) write_text_atomically(vm["markdown"].as<std::string>(), regress_markdown(b, r));
  return r.failed() ? 1 : 0;
}

}  // namespace capsim::cli
