#pragma once
// Everything one run produces, in memory, in the shape the result files take:
// /meta, /timeseries, /jobs and summary.json (see README "Results").
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/metrics/cost_result.h"

namespace capsim {

using SummaryValue = std::variant<std::int64_t, double, std::string>;
// Ordered: keys keep a stable order in summary.json.
using Summary = std::vector<std::pair<std::string, SummaryValue>>;
const SummaryValue* find_summary(const Summary& s, const std::string& key);
double summary_number(const Summary& s, const std::string& key);  // NaN when absent

struct DoubleColumn {
  std::string name;
  std::string units;
  std::vector<double> values;
};

struct IntColumn {
  std::string name;
  std::string units;
  std::vector<std::int64_t> values;
};

struct TimeSeries {
  std::vector<std::int64_t> t_us;
  std::vector<DoubleColumn> columns;
};

struct JobOutcomes {
  std::vector<std::string> name;
  std::vector<IntColumn> columns;  // submit_us, start_us, ... (-1 where not applicable)
  std::vector<DoubleColumn> real_columns;  // cost, ... (NaN where not applicable)
  std::vector<std::string> state_names;  // code -> name for the "state" column
  std::vector<std::string> team_names;   // code -> name for the "team" column
  std::vector<std::string> source_names; // code -> label for the "source" column (a trace's file name)
};

// The per-job real column of that name (cost, cpu_used_core_s, ...); InvariantError when absent.
const DoubleColumn& real_column(const JobOutcomes& jobs, const std::string& name);

// Online services, one row each (sim/components/services.h), and the replicas each asked for over time.
struct ServiceTable {
  std::vector<std::string> name, team;
  std::vector<DoubleColumn> columns;  // requests_total, requests_rejected, latency_mean_s, ...
  std::vector<std::int64_t> history_service, history_t_us, history_replicas;  // one row per change
  bool present() const { return !name.empty(); }
};

// Per node at every sample (scenario node_series): row-major samples x nodes.
struct NodeSeries {
  std::vector<std::string> node;
  std::vector<DoubleColumn> matrices;  // cpu_alloc_milli, cpu_used_milli, gpu_alloc_milli, gpu_used_milli
  bool present() const { return !node.empty(); }
};

struct RunMeta {
  std::string capsim_version;
  std::string scenario_json;
  std::string policy;
  std::string policy_params_json;
  std::uint64_t seed = 0;
};

struct RunResult {
  RunMeta meta;
  Summary summary;
  TimeSeries timeseries;
  JobOutcomes jobs;
  CostResult cost;  // present only for priced runs
  ServiceTable services;  // present only for runs with services
  NodeSeries node_series;  // present only when the scenario asks
};

}  // namespace capsim
