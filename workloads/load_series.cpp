#include "workloads/load_series.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "sim/base/check.h"
#include "sim/base/random.h"
#include "sim/io/csv_reader.h"

namespace capsim {

double parse_datetime_s(std::string_view t) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (t.size() < 19 || !digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
      (t[10] != ' ' && t[10] != 'T') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
      !digits(17, 2, se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return std::nan("");
  double fraction = 0;
  if (t.size() > 19) {
    if (t[19] != '.' || t.size() == 20) return std::nan("");
    double place = 0.1;
    for (std::size_t i = 20; i < t.size(); ++i, place /= 10) {
      if (t[i] < '0' || t[i] > '9') return std::nan("");
      fraction += (t[i] - '0') * place;
    }
  }
  // Days from the civil date (Howard Hinnant's algorithm).
  const int yy = y - (mo <= 2);
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const double days = static_cast<double>(era) * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + se + fraction;
}

LoadSeries read_load_csv(const std::string& path, const LoadCsvOptions& o) {
  if (!(o.window_s >= 0) || !(o.max_gap_s >= 0) || !(o.scale >= 0) || !std::isfinite(o.scale) || !(o.step_s >= 0))
    throw InputError(path + ": load window, gap, step and scale must be non-negative");
  if (o.time_format != "seconds" && o.time_format != "datetime")
    throw InputError(path + ": time_format is seconds or datetime, not '" + o.time_format + "'");
  if (o.count_rows && !(o.window_s > 0)) throw InputError(path + ": counting rows needs a window (window_s)");
  if (o.step_s > 0 && o.window_s > 0) throw InputError(path + ": rows at a fixed step are points, not samples to window");
  CsvReader csv = CsvReader::open(path);
  const int ct = o.step_s > 0 ? -1 : csv.column(o.time_column);
  const int cv = o.count_rows ? -1 : csv.column(o.value_column);
  // An arrival trace's quiet windows are real (no request): no limit unless asked.
  const double max_gap = o.max_gap_s > 0 ? o.max_gap_s : (o.count_rows ? 0.0 : o.window_s);
  std::map<std::int64_t, double> windows;  // window index -> summed value
  LoadSeries out;
  double first = 0, previous = 0;
  bool any = false;
  std::int64_t row = 0;
  while (csv.next_row()) {
    double t = static_cast<double>(row++) * o.step_s;
    if (ct >= 0) {
      if (o.time_format == "datetime") {
        t = parse_datetime_s(csv.field(ct));
        if (!std::isfinite(t))
          csv.fail(ct, "not a date and time YYYY-MM-DD HH:MM:SS[.fraction] (" + std::string(csv.field(ct)) + ")");
      } else {
        t = csv.get_double(ct);
      }
    }
    const double v = cv >= 0 ? csv.get_double(cv) : 1.0;  // finite or an error naming line and column
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
  // Every window from the first to the last (one without rows, allowed by a max_gap_s above the window, has 0).
  if (!windows.empty())
    for (std::int64_t w = windows.begin()->first; w <= windows.rbegin()->first; ++w) {
      const auto it = windows.find(w);
      const double v = it == windows.end() ? 0.0 : it->second;
      out.t_us.push_back(seconds_to_us(static_cast<double>(w) * o.window_s));
      out.rps.push_back(o.count_rows ? v / o.window_s : v);  // a count over the window is a rate
    }
  if (o.normalize) {
    const double mean = out.mean();
    if (!(mean > 0)) throw InputError(path + ": normalize: the curve's mean is 0");
    out.scale(1 / mean);
  }
  out.scale(o.scale);
  return out;
}

LoadSeries repeated(const LoadSeries& curve, SimTime span_us) {
  if (curve.t_us.size() < 2) return curve;
  const SimTime last_step = curve.t_us.back() - curve.t_us[curve.t_us.size() - 2];
  const SimTime period = curve.t_us.back() + last_step - curve.t_us.front();
  if (period <= 0 || span_us / period > 1'000'000) throw InputError("load repeat: the curve's period is too short for the span");
  LoadSeries out;
  for (SimTime base = 0; base < span_us; base += period)
    for (std::size_t i = 0; i < curve.t_us.size() && base + curve.t_us[i] - curve.t_us.front() < span_us; ++i) {
      out.t_us.push_back(base + curve.t_us[i] - curve.t_us.front());
      out.rps.push_back(curve.rps[i]);
    }
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
