#pragma once
// What a run will hold in memory, estimated before anything is allocated,
// so that a scenario asking for two billion nodes or four billion jobs is
// refused at once (exit 2, naming the field) instead of running until the
// machine kills it. Two stages: from the scenario alone (nodes, synthetic
// jobs, trace rows bounded by file size), then from the job table (time
// series and cost-ledger windows over the jobs' span). The per-item sizes
// are the measured ones of bench/memory_per_job (357 bytes per job) rounded
// up, so the estimate errs high.
#include <cstdint>
#include <string>

#include "scenario.pb.h"
#include "sim/model/job_table.h"

namespace capsim {

inline constexpr double kBytesPerJob = 512;
inline constexpr double kBytesPerNode = 1024;
inline constexpr double kBytesPerGpu = 128;
inline constexpr double kBytesPerTraceRow = 20;  // the shortest plausible CSV row: bounds rows by file size

struct MemoryEstimate {
  double bytes = 0;
  std::string largest_field;  // the scenario field behind the largest part
  double largest_bytes = 0;
  std::string largest_what;   // "4,000,000,000 jobs", ...
  void add(const std::string& field, double b, const std::string& what);
};

// The limit: scenario field max_memory_gib (--max-memory) when set, else the
// machine's available memory (MemAvailable), else no limit.
double memory_limit_bytes(const config::Scenario& s);

// Throws InputError when the estimate exceeds the limit.
void check_memory(const MemoryEstimate& e, const config::Scenario& s);

// From the scenario alone: fleet groups and node lists, synthetic job counts, trace rows.
MemoryEstimate estimate_inputs(const config::Scenario& s, const std::string& base_dir, bool workloads = true);
// Once the jobs are known: the time series and the cost ledger over their span.
MemoryEstimate estimate_results(const config::Scenario& s, const JobTable& jobs, std::size_t cost_centers);

}  // namespace capsim
