#include "sim/model/spill_wait.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace capsim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

double SpillWaitDistribution::grid_time(int k) { return std::exp2((k - 40) / 4.0); }

double SpillWaitDistribution::tail_of(double delay_s, double c, double theta, double t_s) {
  if (t_s < delay_s) return 1.0;
  return c * std::exp(-theta * (t_s - delay_s));
}

void SpillWaitDistribution::add(double weight, double delay_s, double wait_probability, double drain_rate) {
  if (!(weight > 0)) return;
  total_ += weight;
  min_delay_ = std::min(min_delay_, delay_s);
  const bool stable = drain_rate > 0 && std::isfinite(drain_rate);
  if (!stable && wait_probability > 0) {
    unbounded_ += weight;  // they wait for ever: beyond every grid point
    return;
  }
  const double c = stable ? wait_probability : 0.0, theta = stable ? drain_rate : 1.0;
  sum_ += weight * (delay_s + c / theta);
  if (grid_.empty()) {
    exact_[{delay_s, c, theta}] += weight;
    if (exact_.size() > kExact) to_grid();
    return;
  }
  for (int k = 0; k < kGrid; ++k) grid_[static_cast<std::size_t>(k)] += weight * tail_of(delay_s, c, theta, grid_time(k));
}

void SpillWaitDistribution::to_grid() {
  grid_.assign(kGrid, 0.0);
  for (const auto& [key, w] : exact_) {
    const auto [d, c, theta] = key;
    for (int k = 0; k < kGrid; ++k) grid_[static_cast<std::size_t>(k)] += w * tail_of(d, c, theta, grid_time(k));
  }
  exact_.clear();
}

void SpillWaitDistribution::merge(const SpillWaitDistribution& other) {
  if (other.total_ <= 0) return;
  if (!other.grid_.empty() && grid_.empty()) to_grid();  // the other has one: so must this
  total_ += other.total_;
  min_delay_ = std::min(min_delay_, other.min_delay_);
  sum_ += other.sum_;
  unbounded_ += other.unbounded_;
  if (!other.grid_.empty())
    for (int k = 0; k < kGrid; ++k) grid_[static_cast<std::size_t>(k)] += other.grid_[static_cast<std::size_t>(k)];
  for (const auto& [key, w] : other.exact_) {
    const auto [d, c, th] = key;
    if (grid_.empty()) {
      exact_[key] += w;
    } else {
      for (int k = 0; k < kGrid; ++k) grid_[static_cast<std::size_t>(k)] += w * tail_of(d, c, th, grid_time(k));
    }
  }
  if (grid_.empty() && exact_.size() > kExact) to_grid();
}

double SpillWaitDistribution::mean_s() const {
  if (total_ <= 0) return 0;
  return unbounded_ > 0 ? kInf : sum_ / total_;
}

double SpillWaitDistribution::tail(double t_s) const {
  if (total_ <= 0) return 0;
  double over = unbounded_;
  if (!grid_.empty()) {  // between grid points: linear in log time
    const double x = 4 * std::log2(std::max(t_s, grid_time(0))) + 40;
    const int k = std::min(static_cast<int>(x), kGrid - 2);
    const double f = std::min(1.0, x - k);
    const auto at = static_cast<std::size_t>(k);
    return (over + grid_[at] + f * (grid_[at + 1] - grid_[at])) / total_;
  }
  for (const auto& [key, w] : exact_) {
    const auto [d, c, theta] = key;
    over += w * tail_of(d, c, theta, t_s);
  }
  return over / total_;
}

double SpillWaitDistribution::p99_s() const {
  if (total_ <= 0) return 0;
  if (unbounded_ > 0.01 * total_) return kInf;
  constexpr double q = 0.01;
  if (!grid_.empty()) {
    for (int k = 0; k < kGrid; ++k) {
      const double g = (grid_[static_cast<std::size_t>(k)] + unbounded_) / total_;
      if (g > q) continue;
      if (k == 0) return std::max(min_delay_, grid_time(0));
      const double g0 = (grid_[static_cast<std::size_t>(k - 1)] + unbounded_) / total_;
      const double f = g0 > g ? (g0 - q) / (g0 - g) : 1.0;
      return std::max(min_delay_, std::exp2(std::log2(grid_time(k - 1)) + f * 0.25));
    }
    return kInf;
  }
  // Exact: the smallest t with tail(t) <= 1%. The tail only falls; it jumps down at each delay.
  double hi = 1;
  while (tail(hi) > q) {
    hi *= 2;
    if (hi > 1e15) return kInf;
  }
  double lo = 0;
  if (tail(lo) <= q) return 0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > q ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace capsim
