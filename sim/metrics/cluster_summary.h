#pragma once
// Per-cluster summary keys (scenario fleet.clusters), from what the pools and services reported:
// cluster.NAME.{priority, gpus, cost, requests_spilled, requests_failed, cost_per_served_request}
// beside the services' cluster.NAME.{requests_served, revenue} (served where the ready replicas
// were). Spilled and failed requests count in the cluster of the service's pool; those of a service
// without a pool (spread over clusters) in none.
#include "sim/metrics/run_result.h"
#include "sim/model/fleet.h"
#include "sim/model/job_table.h"

namespace capsim {

void add_cluster_summary(const Fleet& fleet, const JobTable& jobs, RunResult& result);

}  // namespace capsim
