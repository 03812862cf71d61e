#include "sim/components/numa_performance.h"

#include <algorithm>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim {

bool NumaPerformance::needed(const Fleet& fleet) { return fleet.topology.enabled(); }

NumaPerformance::NumaPerformance(const Fleet& fleet) : config_(fleet.topology), fleet_(&fleet) {
  // Demand is per physical socket: the VMs on one host socket share its bandwidth.
  demand_.assign(static_cast<std::size_t>(fleet.physical_sockets()), 0.0);
  vms_of_host_.resize(fleet.hosts.size());
  for (std::size_t n = 0; n < fleet.size(); ++n)
    if (fleet.host[n] >= 0) vms_of_host_[static_cast<std::size_t>(fleet.host[n])].push_back(n);
}

void NumaPerformance::attach(Simulation& sim) {
  sim.track_progress();
  if (bandwidth_on()) sim.track_jobs_on_nodes();
  started_.assign(sim.jobs().size(), 0);
  penalty_cores_.assign(sim.jobs().size(), 0.0);
}

double NumaPerformance::socket_factor(std::size_t socket) const {
  const double d = demand_[socket];
  return d > config_.socket_memory_bandwidth_gbps ? config_.socket_memory_bandwidth_gbps / d : 1.0;
}

// The worker's bandwidth factor: its socket's, or a floating pod's worst socket's.
double NumaPerformance::worker_bandwidth(const Placement& q) const {
  const auto node = static_cast<std::size_t>(q.node);
  const auto first = static_cast<std::size_t>(fleet_->socket_base[node]);
  const int per_socket = fleet_->numa_per_socket[node];
  // A pinned pod draws on the sockets of its NUMA nodes; a floating one on all of its node's.
  const int lo = q.numa >= 0 ? q.numa / per_socket : 0;
  const int hi = q.numa >= 0 ? (q.numa + q.numa_span - 1) / per_socket : fleet_->sockets[node] - 1;
  double f = 1.0;
  for (int s = lo; s <= hi; ++s) f = std::min(f, socket_factor(first + static_cast<std::size_t>(s)));
  return f;
}


void NumaPerformance::integrate(SimTime now) {
  throttled_core_us_ += throttled_cores_now_ * static_cast<double>(now - throttled_since_);
  throttled_since_ = now;
}

void NumaPerformance::rerate(Simulation& sim, SimTime now, std::uint32_t job) {
  // The slowest worker sets the speed; every worker's throttle counts in the throttled cores.
  const double cores = static_cast<double>(sim.jobs().cpu_milli[job]) / 1000.0;
  double speed = 1.0, penalty = 0;
  sim.for_each_placement(job, [&](const Placement& q) {
    const double bw = bandwidth_on() ? worker_bandwidth(q) : 1.0;
    speed = std::min(speed, config_.factor(q.locality) * bw);
    penalty += cores * (1.0 - bw);
  });
  throttled_cores_now_ += penalty - penalty_cores_[job];
  penalty_cores_[job] = penalty;
  sim.set_rate_limit(now, job, Simulation::kTopologyRateLimit, speed);
}

void NumaPerformance::draw(Simulation& sim, SimTime now, std::uint32_t job, int sign) {
  const double per_pod = config_.memory_bandwidth_gbps_per_core * static_cast<double>(sim.jobs().cpu_milli[job]) / 1000.0;
  touched_.clear();
  sim.for_each_placement(job, [&](const Placement& q) {
    const auto node = static_cast<std::size_t>(q.node);
    const auto first = static_cast<std::size_t>(fleet_->socket_base[node]);
    const int sockets = fleet_->sockets[node];
    bool changed = false;
    auto add = [&](std::size_t socket, double gbps) {
      const double before = socket_factor(socket);
      demand_[socket] = std::max(0.0, demand_[socket] + sign * gbps);
      changed = changed || socket_factor(socket) != before;
    };
    if (q.numa >= 0)  // evenly over its NUMA nodes, each drawing on its socket
      for (int k = 0; k < q.numa_span; ++k)
        add(first + static_cast<std::size_t>((q.numa + k) / fleet_->numa_per_socket[node]), per_pod / q.numa_span);
    else
      for (int s = 0; s < sockets; ++s) add(first + static_cast<std::size_t>(s), per_pod / sockets);
    if (!changed) return;
    // Every node drawing on the changed sockets: the node itself, or every VM of its host.
    const std::int32_t host = fleet_->host[node];
    if (host < 0) {
      for (std::uint32_t other : sim.jobs_on_node(node))
        if (other != job) touched_.push_back(other);
    } else {
      for (std::size_t vm : vms_of_host_[static_cast<std::size_t>(host)])
        for (std::uint32_t other : sim.jobs_on_node(vm))
          if (other != job) touched_.push_back(other);
    }
  });
  if (touched_.empty()) return;
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  for (std::uint32_t other : touched_)
    if (sim.state(other) == JobState::kRunning) rerate(sim, now, other);
}

void NumaPerformance::on_job_started(Simulation& sim, SimTime now, std::uint32_t job) {
  integrate(now);
  started_[job] = now;
  sim.for_each_placement(job, [&](const Placement& q) {
    ++placements_[static_cast<int>(q.locality)];
    const auto node = static_cast<std::size_t>(q.node);
    if (fleet_->nvlink_island[node] > 0 && sim.cluster().gpu_islands(node, q.gpu_mask) > 1) ++island_splits_;
  });
  if (bandwidth_on()) draw(sim, now, job, +1);
  rerate(sim, now, job);
}

void NumaPerformance::on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) {
  integrate(now);
  const double cores = static_cast<double>(sim.jobs().cpu_milli[job]) / 1000.0;
  const auto span = static_cast<double>(now - started_[job]);
  sim.for_each_placement(job, [&](const Placement& q) { core_us_[static_cast<int>(q.locality)] += cores * span; });
  throttled_cores_now_ -= penalty_cores_[job];
  penalty_cores_[job] = 0;
  if (bandwidth_on()) draw(sim, now, job, -1);
}

void NumaPerformance::report(const Simulation& sim, RunResult& result) const {
  const SimTime end = sim.stats().end_us;
  // Jobs still running at the end count up to it.
  std::array<double, kLocalities> core_us = core_us_;
  const JobTable& jobs = sim.jobs();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (sim.state(j) != JobState::kRunning) continue;
    const double cores = static_cast<double>(jobs.cpu_milli[j]) / 1000.0;
    sim.for_each_placement(static_cast<std::uint32_t>(j), [&](const Placement& q) {
      core_us[static_cast<int>(q.locality)] += cores * static_cast<double>(end - started_[j]);
    });
  }
  Summary& s = result.summary;
  double all_core_us = 0;
  for (double c : core_us) all_core_us += c;
  for (int l = 0; l < kLocalities; ++l) {
    const std::string name = locality_name(static_cast<Locality>(l));
    s.push_back({"topology.placements." + name, placements_[static_cast<std::size_t>(l)]});
    s.push_back({"topology.core_hours." + name, core_us[static_cast<std::size_t>(l)] / 3.6e9});
  }
  s.push_back({"topology.gpu_island_splits", island_splits_});
  const double local_share = all_core_us > 0 ? core_us[0] / all_core_us : 1.0;
  s.push_back({"topology.local_core_share", local_share});
  const double throttled = throttled_core_us_ + throttled_cores_now_ * static_cast<double>(end - throttled_since_);
  s.push_back({"topology.bandwidth_throttled_core_hours", throttled / 3.6e9});
}

}  // namespace capsim
