#pragma once
// An online service: a deployment whose replicas are pods (jobs that run
// until ended, one job row per replica slot), serving a load curve. The
// service component (sim/components/services.h) submits and ends replicas
// and evaluates the service as a queue (sim/model/service_queue.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/base/distribution.h"
#include "sim/base/time.h"
#include "sim/model/load_series.h"

namespace capsim {

// Kubernetes HorizontalPodAutoscaler semantics (autoscaling/v2): every sync
// period, desired = ceil(current x observed / target) unless the ratio is
// within the tolerance; scale-up limited to max(4 pods, 100%) per period
// (the default behaviour), scale-down to the highest recommendation of the
// stabilization window; clamped to [min, max] replicas.
// Scheduled pre-scaling for a known event (the CronHPA pattern: a schedule
// raises the HPA's minReplicas): from at - lead until at + hold the floor is
// at least min_replicas. Times in the service's clock (0 at its start), like
// its load's events.
struct Prescale {
  SimTime at_us = 0;
  SimTime lead_us = 0;
  SimTime hold_us = 0;
  std::int32_t min_replicas = 0;
};

// Predictive scaling: a least-squares fit of the load's daily and weekly
// harmonics (sim/model/load_forecast.h) on the service's own history,
// refitted every refit period once min_history has passed; at each sync the
// floor is the replicas the forecast load a lead ahead needs at the target
// utilization. The reactive rule still scales above it. Defaults are
// capsim's (Google's predictive autoscaling waits for 3 days of history and
// forecasts with the instances' start-up time as lead).
struct PredictiveSpec {
  bool enabled = false;
  SimTime lead_us = 600'000'000;
  SimTime history_us = 7 * 86'400'000'000LL;
  SimTime min_history_us = 86'400'000'000LL;
  SimTime refit_us = 3'600'000'000LL;
  SimTime bin_us = 300'000'000;
  int daily_harmonics = 6;
  int weekly_harmonics = 2;
};

struct HpaSpec {
  bool enabled = false;
  double target_utilization = 0.7;  // observed: load over the ready replicas' capacity
  double target_rps = 0;            // > 0: the metric is requests/s per ready replica (QPS)
  double target_queue = 0;          // > 0: the metric is requests waiting per ready replica
  // Requests/s one replica takes at the target (sizing floors for promotions).
  double rps_at_target(double replica_rps) const {
    return target_rps > 0 ? target_rps : replica_rps * target_utilization;
  }
  double tolerance = 0.1;
  SimTime sync_us = 15'000'000;
  SimTime scale_down_stabilization_us = 300'000'000;
  // Rate limits per sync period (behavior policies, selectPolicy Max): Kubernetes' defaults.
  std::int32_t scale_up_pods = 4;
  double scale_up_percent = 100;
  std::int32_t scale_down_pods = 0;
  double scale_down_percent = 100;
  std::vector<Prescale> prescales;
  PredictiveSpec predictive;
};

// What a replica uses of its request, linear in how busy it is: used share =
// idle + (busy - idle) x rho, rho the replica's busy share (accepted load
// over the ready replicas' capacity, the M/M/c server utilization, at most
// 1). capsim's defaults, not a published rule: a replica's request is sized
// so a fully busy one uses its CPU; memory and GPU memory stay mostly
// resident (heap, loaded model) whatever the load.
struct UsageCurve {
  double idle = 0;
  double busy = 1;
  double at(double rho) const { return idle + (busy - idle) * rho; }
};
struct ServiceUsage {
  UsageCurve cpu{0.05, 1.0};
  UsageCurve memory{0.6, 0.8};
  UsageCurve gpu{0.0, 1.0};         // compute share of its GPU milli
  UsageCurve gpu_memory{0.8, 0.9};  // of its GPUs' memory
};

// Which running replicas a scale-in ends first.
enum class ScaleIn : std::uint8_t {
  kNewest,        // the highest slot (the ReplicaSet's default ranking, newest first)
  kEmptiestNode,  // on the nodes holding the fewest pods (a pod-deletion-cost that frees whole machines)
  kLowestPriorityPool,  // on the last pool in fleet order first: the lowest-priority cluster scales in first
};

struct ServiceSpec {
  std::string name;
  std::int32_t initial_replicas = 1;
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 1;
  std::int32_t slots = 1;           // job rows of this service (replica identities)
  double replica_rps = 1;           // requests per second one replica serves (exponential times)
  std::int32_t queue_per_replica = 0;  // room per ready replica (in service and waiting); 0: no limit
  double latency_slo_s = 0;         // p99 objective; 0: none
  LoadSeries load;
  SimTime start_us = 0;
  SimTime end_us = kNever;          // kNever: until the run's horizon
  HpaSpec hpa;
  ServiceUsage usage;
  ScaleIn scale_in = ScaleIn::kNewest;
  // Time-slicing a card with another online instance: replica_rps already carries the throughput factor;
  // the p99 latency is this much longer than the queue's.
  double p99_factor = 1;
  // Burstable replicas: the CPU limit over the request (1: Guaranteed). A replica serves up to this
  // much faster while its node has unused CPU (docs/topology.md#burst).
  double burst_limit = 1;
  // The "safe utilization" knee (docs/topology.md): above utilization k a replica's service time grows
  // linearly to (1 + knee_slowdown) x at full utilization. k is safe_utilization for a replica on shared
  // cores, isolated_safe_utilization for one pinned to its own (the Topology Manager aligned it), times
  // its locality factor; 1: no knee.
  double safe_utilization = 1;
  double isolated_safe_utilization = 1;
  double knee_slowdown = 1;
  bool has_knee() const { return safe_utilization < 1 || isolated_safe_utilization < 1; }
  // Spill-over: this service's rejected requests go on to services[spill_to] after retry_delay_us
  // (-1: they fail). Named in the scenario, resolved once every service is read.
  std::int32_t spill_to = -1;
  std::string spill_to_name;
  std::string spill_field;  // the scenario field, for errors
  SimTime retry_delay_us = 0;
  // Promotions: windows of the service's clock whose load is multiplied (already in `load`); their
  // requests and rejections are reported one by one.
  struct Promotion {
    SimTime at_us = 0, duration_us = 0, lead_us = 0;
    double multiplier = 1;
    std::int32_t floor = 0;  // the replicas raised to ahead of it (0: no pre-scaling)
    double expected_rps = 0; // the multiplied peak of the window
  };
  std::vector<Promotion> promotions;  // in time order; a spill target also holds those pre-scaled on it
  std::string promotions_field;       // the scenario field, for errors
  // From a replica's start to serving: the image pull (skipped on an initialized pool), then the
  // model load and warm-up. The replica holds its resources meanwhile.
  double revenue_per_request = 0;  // unit economics: what a served request earns
  SimTime image_pull_us = 0;
  SimTime model_load_us = 0, warm_up_us = 0;
  // Or drawn per replica start (seconds; stream "startup:" + name): image pull, model load, warm-up.
  std::optional<DistributionSpec> startup_phases[3];
  bool random_startup() const { return startup_phases[0] || startup_phases[1] || startup_phases[2]; }
};

}  // namespace capsim
