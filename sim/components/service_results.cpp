// What a run of services reports (sim/components/services.h): the p99 from the latency mixture, the
// per-service outcomes, the summary keys (spill-over, promotions, unit economics) and the /services table.
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/components/services.h"
#include "sim/core/simulation.h"
#include "sim/model/service_queue.h"

namespace capsim {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double ServiceFleet::p99_of(std::size_t s) const {
  const State& st = state_[s];
  const ServiceSpec& spec = jobs_->services[s];
  if (st.unbounded) return kInf;  // some time with no limit and too few replicas
  if (st.accepted <= 0) return std::nan("");
  const double mu = spec.replica_rps;
  if (!st.grid.empty()) {  // interpolate the 0.01 crossing in log time
    for (int k = 0; k < kGrid; ++k) {
      const double q = st.grid[static_cast<std::size_t>(k)] / st.accepted;
      if (q > 0.01) continue;
      if (k == 0) return grid_time(mu, 0);
      const double q0 = st.grid[static_cast<std::size_t>(k - 1)] / st.accepted;
      const double f = (std::log(q0) - std::log(0.01)) / (std::log(q0) - std::log(std::max(q, 1e-300)));
      return std::exp(std::log(grid_time(mu, k - 1)) + f * (std::log(grid_time(mu, k)) - std::log(grid_time(mu, k - 1))));
    }
    return kInf;
  }
  // Exact: the 0.01 point of the mixture of its intervals' distributions, weighted by accepted requests.
  double total = 0;
  for (const auto& [key, w] : st.mixture) total += w;
  auto tail = [&](double t) {
    double sum = 0;
    for (const auto& [key, w] : st.mixture)
      sum += w * latency_tail(std::get<0>(key), std::get<1>(key), std::get<2>(key), spec.queue_per_replica * std::get<1>(key), t);
    return sum / total;
  };
  double lo = 0, hi = 1 / mu;
  while (tail(hi) > 0.01 && hi < 1e9) hi *= 2;
  for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (tail(mid) > 0.01 ? lo : hi) = mid;
  }
  return hi;
}

std::vector<ServiceOutcome> ServiceFleet::outcomes() const {
  std::vector<ServiceOutcome> out;
  for (std::size_t s = 0; s < state_.size(); ++s) {
    const State& st = state_[s];
    ServiceOutcome o;
    o.name = jobs_->services[s].name;
    o.requests = st.requests;
    o.rejected = st.rejected;
    o.latency_mean_s = st.accepted > 0 ? st.latency_sum / st.accepted : std::nan("");
    o.latency_p99_s = p99_of(s) * jobs_->services[s].p99_factor;
    o.slo_violation_share = st.span_us > 0 ? st.violation_us / static_cast<double>(st.span_us) : 0;
    o.replicas_mean = st.span_us > 0 ? st.ready_us / static_cast<double>(st.span_us) : 0;
    o.scale_events = st.scale_events;
    o.spilled = st.spilled;
    o.spilled_in = st.spilled_in;
    o.failed = st.failed;
    o.promotion_requests = st.promo_requests;
    o.promotion_rejected = st.promo_rejected;
    out.push_back(o);
  }
  return out;
}

