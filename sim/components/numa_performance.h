#pragma once
// What a placement's locality and its socket's memory bandwidth cost
// (fleet.topology, sim/model/topology.h, docs/topology.md).
//
// A job runs at factor(locality) x bandwidth of its slowest worker:
//   factor: 1 local, cross_numa_factor, cross_socket_factor (the Topology
//   Manager's admission sets the locality, ClusterState::admit);
//   bandwidth: each pod draws memory_bandwidth_gbps_per_core x its requested
//   cores from the socket its NUMA node is on (a floating pod: evenly from
//   every socket of its node); a socket whose demand D exceeds its budget B
//   slows every pod drawing from it by B / D (demand throttled in proportion),
//   a floating pod by its worst socket's.
// The speed is a rate limit (Simulation::kTopologyRateLimit): a batch job's
// finish moves, a service replica serves that much slower (its service's
// queue uses the mean speed of its ready replicas).
#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/component.h"
#include "sim/model/topology.h"

namespace capsim {

class Fleet;
struct Placement;

class NumaPerformance final : public Component {
 public:
  explicit NumaPerformance(const Fleet& fleet);
  static bool needed(const Fleet& fleet);

  const char* name() const override { return "topology"; }
  void attach(Simulation& sim) override;
  bool wants_job_signals() const override { return true; }
  void on_job_started(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) override;
  void report(const Simulation& sim, RunResult& result) const override;


 private:
  bool bandwidth_on() const { return config_.socket_memory_bandwidth_gbps > 0 && config_.memory_bandwidth_gbps_per_core > 0; }
  // Adds (sign +1) or removes the job's memory-bandwidth demand, then re-rates the jobs on the
  // sockets whose throttle changed.
  void draw(Simulation& sim, SimTime now, std::uint32_t job, int sign);
  double socket_factor(std::size_t socket) const;
  double worker_bandwidth(const Placement& q) const;
  void integrate(SimTime now);
  // Sets the job's speed limit from its placements and the sockets' throttles now.
  void rerate(Simulation& sim, SimTime now, std::uint32_t job);

  TopologyConfig config_;
  const Fleet* fleet_;
  std::vector<double> demand_;               // GB/s drawn per physical socket (Fleet::socket_base)
  std::vector<std::vector<std::size_t>> vms_of_host_;
  std::vector<SimTime> started_;             // per job: when it last started
  std::array<std::int64_t, kLocalities> placements_{};
  std::array<double, kLocalities> core_us_{};
  std::int64_t island_splits_ = 0;  // multi-GPU placements across NVLink islands  // requested cores x microseconds, by locality
  // Cores running below full speed for bandwidth, integrated: sum over throttled pods of
  // cores x (1 - bandwidth factor), as core-microseconds.
  double throttled_core_us_ = 0;
  double throttled_cores_now_ = 0;
  SimTime throttled_since_ = 0;
  std::vector<double> penalty_cores_;        // per job: its part of throttled_cores_now_
  std::vector<std::uint32_t> touched_;       // scratch: jobs to re-rate
};

}  // namespace capsim
