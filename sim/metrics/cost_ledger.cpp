#include "sim/metrics/cost_ledger.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/metrics/tco.h"

namespace capsim {
namespace {

constexpr auto kUsPerHourD = static_cast<double>(kUsPerHour);
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

CostLedger::CostLedger(const FleetPricing& pricing, CostOptions options)
    : pricing_(&pricing), options_(options), centers_(pricing.centers.size()) {
  CAPSIM_CHECK(options.window_us > 0, "ledger windows are positive");
}

void CostLedger::ensure_window(std::size_t w) {
  if (w < windows_) return;
  windows_ = w + 1;
  bill_.resize(windows_ * centers_, 0.0);
  idle_.resize(windows_ * centers_, 0.0);
  charge_.resize(windows_ * centers_ * teams_, 0.0);
  if (vms_) overhead_.resize(windows_ * centers_, 0.0);
}

void CostLedger::advance(Meter& m, SimTime now, std::size_t cell, std::size_t stride, std::vector<double>& arr,
                         double& internal_total) {
  SimTime a = m.last;
  if (now <= a) return;
  m.last = now;
  if (m.net == 0 && m.internal == 0) return;
  internal_total += m.internal * static_cast<double>(now - a) / kUsPerHourD;
  auto w = static_cast<std::size_t>((a - start_) / options_.window_us);
  while (a < now) {
    const SimTime b = std::min(now, start_ + static_cast<SimTime>(w + 1) * options_.window_us);
    ensure_window(w);
    arr[w * stride + cell] += m.net * static_cast<double>(b - a) / kUsPerHourD;
    a = b;
    ++w;
  }
}

void CostLedger::on_run_start(const Simulation& sim, SimTime start) {
  start_ = end_ = start;
  teams_ = std::max<std::size_t>(sim.jobs().team_names.size(), 1);
  const std::size_t n_jobs = sim.jobs().size();
  vms_ = sim.fleet().has_vms();
  overhead_m_.assign(vms_ ? centers_ : 0, Meter{0, 0, start});
  overhead_int_.assign(vms_ ? centers_ : 0, 0.0);
  bill_m_.assign(centers_, Meter{0, 0, start});
  idle_m_.assign(centers_, Meter{0, 0, start});
  busy_units_m_.assign(centers_, Meter{0, 0, start});
  held_gpus_m_.assign(centers_, Meter{0, 0, start});
  held_gpu_h_.assign(centers_, 0.0);
  gpu_count_ = &sim.fleet().gpu_count;
  charge_m_.assign(centers_ * teams_, Meter{0, 0, start});
  bill_int_.assign(centers_, 0.0);
  idle_int_.assign(centers_, 0.0);
  charge_int_.assign(centers_ * teams_, 0.0);
  rounding_.assign(centers_, 0.0);
  rounding_int_.assign(centers_, 0.0);
  boot_.assign(centers_, 0.0);
  busy_units_h_.assign(centers_, 0.0);
  gpu_alloc_m_ = Meter{0, 0, start};
  job_cost_net_.assign(n_jobs, kNaN);
  job_cost_internal_.assign(n_jobs, kNaN);
  const auto& services = sim.jobs().services;
  service_days_ = std::any_of(services.begin(), services.end(), [](const ServiceSpec& v) { return v.revenue_per_request > 0; });
  service_cost_by_day_.clear();
  segment_start_.assign(n_jobs, 0);
  acquired_by_policy_.assign(sim.fleet().size(), 0);
  // Reserve the windows the run will likely need, so growing never doubles a large ledger.
  SimTime expected_end = sim.config().horizon_us;
  if (expected_end <= 0)
    for (std::size_t j = 0; j < n_jobs; ++j)
      if (sim.jobs().submit_us[j] != kNever && !sim.runs_until_ended(j))
        expected_end = std::max(expected_end, sim.jobs().submit_us[j] + sim.jobs().duration_us[j]);
  if (expected_end > start) {
    const auto w = static_cast<std::size_t>((expected_end - start) / options_.window_us + 1);
    bill_.reserve(w * centers_);
    idle_.reserve(w * centers_);
    charge_.reserve(w * centers_ * teams_);
  }
  ensure_window(0);
  factor_.assign(centers_, 1.0);
  price_changes_.clear();
  next_change_ = 0;
  for (std::size_t c = 0; c < centers_; ++c) {
    const CostCenter& cc = pricing_->centers[c];
    factor_[c] = cc.factor_at(start);
    for (std::size_t i = 0; i < cc.price_change_us.size(); ++i)
      if (cc.price_change_us[i] > start) price_changes_.push_back({cc.price_change_us[i], c, cc.price_factor[i]});
  }
  std::stable_sort(price_changes_.begin(), price_changes_.end(),
                   [](const PriceChange& a, const PriceChange& b) { return a.t < b.t; });
  for (std::size_t n = 0; n < sim.fleet().size(); ++n)
    if (sim.node_state(n) != NodeState::kOffline) hold(start, n, +1);
}

void CostLedger::apply_price_changes(SimTime t) {
  while (next_change_ < price_changes_.size() && price_changes_[next_change_].t <= t) {
    const PriceChange& ch = price_changes_[next_change_++];
    const std::size_t c = ch.center;
    advance(bill_m_[c], ch.t, c, centers_, bill_, bill_int_[c]);
    advance(idle_m_[c], ch.t, c, centers_, idle_, idle_int_[c]);
    for (std::size_t k = 0; k < teams_; ++k)
      advance(charge_m_[c * teams_ + k], ch.t, c * teams_ + k, centers_ * teams_, charge_, charge_int_[c * teams_ + k]);
    if (vms_) advance(overhead_m_[c], ch.t, c, centers_, overhead_, overhead_int_[c]);
    const double net = ch.factor / factor_[c];
    const double internal = pricing_->centers[c].internal_follows_price ? net : 1.0;
    for (Meter* m : {&bill_m_[c], &idle_m_[c]}) m->net *= net, m->internal *= internal;
    if (vms_) overhead_m_[c].net *= net, overhead_m_[c].internal *= internal;
    for (std::size_t k = 0; k < teams_; ++k) charge_m_[c * teams_ + k].net *= net, charge_m_[c * teams_ + k].internal *= internal;
    factor_[c] = ch.factor;
  }
}

void CostLedger::hold(SimTime t, std::size_t node, double sign) {
  const NodeRates& r = pricing_->node[node];
  const auto c = static_cast<std::size_t>(r.center);
  advance(bill_m_[c], t, c, centers_, bill_, bill_int_[c]);
  advance(idle_m_[c], t, c, centers_, idle_, idle_int_[c]);
  bill_m_[c].net += sign * r.net_per_hour * factor_net(c);
  bill_m_[c].internal += sign * r.internal_per_hour * factor_internal(c);
  Meter& gpus = held_gpus_m_[c];
  held_gpu_h_[c] += gpus.net * static_cast<double>(t - gpus.last) / kUsPerHourD;
  gpus.last = t;
  gpus.net += sign * static_cast<double>((*gpu_count_)[node]);
  idle_m_[c].net += sign * r.net_per_hour * factor_net(c);
  idle_m_[c].internal += sign * r.internal_per_hour * factor_internal(c);
  if (vms_) {
    advance(overhead_m_[c], t, c, centers_, overhead_, overhead_int_[c]);
    overhead_m_[c].net += sign * r.overhead_net * factor_net(c);
    overhead_m_[c].internal += sign * r.overhead_internal * factor_internal(c);
  }
}

CostLedger::JobRate CostLedger::job_rate(const Simulation& sim, std::uint32_t j, std::size_t node) const {
  const NodeRates& r = pricing_->node[node];
  const JobTable& jobs = sim.jobs();
  const auto cpu = static_cast<double>(jobs.cpu_milli[j]);
  const auto mem = static_cast<double>(jobs.memory_mib[j]);
  const double gpu = static_cast<double>(jobs.request(j).gpu_milli_total());
  const double busy_units = r.busy_by_cpu ? cpu : gpu;
  return {cpu * r.cpu_net + mem * r.mem_net + gpu * r.gpu_net,
          cpu * r.cpu_internal + mem * r.mem_internal + gpu * r.gpu_internal,
          busy_units * r.busy_net, busy_units * r.busy_internal, busy_units};
}

void CostLedger::job_change(const Simulation& sim, SimTime t, std::uint32_t j, std::size_t node, double sign) {
  const auto c = static_cast<std::size_t>(pricing_->node[node].center);
  JobRate jr = job_rate(sim, j, node);
  const double fn = factor_net(c), fi = factor_internal(c);
  jr.held_net *= fn, jr.busy_net *= fn, jr.held_internal *= fi, jr.busy_internal *= fi;
  const std::size_t cell = c * teams_ + sim.jobs().team[j];
  advance(bill_m_[c], t, c, centers_, bill_, bill_int_[c]);
  advance(idle_m_[c], t, c, centers_, idle_, idle_int_[c]);
  advance(charge_m_[cell], t, cell, centers_ * teams_, charge_, charge_int_[cell]);
  Meter& units = busy_units_m_[c];
  busy_units_h_[c] += units.net * static_cast<double>(t - units.last) / kUsPerHourD;
  units.last = t;
  units.net += sign * jr.busy_units;
  gpu_milli_hours_ += gpu_alloc_m_.net * static_cast<double>(t - gpu_alloc_m_.last) / kUsPerHourD;
  gpu_alloc_m_.last = t;
  const JobTable& jobs = sim.jobs();
  gpu_alloc_m_.net += sign * static_cast<double>(jobs.request(j).gpu_milli_total());
  bill_m_[c].net += sign * jr.busy_net;
  bill_m_[c].internal += sign * jr.busy_internal;
  idle_m_[c].net -= sign * jr.held_net;
  idle_m_[c].internal -= sign * jr.held_internal;
  charge_m_[cell].net += sign * (jr.held_net + jr.busy_net);
  charge_m_[cell].internal += sign * (jr.held_internal + jr.busy_internal);
}

void CostLedger::on_job_placed(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&) {
  apply_price_changes(t);
  sim.for_each_placement(j, [&](const Placement& q) { job_change(sim, t, j, static_cast<std::size_t>(q.node), +1); });
  segment_start_[j] = t;
}

void CostLedger::end_segment(const Simulation& sim, SimTime t, std::uint32_t j) {
  // Base rates times the integral of the center's price factor over the segment (its length without a series).
  double net = 0, internal = 0;
  const SimTime from = segment_start_[j];
  sim.for_each_placement(j, [&](const Placement& q) {
    const auto node = static_cast<std::size_t>(q.node);
    const CostCenter& cc = pricing_->centers[static_cast<std::size_t>(pricing_->node[node].center)];
    const double span = static_cast<double>(t - from);
    const double priced = cc.price_change_us.empty() ? span : cc.factor_time_us(t) - cc.factor_time_us(from);
    const JobRate jr = job_rate(sim, j, node);
    net += (jr.held_net + jr.busy_net) * priced;
    internal += (jr.held_internal + jr.busy_internal) * (cc.internal_follows_price ? priced : span);
  });
  if (service_days_ && sim.jobs().service[j] >= 0) add_service_days(sim, j, from, t);
  job_cost_net_[j] = (std::isnan(job_cost_net_[j]) ? 0.0 : job_cost_net_[j]) + net / kUsPerHourD;
  job_cost_internal_[j] = (std::isnan(job_cost_internal_[j]) ? 0.0 : job_cost_internal_[j]) + internal / kUsPerHourD;
}

void CostLedger::add_service_days(const Simulation& sim, std::uint32_t j, SimTime from, SimTime to) {
  // The segment's charge split by simulated day (day k: [k, k+1) x 86,400 s from time 0), priced
  // as end_segment prices it: the rate times the price factor's integral over each day's part.
  constexpr SimTime kDay = 86'400'000'000;
  const auto v = static_cast<std::size_t>(sim.jobs().service[j]);
  const std::size_t S = sim.jobs().services.size();
  sim.for_each_placement(j, [&](const Placement& q) {
    const auto node = static_cast<std::size_t>(q.node);
    const CostCenter& cc = pricing_->centers[static_cast<std::size_t>(pricing_->node[node].center)];
    const JobRate jr = job_rate(sim, j, node);
    for (SimTime a = from; a < to;) {
      const auto d = static_cast<std::size_t>(a / kDay);
      const SimTime b = std::min(to, (static_cast<SimTime>(d) + 1) * kDay);
      const double priced = cc.price_change_us.empty() ? static_cast<double>(b - a) : cc.factor_time_us(b) - cc.factor_time_us(a);
      if (service_cost_by_day_.size() < (d + 1) * S) service_cost_by_day_.resize((d + 1) * S, 0.0);
      service_cost_by_day_[d * S + v] += (jr.held_net + jr.busy_net) * priced / kUsPerHourD;
      a = b;
    }
  });
}

void CostLedger::on_job_finished(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&) {
  apply_price_changes(t);
  sim.for_each_placement(j, [&](const Placement& q) { job_change(sim, t, j, static_cast<std::size_t>(q.node), -1); });
  end_segment(sim, t, j);
}

void CostLedger::on_job_interrupted(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&, SimTime, InterruptReason) {
  apply_price_changes(t);
  sim.for_each_placement(j, [&](const Placement& q) { job_change(sim, t, j, static_cast<std::size_t>(q.node), -1); });
  end_segment(sim, t, j);
}

void CostLedger::on_node_acquired(const Simulation&, SimTime t, std::int32_t node) {
  apply_price_changes(t);
  acquired_by_policy_[static_cast<std::size_t>(node)] = 1;
  hold(t, static_cast<std::size_t>(node), +1);
}

void CostLedger::on_node_released(const Simulation& sim, SimTime t, std::int32_t n) {
  apply_price_changes(t);
  const auto node = static_cast<std::size_t>(n);
  hold(t, node, -1);
  const NodeRates& r = pricing_->node[node];
  const auto c = static_cast<std::size_t>(r.center);
  const PoolSpec& pool = sim.fleet().pools[static_cast<std::size_t>(sim.fleet().pool[node])];
  const SimTime held = t - sim.node_acquired_us(node);
  if (acquired_by_policy_[node])
    boot_[c] += r.net_per_hour * factor_net(c) * static_cast<double>(std::min(held, sim.node_boot_us(node))) / kUsPerHourD;
  acquired_by_policy_[node] = 0;
  // Billing granularity and minimums: the part billed beyond the time held is idle.
  const double extra_h = static_cast<double>(billed_duration_us(pool, held) - held) / kUsPerHourD;
  if (extra_h <= 0) return;
  const auto w = static_cast<std::size_t>((t - start_) / options_.window_us);
  ensure_window(w);
  const double net = r.net_per_hour * factor_net(c) * extra_h, internal = r.internal_per_hour * factor_internal(c) * extra_h;
  bill_[w * centers_ + c] += net;
  idle_[w * centers_ + c] += net;
  bill_int_[c] += internal;
  idle_int_[c] += internal;
  rounding_[c] += net;
  rounding_int_[c] += internal;
}

void CostLedger::on_run_end(const Simulation& sim, SimTime end) {
  apply_price_changes(end);
  end_ = end;
  for (std::size_t c = 0; c < centers_; ++c) {
    advance(bill_m_[c], end, c, centers_, bill_, bill_int_[c]);
    advance(idle_m_[c], end, c, centers_, idle_, idle_int_[c]);
    if (vms_) advance(overhead_m_[c], end, c, centers_, overhead_, overhead_int_[c]);
    busy_units_h_[c] += busy_units_m_[c].net * static_cast<double>(end - busy_units_m_[c].last) / kUsPerHourD;
    busy_units_m_[c].last = end;
    held_gpu_h_[c] += held_gpus_m_[c].net * static_cast<double>(end - held_gpus_m_[c].last) / kUsPerHourD;
    held_gpus_m_[c].last = end;
  }
  for (std::size_t cell = 0; cell < charge_m_.size(); ++cell)
    advance(charge_m_[cell], end, cell, centers_ * teams_, charge_, charge_int_[cell]);
  gpu_milli_hours_ += gpu_alloc_m_.net * static_cast<double>(end - gpu_alloc_m_.last) / kUsPerHourD;
  gpu_alloc_m_.last = end;
  // Nodes still held at the end are billed to the end, without rounding: they are not released.
  for (std::size_t n = 0; n < sim.fleet().size(); ++n) {
    if (!acquired_by_policy_[n] || sim.node_state(n) == NodeState::kOffline) continue;
    const NodeRates& r = pricing_->node[n];
    boot_[static_cast<std::size_t>(r.center)] +=
        r.net_per_hour * factor_net(static_cast<std::size_t>(r.center)) *
        static_cast<double>(std::min(end - sim.node_acquired_us(n), sim.node_boot_us(n))) / kUsPerHourD;
  }
  // Jobs still running are charged for what they held up to the end.
  for (std::size_t j = 0; j < sim.jobs().size(); ++j) {
    if (sim.state(j) != JobState::kRunning) continue;
    end_segment(sim, end, static_cast<std::uint32_t>(j));
  }
}

void CostLedger::take(const Simulation& sim, RunResult& result) {
  const FleetPricing& pr = *pricing_;
  CostResult& out = result.cost;
  out.present = true;
  out.currency = pr.currency;
  out.catalog_source = pr.catalog_source;
  out.catalog_as_of = pr.catalog_as_of;
  out.start_us = start_;
  out.window_us = options_.window_us;
  out.teams = sim.jobs().team_names;
  if (out.teams.empty()) out.teams.push_back("default");
  out.units = options_.units;
  out.unit_parent = options_.unit_parent;
  out.team_unit.assign(out.teams.size(), -1);
  out.team_shared.assign(out.teams.size(), 0);
  for (std::size_t t = 0; t < out.teams.size(); ++t) {
    for (const auto& [name, unit] : options_.team_unit)
      if (name == out.teams[t]) out.team_unit[t] = unit;
    for (const std::string& name : options_.shared_teams) out.team_shared[t] |= name == out.teams[t];
  }
  out.centers.clear();
  for (std::size_t k = 0; k < pr.centers.size(); ++k) {
    const CostCenter& c = pr.centers[k];
    const PoolSpec& pool = sim.fleet().pools[static_cast<std::size_t>(c.pool)];
    // A GPU center's busy units are GPU milli (CPU milli on CPU-only nodes, which hold no GPU-hours).
    const bool gpus = held_gpu_h_[k] > 0;
    out.centers.push_back({pool.name, pool_kind_name(pool.kind), c.provider, c.region, c.node_type, c.gpu_model, c.nodes,
                           held_gpu_h_[k], gpus ? busy_units_h_[k] / kMilliPerGpu : 0.0});
  }
  // Windows up to the end only (reservations may have been generous).
  const std::size_t used = end_ > start_ ? static_cast<std::size_t>((end_ - start_ - 1) / options_.window_us + 1) : 1;
  ensure_window(used - 1);
  out.windows = used;
  // Rounding booked at a release exactly at the end falls in window `used`: fold it into the last one.
  for (std::size_t w = used; w < windows_; ++w)
    for (std::size_t c = 0; c < centers_; ++c) {
      bill_[(used - 1) * centers_ + c] += bill_[w * centers_ + c];
      idle_[(used - 1) * centers_ + c] += idle_[w * centers_ + c];
      if (vms_) overhead_[(used - 1) * centers_ + c] += overhead_[w * centers_ + c];
    }
  // Moved, not copied: a year at one-minute windows is tens of MiB.
  bill_.resize(used * centers_);
  idle_.resize(used * centers_);
  charge_.resize(used * centers_ * teams_);
  windows_ = used;
  if (vms_) overhead_.resize(used * centers_);
  out.bill = std::move(bill_);
  out.idle = std::move(idle_);
  out.overhead = std::move(overhead_);
  out.overhead_internal = overhead_int_;
  out.charge = std::move(charge_);
  out.bill_internal = bill_int_;
  out.idle_internal = idle_int_;
  out.charge_internal = charge_int_;  // take() is the ledger's last use
  out.rounding = rounding_;
  out.boot = boot_;

  // Totals and the conservation check.
  std::vector<double> bill_c(centers_, 0.0), idle_c(centers_, 0.0), charge_c(centers_, 0.0);
  std::vector<double> team(teams_, 0.0);
  double worst = 0;
  for (std::size_t w = 0; w < used; ++w)
    for (std::size_t c = 0; c < centers_; ++c) {
      const double b = out.bill[w * centers_ + c], i = out.idle[w * centers_ + c];
      double ch = 0;
      for (std::size_t t = 0; t < teams_; ++t) {
        const double v = out.charge[(w * centers_ + c) * teams_ + t];
        ch += v;
        team[t] += v;
      }
      bill_c[c] += b, idle_c[c] += i, charge_c[c] += ch;
      worst = std::max(worst, std::abs(b - i - ch));
    }
  double bill = 0, idle = 0, charges = 0, internal = 0, rounding = 0, boot = 0;
  for (std::size_t c = 0; c < centers_; ++c) {
    bill += bill_c[c], idle += idle_c[c], charges += charge_c[c];
    internal += bill_int_[c], rounding += rounding_[c], boot += boot_[c];
  }
  std::int64_t completed = 0;
  for (std::size_t j = 0; j < sim.jobs().size(); ++j) completed += sim.state(j) == JobState::kCompleted;
  const double gpu_hours = gpu_milli_hours_ / kMilliPerGpu;
  auto& s = result.summary;
  s.push_back({"cost_currency", pr.currency});
  s.push_back({"cost_total", bill});
  s.push_back({"cost_jobs", charges});
  s.push_back({"cost_idle", idle});
  s.push_back({"cost_idle_share", bill > 0 ? idle / bill : 0.0});
  if (vms_) {
    double overhead = 0;
    for (double v : out.overhead) overhead += v;
    s.push_back({"cost_vm_overhead", overhead});  // part of cost_idle
  }
  s.push_back({"cost_rounding", rounding});
  s.push_back({"cost_boot", boot});
  s.push_back({"cost_internal_total", internal});
  s.push_back({"cost_internal_gap", internal - bill});
  s.push_back({"cost_conservation_error", worst});
  s.push_back({"cost_per_allocated_gpu_hour", gpu_hours > 0 ? bill / gpu_hours : kNaN});
  // Lost work (interruptions) is not modelled yet, so every allocated GPU-hour is a used one.
  s.push_back({"cost_per_used_gpu_hour", gpu_hours > 0 ? bill / gpu_hours : kNaN});
  s.push_back({"cost_per_completed_job", completed > 0 ? bill / static_cast<double>(completed) : kNaN});
  s.push_back({"allocated_gpu_hours", gpu_hours});
  for (std::size_t p = 0; p < sim.fleet().pools.size(); ++p) {
    double v = 0;
    for (std::size_t c = 0; c < centers_; ++c) v += pr.centers[c].pool == static_cast<std::int32_t>(p) ? bill_c[c] : 0.0;
    s.push_back({"cost_pool_" + sim.fleet().pools[p].name, v});
  }
  for (std::size_t t = 0; t < teams_; ++t) s.push_back({"cost_team_" + out.teams[t], team[t]});
  if (!options_.units.empty() || !options_.shared_teams.empty()) {
    // What the platform holds until shown back: its shared pods' charges and the idle capacity.
    double held = idle;
    for (std::size_t t = 0; t < teams_; ++t) held += out.team_shared[t] ? team[t] : 0.0;
    s.push_back({"cost_platform_held_share", bill > 0 ? held / bill : 0.0});
    s.push_back({"cost_internal_gap_share", internal > 0 ? (internal - bill) / internal : 0.0});
  }
  // Unit cost of services: what each service's replicas were charged (the services component adds
  // requests served and cost per request beside it, and revenue and margin where services earn).
  const JobTable& jobs = sim.jobs();
  if (!jobs.services.empty()) {
    std::vector<double> service_cost(jobs.services.size(), 0.0);
    for (std::size_t j = 0; j < jobs.size(); ++j)
      if (jobs.service[j] >= 0 && !std::isnan(job_cost_net_[j]))
        service_cost[static_cast<std::size_t>(jobs.service[j])] += job_cost_net_[j];
    for (std::size_t v = 0; v < jobs.services.size(); ++v)
      s.push_back({"service." + jobs.services[v].name + ".cost", service_cost[v]});
  }
  if (std::any_of(jobs.services.begin(), jobs.services.end(), [](const ServiceSpec& v) { return v.revenue_per_request > 0; })) {
    // By day, for the daily margin per service (the services component adds served requests).
    for (const ServiceSpec& v : jobs.services) out.daily_services.push_back(v.name);
    out.cost_by_day_service = service_cost_by_day_;
  }
  if (options_.revenue_per_job > 0 || options_.revenue_per_gpu_hour > 0) {
    const double revenue = options_.revenue_per_job * static_cast<double>(completed) + options_.revenue_per_gpu_hour * gpu_hours;
    s.push_back({"revenue", revenue});
    s.push_back({"margin", revenue - bill});
    s.push_back({"margin_share", revenue > 0 ? (revenue - bill) / revenue : kNaN});
  }

  // TCO: the run as a steady workload.
  TcoInputs tin;
  tin.run_hours = static_cast<double>(end_ - start_) / kUsPerHourD;
  tin.months = options_.tco_months;
  tin.center_bill = bill_c;
  tin.busy_fraction.assign(centers_, 0.0);
  std::vector<double> capacity_units(centers_, 0.0);
  for (std::size_t n = 0; n < sim.fleet().size(); ++n) {
    const NodeRates& r = pr.node[n];
    capacity_units[static_cast<std::size_t>(r.center)] +=
        r.busy_by_cpu ? static_cast<double>(sim.fleet().cpu_milli[n]) : double{kMilliPerGpu} * sim.fleet().gpu_count[n];
  }
  for (std::size_t c = 0; c < centers_; ++c)
    if (capacity_units[c] > 0 && tin.run_hours > 0)
      tin.busy_fraction[c] = busy_units_h_[c] / (capacity_units[c] * tin.run_hours);
  project_tco(pr.centers, tin, out);
  s.push_back({"tco_months", static_cast<std::int64_t>(out.tco_months)});
  for (const TcoCurve& curve : out.tco) s.push_back({"tco_" + curve.name, curve.cumulative.back()});
  s.push_back({"tco_breakeven_month", out.breakeven_month});
  for (const auto& [name, month] : out.breakeven_reserved) s.push_back({"tco_breakeven_month.reserved_" + name, month});

  // Per-job costs, aligned with /jobs.
  result.jobs.real_columns.push_back({"cost", pr.currency, std::move(job_cost_net_)});
  result.jobs.real_columns.push_back({"cost_internal", pr.currency, std::move(job_cost_internal_)});
}

}  // namespace capsim
