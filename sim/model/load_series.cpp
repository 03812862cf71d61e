#include "sim/model/load_series.h"

#include <algorithm>
#include <cmath>

#include "sim/base/check.h"

namespace capsim {

double LoadSeries::at(SimTime t) const {
  if (t_us.empty()) return 0;
  const auto it = std::upper_bound(t_us.begin(), t_us.end(), t);
  return rps[it == t_us.begin() ? 0 : static_cast<std::size_t>(it - t_us.begin()) - 1];
}

double LoadSeries::mean() const {
  if (t_us.size() < 2) return rps.empty() ? 0 : rps.front();
  double area = 0;
  for (std::size_t i = 0; i + 1 < t_us.size(); ++i) area += rps[i] * static_cast<double>(t_us[i + 1] - t_us[i]);
  const SimTime last_step = t_us.back() - t_us[t_us.size() - 2];
  area += rps.back() * static_cast<double>(last_step);
  return area / static_cast<double>(t_us.back() + last_step - t_us.front());
}

double LoadSeries::peak() const { return rps.empty() ? 0 : *std::max_element(rps.begin(), rps.end()); }

void LoadSeries::scale(double factor) {
  if (!(factor >= 0) || !std::isfinite(factor)) throw InputError("load scale must be finite and non-negative");
  for (double& v : rps) v *= factor;
}

void LoadSeries::multiply_window(SimTime from, SimTime to, double factor) {
  const double at_to = at(to);
  auto insert_point = [&](SimTime t, double v) {
    const auto it = std::lower_bound(t_us.begin(), t_us.end(), t);
    const auto i = static_cast<std::size_t>(it - t_us.begin());
    if (it != t_us.end() && *it == t) return;
    t_us.insert(it, t);
    rps.insert(rps.begin() + static_cast<std::ptrdiff_t>(i), v);
  };
  insert_point(from, at(from));
  insert_point(to, at_to);
  for (std::size_t i = 0; i < t_us.size(); ++i)
    if (t_us[i] >= from && t_us[i] < to) rps[i] *= factor;
}

double LoadSeries::peak_in(SimTime from, SimTime to) const {
  double peak = at(from);
  for (std::size_t i = 0; i < t_us.size(); ++i)
    if (t_us[i] > from && t_us[i] < to) peak = std::max(peak, rps[i]);
  return peak;
}

}  // namespace capsim