void ServiceFleet::add_summary(Summary& summary) const {
  const std::vector<ServiceOutcome> per = outcomes();
  double requests = 0, rejected = 0, accepted = 0, latency_sum = 0, violation = 0, span = 0, replicas = 0;
  double worst_p99 = 0;
  for (std::size_t s = 0; s < state_.size(); ++s) {
    const State& st = state_[s];
    requests += st.requests;
    rejected += st.rejected;
    accepted += st.accepted;
    latency_sum += st.latency_sum;
    if (jobs_->services[s].latency_slo_s > 0) {
      violation += st.violation_us;
      span += static_cast<double>(st.span_us);
    }
    replicas += per[s].replicas_mean;
    if (!(per[s].latency_p99_s <= worst_p99)) worst_p99 = per[s].latency_p99_s;  // NaN-safe max
  }
  summary.push_back({"services", static_cast<std::int64_t>(state_.size())});
  summary.push_back({"requests_total", requests});
  summary.push_back({"requests_rejected", rejected});
  summary.push_back({"latency_mean_s", accepted > 0 ? latency_sum / accepted : std::nan("")});
  summary.push_back({"latency_p99_s", worst_p99});  // the worst service's
  summary.push_back({"slo_violation_share", span > 0 ? violation / span : 0.0});
  summary.push_back({"replicas_mean", replicas});
  const bool economics = std::any_of(jobs_->services.begin(), jobs_->services.end(),
                                     [](const ServiceSpec& v) { return v.revenue_per_request > 0; });
  const double bill = summary_number(summary, "cost_total");  // NaN without prices
  if (economics) {
    // Unit economics: requests served earn revenue; the bill (idle included) is what they cost.
    double revenue = 0;
    for (std::size_t s = 0; s < state_.size(); ++s) revenue += state_[s].accepted * jobs_->services[s].revenue_per_request;
    const double days = (summary_number(summary, "sim_end_s") - summary_number(summary, "sim_start_s")) / 86400.0;
    summary.push_back({"services_requests_served", accepted});
    summary.push_back({"services_revenue", revenue});
    if (!std::isnan(bill)) {
      summary.push_back({"cost_per_served_request", accepted > 0 ? bill / accepted : std::nan("")});
      summary.push_back({"services_margin", revenue - bill});
      summary.push_back({"services_margin_per_day", days > 0 ? (revenue - bill) / days : std::nan("")});
    }
  }
  if (spilling_) {
    double spilled = 0, failed = 0, retried = 0, added = 0;
    for (const State& st : state_) {
      spilled += st.spilled;
      failed += st.failed;
      retried += st.retried_accepted;
      added += st.added_wait_s;
    }
    summary.push_back({"requests_spilled", spilled});
    summary.push_back({"requests_failed", failed});
    summary.push_back({"spill_added_latency_mean_s", retried > 0 ? added / retried : 0.0});
    // The wait before service of the retries served: their retry delays plus their queueing there.
    summary.push_back({"spill_wait_mean_s", spill_wait_.mean_s()});
    summary.push_back({"spill_wait_p99_s", spill_wait_.p99_s()});
  }
  for (const ServiceOutcome& o : per) {
    const std::string k = "service." + o.name + ".";
    summary.push_back({k + "requests_total", o.requests});
    summary.push_back({k + "requests_rejected", o.rejected});
    summary.push_back({k + "latency_mean_s", o.latency_mean_s});
    summary.push_back({k + "latency_p99_s", o.latency_p99_s});
    summary.push_back({k + "slo_violation_share", o.slo_violation_share});
    summary.push_back({k + "replicas_mean", o.replicas_mean});
    summary.push_back({k + "scale_events", o.scale_events});
    // Unit cost in every priced run (the ledger's charges of its replicas over the requests they
    // served); revenue and margin where services earn (revenue_per_request).
    const double cost = summary_number(summary, k + "cost");
    if (economics || !std::isnan(cost)) {
      const std::size_t s = static_cast<std::size_t>(&o - per.data());
      const double served = state_[s].accepted, revenue = served * jobs_->services[s].revenue_per_request;
      summary.push_back({k + "requests_served", served});
      if (economics) summary.push_back({k + "revenue", revenue});
      if (!std::isnan(cost)) {
        summary.push_back({k + "cost_per_request", served > 0 ? cost / served : std::nan("")});
        if (economics) summary.push_back({k + "margin", revenue - cost});
      }
    }
    for (std::size_t p = 0; p < o.promotion_requests.size(); ++p) {
      const std::string q = k + "promotion." + std::to_string(p) + ".";
      const auto& spec = jobs_->services[static_cast<std::size_t>(&o - per.data())].promotions[p];
      summary.push_back({q + "requests", o.promotion_requests[p]});
      summary.push_back({q + "rejected", o.promotion_rejected[p]});
      summary.push_back({q + "floor", static_cast<std::int64_t>(spec.floor)});
    }
    if (spilling_) {
      summary.push_back({k + "requests_spilled", o.spilled});
      summary.push_back({k + "requests_spilled_in", o.spilled_in});
      summary.push_back({k + "requests_failed", o.failed});
    }
  }
}

