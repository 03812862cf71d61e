#include "scenario/run_inputs.h"

#include "scenario/clusters.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "sim/base/check.h"
#include "scenario/clusters.h"
#include "scenario/memory_estimate.h"
#include "sim/io/fleet_pricing.h"
#include "sim/io/price_catalog_loader.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"
#include "sim/model/cluster_state.h"
#include "workloads/node_list_reader.h"
#include "workloads/openb_pod_reader.h"
#include "scenario/requests.h"
#include "scenario/service_inputs.h"
#include "scenario/vm_placement.h"
#include "workloads/synthetic.h"

namespace capsim {
namespace {

constexpr double kMibPerGib = 1024.0;

void add_group(const config::NodeGroup& g, const std::string& field, std::int32_t pool, Fleet& fleet, HostSockets& free) {
  NodeSpec s;
  s.pool = pool;
  s.cpu_milli = std::llround(g.cpu_cores() * 1000);
  s.memory_mib = std::llround(g.memory_gib() * kMibPerGib);
  s.gpu_count = static_cast<std::int32_t>(g.gpus());
  if (g.gpus() > 0) s.gpu_model = model_or_fail(g.gpu_model(), field + ".gpu_model");
  s.sockets = g.sockets() ? static_cast<std::int32_t>(g.sockets()) : 1;
  s.numa_per_socket = g.numa_per_socket() ? static_cast<std::int32_t>(g.numa_per_socket()) : 1;
  s.nvlink_island_gpus = static_cast<std::int32_t>(g.nvlink_island_gpus());
  if (s.nvlink_island_gpus > 0 && s.gpu_count % s.nvlink_island_gpus != 0)
    throw InputError("scenario field " + field + ".nvlink_island_gpus: must divide gpus (" + std::to_string(s.gpu_count) +
                     "), got " + std::to_string(s.nvlink_island_gpus));
  if (!g.topology_policy().empty()) {
    if (!fleet.topology.enabled())
      throw InputError("scenario field " + field + ".topology_policy: needs fleet.topology (the topology model and the fleet's policy)");
    s.topology_policy = topology_policy_from(g.topology_policy(), "scenario field " + field + ".topology_policy");
  }
  if (!g.zone().empty()) check_zone(fleet, pool, g.zone(), field + ".zone");
  s.zone = g.zone().empty() ? default_zone(fleet, pool) : g.zone();
  const std::uint32_t per_rack = g.nodes_per_rack() ? g.nodes_per_rack() : 32;
  const std::string prefix = g.name_prefix().empty() ? "node" : g.name_prefix();
  if (g.has_vm()) {
    s.overhead_cpu_milli = std::llround(g.vm().overhead_cpu_cores() * 1000);
    s.overhead_memory_mib = std::llround(g.vm().overhead_memory_gib() * kMibPerGib);
    if (g.vm().overhead_cpu_cores() < 0 || g.vm().overhead_memory_gib() < 0 || s.overhead_cpu_milli >= s.cpu_milli ||
        s.overhead_memory_mib >= s.memory_mib)
      throw InputError("scenario field " + field + ".vm: the overhead must be below the VM's shape and not negative");
  }
  for (std::uint32_t i = 0; i < g.count(); ++i) {
    s.name = prefix + "-" + std::to_string(i);
    s.rack = static_cast<std::int32_t>(i / per_rack);
    if (g.has_vm()) {
      NodeSpec vm = s;
      place_vm(g, field, i, vm, fleet, free);
      vm.cpu_milli -= vm.overhead_cpu_milli;  // what pods may request
      vm.memory_mib -= vm.overhead_memory_mib;
      fleet.add_node(vm);
    } else {
      fleet.add_node(s);
    }
  }
}

}  // namespace

DistributionSpec to_distribution(const config::Distribution& d, const std::string& base_dir, BadRowPolicy& bad) {
  DistributionSpec out;
  using K = DistributionSpec::Kind;
  switch (d.kind_case()) {
    case config::Distribution::kConstant: out.kind = K::kConstant; out.a = d.constant(); break;
    case config::Distribution::kExponential: out.kind = K::kExponential; out.a = d.exponential().mean(); break;
    case config::Distribution::kLognormal:
      out.kind = K::kLogNormal;
      out.a = d.lognormal().median();
      out.b = d.lognormal().sigma();
      break;
    case config::Distribution::kEmpirical: {
      out.kind = K::kEmpirical;
      out.values.assign(d.empirical().values().begin(), d.empirical().values().end());
      if (!d.empirical().trace_durations().empty()) {
        JobTable t;
        read_openb_pods(resolve_path(base_dir, d.empirical().trace_durations()), bad, t);
        for (SimTime us : t.duration_us) out.values.push_back(us_to_seconds(us));
      }
      break;
    }
    case config::Distribution::KIND_NOT_SET: break;
  }
  return out;
}

namespace {

JobTable synthetic_jobs(const config::SyntheticJobs& y, const std::string& name, const std::string& base_dir,
                        std::uint64_t seed, BadRowPolicy& bad) {
  SyntheticSpec spec;
  spec.name = name;
  spec.count = y.count();
  spec.start_us = seconds_to_us(y.start_s());
  if (y.arrivals().kind_case() == config::Arrivals::kPoissonRatePerHour) {
    spec.poisson_rate_per_hour = y.arrivals().poisson_rate_per_hour();
  } else {
    JobTable t;
    read_openb_pods(resolve_path(base_dir, y.arrivals().trace_path()), bad, t);
    t.sort_by_submit();
    spec.trace_arrivals_us = t.submit_us;
  }
  spec.duration_s = to_distribution(y.duration_s(), base_dir, bad);
  for (int k = 0; k < y.shapes_size(); ++k) {
    const auto& sh = y.shapes(k);
    JobShapeSpec s;
    s.weight = sh.has_weight() ? sh.weight() : 1.0;
    s.request = request_of(sh.cpu_cores(), sh.memory_gib(), sh.gpus(), sh.gpu_milli(), sh.gpu_models(),
                           name + ".shapes[" + std::to_string(k) + "]");
    s.workers = sh.workers() ? static_cast<std::int32_t>(sh.workers()) : 1;
    spec.shapes.push_back(s);
  }
  if (!y.shapes_from_trace().empty()) {
    JobTable t;
    read_openb_pods(resolve_path(base_dir, y.shapes_from_trace()), bad, t);
    for (std::size_t j = 0; j < t.size(); ++j) spec.shapes.push_back({1.0, t.request(j)});
  }
  return generate_jobs(spec, seed);
}

}  // namespace

void check_jobs_fit_fleet(RunInputs& in, bool skip) {
  ClusterState empty(in.fleet);
  // Traces repeat a few request shapes many times: decide each shape once.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, std::int32_t, GpuModelMask, bool, std::int32_t, std::int16_t>,
           std::int64_t>
      fits_by_shape;
  std::vector<bool> possible(in.jobs.size(), true);
  std::size_t spot_nodes = 0;
  for (std::size_t n = 0; n < in.fleet.size(); ++n) spot_nodes += empty.spot_node[n];
  std::size_t single_numa_nodes = 0;
  for (std::size_t n = 0; n < in.fleet.size() && in.fleet.topology.enabled(); ++n)
    single_numa_nodes += in.fleet.policy_of(n) == TopologyPolicy::kSingleNumaNode;
  for (std::size_t j = 0; j < in.jobs.size(); ++j) {
    const JobRequest r = in.jobs.request(j);
    const std::int32_t workers = in.jobs.workers[j];
    auto [it, fresh] =
        fits_by_shape.try_emplace({r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.gpu_models, r.spot_ok, workers, r.pool}, 0);
    if (fresh)  // how many workers the empty fleet holds at once, counted up to what the job needs
      for (std::size_t n = 0; n < in.fleet.size() && it->second < workers; ++n)
        it->second += std::min<std::int64_t>(empty.copies_when_empty(n, r), workers);
    if (it->second >= workers) continue;
    const std::string gang =
        it->second > 0 ? "; it is a gang of " + std::to_string(workers) + " workers placed all at once, and the empty fleet holds at most " +
                             std::to_string(it->second) + " of them"
                       : "";
    const std::string msg = in.jobs.where(j) + ": job " + in.jobs.name[j] +
                            (it->second > 0 ? " cannot be placed on the fleet, even an empty one (cpu_milli "
                                            : " cannot fit on any node of the fleet, even an empty one (cpu_milli ") +
                            std::to_string(r.cpu_milli) + ", memory_mib " + std::to_string(r.memory_mib) +
                            ", num_gpu " + std::to_string(r.num_gpu) + ", gpu_milli " + std::to_string(r.gpu_milli) +
                            (r.gpu_models ? ", restricted GPU models" : "") +
                            (r.pool >= 0 ? ", pool " + in.fleet.pools[static_cast<std::size_t>(r.pool)].name : "") + ")" + gang +
                            (!r.spot_ok && spot_nodes > 0
                                 ? "; it does not tolerate spot, and " + std::to_string(spot_nodes) + " of the " +
                                       std::to_string(in.fleet.size()) + " nodes are spot"
                                 : "") +
                            (single_numa_nodes > 0 && in.jobs.request(j).kind == ResourceKind::kNative
                                 ? "; the Topology Manager policy of " + std::to_string(single_numa_nodes) + " of the " +
                                       std::to_string(in.fleet.size()) +
                                       " nodes is single-numa-node (scenario field fleet.topology.policy, or a node group's "
                                       "topology_policy), so there it must fit one NUMA node (CPU, memory and GPUs attached to it)"
                                 : "");
    if (!skip || in.jobs.service[j] >= 0) throw InputError(msg);  // a service replica is never dropped
    if (in.jobs_impossible++ == 0 && in.first_skip_reason.empty()) in.first_skip_reason = msg;
    possible[j] = false;
  }
  if (in.jobs_impossible == 0) return;
  JobTable kept;
  kept.source_names = in.jobs.source_names;
  kept.resilience_classes = in.jobs.resilience_classes;
  kept.services = in.jobs.services;
  for (std::size_t j = 0; j < in.jobs.size(); ++j)
    if (possible[j])
      kept.add({in.jobs.name[j], in.jobs.submit_us[j], in.jobs.duration_us[j], in.jobs.request(j),
                in.jobs.qos_names[in.jobs.qos[j]], in.jobs.source[j], in.jobs.source_line[j],
                in.jobs.team_names[in.jobs.team[j]], in.jobs.resilience[j], in.jobs.workers[j],
                in.jobs.service[j]});
  in.jobs = std::move(kept);
}

namespace {

PoolSpec pool_spec(const config::Pool& p, const std::string& base_dir) {
  PoolSpec out;
  out.name = p.name();
  const std::string& k = p.kind();
  out.kind = k == "reserved" ? PoolKind::kReserved : k == "on-demand" ? PoolKind::kOnDemand
             : k == "spot"   ? PoolKind::kSpot : PoolKind::kOwned;
  out.provider = p.provider();
  out.region = p.region();
  out.commitment = p.commitment();
  out.billing = p.billing() == "hour" ? Billing::kHour : p.billing() == "month" ? Billing::kMonth : Billing::kSecond;
  out.minimum_billed_us = seconds_to_us(p.minimum_billed_s());
  out.boot_delay_us = seconds_to_us(p.boot_delay_s());
  if (p.has_boot_delay()) {
    const std::string f = "scenario field fleet.pools[" + p.name() + "].boot_delay";
    if (p.boot_delay_s() != 0) throw InputError(f + ": give boot_delay_s or boot_delay, not both");
    if (p.boot_delay().kind_case() == config::Distribution::KIND_NOT_SET)
      throw InputError(f + ": give constant, exponential, lognormal or empirical");
    BadRowPolicy strict;
    out.boot_delay = to_distribution(p.boot_delay(), base_dir, strict);
    check_distribution(*out.boot_delay, f);
    out.boot_delay_us = seconds_to_us(mean_of(*out.boot_delay));  // what a spot replacement takes by default
  }
  out.elastic = p.has_elastic();
  out.initialized = p.initialized();
  for (int i = 0; i < p.stock_outs_size(); ++i) {
    const auto& w = p.stock_outs(i);
    const std::string f = "scenario field fleet.pools[" + p.name() + "].stock_outs[" + std::to_string(i) + "]";
    if (!p.has_elastic()) throw InputError(f + ": only elastic pools provision nodes (give the pool elastic)");
    if (!(w.from_s() >= 0 && w.to_s() > w.from_s() && w.to_s() <= 1e12))
      throw InputError(f + ": needs 0 <= from_s < to_s <= 1e12");
    out.stock_outs.emplace_back(seconds_to_us(w.from_s()), seconds_to_us(w.to_s()));
  }
  if (p.provision_failure_rate() != 0) {
    const std::string f = "scenario field fleet.pools[" + p.name() + "].provision_failure_rate";
    if (!p.has_elastic()) throw InputError(f + ": only elastic pools provision nodes (give the pool elastic)");
    if (!(p.provision_failure_rate() >= 0 && p.provision_failure_rate() <= 1))
      throw InputError(f + ": must be a probability in [0, 1], got " + std::to_string(p.provision_failure_rate()));
    out.provision_failure_rate = p.provision_failure_rate();
  }
  out.min_nodes = static_cast<std::int32_t>(p.elastic().min_nodes());
  out.max_nodes = static_cast<std::int32_t>(p.elastic().max_nodes());
  if (out.max_nodes > 0 && out.max_nodes < out.min_nodes)
    throw InputError("scenario field fleet.pools[" + p.name() + "].elastic.max_nodes: below min_nodes");
  if (p.has_spot()) {
    const auto& m = p.spot();
    out.spot.interruptions_per_node_hour = m.interruptions_per_node_hour();
    out.spot.notice_us = m.notice_given() || m.notice_s() > 0 ? seconds_to_us(m.notice_s()) : seconds_to_us(120.0);
    for (double t : m.interruptions_at_s()) out.spot.notices_at_us.push_back(seconds_to_us(t));
    std::sort(out.spot.notices_at_us.begin(), out.spot.notices_at_us.end());
    out.spot.reclaim = m.reclaim_order() == "oldest" ? ReclaimOrder::kOldest
                       : m.reclaim_order() == "lowest-index" ? ReclaimOrder::kLowestIndex : ReclaimOrder::kNewest;
    out.spot.replacement_delay_us =
        m.has_replacement_delay_s() ? seconds_to_us(m.replacement_delay_s()) : out.boot_delay_us;
    for (const auto& c : m.capacity()) {
      out.spot.capacity_at_us.push_back(seconds_to_us(c.t_s()));
      out.spot.capacity_nodes.push_back(static_cast<std::int32_t>(c.nodes()));
    }
    if (!m.capacity_csv().empty()) read_capacity_csv(resolve_path(base_dir, m.capacity_csv()), out.spot);
    if (m.capacity_offset_s() > 0) start_capacity_at(out.spot, seconds_to_us(m.capacity_offset_s()),
                                                     "scenario field fleet.pools[" + p.name() + "].spot.capacity_offset_s");
  }
  return out;
}

Resilience resilience_of(const config::Resilience& r) {
  Resilience out;
  out.checkpoint_interval_us = seconds_to_us(r.checkpoint_interval_s());
  out.checkpoint_cost_us = seconds_to_us(r.checkpoint_cost_s());
  out.restore_us = seconds_to_us(r.restore_s());
  out.checkpoint_on_notice = r.checkpoint_on_notice();
  out.max_retries = r.has_max_retries() ? static_cast<std::int32_t>(r.max_retries()) : -1;
  out.spot_tolerant = r.spot_tolerant();
  out.high_priority = r.priority() == "high";
  out.deadline_after_us = seconds_to_us(r.deadline_s());
  out.max_interruptions_per_node_hour = r.max_interruptions_per_node_hour();
  return out;
}

// A workload source's tier on jobs [from, to): what is not modelled yet is an input error, not a
// silent approximation.
void apply_tier(JobTable& jobs, std::size_t from, std::size_t to, const config::TierSpec& t, bool keep_class_label,
                const config::Scenario& s, const std::string& field) {
  TierClass tier = parse_tier(t.priority_class(), t.sub_priority(), t.qos(), "scenario field " + field + ".tier");
  if (t.native()) {
    if (tier.tier != Tier::kMid && tier.tier != Tier::kBatch)
      throw InputError("scenario field " + field + ".tier.native: only Mid and Batch pods choose native requests");
    if (s.colocation().windows_size() == 0)
      throw InputError("scenario field " + field + ".tier.native: a " + std::string(tier_name(tier.tier)) +
                       " pod with native requests needs colocation.windows (the daily tide); without windows the tier "
                       "runs on reclaimed capacity");
    tier.native = true;
  }
  if (resource_kind(tier) != ResourceKind::kNative) {
    if (!s.has_colocation())
      throw InputError("scenario field " + field + ".tier.priority_class: " + tier_name(tier.tier) +
                       " pods request reclaimed capacity: the scenario needs a colocation section");
    if (!s.colocation().has_gpu_sharing())
      for (std::size_t j = from; j < to; ++j)
        if (jobs.num_gpu[j] > 0)
          throw InputError(jobs.where(j) + ": scenario field " + field + ".tier: a " + tier_name(tier.tier) +
                           " pod asks for GPUs; it runs as a guest on online GPUs only with colocation.gpu_sharing "
                           "(or tier.native with colocation.windows for whole GPUs)");
  }
  jobs.set_tier(from, to, tier);
  if (!keep_class_label) jobs.set_class_label(from, to, tier_name(tier.tier));
}

// A workload source's node pool on jobs [from, to): kept in their resilience record (where they may run).
void apply_pool(JobTable& jobs, std::size_t from, std::size_t to, const Fleet& fleet, const std::string& name,
                const std::string& field) {
  if (name.empty() || from == to) return;
  const std::int32_t p = fleet.find_pool(name);
  if (p < 0) throw InputError("scenario field " + field + ".pool: no pool named '" + name + "' in fleet.pools");
  Resilience r = jobs.resilience_of(from);
  r.pool = static_cast<std::int16_t>(p);
  jobs.set_resilience(from, to, r);
}

// A workload source's Burstable QoS on jobs [from, to): its CPU-only jobs' CPU limit is `factor` times
// their request (0 or 1: Guaranteed). Kept in their tier class (QoS).
void apply_cpu_limit(JobTable& jobs, std::size_t from, std::size_t to, double factor, const std::string& field) {
  if (factor == 0 || factor == 1) return;
  if (!(factor > 1 && factor <= 64))
    throw InputError("scenario field " + field + ".cpu_limit_factor: the CPU limit over the request, in [1, 64] (0: Guaranteed), got " +
                     std::to_string(factor));
  for (std::size_t j = from; j < to; ++j) {
    TierClass t = jobs.tier_of(j);
    if (resource_kind(t) != ResourceKind::kNative)
      throw InputError("scenario field " + field + ".cpu_limit_factor: " + tier_name(t.tier) +
                       " pods run on reclaimed CPU, which they do not burst beyond");
    if (jobs.num_gpu[j] > 0) continue;  // GPU jobs are paced by their GPUs: only CPU-only jobs burst
    t.cpu_limit_factor = factor;
    jobs.set_tier(j, j + 1, t);
  }
}

TopologyConfig topology_config(const config::TopologySpec& t) {
  const std::string field = "scenario field fleet.topology";
  TopologyConfig c;
  c.policy = t.policy().empty() ? TopologyPolicy::kNone : topology_policy_from(t.policy(), field + ".policy");
  auto factor = [&](bool has, double v, double fallback, const char* name) {
    if (!has) return fallback;
    if (!(v > 0 && v <= 1))
      throw InputError(field + "." + name + ": a throughput factor in (0, 1], got " + std::to_string(v));
    return v;
  };
  c.cross_numa_factor = factor(t.has_cross_numa_factor(), t.cross_numa_factor(), c.cross_numa_factor, "cross_numa_factor");
  c.cross_socket_factor =
      factor(t.has_cross_socket_factor(), t.cross_socket_factor(), c.cross_socket_factor, "cross_socket_factor");
  if (!(t.socket_memory_bandwidth_gbps() >= 0) || !(t.memory_bandwidth_gbps_per_core() >= 0))
    throw InputError(field + ": socket_memory_bandwidth_gbps and memory_bandwidth_gbps_per_core must not be negative");
  if (t.memory_bandwidth_gbps_per_core() > 0 && t.socket_memory_bandwidth_gbps() == 0)
    throw InputError(field + ".socket_memory_bandwidth_gbps: required with memory_bandwidth_gbps_per_core");
  c.socket_memory_bandwidth_gbps = t.socket_memory_bandwidth_gbps();
  c.memory_bandwidth_gbps_per_core = t.memory_bandwidth_gbps_per_core();
  return c;
}

// Business units: names unique, parents known, no cycles, a team in one unit at most.
void showback_units(const config::CostSpec& cost, CostOptions& out) {
  const int n = cost.units_size();
  for (int i = 0; i < n; ++i) {
    const std::string field = "scenario field cost.units[" + std::to_string(i) + "]";
    if (cost.units(i).name().empty()) throw InputError(field + ".name: required");
    for (int k = 0; k < i; ++k)
      if (cost.units(k).name() == cost.units(i).name())
        throw InputError(field + ".name: '" + cost.units(i).name() + "' is defined twice");
    out.units.push_back(cost.units(i).name());
  }
  for (int i = 0; i < n; ++i) {
    const std::string& parent = cost.units(i).parent();
    std::int32_t p = -1;
    if (!parent.empty()) {
      const auto it = std::find(out.units.begin(), out.units.end(), parent);
      if (it == out.units.end())
        throw InputError("scenario field cost.units[" + std::to_string(i) + "].parent: no unit named '" + parent + "'");
      p = static_cast<std::int32_t>(it - out.units.begin());
    }
    out.unit_parent.push_back(p);
  }
  for (int i = 0; i < n; ++i) {  // walking up from any unit reaches a root within n steps
    std::int32_t u = i;
    std::string path = out.units[static_cast<std::size_t>(i)];
    for (int step = 0; u >= 0; ++step) {
      u = out.unit_parent[static_cast<std::size_t>(u)];
      if (u >= 0) path += " -> " + out.units[static_cast<std::size_t>(u)];
      if (step > n)
        throw InputError("scenario field cost.units[" + std::to_string(i) + "].parent: the hierarchy has a cycle (" + path + ")");
    }
  }
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < cost.units(i).teams_size(); ++t) {
      const std::string& team = cost.units(i).teams(t);
      for (const auto& [name, unit] : out.team_unit)
        if (name == team)
          throw InputError("scenario field cost.units[" + std::to_string(i) + "].teams[" + std::to_string(t) + "]: team '" +
                           team + "' is already in unit '" + out.units[static_cast<std::size_t>(unit)] + "'");
      out.team_unit.push_back({team, i});
    }
  for (const std::string& t : cost.shared_teams()) {
    for (const auto& [name, unit] : out.team_unit)
      if (name == t)
        throw InputError("scenario field cost.shared_teams: team '" + t + "' is shared and also in unit '" +
                         out.units[static_cast<std::size_t>(unit)] + "'");
    out.shared_teams.push_back(t);
  }
}

// The pool a node source names: the first pool when it names none.
std::int32_t pool_of(const std::string& name, const Fleet& fleet, const std::string& field) {
  if (name.empty()) return 0;
  const std::int32_t p = fleet.find_pool(name);
  if (p < 0) throw InputError("scenario field " + field + ".pool: no pool named '" + name + "' in fleet.pools");
  return p;
}

}  // namespace

