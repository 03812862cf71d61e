#include "sim/components/services.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/model/service_queue.h"

namespace capsim {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// The rate of the exponential wait of a waiting request in the O(1) M/M/c form of the tail. Without a
// limit it is exact: c mu less the load. With an admission limit the wait is a mixture of Erlangs (a
// load at or above capacity keeps the queue nearly full, which c mu - lambda <= 0 cannot express): the
// rate is the one whose mean is the conditional mean wait, C / W_q, from the M/M/c/K solution.
double drain_rate(const QueueOutcome& o, double lambda, std::int32_t c, double mu, std::int32_t K) {
  if (K <= 0) return c * mu - lambda;
  const double wait = o.latency_mean_s - 1 / mu;
  if (!(o.wait_probability > 0) || !(wait > 0)) return c * mu;
  return o.wait_probability / wait;
}
}  // namespace

ServiceFleet::ServiceFleet(const JobTable& jobs) : jobs_(&jobs), state_(jobs.services.size()) {
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (jobs.service[j] >= 0) state_[static_cast<std::size_t>(jobs.service[j])].slots.push_back(static_cast<std::uint32_t>(j));
  for (std::size_t s = 0; s < state_.size(); ++s) {
    State& st = state_[s];
    // Job rows keep their input order within a service (sorting is stable and they all submit at kNever).
    std::sort(st.slots.begin(), st.slots.end());
    st.active.assign(st.slots.size(), 0);
    CAPSIM_CHECK(static_cast<std::int32_t>(st.slots.size()) == jobs.services[s].slots, "every replica slot is a job row");
  }
  for (std::size_t s = 0; s < state_.size(); ++s) {
    state_[s].promo_requests.assign(jobs.services[s].promotions.size(), 0.0);
    state_[s].promo_rejected.assign(jobs.services[s].promotions.size(), 0.0);
  }
  for (const ServiceSpec& spec : jobs.services) {
    if (spec.image_pull_us > 0 || spec.model_load_us > 0 || spec.warm_up_us > 0 || spec.random_startup()) startups_ = true;
    if (spec.revenue_per_request > 0) economics_ = true;
  }
  if (startups_) {
    serving_.assign(jobs.size(), 0);
    starts_.assign(jobs.size(), 0);
    startup_draws_.resize(state_.size());
  }
  service_pool_.assign(state_.size(), -1);
  for (std::size_t s = 0; s < state_.size(); ++s)
    if (!state_[s].slots.empty()) service_pool_[s] = jobs.request(state_[s].slots.front()).pool;
  spill_sources_.resize(state_.size());
  for (std::size_t s = 0; s < state_.size(); ++s)
    if (jobs.services[s].spill_to >= 0) {
      spill_sources_[static_cast<std::size_t>(jobs.services[s].spill_to)].push_back(static_cast<std::uint32_t>(s));
      spilling_ = true;
    }
}

void ServiceFleet::attach(Simulation& sim) {
  sim.track_progress();  // replicas may be interrupted (reclaims, preemptions)
  replica_speeds_ = sim.fleet().topology.enabled();
  for (const ServiceSpec& spec : jobs_->services)
    if (spec.burst_limit > 1) {
      sim.track_jobs_on_nodes();  // a Burstable replica reads its node's pods
      bursting_ = true;
    }
  sim.on_event<ServiceFleet, &ServiceFleet::on_start_end>(kStartEnd, this);
  sim.on_event<ServiceFleet, &ServiceFleet::on_load_step>(kLoadStep, this);
  sim.on_event<ServiceFleet, &ServiceFleet::on_sync>(kSync, this);
  if (startups_) sim.on_event<ServiceFleet, &ServiceFleet::on_replica_ready>(kReplicaReady, this);
  if (replica_speeds_) {
    sim.on_event<ServiceFleet, &ServiceFleet::on_speed_refresh>(kSpeedRefresh, this);
    speed_refresh_pending_.assign(jobs_->services.size(), 0);
    started_.assign(jobs_->size(), 0);
  }
  by_pool_ = !sim.fleet().clusters.empty() || economics_;
  if (by_pool_) {
    ready_pool_.assign(jobs_->size(), -1);
    ready_in_pool_.assign(state_.size(), std::vector<std::int32_t>(sim.fleet().pools.size(), 0));
    for (const PoolSpec& p : sim.fleet().pools) pool_names_.push_back(p.name);
    if (spilling_ && !sim.fleet().clusters.empty()) spill_wait_by_pool_.resize(sim.fleet().pools.size());
    served_in_pool_.assign(state_.size(), std::vector<double>(sim.fleet().pools.size(), 0.0));
  }
}

