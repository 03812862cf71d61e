#include "sim/model/service_queue.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/base/check.h"

namespace capsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Stationary distribution of M/M/c/K (n = 0..K), by ratios scaled to stay finite.
std::vector<double> stationary(double lambda, std::int32_t c, double mu, std::int32_t K) {
  std::vector<double> p(static_cast<std::size_t>(K) + 1);
  p[0] = 1;
  double total = 1;
  for (std::int32_t n = 1; n <= K; ++n) {
    p[static_cast<std::size_t>(n)] = p[static_cast<std::size_t>(n - 1)] * lambda / (mu * std::min(n, c));
    total += p[static_cast<std::size_t>(n)];
    if (total > 1e250) {  // rescale
      for (std::int32_t k = 0; k <= n; ++k) p[static_cast<std::size_t>(k)] /= total;
      total = 1;
    }
  }
  for (double& x : p) x /= total;
  return p;
}

// log P(Poisson(m) >= k), k >= 1.
double log_poisson_tail_ge(double m, std::int32_t k) {
  if (m <= 0) return -kInf;
  const double log_first = -m + k * std::log(m) - std::lgamma(k + 1.0);
  if (k > m) {  // terms fall: sum them from the first
    double sum = 1, term = 1;
    for (std::int32_t i = k + 1; i < k + 100000; ++i) {
      term *= m / i;
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return log_first + std::log(sum);
  }
  // 1 - P(Poisson(m) < k): the terms below k rise towards k - 1; sum them down from there.
  const double log_top = -m + (k - 1) * std::log(m) - std::lgamma(static_cast<double>(k));
  double sum = 1, term = 1;
  for (std::int32_t i = k - 1; i > 0; --i) {
    term *= i / m;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  const double below = std::exp(log_top) * sum;
  return std::log(std::max(0.0, 1.0 - below));
}

// P(Erlang(k, r) + Exp(mu) > t) for k >= 1 and r >= mu.
double erlang_plus_exp_tail(std::int32_t k, double r, double mu, double t) {
  // P(X > t) = P(Poisson(rt) < k) = 1 - P(Poisson(rt) >= k).
  const double x_tail = 1.0 - std::exp(log_poisson_tail_ge(r * t, k));
  // + integral_0^t f_X(x) e^{-mu (t - x)} dx.
  double rest;
  if (r - mu < 1e-12 * r) {
    rest = std::exp(-mu * t + k * std::log(mu * t) - std::lgamma(k + 1.0));
  } else {
    rest = std::exp(-mu * t + k * std::log(r / (r - mu)) + log_poisson_tail_ge((r - mu) * t, k));
  }
  return std::clamp(x_tail + rest, 0.0, 1.0);
}

}  // namespace

double erlang_c(std::int32_t c, double a) {
  CAPSIM_CHECK(c >= 1 && a >= 0 && a < c, "Erlang C needs c >= 1 and 0 <= a < c");
  // 1 / C = 1 + (1 - a/c) c! / a^c sum_{k<c} a^k / k!, summed backwards from k = c - 1.
  double ratio = 0, term = 1;  // term = c! / a^c * a^k / k! for k = c - 1 down to 0
  for (std::int32_t k = c - 1; k >= 0; --k) {
    term *= (k + 1) / a;
    ratio += term;
    if (!std::isfinite(ratio)) return 0;
  }
  return 1.0 / (1.0 + (1.0 - a / c) * ratio);
}

// M/M/c: the wait is 0 (probability 1 - C) or Exp(theta = c mu - lambda), plus an Exp(mu) service.
double latency_tail_mmc(double C, double theta, double mu, double t) {
  const double both = std::abs(theta - mu) < 1e-12 * mu
                          ? (1 + mu * t) * std::exp(-mu * t)
                          : (theta * std::exp(-mu * t) - mu * std::exp(-theta * t)) / (theta - mu);
  return (1 - C) * std::exp(-mu * t) + C * both;
}

double latency_tail(double lambda, std::int32_t c, double mu, std::int32_t K, double t) {
  if (t <= 0) return 1;
  if (K <= 0) return latency_tail_mmc(erlang_c(c, lambda / mu), c * mu - lambda, mu, t);
  // M/M/c/K: an accepted arrival sees n in the system with probability p_n / (1 - p_K) and, when
  // n >= c, waits an Erlang(n - c + 1, c mu) for the requests ahead.
  const std::vector<double> p = stationary(lambda, c, mu, K);
  const double accepted = 1 - p[static_cast<std::size_t>(K)];
  double tail = 0;
  for (std::int32_t n = 0; n < K; ++n) {
    const double w = p[static_cast<std::size_t>(n)] / accepted;
    if (w < 1e-300) continue;
    tail += w * (n < c ? std::exp(-mu * t) : erlang_plus_exp_tail(n - c + 1, c * mu, mu, t));
  }
  return std::clamp(tail, 0.0, 1.0);
}

QueueOutcome queue_outcome(double lambda, std::int32_t c, double mu, std::int32_t K, bool with_p99) {
  CAPSIM_CHECK(lambda >= 0 && std::isfinite(lambda) && mu > 0 && c >= 0 && K >= 0 && (K == 0 || K >= c),
               "a queue has a finite load, a positive rate and room for its replicas");
  QueueOutcome o;
  if (c == 0) {
    o.rejected_share = lambda > 0 ? 1 : 0;
    o.latency_mean_s = o.latency_p99_s = std::nan("");
    return o;
  }
  // A trickle (a < 1e-12: a few retries spilled to a large cluster): the queue is empty but for a
  // share of order a, so these are the answers within a relative 1e-12; the sums below would
  // overflow on terms of order c! / a^c.
  if (lambda == 0 || lambda / mu < 1e-12) {
    o.utilization = lambda / (c * mu);
    o.latency_mean_s = 1 / mu;
    o.latency_p99_s = with_p99 ? std::log(100.0) / mu : 0;
    return o;
  }
  if (K == 0) {
    if (lambda >= c * mu) {
      o.stable = false;
      o.utilization = 1;
      o.wait_probability = 1;
      o.latency_mean_s = o.latency_p99_s = kInf;
      return o;
    }
    const double C = erlang_c(c, lambda / mu);
    o.utilization = lambda / (c * mu);
    o.wait_probability = C;
    o.latency_mean_s = C / (c * mu - lambda) + 1 / mu;
  } else {
    // M/M/c/K in closed form, O(c): terms relative to the one at n = c (r_n = p_n / p_c below c,
    // rho^k above), and, when rho > 1, everything scaled by rho^-m so nothing overflows.
    const double a = lambda / mu, rho = a / c;
    const std::int32_t m = K - c;
    double low = 0, low_n = 0, r = 1;  // sum of r_n and of n r_n for n = c down to 0
    // A light load (a << c) makes r_n grow without bound towards n = 0: every term is then kept
    // relative to f (r_c = f), f shrinking as needed, so nothing overflows (a trickle of retries
    // spilled to a large cluster is such a load).
    double f = 1;
    for (std::int32_t n = c; n >= 0; --n) {
      low += r;
      low_n += n * r;
      r *= n / a;
      if (r < 1e-300) break;
      if (r > 1e250) {
        low *= 1e-250;
        low_n *= 1e-250;
        r *= 1e-250;
        f *= 1e-250;
      }
    }
    const bool over = rho > 1;
    const double scale = over ? std::exp(-m * std::log(rho)) : 1.0;  // rho^-m, or 1
    const double top0 = over ? 1.0 : std::pow(rho, m);              // scale x rho^m
    double geo, geo_k;  // scale x sum_{k=1..m} rho^k, and scale x sum k rho^k
    if (std::abs(rho - 1) < 1e-12) {
      geo = m;
      geo_k = 0.5 * m * (m + 1.0);
    } else {
      geo = rho * (scale - top0) / (1 - rho);
      geo_k = rho * (scale - (m + 1.0) * top0 + m * rho * top0) / ((1 - rho) * (1 - rho));
    }
    geo *= f;
    geo_k *= f;
    const double top = top0 * f;
    const double z = scale * low + geo;
    const double pk = top / z;
    const double L = (scale * low_n + c * geo + geo_k) / z;
    o.rejected_share = pk;
    o.utilization = lambda * (1 - pk) / (c * mu);
    o.wait_probability = (scale * f + geo - top) / z / (1 - pk);
    o.latency_mean_s = L / (lambda * (1 - pk));  // Little's law over accepted requests
  }
  if (!with_p99) return o;
  // The 0.01 point of the tail, by bisection.
  const double C = K == 0 ? o.wait_probability : 0;
  auto tail = [&](double t) { return K == 0 ? latency_tail_mmc(C, c * mu - lambda, mu, t) : latency_tail(lambda, c, mu, K, t); };
  double lo = 0, hi = 1 / mu;
  while (tail(hi) > 0.01 && hi < 1e9) hi *= 2;
  for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (tail(mid) > 0.01 ? lo : hi) = mid;
  }
  o.latency_p99_s = hi;
  return o;
}

}  // namespace capsim
