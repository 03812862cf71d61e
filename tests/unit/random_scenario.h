#pragma once
// Random small scenarios for property tests: static, elastic and spot pools,
// Poisson and hand-placed interruptions, capacity series, gangs,
// checkpoints, retries, give-ups, queue-driven and autoscaler capacity.
// Every scenario loads: the first group (two big nodes in a pool that takes
// every job) can hold every shape and every gang.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sim/base/random.h"

namespace capsim::test {

inline constexpr double kHorizonS = 90 * 86400.0;

inline std::string random_scenario(std::uint64_t seed) {
  RandomStream rng(seed, "invariant-scenario");
  auto pick = [&](std::uint64_t n) { return rng.uniform_index(n); };
  auto chance = [&](double p) { return rng.uniform01() < p; };
  std::ostringstream j;
  const bool base_elastic = chance(0.4);
  const bool spot = chance(0.7);
  const bool spot_elastic = spot && chance(0.5);
  const bool ondemand = chance(0.5);
  j << R"({"seed": )" << seed << R"(, "fleet": {"pools": [)";
  j << R"({"name": "base", "kind": ")" << (base_elastic ? "on-demand" : "owned") << R"(", "boot_delay_s": )" << pick(300)
    << (base_elastic ? R"(, "elastic": {"min_nodes": )" + std::to_string(pick(2)) + "}" : "") << "}";
  if (ondemand) j << R"(, {"name": "od", "kind": "on-demand", "boot_delay_s": )" << pick(200) << R"(, "elastic": {}})";
  if (spot) {
    j << R"(, {"name": "spot", "kind": "spot", "boot_delay_s": )" << pick(200) << (spot_elastic ? R"(, "elastic": {})" : "")
      << R"(, "spot": {"notice_s": )" << pick(300) << R"(, "notice_given": true, "replacement_delay_s": )" << pick(600);
    if (chance(0.6)) j << R"(, "interruptions_per_node_hour": )" << 0.05 + 0.5 * rng.uniform01();
    if (chance(0.5)) j << R"(, "interruptions_at_s": [)" << 500 + pick(5000) << ", " << 6000 + pick(20000) << "]";
    if (chance(0.5))
      j << R"(, "capacity": [{"t_s": 0, "nodes": 3}, {"t_s": )" << 1000 + pick(8000) << R"(, "nodes": )" << pick(2)
        << R"(}, {"t_s": )" << 10000 + pick(20000) << R"(, "nodes": 3}])";
    j << R"(, "reclaim_order": ")" << (chance(0.5) ? "newest" : "oldest") << R"("}})";
  }
  // NUMA-aware admission on multi-socket nodes, from a stream of its own (the rest of the scenario is as
  // without it). Big nodes have 2 sockets of one NUMA node: 16 cores, 64 GiB, 2 GPUs each, so every
  // shape aligns and every gang still fits under single-numa-node.
  RandomStream topo_rng(seed, "invariant-topology");
  const bool topology = topo_rng.uniform01() < 0.4;
  RandomStream kubelet_rng(seed, "invariant-kubelet");
  auto sockets = [&](bool big) {
    if (!topology) return std::string();
    if (big) return std::string(R"(, "sockets": 2, "nvlink_island_gpus": 2)");
    std::string out = R"(, "sockets": )" + std::to_string(1 + topo_rng.uniform_index(2)) + R"(, "numa_per_socket": )" +
                      std::to_string(1 + topo_rng.uniform_index(2));
    // Some kubelets with a policy of their own (drawn from a stream of their own: the rest stays as it was).
    static const char* kKubelet[] = {"none", "best-effort", "restricted", "single-numa-node"};
    if (kubelet_rng.uniform01() < 0.3) out += std::string(R"(, "topology_policy": ")") + kKubelet[kubelet_rng.uniform_index(4)] + "\"";
    return out;
  };
  j << R"(], "nodes": [{"group": {"name_prefix": "big", "count": 2, "cpu_cores": 32, "memory_gib": 128, "gpus": 4,
        "gpu_model": "T4", "pool": "base")" << sockets(true) << "}}";
  const int groups = 1 + static_cast<int>(pick(3));
  for (int g = 0; g < groups; ++g) {
    static const char* kPools[] = {"base", "od", "spot"};
    std::string pool = kPools[pick(3)];
    if ((pool == "od" && !ondemand) || (pool == "spot" && !spot)) pool = "base";
    const int gpus = std::vector<int>{0, 1, 2, 4}[pick(4)];
    j << R"(, {"group": {"name_prefix": "g)" << g << R"(", "count": )" << 1 + pick(3) << R"(, "cpu_cores": )"
      << 8 + 8 * pick(3) << R"(, "memory_gib": )" << 32 + 32 * pick(3)
      << (gpus ? R"(, "gpus": )" + std::to_string(gpus) + R"(, "gpu_model": ")" + (chance(0.5) ? "T4" : "V100") + "\"" : "")
      << R"(, "pool": ")" << pool << R"(")" << sockets(false) << "}}";
  }
  j << "]";
  if (topology) {
    static const char* kPolicies[] = {"none", "best-effort", "restricted", "single-numa-node"};
    j << R"(, "topology": {"policy": ")" << kPolicies[topo_rng.uniform_index(4)] << "\"";
    if (topo_rng.uniform01() < 0.5) j << R"(, "socket_memory_bandwidth_gbps": 60, "memory_bandwidth_gbps_per_core": )" << 2 + topo_rng.uniform_index(8);
    j << "}";
  }
  j << R"(}, "workloads": [)";
  const int sources = 1 + static_cast<int>(pick(3));
  RandomStream burst_rng(seed, "invariant-burst");  // its own stream: the other draws stay as they were
  for (int w = 0; w < sources; ++w) {
    // Burstable batch jobs (their CPU-only shapes run faster on their node's unused CPU).
    if (burst_rng.uniform01() < 0.3) j << (w ? ", " : "") << R"({"synthetic": {"cpu_limit_factor": )" << 1.5 + burst_rng.uniform_index(3) << ", ";
    else j << (w ? ", " : "") << R"({"synthetic": {)";
    j << R"("count": )";
    j << 10 + pick(40) << R"(, "arrivals": {"poisson_rate_per_hour": )"
      << 2 + 20 * rng.uniform01() << R"(}, "duration_s": {"exponential": {"mean": )" << 300 + pick(7200)
      << R"(}}, "shapes": [{"cpu_cores": 2, "memory_gib": 8, "gpus": 1, "gpu_milli": 500},
         {"cpu_cores": 4, "memory_gib": 16, "gpus": 1}, {"cpu_cores": 8, "memory_gib": 32, "gpus": 2},
         {"cpu_cores": 4, "memory_gib": 8}, {"weight": 0.5, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_models": ["T4"]},
         {"weight": 0.5, "cpu_cores": 8, "memory_gib": 32, "gpus": 2, "workers": )" << 2 + pick(2) << R"(}])";
    const bool tolerant = chance(0.7);
    j << R"(, "resilience": {"spot_tolerant": )" << (tolerant ? "true" : "false");
    if (chance(0.5)) j << R"(, "checkpoint_interval_s": )" << 300 + pick(1800) << R"(, "checkpoint_cost_s": )" << pick(60);
    if (chance(0.5)) j << R"(, "checkpoint_on_notice": true, "restore_s": )" << pick(120);
    if (chance(0.3)) j << R"(, "max_retries": )" << pick(3);
    if (chance(0.3)) j << R"(, "max_interruptions_per_node_hour": )" << 0.05 + rng.uniform01();
    if (!tolerant && chance(0.3)) j << R"(, "priority": "high")";
    j << "}}}";
  }
  // Co-location: a Mid, Batch or Free source on reclaimed capacity, sometimes preemption and a daily tide.
  // With GPU sharing, some of its pods are GPU guests.
  const bool colocated = chance(0.35);
  const bool gpu_guests = colocated && chance(0.5);
  if (colocated) {
    const double u = rng.uniform01();
    const char* tier = u < 0.3 ? "mid" : u < 0.8 ? "batch" : "free";
    j << R"(, {"synthetic": {"count": )" << 10 + pick(30) << R"(, "arrivals": {"poisson_rate_per_hour": )"
      << 2 + 10 * rng.uniform01() << R"(}, "duration_s": {"exponential": {"mean": )" << 300 + pick(7200)
      << R"(}}, "shapes": [{"cpu_cores": 2, "memory_gib": 4}, {"cpu_cores": 8, "memory_gib": 16})"
      << (gpu_guests ? R"(, {"cpu_cores": 2, "memory_gib": 4, "gpus": 1}, {"cpu_cores": 4, "memory_gib": 8, "gpus": 2}])" : "]")
      << R"(, "tier": {"priority_class": ")" << tier << R"(", "sub_priority": )" << pick(3) * 100 << "}";
    if (chance(0.5)) j << R"(, "resilience": {"checkpoint_interval_s": )" << 300 + pick(1800) << R"(, "checkpoint_cost_s": )"
                       << pick(60) << R"(, "checkpoint_on_notice": true})";
    j << "}}";
  }
  // GPU guests share devices with an online service whose load and GPU memory swing: compute
  // preemption (down to suspension) and memory evictions.
  if (gpu_guests)
    j << R"(, {"service": {"name": "online", "replicas": 2, "min_replicas": 1, "max_replicas": 6, "cpu_cores": 2,
          "memory_gib": 4, "gpus": 1, "replica_rps": 10, "end_s": 172800, "load": {"diurnal": {"mean_rps": )" << 5 + pick(30)
      << R"(, "daily_amplitude": 0.8, "step_s": 600}}, "hpa": {"target_utilization": 0.6},
          "usage": {"gpu": {"idle": 0.1, "busy": 1.0}, "gpu_memory": {"idle": 0.3, "busy": 0.)" << 6 + pick(4)
      << R"(}}, "tier": {"priority_class": "prod"}}})";
  j << "]";
  if (colocated) {
    j << R"(, "colocation": {"update_s": )" << 60 + pick(600) << R"(, "preemption": )" << (chance(0.5) ? "true" : "false");
    if (chance(0.5)) j << R"(, "memory_reclaim_percent": )" << 30 + pick(60) << R"(, "be_min_cpu_cores": )" << 1 + pick(3);
    if (gpu_guests)
      j << R"(, "gpu_sharing": {"guests_per_gpu": )" << 1 + pick(2) << R"(, "guest_memory_percent": )" << 20 + pick(40)
        << R"(, "back_off_s": )" << pick(900) << "}";
    if (chance(0.4))
      j << R"(, "windows": [{"name": "night", "start": "22:00", "end": "06:00", "may_start": ["batch", "mid"],
          "exit_at_end": ["batch"], "exit_lead_s": )" << pick(1200) << R"(}, {"name": "day", "start": "09:00", "end": "18:00",
          "may_start": ["mid"], "max_duration_s": 3600}])";
    j << "}";
  }
  if (chance(0.4)) j << R"(, "max_wait_s": )" << 600 + pick(20000);
  if (chance(0.5))
    j << R"(, "capacity": {"name": "autoscaler", "params": {"scale_up_cooldown_s": ")" << pick(1500)
      << R"(", "scale_down_cooldown_s": ")" << pick(600) << R"(", "max_step": ")" << pick(3) << R"(", "idle_grace_s": ")"
      << pick(900) << R"(", "target_pending_gpus": ")" << pick(2) << R"("}})";
  else
    j << R"(, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": ")" << pick(900) << R"("}})";
  // Every job arrives within about a day: a run still going at the horizon is a livelock.
  j << R"(, "horizon_s": )" << kHorizonS << R"(, "sample_interval_s": 3600})";
  return j.str();
}

}  // namespace capsim::test
