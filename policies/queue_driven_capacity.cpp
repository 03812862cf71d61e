#include "policies/queue_driven_capacity.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "sim/base/check.h"
#include "sim/core/simulation.h"

namespace capsim {

CapacityOptions QueueDrivenCapacity::options_from(const std::string& policy, const PolicyParams& params,
                                                  bool autoscaler) {
  auto seconds = [&](const char* name, double fallback) {
    const double v = params.get_double(name, fallback);
    if (!(v >= 0 && v <= 1e12))
      throw InputError("capacity policy " + policy + ": " + name + " must be in [0, 1e12] seconds, got " + std::to_string(v));
    return seconds_to_us(v);
  };
  CapacityOptions o;
  o.idle_grace_us = seconds("idle_grace_s", 600);
  const std::string expander = params.get_string("expander", "priority");
  if (expander != "priority" && expander != "fallback")
    throw InputError("capacity policy " + policy + ": expander must be priority or fallback, got '" + expander + "'");
  o.priority_expander = expander == "priority";
  o.max_node_provision_us = seconds("max_node_provision_time_s", 900);
  o.backoff_us = seconds("backoff_s", 300);
  o.max_backoff_us = std::max(o.backoff_us, seconds("max_backoff_s", 1800));
  o.ice_ttl_us = seconds("ice_ttl_s", 180);
  if (!autoscaler) return o;
  o.scale_up_cooldown_us = seconds("scale_up_cooldown_s", 120);
  o.scale_down_cooldown_us = seconds("scale_down_cooldown_s", 300);
  o.max_step = params.get_double("max_step", 0);
  o.target_pending_gpus = params.get_double("target_pending_gpus", 0);
  if (o.max_step < 0 || o.target_pending_gpus < 0)
    throw InputError("capacity policy " + policy + ": max_step and target_pending_gpus must not be negative");
  o.spot_first_down = params.get_double("spot_first", 1) != 0;
  o.daily_profile = params.get_doubles("daily_profile");
  if (!o.daily_profile.empty() && o.daily_profile.size() != 24)
    throw InputError("capacity policy " + policy + ": daily_profile needs 24 values (GPUs by hour of day), got " +
                     std::to_string(o.daily_profile.size()));
  for (double v : o.daily_profile)
    if (v < 0) throw InputError("capacity policy " + policy + ": daily_profile values must not be negative");
  o.profile_pool = params.get_string("profile_pool", "");
  o.lead_us = seconds("lead_s", 900);
  o.tick_us = seconds("tick_s", 600);
  o.reclaim_below = params.get_double("reclaim_below", 0);
  if (!(o.reclaim_below >= 0 && o.reclaim_below <= 1))
    throw InputError("capacity policy " + policy + ": reclaim_below must be a share in [0, 1]");
  o.reclaim_after_us = seconds("reclaim_after_s", 1800);
  if (o.tick_us <= 0) throw InputError("capacity policy " + policy + ": tick_s must be positive");
  return o;
}

QueueDrivenCapacity::QueueDrivenCapacity(const CapacityOptions& options, const Fleet& fleet)
    : fleet_(&fleet),
      options_(options),
      shapes_(fleet.pools.size()),
      pool_size_(fleet.pools.size(), 0),
      last_up_(fleet.pools.size(), -kNever),
      last_down_(fleet.pools.size(), -kNever),
      hanging_(fleet.pools.size()),
      hanging_node_(fleet.size(), 0),
      backoff_until_(fleet.pools.size(), -kNever),
      next_backoff_(fleet.pools.size(), options.backoff_us),
      failure_draws_(fleet.pools.size()),
      quotas_(fleet) {
  // Group each pool's nodes by shape: demand is counted against the shape that can hold it.
  std::vector<std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, int>, std::size_t>> index(fleet.pools.size());
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const auto p = static_cast<std::size_t>(fleet.pool[n]);
    const auto key = std::make_tuple(fleet.cpu_milli[n], fleet.memory_mib[n], fleet.gpu_count[n],
                                     fleet.gpu_count[n] > 0 ? static_cast<int>(fleet.gpu_model[n]) : -1);
    auto [it, fresh] = index[p].try_emplace(key, shapes_[p].size());
    if (fresh) shapes_[p].push_back({});
    shapes_[p][it->second].push_back(static_cast<std::int32_t>(n));
    ++pool_size_[p];
  }
  if (!options_.daily_profile.empty()) {
    for (std::size_t p = 0; p < fleet.pools.size() && profile_pool_ < 0; ++p)
      if (options_.profile_pool.empty() ? fleet.pools[p].elastic && fleet.pools[p].kind != PoolKind::kSpot
                                        : fleet.pools[p].name == options_.profile_pool)
        profile_pool_ = static_cast<std::int32_t>(p);
    if (profile_pool_ < 0 && fleet.size() > 0)  // an empty fleet: checking parameters only
      throw InputError("capacity policy autoscaler: " +
                       (options_.profile_pool.empty() ? std::string("no elastic pool for daily_profile")
                                                      : "no pool named '" + options_.profile_pool + "'"));
    if (profile_pool_ >= 0 && !fleet.pools[static_cast<std::size_t>(profile_pool_)].elastic)
      throw InputError("capacity policy autoscaler: profile_pool '" + options_.profile_pool + "' is not elastic");
  }
}

