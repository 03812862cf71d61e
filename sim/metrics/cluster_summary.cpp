#include "sim/metrics/cluster_summary.h"

#include <cmath>

namespace capsim {

void add_cluster_summary(const Fleet& fleet, const JobTable& jobs, RunResult& result) {
  if (fleet.clusters.empty()) return;
  Summary& s = result.summary;
  const std::size_t n = fleet.clusters.size();
  std::vector<double> gpus(n, 0.0), cost(n, 0.0);
  std::vector<bool> priced(n, false);
  for (std::size_t node = 0; node < fleet.size(); ++node) {
    const std::int32_t c = fleet.pools[static_cast<std::size_t>(fleet.pool[node])].cluster;
    if (c >= 0) gpus[static_cast<std::size_t>(c)] += fleet.gpu_count[node];
  }
  for (const PoolSpec& p : fleet.pools) {
    if (p.cluster < 0) continue;
    const double v = summary_number(s, "cost_pool_" + p.name);
    if (std::isnan(v)) continue;
    cost[static_cast<std::size_t>(p.cluster)] += v;
    priced[static_cast<std::size_t>(p.cluster)] = true;
  }
  // Spilled and failed requests by the cluster of the service's pool (the services component gave
  // the served requests and revenue by where the ready replicas were: cluster.NAME.requests_served).
  std::vector<std::int32_t> service_cluster(jobs.services.size(), -1);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const std::int32_t v = jobs.service[j];
    if (v < 0) continue;
    const std::int16_t pool = jobs.request(j).pool;
    if (pool >= 0) service_cluster[static_cast<std::size_t>(v)] = fleet.pools[static_cast<std::size_t>(pool)].cluster;
  }
  std::vector<double> spilled(n, 0.0), failed(n, 0.0);
  for (std::size_t v = 0; v < jobs.services.size(); ++v) {
    const std::int32_t c = service_cluster[v];
    if (c < 0) continue;
    const std::string key = "service." + jobs.services[v].name + ".";
    const double rejected = summary_number(s, key + "requests_rejected");
    if (std::isnan(rejected)) continue;
    const double sp = summary_number(s, key + "requests_spilled"), fa = summary_number(s, key + "requests_failed");
    spilled[static_cast<std::size_t>(c)] += std::isnan(sp) ? 0.0 : sp;
    failed[static_cast<std::size_t>(c)] += std::isnan(fa) ? rejected : fa;  // without a route every rejection fails
  }
  for (std::size_t c = 0; c < n; ++c) {
    const std::string k = "cluster." + fleet.clusters[c].name + ".";
    s.push_back({k + "priority", static_cast<std::int64_t>(fleet.clusters[c].priority)});
    s.push_back({k + "gpus", gpus[c]});
    if (priced[c]) s.push_back({k + "cost", cost[c]});
    const double served = summary_number(s, k + "requests_served");
    if (std::isnan(served)) continue;  // no service could run there
    s.push_back({k + "requests_spilled", spilled[c]});
    s.push_back({k + "requests_failed", failed[c]});
    if (priced[c]) s.push_back({k + "cost_per_served_request", served > 0 ? cost[c] / served : std::nan("")});
  }
}

}  // namespace capsim
