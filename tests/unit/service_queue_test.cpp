// The service queue in closed form (sim/model/service_queue.h) against
// queueing theory worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/model/service_queue.h"

using namespace capsim;

TEST_CASE("M/M/c: Erlang C and the mean latency (the issue's 90 req/s on 10 replicas of 10)", "[queue]") {
  // a = 9, c = 10: C = 0.668731524107697 (the Erlang C sum); W = C / (100 - 90) + 1/10.
  CHECK(erlang_c(10, 9.0) == Approx(0.668731524107697).epsilon(1e-12));
  const QueueOutcome o = queue_outcome(90, 10, 10);
  CHECK(o.stable);
  CHECK(o.wait_probability == Approx(0.668731524107697).epsilon(1e-12));
  CHECK(o.latency_mean_s == Approx(0.166873152410770).epsilon(1e-12));
  CHECK(o.utilization == Approx(0.9));
  CHECK(o.rejected_share == 0);
  CHECK(latency_tail(90, 10, 10, 0, o.latency_p99_s) == Approx(0.01).epsilon(1e-9));
}

TEST_CASE("M/M/1: latency is exponential with rate mu - lambda", "[queue]") {
  const QueueOutcome o = queue_outcome(5, 1, 10);
  CHECK(o.latency_mean_s == Approx(0.2).epsilon(1e-12));
  CHECK(o.latency_p99_s == Approx(std::log(100.0) / 5).epsilon(1e-9));
  CHECK(o.wait_probability == Approx(0.5));
}

TEST_CASE("M/M/c/K: rejections and latency of a finite queue by hand", "[queue]") {
  // lambda 3, mu 2, c 2, K 4: a = 1.5, p ~ [1, 1.5, 1.125, 0.84375, 0.6328125] (sum 5.1015625).
  // Rejected: p4 = 0.124042879019908; L = 4.0234375 / 5.1015625... W = L / (3 (1 - p4)).
  const QueueOutcome o = queue_outcome(3, 2, 2, 4);
  CHECK(o.rejected_share == Approx(0.6328125 / 5.1015625).epsilon(1e-12));
  const double L = (1.5 + 2 * 1.125 + 3 * 0.84375 + 4 * 0.6328125) / 5.1015625;
  CHECK(o.latency_mean_s == Approx(L / (3 * (1 - 0.6328125 / 5.1015625))).epsilon(1e-12));
  CHECK(o.latency_mean_s == Approx(0.657342657342657).epsilon(1e-9));
  // M/M/1/K blocking: (1 - rho) rho^K / (1 - rho^(K+1)), rho = 0.5, K = 3.
  CHECK(queue_outcome(1, 1, 2, 3).rejected_share == Approx(0.5 * 0.125 / (1 - 0.0625)).epsilon(1e-12));
  CHECK(latency_tail(3, 2, 2, 4, queue_outcome(3, 2, 2, 4).latency_p99_s) == Approx(0.01).epsilon(1e-6));
}

TEST_CASE("a long enough queue is the unlimited one, no replica rejects everything", "[queue]") {
  const QueueOutcome inf = queue_outcome(90, 10, 10), big = queue_outcome(90, 10, 10, 2000);
  CHECK(big.rejected_share < 1e-12);
  CHECK(big.latency_mean_s == Approx(inf.latency_mean_s).epsilon(1e-9));
  CHECK(big.latency_p99_s == Approx(inf.latency_p99_s).epsilon(1e-6));
  CHECK(big.wait_probability == Approx(inf.wait_probability).epsilon(1e-9));
  const QueueOutcome none = queue_outcome(10, 0, 10, 0);
  CHECK(none.rejected_share == 1);
  const QueueOutcome over = queue_outcome(120, 10, 10);
  CHECK_FALSE(over.stable);
  CHECK(std::isinf(over.latency_mean_s));
  // Overloaded and limited, by hand: M/M/1/2 with lambda 2, mu 1: p ~ [1, 2, 4]: p2 = 4/7,
  // L = 10/7, W = L / (2 x 3/7) = 5/3; a waiting chance of (2/7) / (3/7) = 2/3.
  const QueueOutcome tiny = queue_outcome(2, 1, 1, 2);
  CHECK(tiny.rejected_share == Approx(4.0 / 7).epsilon(1e-12));
  CHECK(tiny.latency_mean_s == Approx(5.0 / 3).epsilon(1e-12));
  CHECK(tiny.wait_probability == Approx(2.0 / 3).epsilon(1e-12));
  // Overloaded but limited: stable, rejecting about the excess.
  const QueueOutcome limited = queue_outcome(120, 10, 10, 40);
  CHECK(limited.stable);
  CHECK(limited.rejected_share > 1 - 100.0 / 120 - 0.01);
  CHECK(limited.utilization < 1);
}

TEST_CASE("many replicas stay finite (Erlang C of 1,000 servers)", "[queue]") {
  const QueueOutcome o = queue_outcome(9900, 1000, 10);
  CHECK(std::isfinite(o.latency_mean_s));
  CHECK(o.wait_probability > 0);
  CHECK(o.wait_probability < 1);
  CHECK(o.latency_p99_s > 0.1);
  const QueueOutcome k = queue_outcome(9900, 1000, 10, 3000);
  CHECK(std::isfinite(k.latency_p99_s));
  CHECK(k.latency_p99_s == Approx(o.latency_p99_s).epsilon(1e-3));
}

TEST_CASE("M/M/c/K under a trickle of load stays finite (retries spilled to a large cluster)", "[queue]") {
  // a = 1e-200 on 250 replicas with room for 1,000: almost surely empty, so nothing is rejected, no
  // one waits and the latency is one service time. The terms relative to n = c overflowed before.
  for (double lambda : {1e-200, 1e-30, 1e-3}) {
    const QueueOutcome o = queue_outcome(lambda, 250, 1 / 23.0, 1000, true);
    INFO("lambda " << lambda);
    CHECK(o.rejected_share == Approx(0).margin(1e-300));
    CHECK(o.wait_probability == Approx(0).margin(1e-12));
    CHECK(o.latency_mean_s == Approx(23).epsilon(1e-12));
    CHECK(o.latency_p99_s == Approx(23 * std::log(100.0)).epsilon(1e-6));
  }
  // And it agrees with the stationary distribution summed directly at a moderate load.
  const QueueOutcome o = queue_outcome(3.0, 5, 1.0, 8, false);
  double p[9] = {1}, total = 1;
  for (int n = 1; n <= 8; ++n) total += p[n] = p[n - 1] * 3.0 / std::min(n, 5);
  CHECK(o.rejected_share == Approx(p[8] / total).epsilon(1e-12));
}
