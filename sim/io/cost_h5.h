#pragma once
// /cost in results.h5, written with the run and read back by `capsim cost`:
//   attributes   currency, catalog_source, catalog_as_of, start_us, window_us,
//                tco_months, breakeven_month
//   centers/     pool, pool_kind, provider, region, node_type, gpu_model (strings), nodes
//   teams        team labels
//   window_start_us  (W)
//   bill, idle   (W, C) net money per window and cost center
//   charge       (W, C, T) net job charges per window, center and team
//   internal/    bill (C), idle (C), charge (C, T): the team-facing view, totals
//   rounding, boot  (C) net money from billing rounding/minimums and from boot time
//   tco/         month (M+1), one curve per option (as_run, on_demand, owned), by_center (M+1, C)
#include <hdf5.h>

#include <string>

#include "sim/metrics/cost_result.h"

namespace capsim {

void write_cost_group(hid_t file, const CostResult& cost);
// Throws InputError naming the file when it has no /cost (an unpriced run) or is not a results file.
CostResult read_cost_h5(const std::string& path);

}  // namespace capsim