SimTime QueueDrivenCapacity::next_tick(SimTime now) {
  const bool predictive = !options_.daily_profile.empty() && profile_pool_ >= 0;
  return predictive || options_.reclaim_below > 0 ? now + options_.tick_us : kNever;
}

void QueueDrivenCapacity::drain(const Simulation& sim, SimTime now, std::vector<std::int32_t>& nodes) {
  if (options_.reclaim_below <= 0) return;
  const Fleet& f = *fleet_;
  const ClusterState& c = sim.cluster();
  low_since_.resize(f.size(), -1);
  for (std::size_t p = 0; p < f.pools.size(); ++p) {
    if (!f.pools[p].elastic) continue;
    std::int32_t leaving = 0;  // drained already: they count as gone
    for (const auto& shape : shapes_[p])
      for (std::int32_t n : shape) leaving += sim.drained(static_cast<std::size_t>(n));
    for (const auto& shape : shapes_[p])
      for (std::int32_t i : shape) {
        const auto n = static_cast<std::size_t>(i);
        if (sim.node_state(n) != NodeState::kOnline || sim.drained(n) || c.jobs_on(n) == 0) {
          low_since_[n] = -1;  // empty nodes go by the idle grace
          continue;
        }
        double share = 0;
        if (f.gpu_count[n] > 0) {
          double free = 0;
          for (int g = 0; g < f.gpu_count[n]; ++g) free += c.gpu_free_milli(n, g);
          share = 1 - free / (f.gpu_count[n] * double{kMilliPerGpu});
        } else {
          share = 1 - static_cast<double>(c.free_cpu_milli[n]) / static_cast<double>(f.cpu_milli[n]);
        }
        if (share >= options_.reclaim_below) {
          low_since_[n] = -1;
          continue;
        }
        if (low_since_[n] < 0) low_since_[n] = now;
        if (now - low_since_[n] >= options_.reclaim_after_us && sim.pool_held(p) - leaving > f.pools[p].min_nodes) {
          nodes.push_back(i);
          ++leaving;
          low_since_[n] = -1;
        }
      }
  }
}

std::int32_t QueueDrivenCapacity::predicted_nodes(SimTime t) const {
  if (profile_pool_ < 0) return 0;
  constexpr SimTime kDay = 24 * kUsPerHour;
  const SimTime of_day = ((t % kDay) + kDay) % kDay;
  const double gpus = options_.daily_profile[static_cast<std::size_t>(of_day / kUsPerHour)];
  const auto p = static_cast<std::size_t>(profile_pool_);
  const auto node = static_cast<std::size_t>(shapes_[p].front().front());
  const double per_node = fleet_->gpu_count[node] > 0 ? fleet_->gpu_count[node] : 1.0;
  return static_cast<std::int32_t>(std::min(std::ceil(gpus / per_node), static_cast<double>(max_held(p))));
}

std::int32_t QueueDrivenCapacity::max_held(std::size_t p) const {
  const std::int32_t m = fleet_->pools[p].max_nodes;
  return m > 0 ? std::min(m, pool_size_[p]) : pool_size_[p];
}

