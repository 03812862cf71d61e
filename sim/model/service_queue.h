#pragma once
// An online service as a multi-server queue, in closed form: Poisson
// requests at `lambda` per second over `c` ready replicas that each serve
// `mu` per second (exponential service times, FCFS), with room for `K`
// requests in all (in service and waiting; 0: no limit). This is M/M/c/K
// (M/M/c without a limit): Erlang C gives the chance to wait, the
// stationary distribution the rejected share (requests arriving to a full
// service: the 5XX a gateway sees) and, by Little's law, the mean latency of
// the accepted requests; their latency distribution is a mixture of the
// service time and the Erlang wait behind the requests ahead, from which
// the 99th percentile is solved. Evaluated once per change of load or
// replicas, never per request (groundwork for the service model; see the
// README's "Not there yet").
#include <cstdint>

namespace capsim {

struct QueueOutcome {
  bool stable = true;            // false: no limit and lambda >= c mu (latency grows without bound)
  double utilization = 0;        // accepted load over capacity, lambda (1 - rejected) / (c mu)
  double wait_probability = 0;   // an accepted request waits for a replica
  double rejected_share = 0;     // requests turned away (0 without a limit; 1 with no replica)
  double latency_mean_s = 0;     // accepted requests: wait + service (infinite when unstable, NaN with no replica)
  double latency_p99_s = 0;
};

// The probability that a request waits in M/M/c with offered load a = lambda/mu < c.
double erlang_c(std::int32_t c, double a);

// with_p99 false leaves latency_p99_s at 0 (a bisection over the tail: the costly part).
QueueOutcome queue_outcome(double lambda, std::int32_t c, double mu, std::int32_t K = 0, bool with_p99 = true);

// P(latency > t) of an accepted request (the function whose 0.01 point is latency_p99_s).
double latency_tail(double lambda, std::int32_t c, double mu, std::int32_t K, double t);
// The M/M/c form of the same from the chance to wait C and the rate theta = c mu - lambda at
// which the wait drains: exact without a limit, an approximation with one (lambda accepted).
double latency_tail_mmc(double C, double theta, double mu, double t);

}  // namespace capsim
