// Sweep specs and their plans: the axes applied to the base scenario, point by point.
#include "experiments/sweep.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <hdf5.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "experiments/runner.h"
#include "experiments/sweep_constraint.h"
#include "experiments/sweep_detail.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/h5_util.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim {

using namespace sweep_detail;

config::SweepSpec load_sweep_spec(const std::string& path) {
  config::SweepSpec spec;
  const std::string text = read_text_file(path, "sweep spec");
  if (is_textproto_path(path))
    parse_textproto_into(spec, text, path);
  else
    parse_json_into(spec, text, path);
  return spec;
}

config::SweepSpec parse_sweep_spec_json(const std::string& json, const std::string& origin) {
  config::SweepSpec spec;
  parse_json_into(spec, json, origin);
  return spec;
}

SweepRow run_sweep_point(const SweepPlan& plan, std::size_t index) {
  if (index >= plan.points.size()) throw InputError("sweep point " + std::to_string(index) + ": the plan has " +
                                                    std::to_string(plan.points.size()) + " points");
  const SweepPoint& p = plan.points[index];
  PreparedScenario prepared(p.scenario, "");
  const RunSpec spec = resolve_run_spec(p.scenario, p.policy, {}, p.seed);
  const RunSetup setup = prepared.setup(spec.seed);
  return row_of(p, run_one(setup, spec));
}

SweepPlan plan_sweep(const std::string& spec_path) {
  const config::SweepSpec spec = load_sweep_spec(spec_path);
  const std::string dir = std::filesystem::path(spec_path).parent_path().string();
  return plan_sweep_from(spec, dir.empty() ? "." : dir, spec_path);
}

