// Running a sweep: points in parallel (inputs shared per scenario), resume, shards, the goal.
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
#include "experiments/sweep_detail.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/h5_util.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim {

using namespace sweep_detail;

namespace {

// Runs the given points (in parallel), keeping each in out_dir as it finishes.
std::vector<SweepRow> run_points(const SweepPlan& plan, const std::vector<const SweepPoint*>& points,
                                 const SweepOptions& o, const std::function<void(std::size_t, std::size_t)>& progress,
                                 std::atomic<std::size_t>& done, std::size_t total) {
  std::vector<SweepRow> rows(points.size());
  std::mutex report;
  auto tick = [&] {
    const std::size_t d = ++done;
    if (progress) {
      std::lock_guard<std::mutex> lock(report);
      progress(d, total);
    }
  };
  // Points finished in an earlier run (same hash) are read back, not run again.
  std::vector<std::size_t> to_run;
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::optional<SweepRow> kept;
    if (!o.out_dir.empty()) {
      kept = read_row_file(point_file(o.out_dir, points[i]->index), nullptr);
      if (kept && kept->hash != points[i]->hash) kept.reset();  // another scenario, policy or seed ran there
    }
    if (kept) {
      rows[i] = std::move(*kept);
      tick();
    } else {
      to_run.push_back(i);
    }
  }
  if (o.remote && !to_run.empty()) {
    std::vector<std::size_t> indices;
    for (std::size_t i : to_run) indices.push_back(points[i]->index);
    std::vector<SweepRow> got = o.remote(indices);
    if (got.size() != indices.size())
      throw std::runtime_error("sweep: the remote runner returned " + std::to_string(got.size()) + " rows for " +
                               std::to_string(indices.size()) + " points");
    for (std::size_t k = 0; k < to_run.size(); ++k) {
      const std::size_t i = to_run[k];
      if (got[k].index != points[i]->index || got[k].hash != points[i]->hash)
        throw std::runtime_error("sweep: the remote runner returned another point's row");
      rows[i] = std::move(got[k]);
      if (!o.out_dir.empty())
        write_text_atomically(point_file(o.out_dir, points[i]->index), row_file_text(rows[i], plan.plan_hash));
      tick();
    }
    return rows;
  }
  // The rest in chunks: points of one scenario share its inputs (read or generated once per workload
  // seed, in parallel over the chunk's scenarios), then every point runs in parallel.
  struct Shared {
    std::unique_ptr<PreparedScenario> prepared;
    std::vector<std::size_t> members;  // positions in the chunk
  };
  constexpr std::size_t kChunk = 64;
  std::map<std::string, std::shared_ptr<Shared>> cache;
  tbb::task_arena arena(o.threads > 0 ? o.threads : tbb::task_arena::automatic);
  for (std::size_t from = 0; from < to_run.size(); from += kChunk) {
    const std::size_t n = std::min(kChunk, to_run.size() - from);
    std::map<std::string, std::shared_ptr<Shared>> groups;
    for (std::size_t k = 0; k < n; ++k) {
      const SweepPoint& p = *points[to_run[from + k]];
      auto& g = groups[p.scenario_hash];
      if (!g) {
        const auto it = cache.find(p.scenario_hash);
        g = it != cache.end() ? it->second : std::make_shared<Shared>();
        if (!g->prepared) g->prepared = std::make_unique<PreparedScenario>(p.scenario, "");
        g->members.clear();
      }
      g->members.push_back(k);
    }
    std::vector<Shared*> list;
    for (auto& [h, g] : groups) list.push_back(g.get());
    std::vector<RunSetup> setups(n);
    std::vector<RunSpec> specs(n);
    arena.execute([&] {
      // One task per scenario: a PreparedScenario's set-up is called from one thread.
      tbb::parallel_for(std::size_t{0}, list.size(), [&](std::size_t g) {
        for (std::size_t k : list[g]->members) {
          const SweepPoint& p = *points[to_run[from + k]];
          specs[k] = resolve_run_spec(p.scenario, p.policy, {}, p.seed);
          setups[k] = list[g]->prepared->setup(specs[k].seed);
        }
      });
      tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) {
        const std::size_t i = to_run[from + k];
        rows[i] = row_of(*points[i], run_one(setups[k], specs[k]));
        if (!o.out_dir.empty())
          write_text_atomically(point_file(o.out_dir, points[i]->index), row_file_text(rows[i], plan.plan_hash));
        tick();
      });
    });
    cache = std::move(groups);  // the next chunk may continue the same scenarios
  }
  return rows;
}

}  // namespace

