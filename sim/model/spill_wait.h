#pragma once
// The wait of spilled requests before their service starts: the retry delays they carried
// (constant per interval) plus their queueing wait at the service that served them, whose tail is
// the M/M/c form C e^(-theta t) (C: the chance to wait, theta: the queue's drain rate). Accumulated
// over intervals, weighted by the retries served, for the mean and the p99 of the mixture: exact
// while there are few distinct intervals, then on a fixed grid of times (4 points per octave from
// 1 ms to 2^30 s), interpolated in log time.
#include <cstddef>
#include <map>
#include <tuple>
#include <vector>

namespace capsim {

class SpillWaitDistribution {
 public:
  // weight requests that waited delay_s before arriving, then C e^(-theta t) in the queue
  // (theta <= 0 or infinite: the queue was unstable, the wait unbounded).
  void add(double weight, double delay_s, double wait_probability, double drain_rate);
  // Adds another distribution's weight (a cluster's, from its pools').
  void merge(const SpillWaitDistribution& other);
  double total() const { return total_; }
  double mean_s() const;  // infinite when unbounded
  double p99_s() const;   // 0 without weight; infinite when unbounded beyond the 1% tail
  // P(wait > t) of the mixture (on the grid: interpolated between its points).
  double tail(double t_s) const;

 private:
  static constexpr std::size_t kExact = 64;
  static constexpr int kGrid = 160;
  static double grid_time(int k);
  static double tail_of(double delay_s, double c, double theta, double t_s);
  void to_grid();  // too many distinct intervals: the exact mixture onto the grid
  std::map<std::tuple<double, double, double>, double> exact_;  // (delay, C, theta) -> weight
  std::vector<double> grid_;  // weighted P(wait > t_k); empty while exact
  double total_ = 0, sum_ = 0, unbounded_ = 0;
  double min_delay_ = 1e300;  // every wait is at least this: the grid's interpolation never goes below
};

}  // namespace capsim