void ServiceFleet::on_run_start(Simulation& sim, SimTime start) {
  for (std::size_t s = 0; s < state_.size(); ++s) {
    const ServiceSpec& spec = jobs_->services[s];
    CAPSIM_CHECK(spec.end_us != kNever, "a service has an end (its own or the horizon)");
    const SimTime from = std::max(spec.start_us, start);
    sim.schedule(from, kStartEnd, static_cast<std::uint32_t>(s), 0);
    sim.schedule(std::max(spec.end_us, from), kStartEnd, static_cast<std::uint32_t>(s), 1);
    sim.hold_run(RunHold::kAlways, 1);  // the service keeps the run going until its end
  }
}

void ServiceFleet::observe_load(std::size_t s, SimTime from, SimTime to) {
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  const SimTime bin = spec.hpa.predictive.bin_us;
  // Service clock: 0 at its start.
  for (SimTime t = from - spec.start_us; t < to - spec.start_us;) {
    const auto b = static_cast<std::size_t>(t / bin);
    const SimTime end = std::min<SimTime>((static_cast<SimTime>(b) + 1) * bin, to - spec.start_us);
    if (st.bin_load.size() <= b) {
      st.bin_load.resize(b + 1, 0.0);
      st.bin_seconds.resize(b + 1, 0.0);
    }
    st.bin_load[b] += st.lambda * us_to_seconds(end - t);
    st.bin_seconds[b] += us_to_seconds(end - t);
    t = end;
  }
}

