#pragma once
// Burstable QoS (docs/topology.md#burst): a pod whose CPU limit is above its
// request may use the unused CPU of its node, shared among the node's
// Burstable pods in proportion to their requests, up to its limit:
//   spare = the node's CPU - what its Guaranteed pods use - the Burstable
//           pods' requests;
//   burst = min(limit / request, 1 + spare / the Burstable pods' requests).
// A service replica serves `burst` times faster (its queue, services.cpp); a
// batch job runs that much faster and uses that much more CPU than it
// requests (this component: Simulation::set_rate_boost and its CPU share).
#include <cstdint>
#include <vector>

#include "sim/base/time.h"
#include "sim/core/component.h"

namespace capsim {

class JobTable;

// A job's CPU limit over its request: its service's for a replica, its workload source's for a batch
// job; 1: Guaranteed.
double cpu_limit_factor(const JobTable& jobs, std::uint32_t j);

// How much faster a Burstable pod with this limit factor runs on `node` now.
double burst_on_node(const Simulation& sim, std::size_t node, double limit);

class BatchBurst final : public Component {
 public:
  explicit BatchBurst(const JobTable& jobs);
  // Some batch job of the table is Burstable.
  static bool needed(const JobTable& jobs);

  const char* name() const override { return "burst"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  bool wants_job_signals() const override { return true; }
  void on_job_started(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) override;
  // A service's replicas use a new share of their CPU: the spare beside them changed.
  void on_service_usage(Simulation& sim, SimTime now, std::size_t service) override;
  void report(const Simulation& sim, RunResult& result) const override;

 private:
  bool burstable_batch(std::uint32_t j) const;
  // Re-rates the running Burstable batch jobs on the nodes of job j's workers (but `except`).
  void rerate_beside(Simulation& sim, SimTime now, std::uint32_t j, std::uint32_t except);
  void rerate(Simulation& sim, SimTime now, std::uint32_t j, bool running);

  const JobTable* jobs_;
  std::vector<std::vector<std::uint32_t>> replicas_;  // per service: its replica slots (job rows)
  std::vector<double> extra_cores_;                   // per job: cores used above its request now
  double extra_now_ = 0, extra_core_us_ = 0;
  SimTime since_ = 0;
  std::vector<std::uint32_t> touched_;
};

}  // namespace capsim
