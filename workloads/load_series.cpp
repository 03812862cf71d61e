#include "workloads/load_series.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "sim/base/check.h"
#include "sim/base/random.h"
#include "sim/io/csv_reader.h"

namespace capsim {

LoadSeries read_load_csv(const std::string& path, const LoadCsvOptions& o) {
  if (!(o.window_s >= 0) || !(o.max_gap_s >= 0) || !(o.scale >= 0) || !std::isfinite(o.scale))
    throw InputError(path + ": load window, gap and scale must be non-negative");
  CsvReader csv = CsvReader::open(path);
  const int ct = csv.column(o.time_column), cv = csv.column(o.value_column);
  const double max_gap = o.max_gap_s > 0 ? o.max_gap_s : o.window_s;
  std::map<std::int64_t, double> windows;  // window index -> summed value
  LoadSeries out;
  double first = 0, previous = 0;
  bool any = false;
  while (csv.next_row()) {
    const double t = csv.get_double(ct);
    const double v = csv.get_double(cv);  // finite or an error naming line and column
    if (v < 0) csv.fail(cv, "a load is not negative (" + std::string(csv.field(cv)) + ")");
    if (!any) {
      first = previous = t;
      any = true;
    }
    if (t < previous) csv.fail(ct, "times must not decrease (" + std::string(csv.field(ct)) + " after " +
                                       std::to_string(previous) + ")");
    if (max_gap > 0 && t - previous > max_gap)
      csv.fail(ct, "a gap of " + std::to_string(t - previous) + " s in the load (more than " +
                       std::to_string(max_gap) + " s without a row)");
    previous = t;
    if (o.window_s > 0) {
      windows[static_cast<std::int64_t>(std::floor((t - first) / o.window_s))] += v;
    } else {
      const SimTime at = seconds_to_us(t - first);
      if (!out.t_us.empty() && at == out.t_us.back())
        csv.fail(ct, "two load points at one time");
      out.t_us.push_back(at);
      out.rps.push_back(v);
    }
  }
  if (!any) throw InputError(path + ": no load rows");
  for (const auto& [w, v] : windows) {
    out.t_us.push_back(seconds_to_us(static_cast<double>(w) * o.window_s));
    out.rps.push_back(v);
  }
  out.scale(o.scale);
  return out;
}

LoadSeries diurnal_load(const DiurnalLoad& d, std::uint64_t seed) {
  if (!(d.mean_rps >= 0) || !std::isfinite(d.mean_rps)) throw InputError("diurnal load: mean_rps must be >= 0");
  if (!(d.daily_amplitude >= 0 && d.daily_amplitude <= 1))
    throw InputError("diurnal load: daily_amplitude must be in [0, 1]");
  if (!(d.peak_hour >= 0 && d.peak_hour <= 24)) throw InputError("diurnal load: peak_hour must be in [0, 24]");
  if (!(d.weekend_factor >= 0) || !(d.noise >= 0)) throw InputError("diurnal load: weekend_factor and noise must be >= 0");
  if (!(d.step_s > 0) || !(d.span_s >= d.step_s) || d.span_s / d.step_s > 1e8)
    throw InputError("diurnal load: step_s must be positive and span_s at least one step (at most 1e8 steps)");
  for (const LoadEvent& e : d.events)
    if (!(e.multiplier >= 0) || !(e.duration_s >= 0) || !std::isfinite(e.at_s))
      throw InputError("diurnal load: an event needs a time, a non-negative duration and multiplier");
  RandomStream noise(seed, "load/diurnal");
  LoadSeries out;
  const auto steps = static_cast<std::int64_t>(std::floor(d.span_s / d.step_s + 1e-9));
  for (std::int64_t k = 0; k < steps; ++k) {
    const double t = static_cast<double>(k) * d.step_s;
    const double hour = std::fmod(t / 3600.0, 24.0);
    const auto day = static_cast<std::int64_t>(t / 86400.0) % 7;
    double v = d.mean_rps * (1 + d.daily_amplitude * std::cos(2 * std::numbers::pi * (hour - d.peak_hour) / 24.0));
    if (day >= 5) v *= d.weekend_factor;
    for (const LoadEvent& e : d.events)
      if (t >= e.at_s && t < e.at_s + e.duration_s) v *= e.multiplier;
    if (d.noise > 0) v *= 1 + d.noise * noise.normal();
    out.t_us.push_back(seconds_to_us(t));
    out.rps.push_back(std::max(0.0, v));
  }
  return out;
}

}  // namespace capsim
