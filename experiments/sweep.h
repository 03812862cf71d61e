#pragma once
// What-if sweeps (schema: sim/io/sweep.proto). A spec's points are the base
// scenario with its axes applied (grid or list) times policies and seeds;
// each runs exactly as `capsim run` would run that scenario, in parallel on
// TBB; the table has one row per run: the axes, policy, seed, wall time and
// every summary key. Finished points are kept under OUT/points/ with a hash
// of what they ran, so a rerun skips them (resume) and shards of one sweep
// (--shard i/N: points i, i+N, ...) merge into the table of the whole.
// Shared by the CLI and Python.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenario.pb.h"
#include "sweep.pb.h"

namespace capsim {

struct SweepPoint {
  std::size_t index = 0;                // in plan order (the grid's, axes varying last-fastest)
  std::vector<std::string> axis_values;  // JSON text of each axis's value
  std::vector<double> axis_numbers;      // the same as numbers (NaN for a non-number)
  std::string policy;                    // a policy spec; empty: the scenario's placement
  std::uint64_t seed = 0;
  config::Scenario scenario;             // axes applied, paths absolute
  std::string hash;                      // of the scenario, policy and seed (16 hex digits)
  std::string scenario_hash;             // of the scenario alone: points that share it share their inputs
};

struct SweepPlan {
  config::SweepSpec spec;
  std::string origin;                    // the spec file, for errors
  std::vector<std::string> axis_names;
  std::vector<SweepPoint> points;
  std::string plan_hash;                 // of every point's hash: shards of one sweep share it
};

// InputError (exit 2) naming the spec and field: a missing scenario, a path that does not exist,
// a value of the wrong type (the scenario schema's error), an empty axis, list axes of unequal length.
SweepPlan plan_sweep(const std::string& spec_path);
SweepPlan plan_sweep_from(const config::SweepSpec& spec, const std::string& base_dir, const std::string& origin);
config::SweepSpec load_sweep_spec(const std::string& path);
config::SweepSpec parse_sweep_spec_json(const std::string& json, const std::string& origin);

struct SweepRow {
  std::size_t index = 0;
  std::string hash;
  std::vector<std::string> axis_values;
  std::string policy;
  std::uint64_t seed = 0;
  double wall_s = 0;
  std::vector<std::string> keys;         // summary keys in order
  std::vector<std::string> values;       // their JSON text
};

struct SweepOptions {
  int threads = 0;                       // 0: all cores
  std::size_t shard = 0, shards = 1;     // this run does points with index % shards == shard
  std::string out_dir;                   // points kept here (resume); empty: nothing kept
  // Runs points elsewhere (a Dask cluster, through Python): given point indices, their rows in that
  // order. Empty: on TBB here. Resume, shards, the goal's bisection and the kept files are the same.
  std::function<std::vector<SweepRow>(const std::vector<std::size_t>& indices)> remote;
};

// Runs this shard's points not yet finished in out_dir; returns the shard's rows in index order.
// With a goal: only the points its bisections need (every group of the other axes, policies and seeds).
std::vector<SweepRow> run_sweep(const SweepPlan& plan, const SweepOptions& options,
                                const std::function<void(std::size_t done, std::size_t total)>& progress = {});

// One point, run where it is called (a Dask worker, through Python): the row run_sweep would give.
SweepRow run_sweep_point(const SweepPlan& plan, std::size_t index);

// The goal's answer per group: the smallest passing value of the goal axis (JSON text), or empty.
struct GoalAnswer {
  std::vector<std::string> group;        // JSON text: the other axes' values, policy, seed
  std::string value;                     // empty: no value of the axis meets the condition
};
std::vector<GoalAnswer> goal_answers(const SweepPlan& plan, const std::vector<SweepRow>& rows);

// Every finished point under these directories (shards of one sweep; InputError if plans differ).
std::vector<SweepRow> read_sweep_rows(const std::vector<std::string>& dirs, std::vector<std::string>* axis_names);

// OUT/sweep.csv and OUT/sweep.h5 (and OUT/goal.csv with a goal), written atomically.
void write_sweep_table(const std::string& out_dir, const std::vector<std::string>& axis_names,
                       const std::vector<SweepRow>& rows);
std::string sweep_csv(const std::vector<std::string>& axis_names, const std::vector<SweepRow>& rows);
void write_goal_csv(const std::string& out_dir, const SweepPlan& plan, const std::vector<GoalAnswer>& answers);

}  // namespace capsim
