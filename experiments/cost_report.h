#pragma once
// The tables of `capsim cost`: a run's ledger (/cost in results.h5) broken
// down by team, pool, GPU model, provider, cost center or window.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics/cost_result.h"

namespace capsim {

struct CostReportOptions {
  std::string by = "team";   // team, department, pool, gpu-model, provider, center, window, month, tco
  bool internal = false;     // the team-facing view (list/internal prices) instead of net
  bool spread_idle = false;  // team view: spread each center's idle cost over its teams by use
  std::string shared = "proportional";  // department view: how shared costs are allocated (experiments/showback.h)
  bool monthly = false;                 // department view: one column per 730-hour month
};

// Totals over the run, by center (bill, idle, jobs) and by center and team (charge[k*T + t]).
struct CostTotals {
  std::vector<double> bill, idle, jobs;
  std::vector<double> charge;
  std::vector<double> overhead;  // by center: the VMs' own part of idle (zeros without VMs)
};
// Net totals cover windows [first_window, last_window); the internal view is kept as totals only.
CostTotals cost_totals(const CostResult& cost, bool internal, std::size_t first_window = 0,
                       std::size_t last_window = SIZE_MAX);

// Rows of strings, header first. Throws InputError on an unknown breakdown
// or a view the ledger does not keep (internal prices per window).
std::vector<std::vector<std::string>> cost_report(const CostResult& cost, const CostReportOptions& options);

}  // namespace capsim