SimTime QueueDrivenCapacity::plan(const Simulation& sim, SimTime now, std::vector<std::int32_t>& acquire) {
  const Fleet& f = *fleet_;
  SimTime wake = kNever;
  const JobTable& jobs = sim.jobs();
  std::set<std::uint32_t> counted;  // heads of classes already served by an earlier pool
  // Under strict FIFO nothing starts before the head. Until nodes that can
  // take it are on their way, acquire for the head alone: nodes acquired for
  // the jobs behind it would only idle (and be released, and bought again, for
  // ever when the head can never start).
  const std::uint32_t fifo_head = sim.strict_fifo_head();
  const bool head_only = fifo_head != UINT32_MAX && !booting_for(sim, fifo_head);
  // Booting, online or asked for and hanging: held against the quotas.
  quotas_.recount([&](std::size_t n) { return sim.node_state(n) != NodeState::kOffline || hanging_node_[n]; });
  for (std::size_t k = 0; k < f.pools.size(); ++k) {
    const std::size_t p = f.pool_by_priority(k);  // higher-priority clusters first
    if (!f.pools[p].elastic || shapes_[p].empty()) continue;
    if (f.pools[p].may_fail_to_provision()) {
      // Requests that hung past max_node_provision_time failed: the pool backs off, later pools get its jobs.
      auto& hung = hanging_[p];
      const auto failed = std::remove_if(hung.begin(), hung.end(), [&](const auto& h) { return h.second <= now; });
      if (failed != hung.end()) {
        for (auto it = failed; it != hung.end(); ++it) hanging_node_[static_cast<std::size_t>(it->first)] = 0;
        hung.erase(failed, hung.end());
        backoff_until_[p] = now + next_backoff_[p];
        next_backoff_[p] = std::min(2 * next_backoff_[p], options_.max_backoff_us);
      }
      for (const auto& h : hung) wake = std::min(wake, h.second);
      if (now < backoff_until_[p]) {
        wake = std::min(wake, backoff_until_[p]);
        continue;
      }
    }
    std::int32_t room = std::min(max_held(p), sim.pool_capacity(p)) - sim.pool_held(p) -
                        static_cast<std::int32_t>(hanging_[p].size());
    if (room <= 0) continue;  // nothing left to acquire: later pools see this pool's jobs
    const bool cooling = now < last_up_[p] + options_.scale_up_cooldown_us;
    struct Demand {
      double cpu = 0, mem = 0, gpu = 0;
      std::vector<std::uint32_t> heads;
    };
    std::map<std::size_t, Demand> demand;  // by shape
    sim.for_each_pending_class([&](std::uint32_t head, std::size_t waiting) {
      if (counted.count(head) || (head_only && head != fifo_head)) return;
      const JobRequest r = jobs.request(head);
      if (!sim.placement_policy().may_use(head, r, f.pools[p]) || !satisfiable(sim, head)) return;
      for (std::size_t s = 0; s < shapes_[p].size(); ++s) {
        if (!sim.cluster().fits_empty(static_cast<std::size_t>(shapes_[p][s].front()), r)) continue;
        Demand& d = demand[s];
        const auto k = static_cast<double>(waiting) * jobs.workers[head];
        d.cpu += k * static_cast<double>(r.cpu_milli);
        d.mem += k * static_cast<double>(r.memory_mib);
        d.gpu += k * static_cast<double>(r.gpu_milli_total());
        d.heads.push_back(head);
        return;
      }
    });
    double pending_gpus = 0;
    for (const auto& [s, d] : demand) pending_gpus += d.gpu / kMilliPerGpu;
    const bool in_dead_band = options_.target_pending_gpus > 0 && pending_gpus <= options_.target_pending_gpus;
    if (cooling || in_dead_band) {
      // Waiting out a cooldown or inside the dead band: these jobs stay this pool's, no fallback.
      for (const auto& [s, d] : demand) counted.insert(d.heads.begin(), d.heads.end());
      // The cooldown ends whether or not anything else happens: plan again then.
      if (cooling && !in_dead_band && !demand.empty())
        wake = std::min(wake, last_up_[p] + options_.scale_up_cooldown_us);
      continue;
    }
    double step_left = options_.max_step > 0 ? options_.max_step : 1e18;
    const std::size_t before = acquire.size();
    bool step_limited = false;  // demand left unserved by max_step alone
    for (const auto& [s, d] : demand) {
      const auto node = static_cast<std::size_t>(shapes_[p][s].front());
      double need = std::ceil(d.cpu / static_cast<double>(f.cpu_milli[node]));
      if (f.memory_mib[node] > 0) need = std::max(need, std::ceil(d.mem / static_cast<double>(f.memory_mib[node])));
      if (f.gpu_count[node] > 0) need = std::max(need, std::ceil(d.gpu / (f.gpu_count[node] * double{kMilliPerGpu})));
      need = std::max(need, 1.0);
      std::vector<std::int32_t> offline;
      for (std::int32_t n : shapes_[p][s]) {
        const NodeState st = sim.node_state(static_cast<std::size_t>(n));
        if (st == NodeState::kBooting || hanging_node_[static_cast<std::size_t>(n)]) need -= 1;  // already on its way
        else if (st == NodeState::kOffline && static_cast<double>(offline.size()) < need) offline.push_back(n);
      }
      double by_nodes = std::min(static_cast<double>(offline.size()), static_cast<double>(room));
      if (!quotas_.empty()) by_nodes = std::min(by_nodes, static_cast<double>(quotas_.room(node)));
      const double limit = std::min(by_nodes, step_left);
      const auto take = static_cast<std::size_t>(std::max(0.0, std::min(need, limit)));
      step_limited = step_limited || (need > limit && step_left < by_nodes);
      // Which of the nodes asked for fail to come: all in a stock-out window, else each at the pool's rate.
      std::size_t fails_from = take;  // offline[fails_from] is the first that fails (fallback stops there)
      std::vector<std::uint8_t> fails(take, 0);
      if (take > 0 && f.pools[p].may_fail_to_provision()) {
        const bool out = f.pools[p].stocked_out(now);
        const double rate = f.pools[p].provision_failure_rate;
        if (!out && rate > 0 && !failure_draws_[p])
          failure_draws_[p].emplace(sim.config().seed, "provision-failures:" + f.pools[p].name);
        for (std::size_t k = 0; k < take; ++k) {
          fails[k] = out || (rate > 0 && failure_draws_[p]->uniform01() < rate);
          if (fails[k] && fails_from == take) fails_from = k;
        }
      }
      if (fails_from < take && !options_.priority_expander) {
        // Karpenter: insufficient capacity comes back at once; the offering is skipped for a while.
        acquire.insert(acquire.end(), offline.begin(), offline.begin() + static_cast<std::ptrdiff_t>(fails_from));
        for (std::size_t k = 0; k < fails_from; ++k) quotas_.charge(static_cast<std::size_t>(offline[k]), 1);
        backoff_until_[p] = now + options_.ice_ttl_us;
        wake = std::min(wake, backoff_until_[p]);
        break;  // this pool serves no more of its jobs now: later pools see them
      }
      for (std::size_t k = 0; k < take; ++k) {
        if (!fails[k]) {
          acquire.push_back(offline[k]);
          continue;
        }
        // The cluster-autoscaler asks and waits: the node hangs until max_node_provision_time.
        hanging_[p].push_back({offline[k], now + options_.max_node_provision_us});
        hanging_node_[static_cast<std::size_t>(offline[k])] = 1;
        wake = std::min(wake, now + options_.max_node_provision_us);
      }
      room -= static_cast<std::int32_t>(take);
      step_left -= static_cast<double>(take);
      for (std::size_t k = 0; k < take; ++k) quotas_.charge(static_cast<std::size_t>(offline[k]), 1);
      // Jobs this pool could serve in full are not counted again by later pools;
      // when it ran out of nodes, later pools see them too (spot full: fall back).
      if (need <= static_cast<double>(take) || (step_left <= 0 && room > 0))
        counted.insert(d.heads.begin(), d.heads.end());
    }
    if (acquire.size() > before) {
      last_up_[p] = now;
      // More would have been acquired but for max_step: the next step comes when the cooldown ends.
      if (step_limited && options_.scale_up_cooldown_us > 0) wake = std::min(wake, now + options_.scale_up_cooldown_us);
    }
  }
  // Predictive: hold the profile pool at what the profile asks lead_s ahead.
  if (profile_pool_ >= 0) {
    const auto p = static_cast<std::size_t>(profile_pool_);
    std::int32_t short_by = std::min(predicted_nodes(now + options_.lead_us), sim.pool_capacity(p)) - sim.pool_held(p);
    for (std::size_t k = 0; k < acquire.size(); ++k)  // nodes the queue just asked for count
      if (fleet_->pool[static_cast<std::size_t>(acquire[k])] == profile_pool_) --short_by;
    for (const auto& shape : shapes_[p])
      for (std::int32_t n : shape) {
        if (short_by <= 0) break;
        if (sim.node_state(static_cast<std::size_t>(n)) != NodeState::kOffline ||
            std::find(acquire.begin(), acquire.end(), n) != acquire.end())
          continue;
        if (!quotas_.empty() && quotas_.room(static_cast<std::size_t>(n)) < 1) continue;  // the profile too stays within them
        quotas_.charge(static_cast<std::size_t>(n), 1);
        acquire.push_back(n);
        --short_by;
      }
  }
  return wake;
}