SweepPlan plan_sweep_from(const config::SweepSpec& spec, const std::string& base_dir, const std::string& origin) {
  SweepPlan plan;
  plan.spec = spec;
  plan.origin = origin;
  if (spec.scenario().empty()) throw InputError(origin + ": field scenario: the base scenario's path is required");
  const std::string scenario_path = resolve_path(base_dir, spec.scenario());
  LoadedScenario base;
  try {
    base = load_scenario_file(scenario_path);
  } catch (const InputError& e) {
    throw InputError(origin + ": field scenario: " + e.what());
  }
  const config::Scenario absolute = with_absolute_paths(base.scenario, base.base_dir);
  const pb::Value base_tree = value_of(to_json(absolute), "scenario");
  const std::string mode = spec.mode().empty() ? "grid" : spec.mode();
  if (mode != "grid" && mode != "list") throw InputError(origin + ": field mode: grid or list, not '" + mode + "'");
  if (spec.axes().empty() && spec.policies().empty() && spec.seeds().empty())
    throw InputError(origin + ": nothing to sweep: give axes, policies or seeds");
  std::set<std::string> names;
  for (int a = 0; a < spec.axes_size(); ++a) {
    const auto& axis = spec.axes(a);
    const std::string field = origin + ": field axes[" + std::to_string(a) + "]";
    if (axis.values().empty()) throw InputError(field + ".values: empty (an axis needs at least one value)");
    const std::string name = axis.name().empty() ? axis.path() : axis.name();
    if (!names.insert(name).second) throw InputError(field + ".name: '" + name + "' names two axes");
    plan.axis_names.push_back(name);
    if (mode == "list" && axis.values_size() != spec.axes(0).values_size())
      throw InputError(field + ".values: in list mode every axis has as many values as the first (" +
                       std::to_string(spec.axes(0).values_size()) + ")");
  }
  if (spec.has_goal()) {
    const auto& g = spec.goal();
    if (std::find(plan.axis_names.begin(), plan.axis_names.end(), g.axis()) == plan.axis_names.end())
      throw InputError(origin + ": field goal.axis: '" + g.axis() + "' is not an axis");
    if (mode != "grid") throw InputError(origin + ": field goal: goal-seeking needs mode grid");
    parse_condition(g.condition(), origin + ": field goal.condition");
    const int a = static_cast<int>(std::find(plan.axis_names.begin(), plan.axis_names.end(), g.axis()) -
                                   plan.axis_names.begin());
    for (int v = 0; v < spec.axes(a).values_size(); ++v)
      if (spec.axes(a).values(v).kind_case() != pb::Value::kNumberValue)
        throw InputError(origin + ": field axes[" + std::to_string(a) + "].values[" + std::to_string(v) +
                         "]: the goal's axis takes numbers");
  }
  // Combinations of axis values (grid: the last axis varies fastest).
  std::vector<std::vector<int>> combos;
  const int n_axes = spec.axes_size();
  if (n_axes == 0) {
    combos.push_back({});
  } else if (mode == "list") {
    for (int v = 0; v < spec.axes(0).values_size(); ++v) combos.push_back(std::vector<int>(static_cast<std::size_t>(n_axes), v));
  } else {
    std::vector<int> at(static_cast<std::size_t>(n_axes), 0);
    while (true) {
      combos.push_back(at);
      int a = n_axes - 1;
      while (a >= 0 && ++at[static_cast<std::size_t>(a)] == spec.axes(a).values_size()) at[static_cast<std::size_t>(a--)] = 0;
      if (a < 0) break;
      if (combos.size() > 1'000'000) throw InputError(origin + ": more than 1,000,000 points");
    }
  }
  std::vector<SweepConstraint> constraints;
  for (int c = 0; c < spec.constraints_size(); ++c)
    constraints.emplace_back(spec.constraints(c), plan.axis_names,
                             origin + ": field constraints[" + std::to_string(c) + "]");
  std::vector<std::string> policies(spec.policies().begin(), spec.policies().end());
  if (policies.empty()) policies.push_back("");
  std::vector<std::uint64_t> seeds(spec.seeds().begin(), spec.seeds().end());
  std::string all_hashes;
  for (const auto& combo : combos) {
    std::vector<double> numbers;
    for (int a = 0; a < n_axes; ++a) numbers.push_back(value_number(spec.axes(a).values(combo[static_cast<std::size_t>(a)])));
    bool keep = true;
    for (std::size_t c = 0; c < constraints.size() && keep; ++c)
      keep = constraints[c].holds(numbers, origin + ": field constraints[" + std::to_string(c) + "]");
    if (!keep) continue;
    pb::Value tree = base_tree;
    std::vector<std::string> values;
    for (int a = 0; a < n_axes; ++a) {
      const int v = combo[static_cast<std::size_t>(a)];
      const std::string field = origin + ": field axes[" + std::to_string(a) + "]";
      set_path(tree, spec.axes(a).path(), spec.axes(a).values(v), field + ".path '" + spec.axes(a).path() + "'");
      values.push_back(value_json(spec.axes(a).values(v)));
    }
    config::Scenario s;
    std::string where = "point";
    for (int a = 0; a < n_axes; ++a)
      where += std::string(a ? ", " : " ") + plan.axis_names[static_cast<std::size_t>(a)] + "=" + values[static_cast<std::size_t>(a)];
    try {
      s = parse_scenario_json(value_json(tree), origin + " (" + where + ")");
      validate_scenario(s, origin + " (" + where + ")");
    } catch (const InputError& e) {
      throw InputError(std::string(e.what()));
    }
    const std::string scenario_json = to_json(s);
    for (const auto& policy : policies) {
      const std::vector<std::uint64_t> run_seeds = seeds.empty() ? std::vector<std::uint64_t>{s.seed()} : seeds;
      for (auto seed : run_seeds) {
        SweepPoint p;
        p.index = plan.points.size();
        p.axis_values = values;
        p.axis_numbers = numbers;
        p.policy = policy;
        p.seed = seed;
        p.scenario = s;
        p.hash = fnv_hex(scenario_json + "\n" + policy + "\n" + std::to_string(seed) + "\n" CAPSIM_VERSION);
        p.scenario_hash = fnv_hex(scenario_json);
        all_hashes += p.hash;
        plan.points.push_back(std::move(p));
      }
    }
  }
  if (plan.points.empty()) throw InputError(origin + ": field constraints: no point of the grid meets them");
  plan.plan_hash = fnv_hex(all_hashes);
  return plan;
}

}  // namespace capsim
