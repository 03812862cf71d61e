// How fast a service's replicas serve (sim/components/services.h): the mean speed of its ready
// replicas (topology, burst), the safe-utilization knee, and the refreshes that carry a neighbour's
// change (memory bandwidth, a Guaranteed pod's CPU use, a pod coming or going) to the queue.
#include <algorithm>

#include "sim/components/burst.h"
#include "sim/components/services.h"
#include "sim/core/simulation.h"

namespace capsim {

void ServiceFleet::refresh_burst_neighbours(Simulation& sim, std::size_t s, SimTime now) {
  // Not nested: a neighbour's spill-over target beside a Guaranteed replica would come back here
  // (that target's neighbours then see its change at their next own one).
  if (refreshing_neighbours_) return;
  refreshing_neighbours_ = true;
  std::vector<std::uint32_t>& near = near_scratch_;
  near.clear();
  for (std::uint32_t j : state_[s].slots) {
    if (sim.state(j) != JobState::kRunning) continue;
    for (std::uint32_t k : sim.jobs_on_node(static_cast<std::size_t>(sim.placement(j).node))) {
      const std::int32_t t = jobs_->service[k];
      if (t >= 0 && jobs_->services[static_cast<std::size_t>(t)].burst_limit > 1) near.push_back(static_cast<std::uint32_t>(t));
    }
  }
  refresh_each(sim, near, now);
  refreshing_neighbours_ = false;
}

void ServiceFleet::refresh_each(Simulation& sim, std::vector<std::uint32_t>& services, SimTime now) {
  std::sort(services.begin(), services.end());
  services.erase(std::unique(services.begin(), services.end()), services.end());
  for (std::uint32_t s : services) {
    if (!state_[s].running) continue;
    integrate(s, now);
    refresh(sim, s, now);
  }
}

void ServiceFleet::on_replica_speed(Simulation& sim, SimTime now, std::uint32_t j) {
  // Called amid another job's start or stop, before every component has seen it: the refresh (and
  // the usage it sets, which other components act on) waits for an event at this same instant.
  const std::int32_t s = jobs_->service[j];
  if (s < 0 || speed_refresh_pending_.empty() || speed_refresh_pending_[static_cast<std::size_t>(s)]) return;
  // A replica this component has not yet heard start (the topology component rates it first) or that
  // is not serving yet enters its queue when it does.
  if (startups_ ? !serving_[j] : !started_[j]) return;
  speed_refresh_pending_[static_cast<std::size_t>(s)] = 1;
  sim.schedule(now, kSpeedRefresh, static_cast<std::uint32_t>(s), 0);
}

void ServiceFleet::on_speed_refresh(Simulation& sim, const Event& e) {
  const auto s = static_cast<std::size_t>(e.job);
  speed_refresh_pending_[s] = 0;
  if (!state_[s].running) return;
  integrate(s, e.time);
  refresh(sim, s, e.time);
}

void ServiceFleet::apply_knee(const Simulation& sim, std::size_t s) {
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  // The replicas' busy share at their speed before the knee; above each one's knee its requests
  // take longer (so it is busier still: the queue and the HPA see the slower rate).
  const double u = std::clamp(st.lambda / (static_cast<double>(speeds_.size()) * spec.replica_rps * st.speed), 0.0, 1.0);
  const TopologyConfig& topology = sim.fleet().topology;
  double sum = 0, hpa_sum = 0;
  for (const ReplicaSpeed& r : speeds_) {
    const Placement& q = sim.placement(r.job);
    const double k = (q.numa >= 0 ? spec.isolated_safe_utilization : spec.safe_utilization) *
                     (topology.enabled() ? topology.factor(q.locality) : 1.0);
    const double stretch = k < 1 && u > k ? 1 + spec.knee_slowdown * (u - k) / (1 - k) : 1.0;
    sum += r.topology * r.burst / stretch;
    hpa_sum += r.topology / stretch;
  }
  st.speed = sum / static_cast<double>(speeds_.size());
  st.hpa_speed = hpa_sum / static_cast<double>(speeds_.size());
}

double ServiceFleet::burst_of(const Simulation& sim, std::uint32_t j, double limit) const {
  return burst_on_node(sim, static_cast<std::size_t>(sim.placement(j).node), limit);
}

void ServiceFleet::refresh_bursting(Simulation& sim, SimTime now, std::uint32_t j) {
  // A pod came or went: the unused CPU of its nodes changed for the Burstable replicas there.
  touched_.clear();
  sim.for_each_placement(j, [&](const Placement& q) {
    for (std::uint32_t k : sim.jobs_on_node(static_cast<std::size_t>(q.node))) {
      const std::int32_t s = jobs_->service[k];
      if (k != j && s >= 0 && jobs_->services[static_cast<std::size_t>(s)].burst_limit > 1)
        touched_.push_back(static_cast<std::uint32_t>(s));
    }
  });
  refresh_each(sim, touched_, now);
}

}  // namespace capsim
