#pragma once
// results.h5, readable with h5py:
//   /meta        attributes: capsim_version, scenario_json, policy, policy_params_json, seed
//   /timeseries  t (int64 us) and one float64 dataset per metric, attribute "units"
//   /jobs        name (strings) and one int64 dataset per field and outcome
//   /summary     attributes: every summary.json key
// Object timestamps are off, so the same run writes the same bytes.
#include <string>

#include "sim/metrics/run_result.h"

namespace capsim {

void write_results_h5(const std::string& path, const RunResult& r);

}  // namespace capsim
