#include "sim/components/colocation.h"

#include <algorithm>
#include <cmath>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim {
namespace {

bool high_priority(Tier t) { return t == Tier::kNone || t == Tier::kProd || t == Tier::kMid; }
bool prod_like(Tier t) { return t == Tier::kNone || t == Tier::kProd; }
// BE enforcement acts on BE pods that run on reclaimed capacity; BE pods with native requests (the
// tide's whole machines) hold what they requested.
bool enforced_be(const TierClass& t) { return t.qos == QosLevel::kBE && !t.native; }

// koordlet's eviction order: lowest priority first, then the largest request of the resource at stake;
// a gang's workers on one node appear once.
template <typename Column>
void eviction_order(const JobTable& jobs, std::vector<std::uint32_t>& v, const Column& request) {
  std::sort(v.begin(), v.end(), [&](std::uint32_t a, std::uint32_t b) {
    const std::int32_t pa = jobs.tier_of(a).priority, pb = jobs.tier_of(b).priority;
    if (pa != pb) return pa < pb;
    if (request[a] != request[b]) return request[a] > request[b];
    return a < b;
  });
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

double percentile(std::vector<float> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

}  // namespace

void Colocation::attach(Simulation& sim) {
  sim.on_event<Colocation, &Colocation::on_update>(kUpdate, this);
  sim.track_jobs_on_nodes();
  const JobTable& jobs = sim.jobs();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const TierClass& t = jobs.tier_of(j);
    has_mid_ = has_mid_ || t.tier == Tier::kMid;
    has_free_ = has_free_ || (t.tier == Tier::kFree && !t.native);
    has_be_ = has_be_ || enforced_be(t);
  }
  if (has_be_ && config_.be_cpu_suppress) sim.track_progress();
}

void Colocation::on_run_start(Simulation& sim, SimTime start) {
  const std::size_t n = sim.fleet().size();
  be_budget_.assign(n, 0);
  be_rate_.assign(n, 1.0);
  if (has_be_ && config_.be_cpu_suppress) sim.mutable_usage().enable_job_cpu_shares();
  if (has_mid_) {
    history_.assign(sim.jobs().size(), History{});
    history_len_ = static_cast<std::size_t>(std::max<SimTime>(1, config_.mid_window_us / config_.update_us));
  }
  start_us_ = last_us_ = start;
  update_offers(sim, start);
  sim.schedule(start + config_.update_us, kUpdate, 0, 0);
}

void Colocation::integrate(const Simulation& sim, SimTime now) {
  const double dt = static_cast<double>(now - last_us_);
  for (int i = 0; i < kIntegrals; ++i) integral_[i] += last_[i] * dt;
  last_us_ = now;
  const ClusterState& c = sim.cluster();
  int i = 0;
  for (ResourceKind k : {ResourceKind::kMid, ResourceKind::kBatch, ResourceKind::kFree}) {
    last_[i++] = static_cast<double>(c.reclaim_cpu_offered_total(k));
    last_[i++] = static_cast<double>(c.reclaim_cpu_taken_total(k));
    last_[i++] = static_cast<double>(c.reclaim_memory_offered_total(k));
    last_[i++] = static_cast<double>(c.reclaim_memory_taken_total(k));
  }
}

void Colocation::on_update(Simulation& sim, const Event& e) {
  if (next_held_) sim.hold_run(RunHold::kWhileWaiting, -1);
  next_held_ = false;
  const std::int64_t before = offer_changes_;
  update_offers(sim, e.time);
  std::vector<std::int32_t> all(sim.fleet().size());
  for (std::size_t n = 0; n < all.size(); ++n) all[n] = static_cast<std::int32_t>(n);
  updating_ = true;
  enforce_nodes(sim, e.time, all);
  updating_ = false;
  // A changed offer may let waiting pods in: keep the run going while they wait. An update that
  // changed nothing does not (the next change comes from some other event, which keeps it alive).
  const bool changed = offer_changes_ != before;
  if (changed) sim.request_pass(e.time);
  sim.schedule(e.time + config_.update_us, kUpdate);
  if (changed) hold_next(sim);
}

void Colocation::hold_next(Simulation& sim) {
  // The next update may change an offer (pods started or stopped, or this one changed offers):
  // it keeps the run going while pods wait. Otherwise it does not, so that pods that can never
  // fit do not keep a run alive forever.
  if (next_held_) return;
  sim.hold_run(RunHold::kWhileWaiting, 1);
  next_held_ = true;
}

void Colocation::sample_prod_usage(const Simulation& sim, SimTime) {
  const JobTable& jobs = sim.jobs();
  const UsageTable& usage = sim.usage();
  for (std::size_t n = 0; n < sim.fleet().size(); ++n)
    for (std::uint32_t j : sim.jobs_on_node(n)) {
      if (!prod_like(jobs.tier_of(j).tier)) continue;
      History& h = history_[j];
      const ResourceAmounts u = usage.used_by(j);
      if (h.cpu.size() < history_len_) {
        h.cpu.push_back(static_cast<float>(u[kUsedCpu]));
        h.memory.push_back(static_cast<float>(u[kUsedMemory]));
      } else {
        h.cpu[h.head] = static_cast<float>(u[kUsedCpu]);
        h.memory[h.head] = static_cast<float>(u[kUsedMemory]);
        h.head = (h.head + 1) % history_len_;
      }
    }
}

void Colocation::update_offers(Simulation& sim, SimTime now) {
  integrate(sim, now);
  if (has_mid_) sample_prod_usage(sim, now);
  const Fleet& f = sim.fleet();
  const JobTable& jobs = sim.jobs();
  const UsageTable& usage = sim.usage();
  const ClusterState& cluster = sim.cluster();
  auto counted = [](ReclaimPolicy p, double used, double requested) {
    return p == ReclaimPolicy::kRequest ? requested : p == ReclaimPolicy::kMaxUsageRequest ? std::max(used, requested) : used;
  };
  for (std::size_t n = 0; n < f.size(); ++n) {
    double hp_cpu = 0, hp_memory = 0, unused_cpu = 0, unused_memory = 0;
    double non_free_cpu = 0, non_free_memory = 0;
    for (std::uint32_t j : sim.jobs_on_node(n)) {
      const TierClass& t = jobs.tier_of(j);
      if (has_free_ && t.tier != Tier::kFree) {
        const ResourceAmounts u = usage.used_by(j);
        non_free_cpu += t.qos == QosLevel::kLSE ? static_cast<double>(jobs.cpu_milli[j]) : u[kUsedCpu];
        non_free_memory += u[kUsedMemory];
      }
      if (!high_priority(t.tier)) continue;
      const ResourceAmounts u = usage.used_by(j);
      const auto req_cpu = static_cast<double>(jobs.cpu_milli[j]);
      const auto req_memory = static_cast<double>(jobs.memory_mib[j]);
      const double cpu_used = t.qos == QosLevel::kLSE ? req_cpu : u[kUsedCpu];
      hp_cpu += counted(config_.cpu_policy, cpu_used, req_cpu);
      hp_memory += counted(config_.memory_policy, u[kUsedMemory], req_memory);
      if (has_mid_ && prod_like(t.tier)) {
        const History& h = history_[j];
        if (!h.cpu.empty()) {
          unused_cpu += req_cpu - std::min(req_cpu, percentile(h.cpu, config_.mid_cpu_percentile) * config_.mid_headroom);
          unused_memory += req_memory - std::min(req_memory, percentile(h.memory, config_.mid_memory_percentile) *
                                                                 config_.mid_headroom);
        }
      }
    }
    const auto cap_cpu = static_cast<double>(f.cpu_milli[n]);
    const auto cap_memory = static_cast<double>(f.memory_mib[n]);
    const auto batch_cpu = static_cast<std::int64_t>(std::floor(std::max(
        0.0, cap_cpu * config_.cpu_reclaim_percent / 100 - static_cast<double>(config_.reserved_cpu_milli) - hp_cpu)));
    const auto batch_memory = static_cast<std::int64_t>(std::floor(std::max(
        0.0, cap_memory * config_.memory_reclaim_percent / 100 - static_cast<double>(config_.reserved_memory_mib) - hp_memory)));
    if (batch_cpu != cluster.reclaim_cpu_offered(ResourceKind::kBatch, n) ||
        batch_memory != cluster.reclaim_memory_offered(ResourceKind::kBatch, n)) {
      sim.set_reclaim_offer(now, ResourceKind::kBatch, n, batch_cpu, batch_memory);
      ++offer_changes_;
    }
    if (has_free_) {
      const auto free_cpu = static_cast<std::int64_t>(
          std::floor(std::max(0.0, cap_cpu * config_.free_cpu_watermark_percent / 100 - non_free_cpu)));
      const auto free_memory = static_cast<std::int64_t>(
          std::floor(std::max(0.0, cap_memory * config_.free_memory_watermark_percent / 100 - non_free_memory)));
      if (free_cpu != cluster.reclaim_cpu_offered(ResourceKind::kFree, n) ||
          free_memory != cluster.reclaim_memory_offered(ResourceKind::kFree, n)) {
        sim.set_reclaim_offer(now, ResourceKind::kFree, n, free_cpu, free_memory);
        ++offer_changes_;
      }
    }
    if (has_mid_) {
      const auto unallocated_cpu = static_cast<double>(cluster.free_cpu_milli[n]);
      const auto unallocated_memory = static_cast<double>(cluster.free_memory_mib[n]);
      const auto mid_cpu = static_cast<std::int64_t>(std::floor(std::max(
          0.0, std::min(unused_cpu + unallocated_cpu * config_.mid_unallocated_percent / 100,
                        cap_cpu * config_.mid_cpu_threshold_percent / 100))));
      const auto mid_memory = static_cast<std::int64_t>(std::floor(std::max(
          0.0, std::min(unused_memory + unallocated_memory * config_.mid_unallocated_percent / 100,
                        cap_memory * config_.mid_memory_threshold_percent / 100))));
      if (mid_cpu != cluster.reclaim_cpu_offered(ResourceKind::kMid, n) ||
          mid_memory != cluster.reclaim_memory_offered(ResourceKind::kMid, n)) {
        sim.set_reclaim_offer(now, ResourceKind::kMid, n, mid_cpu, mid_memory);
        ++offer_changes_;
      }
    }
  }
  integrate(sim, now);
}

void Colocation::enforce(Simulation& sim, SimTime now, std::size_t node) {
  if (!has_be_) return;
  const Fleet& f = sim.fleet();
  const JobTable& jobs = sim.jobs();
  const UsageTable& usage = sim.usage();
  if (config_.be_memory_evict) {
    // Memory: evict BE pods, lowest priority first, then the largest user, down to the lower mark.
    double used = 0;
    std::vector<std::uint32_t> be;
    for (std::uint32_t j : sim.jobs_on_node(node)) {
      used += usage.used_by(j)[kUsedMemory];
      if (enforced_be(jobs.tier_of(j))) be.push_back(j);
    }
    const auto cap = static_cast<double>(f.memory_mib[node]);
    if (used >= cap * config_.memory_evict_threshold_percent / 100 && !be.empty()) {
      eviction_order(jobs, be, jobs.memory_mib);
      for (std::uint32_t j : be) {
        if (used <= cap * config_.memory_evict_lower_percent / 100) break;
        if (sim.state(j) != JobState::kRunning) continue;
        // Every worker of the job leaves; only this node's share counts toward the target.
        double here = 0;
        sim.for_each_placement(j, [&](const Placement& p) {
          if (static_cast<std::size_t>(p.node) == node) here += usage.used_by(j)[kUsedMemory];
        });
        sim.interrupt_job(now, j, InterruptReason::kEvicted, config_.eviction_back_off_us);
        ++memory_evictions_;
        used -= here;
      }
    }
  }
  if (config_.be_cpu_suppress) {
    double non_be_used = 0, be_demand = 0;
    for (std::uint32_t j : sim.jobs_on_node(node)) {
      if (enforced_be(jobs.tier_of(j))) be_demand += static_cast<double>(jobs.cpu_milli[j]);
      else non_be_used += usage.used_by(j)[kUsedCpu];
    }
    const auto cap = static_cast<double>(f.cpu_milli[node]);
    const double budget = std::max(static_cast<double>(config_.be_min_cpu_milli),
                                   cap * config_.be_cpu_suppress_percent / 100 - non_be_used -
                                       static_cast<double>(config_.reserved_cpu_milli));
    be_budget_[node] = static_cast<std::int64_t>(std::floor(budget));
    if (config_.be_cpu_evict && updating_ && be_demand > 0 &&
        budget / be_demand < config_.cpu_evict_satisfaction_lower_percent / 100)
      be_demand = evict_for_cpu(sim, now, node, budget, be_demand);
    const double rate = be_demand > budget ? budget / be_demand : 1.0;
    if (rate != be_rate_[node]) {
      be_rate_[node] = rate;
      for (std::uint32_t j : sim.jobs_on_node(node))
        if (enforced_be(jobs.tier_of(j))) apply_rate(sim, now, j);
    }
  }
}

double Colocation::evict_for_cpu(Simulation& sim, SimTime now, std::size_t node, double budget, double demand) {
  // Lowest priority first, then the largest CPU request, until the rest would get upper% of their requests.
  const JobTable& jobs = sim.jobs();
  std::vector<std::uint32_t> be;
  for (std::uint32_t j : sim.jobs_on_node(node))
    if (enforced_be(jobs.tier_of(j)) && jobs.service[j] < 0) be.push_back(j);
  eviction_order(jobs, be, jobs.cpu_milli);
  for (std::uint32_t j : be) {
    if (demand <= 0 || budget / demand >= config_.cpu_evict_satisfaction_upper_percent / 100) break;
    if (sim.state(j) != JobState::kRunning) continue;
    double here = 0;  // only this node's workers count toward its satisfaction
    sim.for_each_placement(j, [&](const Placement& p) {
      if (static_cast<std::size_t>(p.node) == node) here += static_cast<double>(jobs.cpu_milli[j]);
    });
    sim.interrupt_job(now, j, InterruptReason::kEvicted, config_.eviction_back_off_us);
    ++cpu_evictions_;
    demand -= here;
  }
  return demand;
}

void Colocation::apply_rate(Simulation& sim, SimTime now, std::uint32_t job) {
  if (sim.state(job) != JobState::kRunning || sim.jobs().service[job] >= 0) return;  // replicas have no length
  double rate = 1.0;
  sim.for_each_placement(job, [&](const Placement& p) { rate = std::min(rate, be_rate_[static_cast<std::size_t>(p.node)]); });
  // A restart keeps the progress rate it stopped with; the usage share starts at 1: set both.
  sim.set_rate_limit(now, job, Simulation::kCpuRateLimit, rate);
  if (rate != sim.usage().job_cpu_share(job)) sim.mutable_usage().set_job_cpu_share(now, job, rate);
}

void Colocation::enforce_nodes(Simulation& sim, SimTime now, const std::vector<std::int32_t>& nodes) {
  // Evictions stop jobs, whose nodes need enforcing in turn: queued, not recursive.
  if (enforcing_) {
    deferred_.insert(deferred_.end(), nodes.begin(), nodes.end());
    return;
  }
  enforcing_ = true;
  std::vector<std::int32_t> todo = nodes;
  while (!todo.empty()) {
    for (std::int32_t n : todo) enforce(sim, now, static_cast<std::size_t>(n));
    todo.swap(deferred_);
    deferred_.clear();
  }
  enforcing_ = false;
}

void Colocation::on_job_started(Simulation& sim, SimTime now, std::uint32_t job) {
  integrate(sim, now);
  hold_next(sim);
  std::vector<std::int32_t>& nodes = job_nodes_[job];
  nodes.clear();
  sim.for_each_placement(job, [&](const Placement& p) { nodes.push_back(p.node); });
  enforce_nodes(sim, now, nodes);
  if (sim.state(job) == JobState::kRunning && enforced_be(sim.jobs().tier_of(job)) && config_.be_cpu_suppress)
    apply_rate(sim, now, job);
}

void Colocation::on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) {
  integrate(sim, now);
  hold_next(sim);
  // The job has left its nodes: BE pods there may speed up.
  const auto it = job_nodes_.find(job);
  if (it == job_nodes_.end()) return;
  const std::vector<std::int32_t> nodes = std::move(it->second);
  job_nodes_.erase(it);
  enforce_nodes(sim, now, nodes);
}