void ServiceFleet::integrate(std::size_t s, SimTime now) {
  State& st = state_[s];
  const SimTime dt = now - st.last_us;
  const SimTime from = st.last_us;
  st.last_us = now;
  if (!st.running || dt <= 0) return;
  const ServiceSpec& spec = jobs_->services[s];
  const double mu = mu_of(s);
  if (spec.hpa.predictive.enabled) observe_load(s, from, now);
  st.span_us += dt;
  st.ready_us += static_cast<double>(st.ready) * static_cast<double>(dt);
  const double requests = st.lambda * us_to_seconds(dt);
  if (requests <= 0) return;
  const QueueOutcome& o = st.outcome;
  const double rejected = requests * o.rejected_share;
  const double accepted = requests - rejected;
  st.requests += requests;
  st.rejected += rejected;
  st.accepted += accepted;
  if (by_pool_ && accepted > 0 && st.ready > 0) {
    const std::vector<std::int32_t>& in = ready_in_pool_[s];
    for (std::size_t p = 0; p < in.size(); ++p)
      if (in[p] > 0) served_in_pool_[s][p] += accepted * in[p] / st.ready;
  }
  if (economics_ && accepted > 0) {
    // Served requests by simulated day: the rate is constant over the interval, so each day gets its part.
    const double rate = accepted / static_cast<double>(dt);
    constexpr SimTime kDay = 86'400'000'000;
    for (SimTime t = from; t < now;) {
      const auto d = static_cast<std::size_t>(t / kDay);
      const SimTime end = std::min(now, (static_cast<SimTime>(d) + 1) * kDay);
      if (served_by_day_.size() <= d) {
        served_by_day_.resize(d + 1, 0.0);
        revenue_by_day_.resize(d + 1, 0.0);
      }
      const double part = rate * static_cast<double>(end - t);
      served_by_day_[d] += part;
      revenue_by_day_[d] += part * spec.revenue_per_request;
      if (served_by_day_service_.size() < (d + 1) * state_.size()) served_by_day_service_.resize((d + 1) * state_.size(), 0.0);
      served_by_day_service_[d * state_.size() + s] += part;
      if (st.ready > 0) {  // by pool: requests spread evenly over the ready replicas
        if (served_by_day_pool_.size() <= d) {
          served_by_day_pool_.resize(d + 1, std::vector<double>(ready_in_pool_[s].size(), 0.0));
          revenue_by_day_pool_.resize(d + 1, std::vector<double>(ready_in_pool_[s].size(), 0.0));
        }
        for (std::size_t p = 0; p < ready_in_pool_[s].size(); ++p)
          if (ready_in_pool_[s][p] > 0) {
            const double share = part * ready_in_pool_[s][p] / st.ready;
            served_by_day_pool_[d][p] += share;
            revenue_by_day_pool_[d][p] += share * spec.revenue_per_request;
          }
      }
      t = end;
    }
  }
  if (!spec.promotions.empty()) {
    // Intervals never straddle a window's ends: the load has a point (an event) at each.
    const SimTime t = from - spec.start_us;
    const auto it = std::upper_bound(spec.promotions.begin(), spec.promotions.end(), t,
                                     [](SimTime x, const ServiceSpec::Promotion& p) { return x < p.at_us; });
    if (it != spec.promotions.begin() && t < std::prev(it)->at_us + std::prev(it)->duration_us) {
      const auto k = static_cast<std::size_t>(std::prev(it) - spec.promotions.begin());
      st.promo_requests[k] += requests;
      st.promo_rejected[k] += rejected;
    }
  }
  if (spilling_) {
    (spec.spill_to >= 0 && state_[static_cast<std::size_t>(spec.spill_to)].running ? st.spilled : st.failed) += rejected;
    st.spilled_in += requests * st.retry_share;
    st.retried_accepted += accepted * st.retry_share;
    st.added_wait_s += accepted * st.retry_share * st.carried_delay_s;
  }
  if (accepted > 0) {
    st.latency_sum += accepted * o.latency_mean_s;  // infinite while unstable
    const double theta = drain_rate(o, st.lambda, st.ready, mu, spec.queue_per_replica * st.ready);
    if (spilling_ && st.retry_share > 0) {
      spill_wait_.add(accepted * st.retry_share, st.carried_delay_s, o.wait_probability, o.stable ? theta : 0.0);
      if (!spill_wait_by_pool_.empty() && service_pool_[s] >= 0)
        spill_wait_by_pool_[static_cast<std::size_t>(service_pool_[s])].add(accepted * st.retry_share, st.carried_delay_s,
                                                                     o.wait_probability, o.stable ? theta : 0.0);
    }
    if (!o.stable) {
      st.unbounded = true;
    } else if (st.grid.empty()) {
      st.mixture[{st.lambda, st.ready, mu}] += accepted;
      if (st.mixture.size() > kExactIntervals) {  // too many to keep: to the grid
        st.grid.assign(kGrid, 0.0);
        for (const auto& [key, w] : st.mixture) {
          const auto [lambda, c, m] = key;
          const QueueOutcome q = queue_outcome(lambda, c, m, spec.queue_per_replica * c, false);
          add_to_grid(s, w, q.wait_probability, drain_rate(q, lambda, c, m, spec.queue_per_replica * c), m);
        }
        st.mixture.clear();
      }
    } else {
      add_to_grid(s, accepted, o.wait_probability, theta, mu);
    }
  }
  // Over the objective when more than 1% of requests take longer (the M/M/c form of the tail: exact
  // without a limit, an approximation with one, O(1) either way).
  if (spec.latency_slo_s > 0 &&
      (st.ready == 0 || !o.stable ||
       latency_tail_mmc(o.wait_probability,
                        drain_rate(o, st.lambda, st.ready, mu, spec.queue_per_replica * st.ready),
                        mu, spec.latency_slo_s / spec.p99_factor) > 0.01))
    st.violation_us += static_cast<double>(dt);
}