Fleet build_fleet(const config::Scenario& s, const std::string& base_dir, BadRowPolicy& bad) {
  Fleet fleet;
  for (const auto& p : s.fleet().pools()) fleet.add_pool(pool_spec(p, base_dir));
  add_clusters(s.fleet(), fleet);
  fleet.gpu_nodes_tainted = s.fleet().taint_gpu_nodes();
  if (s.fleet().has_topology()) fleet.topology = topology_config(s.fleet().topology());
  HostSockets free;
  for (int i = 0; i < s.fleet().hosts_size(); ++i) {
    const auto& h = s.fleet().hosts(i);
    const std::string field = "scenario field fleet.hosts[" + std::to_string(i) + "]";
    if (h.name_prefix().empty()) throw InputError(field + ".name_prefix: required (VM groups name their hosts by it)");
    for (int k = 0; k < i; ++k)
      if (s.fleet().hosts(k).name_prefix() == h.name_prefix()) throw InputError(field + ".name_prefix: '" + h.name_prefix() + "' is used twice");
    HostSpec spec;
    spec.cpu_milli = std::llround(h.cpu_cores() * 1000);
    spec.memory_mib = std::llround(h.memory_gib() * kMibPerGib);
    spec.sockets = h.sockets() ? static_cast<std::int32_t>(h.sockets()) : 1;
    spec.numa_per_socket = h.numa_per_socket() ? static_cast<std::int32_t>(h.numa_per_socket()) : 1;
    if (h.count() == 0 || spec.cpu_milli <= 0 || spec.memory_mib <= 0)
      throw InputError(field + ": count, cpu_cores and memory_gib must be positive");
    for (std::uint32_t k = 0; k < h.count(); ++k) {
      spec.name = h.name_prefix() + "-" + std::to_string(k);
      fleet.add_host(spec);
      for (std::int32_t sk = 0; sk < spec.sockets; ++sk) {
        free.cpu_milli.push_back(spec.cpu_milli / spec.sockets);
        free.memory_mib.push_back(spec.memory_mib / spec.sockets);
      }
    }
  }
  for (int i = 0; i < s.fleet().nodes_size(); ++i) {
    const auto& n = s.fleet().nodes(i);
    const std::string field = "fleet.nodes[" + std::to_string(i) + "]";
    if (n.has_trace()) {
      const auto& t = n.trace();
      NodeListOptions o;
      o.format = t.format();
      o.default_memory_mib = std::llround(t.default_memory_gib() * kMibPerGib);
      if (t.sockets_per_node()) o.sockets_per_node = static_cast<std::int32_t>(t.sockets_per_node());
      if (t.numa_per_socket()) o.numa_per_socket = static_cast<std::int32_t>(t.numa_per_socket());
      if (t.nodes_per_rack()) o.nodes_per_rack = static_cast<std::int32_t>(t.nodes_per_rack());
      o.pool = pool_of(t.pool(), fleet, field + ".trace");
      if (!t.zone().empty()) check_zone(fleet, o.pool, t.zone(), "scenario field " + field + ".trace.zone");
      o.zone = t.zone().empty() ? default_zone(fleet, o.pool) : t.zone();
      for (int m = 0; m < t.gpu_models_size(); ++m) {
        o.any_model = false;
        if (t.gpu_models(m) == "none")
          o.cpu_only_nodes = true;
        else
          o.models |= GpuModelMask{1} << model_or_fail(t.gpu_models(m), field + ".trace.gpu_models[" + std::to_string(m) + "]");
      }
      o.row_from = t.row_from();
      if (t.row_to() > 0) o.row_to = t.row_to();
      if (o.row_to <= o.row_from) throw InputError("scenario field " + field + ".trace.row_to: must be above row_from");
      read_node_list(resolve_path(base_dir, t.path()), o, bad, fleet);
    } else {
      add_group(n.group(), field + ".group", pool_of(n.group().pool(), fleet, field + ".group"), fleet, free);
    }
  }
  if (fleet.size() == 0) throw InputError("scenario: the fleet has no nodes");
  check_cluster_quotas(fleet);
  for (std::size_t p = 0; p < fleet.pools.size(); ++p) {
    const auto members = std::count(fleet.pool.begin(), fleet.pool.end(), static_cast<std::int32_t>(p));
    if (fleet.pools[p].min_nodes > members)
      throw InputError("scenario field fleet.pools[" + std::to_string(p) + "].elastic.min_nodes: " +
                       std::to_string(fleet.pools[p].min_nodes) + " is more than the pool's " +
                       std::to_string(members) + " nodes");
  }
  return fleet;
}