void Colocation::report(const Simulation& sim, RunResult& result) const {
  const SimTime end = sim.stats().end_us;
  double integral[kIntegrals];
  for (int i = 0; i < kIntegrals; ++i) integral[i] = integral_[i] + last_[i] * static_cast<double>(end - last_us_);
  const Fleet& f = sim.fleet();
  const auto cpu = static_cast<double>(f.total_cpu_milli()), memory = static_cast<double>(f.total_memory_mib());
  const double span = static_cast<double>(end - start_us_);
  auto mean = [&](double v, double capacity) { return span > 0 && capacity > 0 ? v / span / capacity : 0.0; };
  Summary& s = result.summary;
  int i = 0;
  for (const char* kind : {"mid", "batch", "free"}) {
    const std::string k = kind;
    s.push_back({k + "_cpu_offered_mean", mean(integral[i++], cpu)});
    s.push_back({k + "_cpu_taken_mean", mean(integral[i++], cpu)});
    s.push_back({k + "_memory_offered_mean", mean(integral[i++], memory)});
    s.push_back({k + "_memory_taken_mean", mean(integral[i++], memory)});
  }
  // BE CPU not received (suppressed), core-hours, and BE pods evicted for memory.
  const JobTable& jobs = sim.jobs();
  double suppressed = 0;
  std::vector<double> by_class(jobs.qos_names.size(), 0.0);
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (enforced_be(jobs.tier_of(j)) && jobs.service[j] < 0) {
      const auto a = sim.usage().job_allocated_integral(static_cast<std::uint32_t>(j), end);
      const auto u = sim.usage().job_used_integral(static_cast<std::uint32_t>(j), end);
      suppressed += a[kUsedCpu] - u[kUsedCpu];
      by_class[jobs.qos[j]] += a[kUsedCpu] - u[kUsedCpu];
    }
  s.push_back({"be_cpu_suppressed_core_hours", suppressed / 1000 / 3.6e9});
  for (std::size_t q = 0; q < by_class.size(); ++q)  // by tier (the class label)
    s.push_back({"class." + (jobs.qos_names[q].empty() ? std::string("none") : jobs.qos_names[q]) +
                     ".cpu_suppressed_core_hours", by_class[q] / 1000 / 3.6e9});
  s.push_back({"be_memory_evictions", memory_evictions_});
  s.push_back({"be_cpu_evictions", cpu_evictions_});
  s.push_back({"jobs_preempted", static_cast<std::int64_t>(sim.stats().jobs_preempted)});
}

}  // namespace capsim
