// Full replay of the openb default pod list on the openb GPU node list, once
// per registered policy: wall time including CSV reading, engine events/s,
// and peak resident memory. Usage: replay_openb TRACE_DIR [REPEATS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/io/scenario_loader.h"
#include "scenario/run_inputs.h"

#include "peak_rss.h"
#include "recorded.h"

using namespace capsim;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: replay_openb TRACE_DIR [REPEATS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  config::Scenario s;
  s.set_seed(1);
  s.mutable_fleet()->add_nodes()->mutable_trace()->set_path(dir + "/openb_node_list_gpu_node.csv");
  s.add_workloads()->mutable_trace()->set_path(dir + "/openb_pod_list_default.csv");
  std::printf("openb default replay: 8,152 pods on 1,213 GPU nodes; best of %d runs\n", repeats);
  std::printf("%-15s %10s %10s %12s %14s %12s\n", "policy", "read_s", "sim_s", "total_s", "events/s", "peak_rss_MiB");
  for (const auto& name : placement_policy_names()) {
    double best_read = 1e9, best_sim = 1e9, best_total = 1e9, events = 0;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const RunInputs in = build_run_inputs(s, "");
      const auto t1 = std::chrono::steady_clock::now();
      RunSetup setup{&in, sim_config_from(s), ""};
      const TimedResult res = run_one(setup, {name, {}, 1});
      const auto t2 = std::chrono::steady_clock::now();
      const double read = std::chrono::duration<double>(t1 - t0).count();
      const double sim = std::chrono::duration<double>(t2 - t1).count();
      if (read + sim < best_total) {
        best_total = read + sim;
        best_read = read;
        best_sim = sim;
        events = summary_number(res.result.summary, "events_processed");
      }
    }
    std::printf("%-15s %10.4f %10.4f %12.4f %14.3g %12.1f%s\n", name.c_str(), best_read, best_sim, best_total,
                events / best_sim, peak_rss_mib(),
                bench::versus_recorded("replay_openb/" + name + "/sim_s", best_sim, true).c_str());
  }
  // NUMA-aware placement (fleet.topology): the same replay on the same nodes read as 2 sockets of one
  // NUMA node each, best-fit choosing the node and the kubelet's Topology Manager admitting the pod.
  // single-numa-node drops the pods no NUMA node can hold (8-GPU pods: 4 GPUs per NUMA node).
  std::printf("\nNUMA-aware (2 sockets per node), best-fit; ratio to best-fit without topology\n");
  std::printf("%-26s %10s %10s %8s %10s\n", "topology policy", "sim_s", "ratio", "placed", "local");
  double plain = 1e9;
  for (int r = 0; r < repeats; ++r) {
    const RunInputs in = build_run_inputs(s, "");
    RunSetup setup{&in, sim_config_from(s), ""};
    const auto t0 = std::chrono::steady_clock::now();
    run_one(setup, {"best-fit", {}, 1});
    plain = std::min(plain, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  for (const char* policy : {"none", "best-effort", "restricted", "single-numa-node"}) {
    config::Scenario t = s;
    t.mutable_fleet()->mutable_nodes(0)->mutable_trace()->set_sockets_per_node(2);
    t.mutable_fleet()->mutable_topology()->set_policy(policy);
    t.set_skip_bad_rows(true);
    RunInputs in = build_run_inputs(t, "");
    check_jobs_fit_fleet(in, true);
    double best = 1e9;
    Summary summary;
    for (int r = 0; r < repeats; ++r) {
      RunSetup setup{&in, sim_config_from(t), ""};
      const auto t0 = std::chrono::steady_clock::now();
      TimedResult res = run_one(setup, {"best-fit", {}, 1});
      const double sim = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (sim < best) {
        best = sim;
        summary = res.result.summary;
      }
    }
    std::printf("%-26s %10.4f %10.2f %8.0f %10.0f%s\n", policy, best, best / plain, summary_number(summary, "jobs_completed"),
                summary_number(summary, "topology.placements.local"),
                bench::versus_recorded(std::string("replay_openb/numa-") + policy + "/sim_s", best, true).c_str());
  }
  bench::print_slowdown_summary();
  return 0;
}