RunInputs build_run_inputs(const config::Scenario& s, const std::string& base_dir, InputUse use,
                           const JobTable* jobs) {
  RunInputs in;
  BadRowPolicy bad;
  bad.skip = s.skip_bad_rows();
  check_memory(estimate_inputs(s, base_dir, /*workloads=*/!jobs), s);  // before anything is allocated
  in.fleet = build_fleet(s, base_dir, bad);
  if (jobs) in.jobs = *jobs;
  for (int i = 0; i < s.workloads_size() && !jobs; ++i) {
    const auto& w = s.workloads(i);
    const std::size_t first = in.jobs.size();
    if (w.has_trace()) {
      read_openb_pods(resolve_path(base_dir, w.trace().path()), bad, in.jobs);
      if (!w.trace().team().empty()) in.jobs.set_team(first, in.jobs.size(), w.trace().team());
      if (w.trace().has_resilience()) in.jobs.set_resilience(first, in.jobs.size(), resilience_of(w.trace().resilience()));
      if (w.trace().has_tier())
        apply_tier(in.jobs, first, in.jobs.size(), w.trace().tier(), false, s, "workloads[" + std::to_string(i) + "].trace");
      apply_pool(in.jobs, first, in.jobs.size(), in.fleet, w.trace().pool(), "workloads[" + std::to_string(i) + "].trace");
      apply_cpu_limit(in.jobs, first, in.jobs.size(), w.trace().cpu_limit_factor(), "workloads[" + std::to_string(i) + "].trace");
    } else if (w.has_service()) {
      in.jobs.append(service_jobs(w.service(), "workloads[" + std::to_string(i) + "].service", base_dir,
                                  s.horizon_s() > 0 ? seconds_to_us(s.horizon_s()) : kNever, workload_seed_of(s)));
      if (w.service().has_tier())
        apply_tier(in.jobs, first, in.jobs.size(), w.service().tier(), !w.service().priority_class().empty(), s,
                   "workloads[" + std::to_string(i) + "].service");
      apply_pool(in.jobs, first, in.jobs.size(), in.fleet, w.service().pool(), "workloads[" + std::to_string(i) + "].service");
    } else {
      const std::string name = "workloads[" + std::to_string(i) + "].synthetic";
      in.jobs.append(synthetic_jobs(w.synthetic(), name, base_dir, workload_seed_of(s), bad));
      in.jobs.set_team(first, in.jobs.size(), w.synthetic().team().empty() ? "default" : w.synthetic().team());
      if (w.synthetic().has_resilience())
        in.jobs.set_resilience(first, in.jobs.size(), resilience_of(w.synthetic().resilience()));
      if (w.synthetic().has_tier()) apply_tier(in.jobs, first, in.jobs.size(), w.synthetic().tier(), false, s, name);
      apply_pool(in.jobs, first, in.jobs.size(), in.fleet, w.synthetic().pool(), name);
      apply_cpu_limit(in.jobs, first, in.jobs.size(), w.synthetic().cpu_limit_factor(), name);
    }
  }
  resolve_spill_routes(in.jobs);
  in.rows_skipped = bad.skipped;
  in.first_skip_reason = bad.first_error;
  in.jobs.drop_unused_teams();
  const bool spot_pool = std::any_of(in.fleet.pools.begin(), in.fleet.pools.end(),
                                     [](const PoolSpec& p) { return p.kind == PoolKind::kSpot; });
  for (int i = 0; i < s.workloads_size() && !spot_pool && !jobs; ++i) {
    const auto& w = s.workloads(i);
    const bool tolerant = w.has_trace() ? w.trace().resilience().spot_tolerant() : w.synthetic().resilience().spot_tolerant();
    if (tolerant)
      in.warnings.push_back("workloads[" + std::to_string(i) +
                            "]: jobs tolerate spot, but the fleet has no spot pool (spot_tolerant has no effect)");
  }
  if (s.has_cost()) {
    const std::string path = resolve_path(base_dir, s.cost().catalog());
    in.pricing = price_fleet(in.fleet, s.fleet().pools(), load_price_catalog(path), path);
    if (s.cost().window_s() > 0) in.cost.window_us = seconds_to_us(s.cost().window_s());
    if (s.cost().tco_months() > 0) in.cost.tco_months = static_cast<std::int32_t>(s.cost().tco_months());
    in.cost.revenue_per_job = s.cost().revenue_per_job();
    in.cost.revenue_per_gpu_hour = s.cost().revenue_per_gpu_hour();
    showback_units(s.cost(), in.cost);
  }
  if (!s.capacity().name().empty()) in.capacity_policy = s.capacity().name();
  in.capacity_params.insert(s.capacity().params().begin(), s.capacity().params().end());
  if (use == InputUse::kInflation) return in;  // draw order is the list's order; impossible shapes fail when drawn
  if (!in.jobs.sources_without_times.empty())
    throw InputError(in.jobs.sources_without_times.front() +
                     ": this pod list has no creation_time/deletion_time columns: it can feed `capsim inflate`, "
                     "not a replay in time");
  in.jobs.sort_by_submit();
  check_jobs_fit_fleet(in, s.skip_bad_rows());
  check_horizon(s, in.jobs);
  check_memory(estimate_results(s, in.jobs, in.pricing ? in.pricing->centers.size() : 0), s);
  return in;
}

std::uint64_t workload_seed_of(const config::Scenario& s) {
  return s.has_workload_seed() ? s.workload_seed() : s.seed();
}

bool workload_depends_on_seed(const config::Scenario& s) {
  if (s.has_workload_seed()) return false;
  for (const auto& w : s.workloads())
    if (w.has_synthetic() ||
        (w.has_service() && (w.service().load().diurnal().noise() > 0 || w.service().scale_jitter() > 0)))
      return true;
  return false;
}

void check_horizon(const config::Scenario& s, const JobTable& jobs) {
  if (s.horizon_s() <= 0 || jobs.size() == 0 || jobs.submit_us.front() == kNever) return;
  const SimTime horizon = seconds_to_us(s.horizon_s());
  if (horizon >= jobs.submit_us.front()) return;
  throw InputError("scenario field horizon_s: " + json_number(s.horizon_s()) + " s is before the first arrival, at " +
                   json_number(us_to_seconds(jobs.submit_us.front())) + " s (" + jobs.where(0) + ", job " +
                   jobs.name[0] + "): the run would end before it starts");
}

}  // namespace capsim
