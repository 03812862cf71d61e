#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "sim/base/random.h"

using namespace capsim;

TEST_CASE("named streams are reproducible and independent", "[random]") {
  RandomStream a(1, "arrivals"), b(1, "arrivals"), c(1, "durations"), d(2, "arrivals");
  const auto x = a.next_u64();
  CHECK(x == b.next_u64());
  CHECK(x != c.next_u64());
  CHECK(x != d.next_u64());
  // Pinned outputs: a change to the generator or the stream derivation changes
  // every result file, and must be deliberate.
  RandomStream pinned(1, "arrivals");
  CHECK(pinned.next_u64() == 12391090757719051324ULL);
  CHECK(pinned.next_u64() == 11369747906615496433ULL);
}

TEST_CASE("uniform_index stays in range and covers it", "[random]") {
  RandomStream r(3, "idx");
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const auto v = r.uniform_index(7);
    REQUIRE(v < 7);
    seen.insert(v);
  }
  CHECK(seen.size() == 7);
  CHECK(r.uniform_index(1) == 0);
  CHECK(r.uniform_index(0) == 0);
}

TEST_CASE("distributions match their moments", "[random]") {
  // n = 200,000 draws: the sample mean of an exponential has relative standard
  // error 1/sqrt(n) = 0.22%; 1% is more than 4 standard errors.
  RandomStream r(11, "moments");
  const int n = 200000;
  double sum = 0, sum_u = 0, sum_n = 0, sum_n2 = 0;
  int below_median = 0;
  for (int i = 0; i < n; ++i) {
    sum += r.exponential(5.0);
    sum_u += r.uniform01();
    const double z = r.normal();
    sum_n += z;
    sum_n2 += z * z;
    below_median += r.lognormal(30.0, 1.2) < 30.0;
  }
  CHECK(sum / n == Approx(5.0).epsilon(0.01));
  CHECK(sum_u / n == Approx(0.5).epsilon(0.01));
  CHECK(std::abs(sum_n / n) < 0.01);
  CHECK(sum_n2 / n == Approx(1.0).epsilon(0.01));
  // The median of lognormal(median, sigma) is the median: a binomial(n, 1/2)
  // count, standard deviation sqrt(n)/2 = 224; 1% of n is 9 of those.
  CHECK(std::abs(below_median - n / 2) < n / 100);
}