SimTime QueueDrivenCapacity::idle_grace_us(const Simulation&, std::int32_t) { return options_.idle_grace_us; }

bool QueueDrivenCapacity::booting_for(const Simulation& sim, std::uint32_t job) const {
  const JobRequest r = sim.jobs().request(job);
  for (std::size_t n = 0; n < fleet_->size(); ++n)
    if (sim.node_state(n) == NodeState::kBooting && sim.cluster().fits_empty(n, r) &&
        sim.placement_policy().may_use(job, r, fleet_->pools[static_cast<std::size_t>(fleet_->pool[n])]))
      return true;
  return false;
}

bool QueueDrivenCapacity::satisfiable(const Simulation& sim, std::uint32_t job) const {
  const std::int64_t workers = sim.jobs().workers[job];
  if (workers == 1) return true;  // it fits the node: enough
  const JobRequest r = sim.jobs().request(job);
  std::int64_t room = 0;
  for (std::size_t n = 0; n < fleet_->size() && room < workers; ++n)
    if (sim.placement_policy().may_use(job, r, fleet_->pools[static_cast<std::size_t>(fleet_->pool[n])]))
      room += std::min(sim.cluster().copies_when_empty(n, r), workers);
  return room >= workers;
}

bool QueueDrivenCapacity::wanted_by_waiting_job(const Simulation& sim, std::size_t node) const {
  const PoolSpec& pool = fleet_->pools[static_cast<std::size_t>(fleet_->pool[node])];
  auto wants = [&](std::uint32_t j) {
    const JobRequest r = sim.jobs().request(j);
    return sim.cluster().fits_empty(node, r) && sim.placement_policy().may_use(j, r, pool) && satisfiable(sim, j);
  };
  const std::uint32_t head = sim.strict_fifo_head();
  if (head != UINT32_MAX) return wants(head);  // under strict FIFO only the head can start next
  bool wanted = false;
  sim.for_each_pending_class([&](std::uint32_t j, std::size_t) { wanted = wanted || wants(j); });
  return wanted;
}

