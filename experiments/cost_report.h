#pragma once
// The tables of `capsim cost`: a run's ledger (/cost in results.h5) broken
// down by team, pool, GPU model, provider, cost center or window.
#include <string>
#include <vector>

#include "sim/metrics/cost_result.h"

namespace capsim {

struct CostReportOptions {
  std::string by = "team";   // team, pool, gpu-model, provider, center, window
  bool internal = false;     // the team-facing view (list/internal prices) instead of net
  bool spread_idle = false;  // team view: spread each center's idle cost over its teams by use
};

// Rows of strings, header first. Throws InputError on an unknown breakdown
// or a view the ledger does not keep (internal prices per window).
std::vector<std::vector<std::string>> cost_report(const CostResult& cost, const CostReportOptions& options);

}  // namespace capsim
