// Spot capacity series: read from a CSV, and started at an offset into them (scenario/run_inputs.h).
#include <algorithm>
#include <string>
#include <vector>

#include "scenario/run_inputs.h"
#include "sim/base/check.h"
#include "sim/io/csv_reader.h"

namespace capsim {

void read_capacity_csv(const std::string& path, SpotSpec& spot) {
  CsvReader csv = CsvReader::open(path);
  const int c_t = csv.column("t_s"), c_n = csv.column("nodes");
  while (csv.next_row()) {
    const double t = csv.get_double(c_t);
    if (t < 0 || t > 1e12) csv.fail(c_t, "must be in [0, 1e12] seconds");
    const SimTime at = seconds_to_us(t);
    if (!spot.capacity_at_us.empty() && at <= spot.capacity_at_us.back()) csv.fail(c_t, "times must increase");
    const std::int64_t n = csv.get_int(c_n);
    if (n < 0 || n > INT32_MAX) csv.fail(c_n, "must be a node count");
    spot.capacity_at_us.push_back(at);
    spot.capacity_nodes.push_back(static_cast<std::int32_t>(n));
  }
}

// The run starts `offset` into the series: the point in force then moves to 0, later ones move back.
void start_capacity_at(SpotSpec& spot, SimTime offset, const std::string& field) {
  if (spot.capacity_at_us.empty() || offset > spot.capacity_at_us.back())
    throw InputError(field + ": past the capacity series' last row (" +
                     std::to_string(spot.capacity_at_us.empty() ? 0.0 : us_to_seconds(spot.capacity_at_us.back())) +
                     " s)");
  std::vector<SimTime> at;
  std::vector<std::int32_t> nodes;
  for (std::size_t i = 0; i < spot.capacity_at_us.size(); ++i) {
    const bool in_force = spot.capacity_at_us[i] <= offset &&
                          (i + 1 == spot.capacity_at_us.size() || spot.capacity_at_us[i + 1] > offset);
    if (spot.capacity_at_us[i] < offset && !in_force) continue;
    at.push_back(std::max<SimTime>(0, spot.capacity_at_us[i] - offset));
    nodes.push_back(spot.capacity_nodes[i]);
  }
  spot.capacity_at_us = std::move(at);
  spot.capacity_nodes = std::move(nodes);
}

}  // namespace capsim
