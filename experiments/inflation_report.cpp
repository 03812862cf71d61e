#include "experiments/inflation_report.h"

#include <algorithm>
#include <cmath>

#include "sim/io/atomic_file.h"
#include "sim/io/summary_json.h"

namespace capsim {
namespace {

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double std_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k) out += (k ? sep : "") + items[k];
  return out;
}

}  // namespace

std::vector<RunSpec> inflation_specs(const std::vector<std::string>& policies, std::uint64_t first_seed, int repeats) {
  std::vector<std::uint64_t> seeds;
  for (int k = 0; k < repeats; ++k) seeds.push_back(first_seed + static_cast<std::uint64_t>(k));
  return specs_for(policies, seeds);
}

InflationReport summarize_inflation(const RunInputs& inputs, const std::vector<std::string>& policies,
                                    const std::vector<InflationRun>& runs, double target_share,
                                    std::uint64_t first_seed, int repeats) {
  InflationReport report;
  const std::size_t at_100 = 100;  // index of arrived_share = 1.00
  std::string json = "{\n  \"capsim_version\": " + json_quote(CAPSIM_VERSION) + ",\n  \"experiment\": \"inflation\",\n" +
                     "  \"nodes\": " + std::to_string(inputs.fleet.size()) + ",\n  \"gpus\": " +
                     std::to_string(inputs.fleet.total_gpus()) + ",\n  \"pods_in_list\": " +
                     std::to_string(inputs.jobs.size()) + ",\n  \"target_share\": " + json_number(target_share) +
                     ",\n  \"first_seed\": " + std::to_string(first_seed) + ",\n  \"repeats\": " +
                     std::to_string(repeats) + ",\n  \"policies\": {";
  InflationTables& tables = report.tables;
  if (!runs.empty()) tables.arrived_share = runs.front().curve.arrived_share;
  const std::vector<std::string> cause_columns = unallocated_cause_names();
  for (std::size_t p = 0; p < policies.size(); ++p) {
    std::vector<double> alloc100, unalloc, frag100, failed;
    double policy_wall = 0;
    const std::size_t cols = tables.arrived_share.size();
    CurveMatrix alloc{"gpu_alloc_ratio", "fraction", 0, cols, {}}, frag{"fragmentation_gpus", "GPUs", 0, cols, {}},
        share{"fragmentation_share", "fraction of free GPU capacity", 0, cols, {}},
        fail{"failed_pods", "pods", 0, cols, {}}, seeds{"seeds", "", 0, 1, {}},
        causes{"unallocated_gpus_end_by_cause", "GPUs", 0, cause_columns.size(), {}, join(cause_columns, ",")};
    std::vector<double> cause_sum(cause_columns.size(), 0.0);
    for (const auto& r : runs) {
      if (r.spec.name() != policies[p]) continue;
      const InflationCurve& c = r.curve;
      alloc100.push_back(c.gpu_alloc_ratio.at(std::min(at_100, c.gpu_alloc_ratio.size() - 1)));
      frag100.push_back(c.fragmentation_share.at(std::min(at_100, c.fragmentation_share.size() - 1)));
      unalloc.push_back(c.unallocated_gpus_end);
      failed.push_back(static_cast<double>(c.pods_failed));
      policy_wall += r.wall_s;
      for (auto* m : {&alloc, &frag, &share, &fail, &seeds, &causes}) ++m->rows;
      const std::vector<double> by_cause = unallocated_gpus_by_cause(c);
      causes.values.insert(causes.values.end(), by_cause.begin(), by_cause.end());
      for (std::size_t k = 0; k < by_cause.size(); ++k) cause_sum[k] += by_cause[k] / static_cast<double>(repeats);
      alloc.values.insert(alloc.values.end(), c.gpu_alloc_ratio.begin(), c.gpu_alloc_ratio.end());
      frag.values.insert(frag.values.end(), c.fragmentation_gpus.begin(), c.fragmentation_gpus.end());
      share.values.insert(share.values.end(), c.fragmentation_share.begin(), c.fragmentation_share.end());
      for (auto f : c.failed_pods) fail.values.push_back(static_cast<double>(f));
      seeds.values.push_back(static_cast<double>(r.spec.seed));
    }
    tables.policies.push_back({policies[p], {alloc, frag, share, fail, seeds, causes}});
    InflationPolicySummary s;
    s.policy = policies[p];
    s.seeds = alloc100.size();
    s.alloc_at_100_mean = mean_of(alloc100);
    s.alloc_at_100_std = std_of(alloc100);
    s.unallocated_end_mean = mean_of(unalloc);
    s.unallocated_end_std = std_of(unalloc);
    s.frag_share_at_100_mean = mean_of(frag100);
    s.pods_failed_mean = mean_of(failed);
    s.wall_s = policy_wall;
    s.unallocated_by_cause_mean = cause_sum;
    std::string by_cause_json;
    for (std::size_t k = 0; k < cause_columns.size(); ++k)
      by_cause_json += std::string(k ? ", " : "") + json_quote(cause_columns[k]) + ": " + json_number(cause_sum[k]);
    json += std::string(p ? "," : "") + "\n    " + json_quote(policies[p]) + ": {" +
            "\"alloc_ratio_at_100_mean\": " + json_number(s.alloc_at_100_mean) +
            ", \"alloc_ratio_at_100_std\": " + json_number(s.alloc_at_100_std) +
            ", \"unallocated_gpus_end_mean\": " + json_number(s.unallocated_end_mean) +
            ", \"unallocated_gpus_end_std\": " + json_number(s.unallocated_end_std) +
            ", \"fragmentation_share_at_100_mean\": " + json_number(s.frag_share_at_100_mean) +
            ", \"pods_failed_mean\": " + json_number(s.pods_failed_mean) +
            ", \"unallocated_gpus_end_by_cause_mean\": {" + by_cause_json + "}}";
    report.policies.push_back(std::move(s));
  }
  json += "\n  }\n}\n";
  tables.summary_json = json;
  return report;
}

void write_inflation_report(const std::string& out_dir, const InflationReport& report) {
  write_inflation_h5(out_dir + "/inflation.h5", report.tables);
  write_text_atomically(out_dir + "/summary.json", report.tables.summary_json);
}

}  // namespace capsim