void ServiceFleet::take(RunResult& result) const {
  add_summary(result.summary);
  if (economics_ && result.cost.present) {
    result.cost.served_by_day = served_by_day_;
    result.cost.revenue_by_day = revenue_by_day_;
    // By service, beside the ledger's charges by day: both over the longer of the two day ranges.
    CostResult& c = result.cost;
    const std::size_t S = state_.size();
    if (c.daily_services.size() == S) {
      const std::size_t D = std::max(served_by_day_.size(), c.cost_by_day_service.size() / S);
      c.cost_by_day_service.resize(D * S, 0.0);
      c.served_by_day_service = served_by_day_service_;
      c.served_by_day_service.resize(D * S, 0.0);
      c.revenue_by_day_service.assign(D * S, 0.0);
      for (std::size_t k = 0; k < D * S; ++k)
        c.revenue_by_day_service[k] = c.served_by_day_service[k] * jobs_->services[k % S].revenue_per_request;
    }
    // By pool, over the same days (a day with no ready replica has zeros).
    const std::size_t P = ready_in_pool_.empty() ? 0 : ready_in_pool_.front().size();
    if (P > 0) {
      result.cost.daily_pools = pool_names_;
      result.cost.served_by_day_pool.assign(served_by_day_.size() * P, 0.0);
      result.cost.revenue_by_day_pool.assign(served_by_day_.size() * P, 0.0);
      for (std::size_t d = 0; d < served_by_day_pool_.size() && d < served_by_day_.size(); ++d)
        for (std::size_t p = 0; p < P; ++p) {
          result.cost.served_by_day_pool[d * P + p] = served_by_day_pool_[d][p];
          result.cost.revenue_by_day_pool[d * P + p] = revenue_by_day_pool_[d][p];
        }
    }
  }
  ServiceTable& t = result.services;
  const std::vector<ServiceOutcome> per = outcomes();
  t.columns = {{"requests_total", "requests", {}},          {"requests_rejected", "requests", {}},
               {"latency_mean_s", "s", {}},                 {"latency_p99_s", "s", {}},
               {"slo_violation_share", "fraction of its time", {}}, {"replicas_mean", "ready replicas", {}},
               {"scale_events", "HPA changes", {}}};
  if (spilling_)
    for (const char* k : {"requests_spilled", "requests_spilled_in", "requests_failed"})
      t.columns.push_back({k, "requests", {}});
  for (std::size_t s = 0; s < per.size(); ++s) {
    const ServiceOutcome& o = per[s];
    t.name.push_back(o.name);
    const std::uint32_t first = state_[s].slots.empty() ? 0 : state_[s].slots.front();
    t.team.push_back(state_[s].slots.empty() ? "" : jobs_->team_names[jobs_->team[first]]);
    const double values[] = {o.requests, o.rejected, o.latency_mean_s, o.latency_p99_s, o.slo_violation_share,
                             o.replicas_mean, static_cast<double>(o.scale_events)};
    for (std::size_t c = 0; c < std::size(values); ++c) t.columns[c].values.push_back(values[c]);
    if (spilling_) {
      const double spill[] = {o.spilled, o.spilled_in, o.failed};
      for (std::size_t c = 0; c < std::size(spill); ++c) t.columns[std::size(values) + c].values.push_back(spill[c]);
    }
    for (const auto& [at, replicas] : state_[s].history) {
      t.history_service.push_back(static_cast<std::int64_t>(s));
      t.history_t_us.push_back(at);
      t.history_replicas.push_back(replicas);
    }
  }
}

void ServiceFleet::add_cluster_requests(const Simulation& sim, Summary& summary) const {
  if (!by_pool_) return;
  const Fleet& f = sim.fleet();
  std::vector<double> served(f.clusters.size(), 0.0), revenue(f.clusters.size(), 0.0);
  std::vector<bool> any(f.clusters.size(), false);
  for (std::size_t s = 0; s < served_in_pool_.size(); ++s)
    for (std::size_t p = 0; p < f.pools.size(); ++p) {
      const std::int32_t c = f.pools[p].cluster;
      if (c < 0) continue;
      const auto k = static_cast<std::size_t>(c);
      served[k] += served_in_pool_[s][p];
      revenue[k] += served_in_pool_[s][p] * jobs_->services[s].revenue_per_request;
    }
  // A cluster is serving when some service may run there: pool-bound to one of its pools, or free.
  for (std::size_t j = 0; j < jobs_->size(); ++j) {
    if (jobs_->service[j] < 0) continue;
    const std::int16_t pool = jobs_->request(j).pool;
    if (pool >= 0) {
      const std::int32_t c = f.pools[static_cast<std::size_t>(pool)].cluster;
      if (c >= 0) any[static_cast<std::size_t>(c)] = true;
    } else {
      std::fill(any.begin(), any.end(), true);
    }
  }
  for (std::size_t c = 0; c < f.clusters.size(); ++c) {
    if (!any[c]) continue;
    summary.push_back({"cluster." + f.clusters[c].name + ".requests_served", served[c]});
    summary.push_back({"cluster." + f.clusters[c].name + ".revenue", revenue[c]});
    // The wait of the retries its pool-bound services served (their delays plus their queueing there).
    if (spill_wait_by_pool_.empty()) continue;
    SpillWaitDistribution wait;
    for (std::size_t p = 0; p < f.pools.size(); ++p)
      if (f.pools[p].cluster == static_cast<std::int32_t>(c)) wait.merge(spill_wait_by_pool_[p]);
    if (wait.total() <= 0) continue;
    summary.push_back({"cluster." + f.clusters[c].name + ".spill_wait_mean_s", wait.mean_s()});
    summary.push_back({"cluster." + f.clusters[c].name + ".spill_wait_p99_s", wait.p99_s()});
  }
}

}  // namespace capsim
