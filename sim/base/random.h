#pragma once
// Seeded, named random streams. A stream is derived from (scenario seed,
// stream name), so adding a draw in one place never shifts another.
// Distributions are written here, not taken from <random>: the standard
// library's distributions give different numbers on different
// implementations, and results must be the same bytes everywhere.
#include <cstdint>
#include <string_view>
#include <vector>

namespace capsim {

// xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name);
  explicit RandomStream(std::uint64_t raw_seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).
  std::uint64_t uniform_index(std::uint64_t n);
  // Exponential with the given mean, by inverse transform.
  double exponential(double mean);
  // Standard normal by the Box-Muller transform (one value per call).
  double normal();
  // exp(N(log(median), sigma^2)).
  double lognormal(double median, double sigma);

 private:
  std::uint64_t s_[4];
};

std::uint64_t stream_seed(std::uint64_t seed, std::string_view name);

}  // namespace capsim