void ServiceFleet::refresh(Simulation& sim, std::size_t s, SimTime now) {
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  if (replica_speeds_ || spec.burst_limit > 1 || spec.has_knee()) {
    // The mean speed of its ready replicas: their topology limit (locality, memory bandwidth) and,
    // for Burstable replicas, the unused CPU of their node they may take (burst_of).
    double sum = 0, hpa_sum = 0;
    speeds_.clear();
    for (std::uint32_t j : st.slots)
      if (sim.state(j) == JobState::kRunning && (!startups_ || serving_[j])) {
        const double topology = sim.rate_limit(j, Simulation::kTopologyRateLimit);
        const double burst = spec.burst_limit > 1 ? burst_of(sim, j, spec.burst_limit) : 1.0;
        sum += topology * burst;
        hpa_sum += topology;
        speeds_.push_back({j, topology, burst});
      }
    const auto n = static_cast<double>(speeds_.size());
    st.speed = n > 0 ? sum / n : 1.0;
    st.hpa_speed = n > 0 ? hpa_sum / n : 1.0;
    if (spec.has_knee() && n > 0) apply_knee(sim, s);
  }
  st.outcome = queue_outcome(st.lambda, st.ready, mu_of(s), spec.queue_per_replica * st.ready, /*with_p99=*/false);
  const double rho = st.ready > 0 ? std::clamp(st.outcome.utilization, 0.0, 1.0) : 0.0;
  const ServiceUsage& u = spec.usage;
  // A bursting replica does the same work on more cores: its CPU use follows its load over what its
  // request serves, up to its limit (above its request: the Burstable QoS use the node lets it have).
  double cpu_rho = rho;
  if (spec.burst_limit > 1 && st.ready > 0)
    cpu_rho = std::clamp(st.lambda / (st.ready * spec.replica_rps * st.hpa_speed), 0.0, std::max(1.0, st.speed / st.hpa_speed));
  sim.set_service_usage(now, s, {u.cpu.at(cpu_rho), u.memory.at(rho), u.gpu.at(rho), u.gpu_memory.at(rho)});
  // What a Guaranteed replica uses is what the Burstable replicas beside it cannot take (burst_of);
  // a Burstable one's use does not enter another's burst (their requests do), so this does not recurse.
  if (bursting_ && spec.burst_limit <= 1) refresh_burst_neighbours(sim, s, now);
  if (spec.spill_to >= 0) spill_on(sim, s, now);
}

void ServiceFleet::set_arrivals(std::size_t s) {
  State& st = state_[s];
  double in = 0, delay = 0;
  for (std::uint32_t f : spill_sources_[s]) {
    const State& from = state_[f];
    if (!from.running) continue;
    // Rejection does not look at where a request came from: what f spills carries f's mean delay so
    // far (its retried share's) plus f's own retry delay.
    const double rate = from.lambda * from.outcome.rejected_share;
    in += rate;
    delay += rate * (from.retry_share * from.carried_delay_s + us_to_seconds(jobs_->services[f].retry_delay_us));
  }
  st.lambda = st.own_lambda + in;
  st.retry_share = st.lambda > 0 ? in / st.lambda : 0;
  st.carried_delay_s = in > 0 ? delay / in : 0;
}

void ServiceFleet::spill_on(Simulation& sim, std::size_t s, SimTime now) {
  const auto t = static_cast<std::size_t>(jobs_->services[s].spill_to);
  if (!state_[t].running) return;  // what s rejects meanwhile fails (integrate)
  integrate(t, now);
  set_arrivals(t);
  refresh(sim, t, now);  // and on down the chain (no cycles: resolve_spill_routes)
}

void ServiceFleet::add_to_grid(std::size_t s, double weight, double C, double theta, double mu_now) {
  const double mu = jobs_->services[s].replica_rps;
  std::vector<double>& g = state_[s].grid;
  // The M/M/c tail (latency_tail_mmc) at t_k = u_k / mu: e^(-mu t_k) is a constant of k, so one
  // exponential per point; past the point where both terms are below e^-40 nothing is added.
  // Replicas slowed (or sped up) by their placement serve at mu_now: at the same grid times their
  // dimensionless time is u_k mu_now / mu, whose exponential is computed here.
  struct Table {
    double u[kGrid], exp_mu[kGrid];
    Table() {
      for (int k = 0; k < kGrid; ++k) {
        u[k] = std::exp2((k - 12) / 3.0);
        exp_mu[k] = std::exp(-u[k]);
      }
    }
  };
  static const Table table;
  const double scale = mu_now / mu, r = theta / mu_now;
  const bool equal = std::abs(theta - mu_now) < 1e-12 * mu_now;
  for (int k = 0; k < kGrid; ++k) {
    const double u = scale == 1 ? table.u[k] : table.u[k] * scale;
    const double em = scale == 1 ? table.exp_mu[k] : std::exp(-u);
    if (u > 40 && r * u > 40) break;
    const double et = std::exp(-r * u);
    const double both = equal ? (1 + u) * em : (r * em - et) / (r - 1);
    g[static_cast<std::size_t>(k)] += weight * ((1 - C) * em + C * both);
  }
}

