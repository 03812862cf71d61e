#pragma once
// The inflation experiment's results as people read them: per policy, the
// headline figures over its seeds (allocation at 100% arrival, GPUs left
// unallocated and why, failed pods), summary.json and the curves for
// inflation.h5. The CLI (`capsim inflate`) and Python (`capsim.inflate`)
// both report through here.
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/runner.h"
#include "sim/io/results_h5.h"

namespace capsim {

// Every policy with seeds first_seed, first_seed + 1, ... (repeats of them).
std::vector<RunSpec> inflation_specs(const std::vector<std::string>& policies, std::uint64_t first_seed, int repeats);

struct InflationPolicySummary {
  std::string policy;
  std::size_t seeds = 0;
  double alloc_at_100_mean = 0, alloc_at_100_std = 0;  // GPU allocation ratio at 100% arrived
  double unallocated_end_mean = 0, unallocated_end_std = 0;  // GPUs
  double frag_share_at_100_mean = 0;
  double pods_failed_mean = 0;
  double wall_s = 0;  // all its seeds together
  std::vector<double> unallocated_by_cause_mean;  // unallocated_cause_names() order, GPUs
};

struct InflationReport {
  std::vector<InflationPolicySummary> policies;
  InflationTables tables;  // tables.summary_json is summary.json
};

InflationReport summarize_inflation(const RunInputs& inputs, const std::vector<std::string>& policies,
                                    const std::vector<InflationRun>& runs, double target_share,
                                    std::uint64_t first_seed, int repeats);
// out_dir/inflation.h5 and out_dir/summary.json, each written atomically.
void write_inflation_report(const std::string& out_dir, const InflationReport& report);

}  // namespace capsim