std::vector<SweepRow> run_sweep(const SweepPlan& plan, const SweepOptions& o,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
  if (o.shards == 0 || o.shard >= o.shards) throw InputError("--shard: expected i/N with 0 <= i < N");
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir + "/points");
    write_text_atomically(o.out_dir + "/plan.json", "{\"plan\": \"" + plan.plan_hash + "\", \"points\": " +
                                                        std::to_string(plan.points.size()) + ", \"axes\": [" + [&] {
                                                          std::string s;
                                                          for (std::size_t a = 0; a < plan.axis_names.size(); ++a)
                                                            s += (a ? ", " : "") + quote(plan.axis_names[a]);
                                                          return s;
                                                        }() + "]}\n");
  }
  std::vector<const SweepPoint*> mine;
  for (const auto& p : plan.points)
    if (p.index % o.shards == o.shard) mine.push_back(&p);
  std::atomic<std::size_t> done{0};
  if (!plan.spec.has_goal()) {
    std::vector<SweepRow> rows = run_points(plan, mine, o, progress, done, mine.size());
    return rows;
  }
  // Goal-seeking: groups are the points that differ only in the goal axis; each bisects its sorted values.
  const auto goal_axis = static_cast<std::size_t>(
      std::find(plan.axis_names.begin(), plan.axis_names.end(), plan.spec.goal().axis()) - plan.axis_names.begin());
  const Condition cond = parse_condition(plan.spec.goal().condition(), plan.origin + ": field goal.condition");
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  for (const SweepPoint* p : mine) {
    std::string key = p->policy + "\n" + std::to_string(p->seed);
    for (std::size_t a = 0; a < p->axis_values.size(); ++a)
      if (a != goal_axis) key += "\n" + p->axis_values[a];
    groups[key].push_back(p);
  }
  std::vector<std::vector<const SweepPoint*>> ordered;
  for (auto& [key, members] : groups) {
    std::stable_sort(members.begin(), members.end(), [&](const SweepPoint* a, const SweepPoint* b) {
      return a->axis_numbers[goal_axis] < b->axis_numbers[goal_axis];
    });
    ordered.push_back(members);
  }
  // Bisection rounds: every group evaluates its middle point in parallel with the others.
  std::vector<std::ptrdiff_t> lo(ordered.size(), -1), hi(ordered.size());
  for (std::size_t g = 0; g < ordered.size(); ++g) hi[g] = static_cast<std::ptrdiff_t>(ordered[g].size());
  std::vector<SweepRow> rows;
  std::size_t estimate = 0;
  for (const auto& members : ordered) estimate += static_cast<std::size_t>(std::ceil(std::log2(members.size() + 1.0)));
  while (true) {
    std::vector<const SweepPoint*> round;
    std::vector<std::size_t> owner;
    for (std::size_t g = 0; g < ordered.size(); ++g)
      if (hi[g] - lo[g] > 1) {
        round.push_back(ordered[g][static_cast<std::size_t>((lo[g] + hi[g]) / 2)]);
        owner.push_back(g);
      }
    if (round.empty()) break;
    std::vector<SweepRow> got = run_points(plan, round, o, progress, done, estimate);
    for (std::size_t k = 0; k < got.size(); ++k) {
      const std::size_t g = owner[k];
      if (!row_has(got[k], cond.key))
        throw InputError(plan.origin + ": field goal.condition: the summary has no key '" + cond.key + "'");
      const std::ptrdiff_t mid = (lo[g] + hi[g]) / 2;
      (cond.holds(row_number(got[k], cond.key)) ? hi[g] : lo[g]) = mid;
      rows.push_back(std::move(got[k]));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return rows;
}

std::vector<GoalAnswer> goal_answers(const SweepPlan& plan, const std::vector<SweepRow>& rows) {
  std::vector<GoalAnswer> out;
  if (!plan.spec.has_goal()) return out;
  const auto goal_axis = static_cast<std::size_t>(
      std::find(plan.axis_names.begin(), plan.axis_names.end(), plan.spec.goal().axis()) - plan.axis_names.begin());
  const Condition cond = parse_condition(plan.spec.goal().condition(), plan.origin + ": field goal.condition");
  std::map<std::string, std::pair<GoalAnswer, double>> best;
  std::vector<std::string> order;
  for (const SweepRow& r : rows) {
    GoalAnswer key;
    for (std::size_t a = 0; a < r.axis_values.size(); ++a)
      if (a != goal_axis) key.group.push_back(r.axis_values[a]);
    key.group.push_back(quote(r.policy.empty() ? "(scenario's)" : r.policy));
    key.group.push_back(std::to_string(r.seed));
    std::string k;
    for (const auto& g : key.group) k += g + "\n";
    if (!best.count(k)) {
      best[k] = {key, std::numeric_limits<double>::infinity()};
      order.push_back(k);
    }
    const double x = value_number(value_of(r.axis_values[goal_axis], "axis value"));
    if (cond.holds(row_number(r, cond.key)) && x < best[k].second) {
      best[k].second = x;
      best[k].first.value = r.axis_values[goal_axis];
    }
  }
  for (const auto& k : order) out.push_back(best[k].first);
  return out;
}

std::vector<SweepRow> read_sweep_rows(const std::vector<std::string>& dirs, std::vector<std::string>* axis_names) {
  std::vector<SweepRow> rows;
  std::string plan;
  std::set<std::size_t> seen;
  for (const auto& dir : dirs) {
    const std::string plan_path = dir + "/plan.json";
    if (!std::filesystem::exists(plan_path)) throw InputError(dir + ": not a sweep output (no plan.json)");
    pb::Struct p;
    if (!pb::util::JsonStringToMessage(read_text_file(plan_path, "sweep plan"), &p).ok())
      throw InputError(plan_path + ": not a sweep plan");
    const std::string this_plan = p.fields().at("plan").string_value();
    if (!plan.empty() && this_plan != plan)
      throw InputError(dir + ": a shard of another sweep (plan " + this_plan + ", not " + plan + ")");
    plan = this_plan;
    if (axis_names) {
      axis_names->clear();
      for (const auto& v : p.fields().at("axes").list_value().values()) axis_names->push_back(v.string_value());
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/points"))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string point_plan;
      auto row = read_row_file(f.string(), &point_plan);
      if (!row || point_plan != plan) continue;  // a point of an earlier plan in the same directory
      if (seen.insert(row->index).second) rows.push_back(std::move(*row));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return rows;
}

}  // namespace capsim