void ServiceFleet::on_job_started(Simulation& sim, SimTime now, std::uint32_t j) {
  if (bursting_) refresh_bursting(sim, now, j);
  const std::int32_t s = jobs_->service[j];
  if (s < 0) return;
  if (!started_.empty()) started_[j] = 1;
  const ServiceSpec& spec = jobs_->services[static_cast<std::size_t>(s)];
  if (startups_) {
    ++starts_[j];
    const auto node = static_cast<std::size_t>(sim.placement(j).node);
    const bool initialized = sim.fleet().pools[static_cast<std::size_t>(sim.fleet().pool[node])].initialized;
    SimTime phase[3] = {spec.image_pull_us, spec.model_load_us, spec.warm_up_us};
    if (spec.random_startup()) {
      auto& rng = startup_draws_[static_cast<std::size_t>(s)];
      if (!rng) rng.emplace(sim.config().seed, "startup:" + spec.name);
      for (int k = 0; k < 3; ++k)  // drawn even when skipped: an initialized pool shifts no later draw
        if (spec.startup_phases[k])
          phase[k] = seconds_to_us(std::min(86400.0, std::max(0.0, draw(*spec.startup_phases[k], *rng))));
    }
    const SimTime startup = (initialized ? 0 : phase[0]) + phase[1] + phase[2];
    if (startup > 0) {  // it holds its node from now and serves from then
      sim.schedule(now + startup, kReplicaReady, j, starts_[j]);
      return;
    }
  }
  add_ready(sim, static_cast<std::size_t>(s), now, j);
}

void ServiceFleet::add_ready(Simulation& sim, std::size_t s, SimTime now, std::uint32_t j) {
  if (startups_) serving_[j] = 1;
  integrate(s, now);
  if (by_pool_) {
    const std::int32_t p = sim.fleet().pool[static_cast<std::size_t>(sim.placement(j).node)];
    ready_pool_[j] = p;
    ++ready_in_pool_[s][static_cast<std::size_t>(p)];
  }
  ++state_[s].ready;
  refresh(sim, s, now);
}

void ServiceFleet::on_replica_ready(Simulation& sim, const Event& e) {
  const std::uint32_t j = e.job;
  if (e.generation != starts_[j] || sim.state(j) != JobState::kRunning) {
    sim.note_stale_event();
    return;
  }
  add_ready(sim, static_cast<std::size_t>(jobs_->service[j]), e.time, j);
}

void ServiceFleet::on_job_stopped(Simulation& sim, SimTime now, std::uint32_t j) {
  if (bursting_) refresh_bursting(sim, now, j);
  const std::int32_t s = jobs_->service[j];
  if (s < 0) return;
  if (!started_.empty()) started_[j] = 0;
  if (startups_) {
    if (!serving_[j]) return;  // stopped while starting: it never served
    serving_[j] = 0;
  }
  integrate(static_cast<std::size_t>(s), now);
  if (by_pool_ && ready_pool_[j] >= 0) {
    --ready_in_pool_[static_cast<std::size_t>(s)][static_cast<std::size_t>(ready_pool_[j])];
    ready_pool_[j] = -1;
  }
  --state_[static_cast<std::size_t>(s)].ready;
  refresh(sim, static_cast<std::size_t>(s), now);
}

void ServiceFleet::on_start_end(Simulation& sim, const Event& e) {
  const std::size_t s = e.job;
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  integrate(s, e.time);
  if (e.generation == 0) {  // start
    st.running = true;
    st.last_us = e.time;
    st.own_lambda = spec.load.at(0);
    set_arrivals(s);
    refresh(sim, s, e.time);
    if (spec.load.t_us.size() > 1) sim.schedule(spec.start_us + spec.load.t_us[1], kLoadStep, static_cast<std::uint32_t>(s), 1);
    scale_to(sim, s, e.time, spec.initial_replicas);
    if (spec.hpa.enabled) sim.schedule(e.time + spec.hpa.sync_us, kSync, static_cast<std::uint32_t>(s));
    return;
  }
  scale_to(sim, s, e.time, 0);  // the service ends: every replica goes
  st.running = false;
  if (spec.spill_to >= 0) spill_on(sim, s, e.time);  // it sends no more retries
  sim.hold_run(RunHold::kAlways, -1);
}

void ServiceFleet::on_load_step(Simulation& sim, const Event& e) {
  const std::size_t s = e.job;
  State& st = state_[s];
  if (!st.running) return;
  const ServiceSpec& spec = jobs_->services[s];
  integrate(s, e.time);
  st.own_lambda = spec.load.rps[e.generation];
  set_arrivals(s);
  refresh(sim, s, e.time);
  const std::size_t next = e.generation + 1;
  if (next < spec.load.t_us.size() && spec.start_us + spec.load.t_us[next] < spec.end_us)
    sim.schedule(spec.start_us + spec.load.t_us[next], kLoadStep, static_cast<std::uint32_t>(s),
                 static_cast<std::uint32_t>(next));
}

