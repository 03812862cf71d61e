#pragma once
// results.h5, readable with h5py:
//   /meta        attributes: capsim_version, scenario_json, policy, policy_params_json, seed
//   /timeseries  t (int64 us) and one float64 dataset per metric, attribute "units";
//                group attribute "columns" lists the metrics in order
//   /jobs        name (strings) and one int64 dataset per field and outcome; "columns" likewise
//   /summary     attributes: every summary.json key
// Object timestamps are off, so the same run writes the same bytes.
#include <string>
#include <utility>
#include <vector>

#include "sim/metrics/run_result.h"

namespace capsim {

void write_results_h5(const std::string& path, const RunResult& r);

// inflation.h5 of `capsim inflate`:
//   /meta         attribute summary_json (the same text as summary.json)
//   /arrived_share  the x axis: arrived GPU requests over capacity (0, 0.01, ...)
//   /<policy>/<curve>  one row per seed, one column per point of arrived_share
struct CurveMatrix {
  std::string name;
  std::string units;
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;  // row-major
  std::string columns{};       // comma-separated column names, when columns are not arrival points
};
struct InflationTables {
  std::string summary_json;
  std::vector<double> arrived_share;
  std::vector<std::pair<std::string, std::vector<CurveMatrix>>> policies;
};
void write_inflation_h5(const std::string& path, const InflationTables& t);

}  // namespace capsim
