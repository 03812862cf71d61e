#pragma once
// Per-cluster summary keys (scenario fleet.clusters), from what the pools and services reported:
// cluster.NAME.{priority, gpus, cost, requests_served, requests_spilled, requests_failed, revenue,
// cost_per_served_request}. A service counts in the cluster of its pool; a service without a pool
// (spread over clusters) counts in none.
#include "sim/metrics/run_result.h"
#include "sim/model/fleet.h"
#include "sim/model/job_table.h"

namespace capsim {

void add_cluster_summary(const Fleet& fleet, const JobTable& jobs, RunResult& result);

}  // namespace capsim
