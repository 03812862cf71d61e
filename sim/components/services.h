#pragma once
// Online services (sim/model/service.h): each runs from its start to its
// end, follows its load curve, and keeps replicas: job rows (replica slots)
// it submits and ends. Between changes of load or of ready replicas the
// service is a queue in closed form (sim/model/service_queue.h): its
// requests, rejected requests, latency and time over its objective are
// integrated exactly at each change, never per request. With an HPA the
// replica count follows Kubernetes' HorizontalPodAutoscaler rule at each
// sync period (HpaSpec). Replicas are placed by the placement policy like
// any job; one that waits for a node or is evicted is not ready. Each
// replica uses a share of its request that follows how busy the replicas
// are (ServiceUsage), set on the kernel's usage table at every change.
// Scheduled pre-scaling and predictive scaling raise the HPA's floor
// (Prescale, PredictiveSpec).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/base/random.h"
#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/metrics/run_result.h"
#include "sim/model/job_table.h"
#include "sim/model/load_forecast.h"
#include "sim/model/service_queue.h"
#include "sim/model/spill_wait.h"

namespace capsim {

struct ServiceOutcome {
  std::string name;
  double requests = 0;
  double rejected = 0;
  double latency_mean_s = 0;  // accepted requests (infinite if some time had no limit and too few replicas)
  double latency_p99_s = 0;
  double slo_violation_share = 0;  // share of its time whose p99 was over the objective (0 without one)
  double replicas_mean = 0;        // ready replicas, time-weighted over its span
  std::int64_t scale_events = 0;   // HPA changes of the replica count
  double spilled = 0, spilled_in = 0, failed = 0;  // spill-over: sent on, received, rejected for good
  std::vector<double> promotion_requests, promotion_rejected;  // per promotion, inside its window
};

class ServiceFleet final : public Component {
 public:
  static constexpr auto kStartEnd = static_cast<EventKind>(45);  // job field: service; generation 0 start, 1 end
  static constexpr auto kLoadStep = static_cast<EventKind>(46);  // job field: service; generation: load point
  static constexpr auto kSync = static_cast<EventKind>(47);      // job field: service
  // A replica's image pull, model load and warm-up are over. Job field: the replica; generation: its start count.
  static constexpr auto kReplicaReady = static_cast<EventKind>(53);
  // A replica's topology speed changed (on_replica_speed): its service's queue is refreshed at the same
  // instant, once every component has seen the change that caused it. Job field: service.
  static constexpr auto kSpeedRefresh = static_cast<EventKind>(43);

  explicit ServiceFleet(const JobTable& jobs);
  static bool needed(const JobTable& jobs) { return !jobs.services.empty(); }

