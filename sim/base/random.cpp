#include "sim/base/random.h"

#include <cmath>

namespace capsim {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t stream_seed(std::uint64_t seed, std::string_view name) {
  // FNV-1a of the name, then mixed with the seed so that nearby seeds and
  // similar names give unrelated streams.
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  std::uint64_t x = seed ^ 0x5DEECE66DULL;
  std::uint64_t a = splitmix64(x);
  x = a ^ h;
  return splitmix64(x);
}

RandomStream::RandomStream(std::uint64_t seed, std::string_view name)
    : RandomStream(stream_seed(seed, name)) {}

RandomStream::RandomStream(std::uint64_t raw_seed) {
  std::uint64_t x = raw_seed;
  for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t RandomStream::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t RandomStream::uniform_index(std::uint64_t n) {
  if (n <= 1) return 0;
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  std::uint64_t low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double RandomStream::exponential(double mean) {
  // 1 - u lies in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - uniform01());
}

double RandomStream::normal() {
  const double u1 = 1.0 - uniform01();  // (0, 1]
  const double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double RandomStream::lognormal(double median, double sigma) {
  return median * std::exp(sigma * normal());
}

}  // namespace capsim