std::int32_t ServiceFleet::hpa_desired(std::size_t s, SimTime now) {
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  const HpaSpec& h = spec.hpa;
  std::int32_t desired = st.asked;
  if (st.ready > 0) {
    // Kubernetes measures a replica's CPU use over its request: a bursting replica shows above 100%,
    // so the HPA's capacity is the request's (with the topology speed), not the burst's.
    double ratio;
    if (h.target_rps > 0) {
      ratio = st.lambda / st.ready / h.target_rps;
    } else if (h.target_queue > 0) {
      // Requests waiting, by Little's law over the accepted ones: lambda_accepted x (W - 1/mu).
      const QueueOutcome& o = st.outcome;
      const double waiting = st.lambda * (1 - o.rejected_share) * std::max(0.0, o.latency_mean_s - 1 / mu_of(s));
      ratio = waiting / st.ready / h.target_queue;
    } else {
      const double utilization = st.lambda / (st.ready * spec.replica_rps * st.hpa_speed);
      ratio = utilization / h.target_utilization;
    }
    if (!std::isfinite(ratio)) {
      desired = spec.max_replicas;  // an unbounded queue: as many as allowed (the rate limit applies)
    } else if (std::abs(ratio - 1.0) > h.tolerance) {
      const double want = std::ceil(static_cast<double>(st.ready) * ratio - 1e-9);
      desired = static_cast<std::int32_t>(std::min(want, static_cast<double>(spec.max_replicas)));
    }
  }
  desired = std::clamp(desired, spec.min_replicas, spec.max_replicas);
  // Scale-down stabilization: the highest recommendation of the window (this one included).
  st.recommendations.push_back({now, desired});
  std::erase_if(st.recommendations, [&](const auto& r) { return now - r.first >= h.scale_down_stabilization_us; });
  if (desired < st.asked)
    for (const auto& r : st.recommendations) desired = std::max(desired, std::min(r.second, st.asked));
  // Rate limits (autoscaling/v2 behavior, selectPolicy Max, each policy's period the sync period):
  // up by at most max(scale_up_pods, scale_up_percent of current), down by at most
  // max(scale_down_pods, scale_down_percent of current); the defaults are Kubernetes' (4 pods or
  // 100% up, 100% down).
  if (desired > st.asked) {
    const auto by_percent = static_cast<std::int32_t>(std::ceil(st.asked * h.scale_up_percent / 100.0 - 1e-9));
    desired = std::min(desired, st.asked + std::max(h.scale_up_pods, by_percent));
  }
  if (desired < st.asked) {
    const auto by_percent = static_cast<std::int32_t>(std::ceil(st.asked * h.scale_down_percent / 100.0 - 1e-9));
    desired = std::max(desired, st.asked - std::max(h.scale_down_pods, by_percent));
  }
  // The floor (minReplicas, as a schedule or the forecast raises it) wins over the rate limit, as in Kubernetes.
  return std::clamp(desired, floor_at(s, now), spec.max_replicas);
}

std::int32_t ServiceFleet::floor_at(std::size_t s, SimTime now) {
  State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  const HpaSpec& h = spec.hpa;
  const SimTime t = now - spec.start_us;  // the service's clock
  std::int32_t floor = spec.min_replicas;
  for (const Prescale& p : h.prescales)
    if (t >= p.at_us - p.lead_us && t < p.at_us + p.hold_us) floor = std::max(floor, p.min_replicas);
  const PredictiveSpec& pr = h.predictive;
  if (pr.enabled && t >= pr.min_history_us) {
    if (st.fitted_at == kNever || now - st.fitted_at >= pr.refit_us) {
      // Complete bins of the history window.
      const auto last = static_cast<std::int64_t>(t / pr.bin_us);  // bins before this one are complete
      const std::int64_t first = std::max<std::int64_t>(0, last - pr.history_us / pr.bin_us);
      std::vector<double> mean, weight;
      for (std::int64_t b = first; b < last && b < static_cast<std::int64_t>(st.bin_load.size()); ++b) {
        const double secs = st.bin_seconds[static_cast<std::size_t>(b)];
        mean.push_back(secs > 0 ? st.bin_load[static_cast<std::size_t>(b)] / secs : 0.0);
        weight.push_back(secs);
      }
      st.forecast = HarmonicForecast(pr.daily_harmonics, pr.weekly_harmonics);
      st.forecast.fit(first, pr.bin_us, mean, weight);
      st.fitted_at = now;
    }
    if (st.forecast.fitted()) {
      const double needed = st.forecast.at(t + pr.lead_us) /
                            (h.target_rps > 0 ? h.target_rps : h.target_utilization * spec.replica_rps * st.hpa_speed);
      floor = std::max(floor, static_cast<std::int32_t>(std::min(1e9, std::ceil(needed - 1e-9))));
    }
  }
  return std::min(floor, spec.max_replicas);
}