  const char* name() const override { return "services"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  bool wants_job_signals() const override { return true; }
  void on_job_started(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) override;
  // A neighbour's memory bandwidth changed a replica's topology speed: its service's queue sees it now.
  void on_replica_speed(Simulation& sim, SimTime now, std::uint32_t job) override;

  // After the run: per service, and the summary keys over all of them.
  std::vector<ServiceOutcome> outcomes() const;
  void add_summary(Summary& summary) const;
  // The summary keys and the per-service table (RunResult::services).
  void take(RunResult& result) const;
  void report(const Simulation& sim, RunResult& result) const override {
    take(result);
    add_cluster_requests(sim, result.summary);
  }
  // With fleet.clusters: cluster.NAME.{requests_served, revenue}, a service's served requests shared
  // among the clusters of its ready replicas (requests spread evenly over ready replicas).
  void add_cluster_requests(const Simulation& sim, Summary& summary) const;
  // (time, replicas asked for) after every change, per service: the HPA's decisions.
  const std::vector<std::pair<SimTime, std::int32_t>>& replica_history(std::size_t service) const {
    return state_[service].history;
  }
  // The predictive HPA's forecast of the service's load at t (its own clock); unfitted: 0.
  const HarmonicForecast& forecast(std::size_t service) const { return state_[service].forecast; }

 private:
  struct State {
    std::vector<std::uint32_t> slots;  // job rows, in slot order
    std::vector<std::uint8_t> active;  // per slot: submitted and not ended
    std::int32_t asked = 0;            // replicas submitted and not ended
    std::int32_t ready = 0;            // running replicas
    bool running = false;              // between its start and end
    double lambda = 0;                 // arrivals: its own load and the retries spilled to it
    double own_lambda = 0;             // its own load curve
    double retry_share = 0;            // of its arrivals, retries spilled from other services
    double carried_delay_s = 0;        // the mean retry delay those retries carry already
    double speed = 1.0;                // mean speed of its ready replicas: topology (fleet.topology) x burst
    double hpa_speed = 1.0;            // the same without the burst: what the HPA's CPU utilization sees
    QueueOutcome outcome;              // of the load over the ready replicas now
    SimTime last_us = 0;
    SimTime span_us = 0;
    // Integrals.
    double requests = 0, rejected = 0, accepted = 0, latency_sum = 0;
    double ready_us = 0, violation_us = 0;
    // Spill-over: rejected requests sent on (spilled) or not (failed); retries received; the retry
    // delay of the retried requests it served.
    double spilled = 0, failed = 0, spilled_in = 0, retried_accepted = 0, added_wait_s = 0;
    // Per promotion (ServiceSpec::promotions): requests and rejections inside its window.
    std::vector<double> promo_requests, promo_rejected;
    // The latency distribution of its accepted requests, for the p99: exact as (lambda, ready) ->
    // accepted requests while there are few distinct intervals, then as the weighted tail on a
    // grid of latencies (kGrid points, a factor 2^(1/3) apart from 1/16 of a service time).
    std::map<std::tuple<double, std::int32_t, double>, double> mixture;  // (lambda, ready, mu)
    std::vector<double> grid;  // empty while exact
    bool unbounded = false;    // some time had no admission limit and load at or above capacity
    std::vector<std::pair<SimTime, std::int32_t>> recommendations;  // HPA, within the stabilization window
    std::vector<std::pair<SimTime, std::int32_t>> history;
    std::int64_t scale_events = 0;
    // Predictive scaling: the load's mean per bin (load-seconds and seconds observed) and its fit.
    std::vector<double> bin_load, bin_seconds;
    HarmonicForecast forecast;
    SimTime fitted_at = kNever;
  };

  void on_start_end(Simulation& sim, const Event& e);
  void on_load_step(Simulation& sim, const Event& e);
  void on_sync(Simulation& sim, const Event& e);
  void on_replica_ready(Simulation& sim, const Event& e);
  // A replica started serving: the queue now has one more server.
  void add_ready(Simulation& sim, std::size_t s, SimTime now, std::uint32_t j);
  void integrate(std::size_t s, SimTime now);
  // Its arrivals now: its own load plus what the services spilling to it reject now.
  void set_arrivals(std::size_t s);
  // What s rejects changed: the service it spills to follows.
  void spill_on(Simulation& sim, std::size_t s, SimTime now);
  // After a change of load or ready replicas: the queue now, and what its replicas use.
  void refresh(Simulation& sim, std::size_t s, SimTime now);
  void scale_to(Simulation& sim, std::size_t s, SimTime now, std::int32_t replicas);
  std::int32_t hpa_desired(std::size_t s, SimTime now);
  // The HPA's floor now: min_replicas, raised by scheduled pre-scaling and the forecast.
  std::int32_t floor_at(std::size_t s, SimTime now);
  void observe_load(std::size_t s, SimTime from, SimTime to);
  double p99_of(std::size_t s) const;
  void add_to_grid(std::size_t s, double weight, double C, double theta, double mu_now);
  // How much faster a Burstable replica serves now (1 to its limit / request).
  double burst_of(const Simulation& sim, std::uint32_t j, double limit) const;
  // The safe-utilization knee (ServiceSpec::safe_utilization): slows st.speed and st.hpa_speed by each
  // ready replica's stretch at the service's utilization; speeds_ holds the replicas' speeds before it.
  void apply_knee(const Simulation& sim, std::size_t s);
  struct ReplicaSpeed {
    std::uint32_t job;
    double topology, burst;
  };
  std::vector<ReplicaSpeed> speeds_;  // scratch of refresh (kept to avoid allocating per event)
  // A Guaranteed service's use changed: refresh the Burstable services beside its replicas.
  void refresh_burst_neighbours(Simulation& sim, std::size_t s, SimTime now);
  // Integrates and refreshes each running service of the list once (sorted and deduplicated in place).
  void refresh_each(Simulation& sim, std::vector<std::uint32_t>& services, SimTime now);
  std::vector<std::uint32_t> near_scratch_;
  void on_speed_refresh(Simulation& sim, const Event& e);
  std::vector<std::uint8_t> speed_refresh_pending_;  // per service: a kSpeedRefresh is queued
  std::vector<std::uint8_t> started_;                // per job, with topology: a replica this component heard start
  bool refreshing_neighbours_ = false;
  // A replica's service rate now: the spec's, times its replicas' mean speed.
  double mu_of(std::size_t s) const { return jobs_->services[s].replica_rps * state_[s].speed; }
  static constexpr std::size_t kExactIntervals = 32;
  static constexpr int kGrid = 54;
  static double grid_time(double mu, int k) { return std::exp2((k - 12) / 3.0) / mu; }

  const JobTable* jobs_;
  std::vector<State> state_;
  bool replica_speeds_ = false;  // fleet.topology: replicas' speeds follow their placements
  bool bursting_ = false;        // some service has Burstable replicas
  std::vector<std::uint32_t> touched_;  // scratch: services to refresh
  std::vector<std::vector<std::uint32_t>> spill_sources_;  // per service: the services that spill to it
  bool spilling_ = false;                                  // some service spills (its summary keys)
  SpillWaitDistribution spill_wait_;                       // retries served: delays plus queueing
  // Served requests by pool (fleet.clusters, or revenue per request): per job row the pool of a ready replica (-1: none), per
  // service its ready replicas and served requests by pool.
  bool by_pool_ = false;
  std::vector<std::int32_t> ready_pool_;
  std::vector<std::vector<std::int32_t>> ready_in_pool_;
  std::vector<std::vector<double>> served_in_pool_;
  std::vector<std::vector<double>> served_by_day_pool_, revenue_by_day_pool_;  // [day][pool], with revenue
  std::vector<std::string> pool_names_;
  std::vector<std::int32_t> service_pool_;                   // per service: the pool its replicas run on; -1: any
  std::vector<SpillWaitDistribution> spill_wait_by_pool_;  // the wait of the retries served, by the service's pool
  bool startups_ = false;                                  // some service's replicas take time to serve
  bool economics_ = false;                                 // some service earns per request
  std::vector<double> served_by_day_, revenue_by_day_;     // unit economics, by simulated day
  std::vector<double> served_by_day_service_;              // [day * services + service]
  std::vector<std::uint8_t> serving_;                      // per job row: a replica that is ready
  std::vector<std::uint32_t> starts_;                      // per job row: starts so far (stale ready events)
  std::vector<std::optional<RandomStream>> startup_draws_;  // per service with random startup phases
  void refresh_bursting(Simulation& sim, SimTime now, std::uint32_t j);
};

}  // namespace capsim
