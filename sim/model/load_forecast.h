#pragma once
// A load forecast from the load's own history: least squares (Eigen) on
// harmonics of the day and of the week,
//   load(t) ~ a0 + sum_k=1..D (a_k cos(2 pi k t / day) + b_k sin(...))
//                + sum_k=1..W (c_k cos(2 pi k t / week) + d_k sin(...)),
// over the mean load of fixed bins. This is the shape of predictive
// autoscalers that learn a daily and weekly cycle (Google Compute Engine's
// predictive autoscaling, Alibaba Cloud's AHPA): they forecast the load a
// lead time ahead and scale out before it comes.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/base/time.h"

namespace capsim {

class HarmonicForecast {
 public:
  HarmonicForecast() = default;
  static constexpr int kMaxHarmonics = 12;  // of each period
  static constexpr int kMaxCoefficients = 1 + 4 * kMaxHarmonics;
  HarmonicForecast(int daily_harmonics, int weekly_harmonics)
      : daily_(std::clamp(daily_harmonics, 0, kMaxHarmonics)), weekly_(std::clamp(weekly_harmonics, 0, kMaxHarmonics)) {}
  // Fits the mean load of bins [first_bin, first_bin + mean.size()) of width bin_us (bin b covers
  // [b bin_us, (b + 1) bin_us) of the clock the forecast is asked in). Bins with weight 0 are left
  // out. Returns false (and forecasts nothing) with fewer bins than coefficients.
  bool fit(std::int64_t first_bin, SimTime bin_us, const std::vector<double>& mean, const std::vector<double>& weight);
  bool fitted() const { return !coef_.empty(); }
  // The forecast at t (never negative).
  double at(SimTime t) const;
  int coefficients() const { return 1 + 2 * daily_ + 2 * weekly_; }

 private:
  void basis(double t_s, double* out) const;
  int daily_ = 4, weekly_ = 2;
  std::vector<double> coef_;
};

}  // namespace capsim
