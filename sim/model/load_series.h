#pragma once
// A load curve: requests per second over time, constant from each point to
// the next (readers and generators: workloads/load_series.h).
#include <vector>

#include "sim/base/time.h"

namespace capsim {

struct LoadSeries {
  std::vector<SimTime> t_us;  // increasing
  std::vector<double> rps;    // >= 0, finite

  // The load at t: the last point at or before t (the first point's before it).
  double at(SimTime t) const;
  // Time-weighted mean over [first point, last point + the last step).
  double mean() const;
  double peak() const;
  void scale(double factor);
  // The load times factor over [from, to), with points at both ends.
  void multiply_window(SimTime from, SimTime to, double factor);
  // The highest load over [from, to).
  double peak_in(SimTime from, SimTime to) const;
};

}  // namespace capsim
