#include "sim/model/load_forecast.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace capsim {

void HarmonicForecast::basis(double t_s, double* out) const {
  constexpr double kDay = 86400, kWeek = 7 * kDay;
  int i = 0;
  out[i++] = 1;
  for (int k = 1; k <= daily_; ++k) {
    const double w = 2 * std::numbers::pi * k * t_s / kDay;
    out[i++] = std::cos(w);
    out[i++] = std::sin(w);
  }
  for (int k = 1; k <= weekly_; ++k) {
    const double w = 2 * std::numbers::pi * k * t_s / kWeek;
    out[i++] = std::cos(w);
    out[i++] = std::sin(w);
  }
}

bool HarmonicForecast::fit(std::int64_t first_bin, SimTime bin_us, const std::vector<double>& mean,
                           const std::vector<double>& weight) {
  coef_.clear();
  const int p = coefficients();
  std::int64_t rows = 0;
  for (double w : weight) rows += w > 0;
  if (rows < p) return false;
  Eigen::MatrixXd A(rows, p);
  Eigen::VectorXd y(rows);
  std::int64_t r = 0;
  for (std::size_t b = 0; b < mean.size(); ++b) {
    if (!(weight[b] > 0)) continue;
    // A bin's mean stands at its middle.
    const double t_s = (static_cast<double>(first_bin + static_cast<std::int64_t>(b)) + 0.5) * us_to_seconds(bin_us);
    double row[kMaxCoefficients];
    basis(t_s, row);
    for (int i = 0; i < p; ++i) A(r, i) = row[i];
    y(r) = mean[b];
    ++r;
  }
  // Column-pivoting QR: stable when the history is shorter than a week (weekly terms nearly collinear).
  const Eigen::VectorXd c = A.colPivHouseholderQr().solve(y);
  coef_.assign(c.data(), c.data() + p);
  return true;
}

double HarmonicForecast::at(SimTime t) const {
  if (coef_.empty()) return 0;
  double row[kMaxCoefficients];
  basis(us_to_seconds(t), row);
  double v = 0;
  for (std::size_t i = 0; i < coef_.size(); ++i) v += coef_[i] * row[i];
  return std::max(0.0, v);
}

}  // namespace capsim