SimTime QueueDrivenCapacity::release_at(const Simulation& sim, SimTime now, std::int32_t node) {
  const Fleet& f = *fleet_;
  const auto p = static_cast<std::size_t>(f.pool[static_cast<std::size_t>(node)]);
  if (sim.pool_held(p) <= f.pools[p].min_nodes) return kNever;
  if (static_cast<std::int32_t>(p) == profile_pool_ && sim.pool_held(p) <= predicted_nodes(now + options_.lead_us))
    return now + options_.tick_us;  // the profile still wants it: ask again at the next tick
  if (now < last_down_[p] + options_.scale_down_cooldown_us) return last_down_[p] + options_.scale_down_cooldown_us;
  if (wanted_by_waiting_job(sim, static_cast<std::size_t>(node)))
    return now + std::max<SimTime>(options_.idle_grace_us, 1'000'000);  // keep it; ask again after another grace
  if (options_.spot_first_down && f.pools[p].kind != PoolKind::kSpot) {
    // An idle spot node above its pool's minimum goes first: ask again after its grace.
    for (std::size_t q = 0; q < f.pools.size(); ++q) {
      if (f.pools[q].kind != PoolKind::kSpot || !f.pools[q].elastic || sim.pool_held(q) <= f.pools[q].min_nodes) continue;
      for (const auto& shape : shapes_[q])
        for (std::int32_t n : shape)
          if (sim.node_state(static_cast<std::size_t>(n)) == NodeState::kOnline &&
              sim.cluster().jobs_on(static_cast<std::size_t>(n)) == 0)
            return now + std::max<SimTime>(options_.idle_grace_us, 1'000'000);
    }
  }
  last_down_[p] = now;
  return now;
}

}  // namespace capsim
