#include <catch2/catch.hpp>

#include <cmath>

#include "sim/model/spill_wait.h"

using capsim::SpillWaitDistribution;

TEST_CASE("spill wait: one interval, the delay plus the M/M/c queueing tail", "[spill-wait]") {
  SpillWaitDistribution d;
  d.add(100, 2.0, 0.2, 1.0);  // P(wait > t) = 0.2 e^-(t - 2) past the 2 s retry delay
  CHECK(d.mean_s() == Approx(2.2));
  CHECK(d.tail(1.9) == 1.0);
  CHECK(d.tail(3.0) == Approx(0.2 * std::exp(-1.0)));
  CHECK(d.p99_s() == Approx(2.0 + std::log(20.0)).epsilon(1e-9));  // 0.2 e^-(t-2) = 0.01
}

TEST_CASE("spill wait: a queue that seldom waits has its p99 at the delay", "[spill-wait]") {
  SpillWaitDistribution d;
  d.add(1, 5.0, 0.005, 2.0);
  CHECK(d.p99_s() == Approx(5.0).epsilon(1e-9));
}

TEST_CASE("spill wait: two delays, half each: the p99 is the longer one", "[spill-wait]") {
  SpillWaitDistribution d;
  d.add(1, 1.0, 0.0, 1.0);
  d.add(1, 10.0, 0.0, 1.0);
  CHECK(d.mean_s() == Approx(5.5));
  CHECK(d.tail(5.0) == Approx(0.5));
  CHECK(d.p99_s() == Approx(10.0).epsilon(1e-9));
  // 99 quick ones and 1 slow: exactly 1% over 1 s, so the p99 is 1 s.
  SpillWaitDistribution e;
  e.add(99, 1.0, 0.0, 1.0);
  e.add(1, 10.0, 0.0, 1.0);
  CHECK(e.p99_s() == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("spill wait: many intervals go to the grid, within its spacing of the exact p99", "[spill-wait]") {
  SpillWaitDistribution d;
  for (int i = 0; i < 200; ++i) d.add(1, 0.0, 1.0, 1.0 + 1e-9 * i);  // e^-t: p99 = ln 100
  CHECK(d.mean_s() == Approx(1.0).epsilon(1e-6));
  CHECK(d.p99_s() == Approx(std::log(100.0)).epsilon(0.05));
}

TEST_CASE("spill wait: an unstable queue makes the wait unbounded", "[spill-wait]") {
  SpillWaitDistribution d;
  d.add(98, 1.0, 0.0, 1.0);
  d.add(2, 1.0, 1.0, 0.0);
  CHECK(std::isinf(d.mean_s()));
  CHECK(std::isinf(d.p99_s()));
  SpillWaitDistribution none;
  CHECK(none.p99_s() == 0);
  CHECK(none.mean_s() == 0);
}

TEST_CASE("spill wait: a merged distribution is the one of all its intervals", "[spill-wait]") {
  SpillWaitDistribution a, b, all;
  a.add(3, 2.0, 0.2, 1.0);
  b.add(1, 10.0, 0.0, 1.0);
  b.add(2, 0.5, 0.5, 0.1);
  for (auto* d : {&all}) {
    d->add(3, 2.0, 0.2, 1.0);
    d->add(1, 10.0, 0.0, 1.0);
    d->add(2, 0.5, 0.5, 0.1);
  }
  a.merge(b);
  CHECK(a.total() == Approx(all.total()));
  CHECK(a.mean_s() == Approx(all.mean_s()));
  CHECK(a.p99_s() == Approx(all.p99_s()));
  // One side on the grid: the merge goes to the grid, within its spacing of the exact p99.
  SpillWaitDistribution many, exact;
  for (int i = 0; i < 100; ++i) {
    many.add(1, 0.0, 1.0, 1.0 + 1e-9 * i);
    exact.add(1, 0.0, 1.0, 1.0);
  }
  SpillWaitDistribution merged;
  merged.add(100, 0.0, 1.0, 1.0);
  merged.merge(many);
  CHECK(merged.p99_s() == Approx(std::log(100.0)).epsilon(0.05));
  CHECK(merged.tail(std::log(10.0)) == Approx(0.1).epsilon(0.05));
  CHECK(exact.p99_s() == Approx(std::log(100.0)).epsilon(1e-9));
}

TEST_CASE("spill wait: on the grid the p99 is never below the shortest delay", "[spill-wait]") {
  // 2 s delays (a grid point) with little queueing: the tail jumps from 1 to under 1% at 2 s, where
  // interpolating between grid points would give a little less.
  SpillWaitDistribution d;
  for (int i = 0; i < 100; ++i) d.add(1, 2.0, 0.005, 1.0 + 1e-9 * i);
  CHECK(d.p99_s() == Approx(2.0).epsilon(1e-12));
}