void ServiceFleet::on_sync(Simulation& sim, const Event& e) {
  const std::size_t s = e.job;
  State& st = state_[s];
  if (!st.running) return;
  const ServiceSpec& spec = jobs_->services[s];
  const std::int32_t desired = hpa_desired(s, e.time);  // reads the load and ready replicas; changes integrate
  if (desired != st.asked) {
    ++st.scale_events;
    scale_to(sim, s, e.time, desired);
  }
  if (e.time + spec.hpa.sync_us < spec.end_us) sim.schedule(e.time + spec.hpa.sync_us, kSync, static_cast<std::uint32_t>(s));
}

void ServiceFleet::scale_to(Simulation& sim, std::size_t s, SimTime now, std::int32_t replicas) {
  State& st = state_[s];
  const auto n = static_cast<std::int32_t>(st.slots.size());
  // Up: the lowest free slots. Down: waiting replicas first, then running ones, newest slot first (or,
  // with scale_in emptiest-node, those on the nodes holding the fewest pods first).
  for (std::int32_t k = 0; k < n && st.asked < replicas; ++k) {
    if (st.active[static_cast<std::size_t>(k)]) continue;
    st.active[static_cast<std::size_t>(k)] = 1;
    ++st.asked;
    sim.submit_job(now, st.slots[static_cast<std::size_t>(k)]);
  }
  std::vector<std::int32_t> order(static_cast<std::size_t>(n));
  for (std::int32_t k = 0; k < n; ++k) order[static_cast<std::size_t>(k)] = n - 1 - k;
  for (const JobState phase : {JobState::kPending, JobState::kRunning}) {
    if (phase == JobState::kRunning && jobs_->services[s].scale_in == ScaleIn::kEmptiestNode && st.asked > replicas) {
      // Running replicas on the nodes holding the fewest pods first (then the newest slot).
      const ClusterState& c = sim.cluster();
      auto pods = [&](std::int32_t k) {
        const std::uint32_t j = st.slots[static_cast<std::size_t>(k)];
        return sim.state(j) == JobState::kRunning ? c.jobs_on(static_cast<std::size_t>(sim.placement(j).node)) : 0;
      };
      std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return pods(a) < pods(b); });
    }
    if (phase == JobState::kRunning && jobs_->services[s].scale_in == ScaleIn::kLowestPriorityPool && st.asked > replicas) {
      // A service spread over clusters (pools in priority order: clusters', then the fleet's): scale in from the lowest.
      auto pool = [&](std::int32_t k) {
        const std::uint32_t j = st.slots[static_cast<std::size_t>(k)];
        return sim.state(j) == JobState::kRunning
                   ? sim.fleet().rank_of_pool(sim.fleet().pool[static_cast<std::size_t>(sim.placement(j).node)])
                   : -1;
      };
      std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return pool(a) > pool(b); });
    }
    for (std::int32_t k : order) {
      if (st.asked <= replicas) break;
      const std::uint32_t j = st.slots[static_cast<std::size_t>(k)];
      if (!st.active[static_cast<std::size_t>(k)] || sim.state(j) != phase) continue;
      st.active[static_cast<std::size_t>(k)] = 0;
      --st.asked;
      sim.end_job(now, j);
    }
  }
  // Replicas that failed past their retries are no longer asked for.
  for (std::int32_t k = n - 1; k >= 0 && st.asked > replicas; --k)
    if (st.active[static_cast<std::size_t>(k)] && sim.state(st.slots[static_cast<std::size_t>(k)]) == JobState::kFailed) {
      st.active[static_cast<std::size_t>(k)] = 0;
      --st.asked;
    }
  st.history.push_back({now, st.asked});
}

}  // namespace capsim
