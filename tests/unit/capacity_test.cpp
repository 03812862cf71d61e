// Capacity policies on elastic pools: the autoscaler's cooldowns, step limit,
// bounds and spot-first scale-down, checked on every acquisition and release.
#include <catch2/catch.hpp>

#include <algorithm>

#include "helpers.h"
#include "policies/registry.h"
#include "sim/components/registry.h"
#include "sim/core/simulation.h"
#include "sim/io/scenario_loader.h"
#include "sim/model/quota_book.h"
#include "scenario/run_inputs.h"

using namespace capsim;

namespace {

struct NodeEvent {
  SimTime t;
  std::int32_t node;
  std::int32_t pool;
  bool acquired;
  std::int32_t held_after;
};

// Records every acquisition and release with the pool's held count after it.
class CapacityLog final : public EngineListener {
 public:
  void on_node_acquired(const Simulation& sim, SimTime t, std::int32_t n) override { add(sim, t, n, true); }
  void on_node_released(const Simulation& sim, SimTime t, std::int32_t n) override { add(sim, t, n, false); }
  void on_node_notice(const Simulation&, SimTime, std::int32_t) override { ++notices; }
  void on_node_drained(const Simulation&, SimTime, std::int32_t) override { ++drains; }
  std::vector<NodeEvent> events;
  int notices = 0, drains = 0;

 private:
  void add(const Simulation& sim, SimTime t, std::int32_t n, bool acquired) {
    const std::int32_t p = sim.fleet().pool[static_cast<std::size_t>(n)];
    // The engine updates its counts before it tells listeners.
    events.push_back({t, n, p, acquired, sim.pool_held(static_cast<std::size_t>(p))});
  }
};

Fleet fleet_from(const std::string& pools_and_nodes) {
  const config::Scenario s = parse_scenario_json(R"({"fleet": )" + pools_and_nodes + R"(,
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1}, "duration_s": {"constant": 1},
                   "shapes": [{"cpu_cores": 1}]}}]})", "test");
  validate_scenario(s, "test");
  BadRowPolicy bad;
  return build_fleet(s, "", bad);
}

CapacityLog run_logged(const Fleet& fleet, JobTable jobs, const std::string& capacity,
                       const std::map<std::string, std::string>& params) {
  jobs.sort_by_submit();
  auto placement = make_placement_policy("spot-fallback", {}, PolicyContext{1, &fleet, &jobs});
  auto cap = make_capacity_policy(capacity, params, fleet);
  Simulation sim(fleet, jobs, *placement, SimConfig{});
  add_standard_components(sim);
  sim.set_capacity_policy(cap.get());
  CapacityLog log;
  sim.add_listener(&log);
  sim.run();
  REQUIRE(sim.state(0) == JobState::kCompleted);
  return log;
}

std::vector<NodeEvent> run_with(const Fleet& fleet, JobTable jobs, const std::string& capacity,
                                const std::map<std::string, std::string>& params) {
  return run_logged(fleet, std::move(jobs), capacity, params).events;
}

}  // namespace

TEST_CASE("autoscaler: scale-up cooldown, step limit and max_nodes", "[elastic][autoscaler]") {
  const Fleet fleet = fleet_from(R"({"pools": [{"name": "od", "kind": "on-demand", "boot_delay_s": 60,
      "elastic": {"min_nodes": 0, "max_nodes": 6}}],
    "nodes": [{"group": {"count": 10, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]})");
  JobTable jobs;
  for (int j = 0; j < 20; ++j) test::add_job(jobs, 0, 3600, test::req(4000, 0, 1, 1000));
  const auto events = run_with(fleet, jobs, "autoscaler",
                               {{"scale_up_cooldown_s", "600"}, {"max_step", "2"}, {"scale_down_cooldown_s", "900"},
                                {"idle_grace_s", "0"}});
  std::vector<SimTime> ups;
  for (const auto& e : events) {
    CHECK(e.held_after <= 6);  // max_nodes
    CHECK(e.held_after >= 0);
    if (e.acquired && (ups.empty() || ups.back() != e.t)) ups.push_back(e.t);
  }
  REQUIRE(ups.size() >= 3);
  for (std::size_t i = 1; i < ups.size(); ++i) CHECK(ups[i] - ups[i - 1] >= 600'000'000);  // cooldown
  for (SimTime t : ups)  // at most max_step nodes per scale-up
    CHECK(std::count_if(events.begin(), events.end(), [&](const NodeEvent& e) { return e.acquired && e.t == t; }) <= 2);
  std::vector<SimTime> downs;
  for (const auto& e : events)
    if (!e.acquired) downs.push_back(e.t);
  REQUIRE(downs.size() >= 2);
  for (std::size_t i = 1; i < downs.size(); ++i) CHECK(downs[i] - downs[i - 1] >= 900'000'000);  // cooldown
}

TEST_CASE("autoscaler: min_nodes are kept, spot nodes are released before on-demand ones", "[elastic][autoscaler]") {
  const Fleet fleet = fleet_from(R"({"pools": [
      {"name": "spot", "kind": "spot", "boot_delay_s": 0, "elastic": {"min_nodes": 0}},
      {"name": "od", "kind": "on-demand", "boot_delay_s": 0, "elastic": {"min_nodes": 1}}],
    "nodes": [{"group": {"name_prefix": "s", "count": 2, "cpu_cores": 4, "memory_gib": 16, "pool": "spot"}},
              {"group": {"name_prefix": "o", "count": 3, "cpu_cores": 4, "memory_gib": 16, "pool": "od"}}]})");
  JobTable jobs;
  // Tolerant jobs fill both spot nodes; on-demand-only ones need the rest; all end at 1000 s,
  // one late tolerant job keeps the run going so that every release happens.
  for (int j = 0; j < 2; ++j) test::add_job(jobs, 0, 1000, test::req(4000, 0));
  for (int j = 0; j < 3; ++j) test::add_job(jobs, 0, 1000, test::req(4000, 0));
  test::add_job(jobs, 20000, 10, test::req(1000, 0));
  Resilience tolerant;
  tolerant.spot_tolerant = true;
  jobs.set_resilience(0, 2, tolerant);
  jobs.set_resilience(5, 6, tolerant);
  const auto events = run_with(fleet, jobs, "autoscaler", {{"scale_down_cooldown_s", "0"}, {"idle_grace_s", "60"}});
  SimTime last_spot_release = -1, first_od_release = kNever;
  std::int32_t od_released = 0;
  for (const auto& e : events) {
    if (e.acquired) continue;
    if (e.pool == 0) last_spot_release = std::max(last_spot_release, e.t);
    if (e.pool == 1) {
      first_od_release = std::min(first_od_release, e.t);
      ++od_released;
      CHECK(e.held_after >= 1);  // min_nodes
    }
  }
  CHECK(last_spot_release > 0);
  CHECK(od_released == 2);  // three held, one kept
  CHECK(last_spot_release <= first_od_release);
}

TEST_CASE("autoscaler, predictive: holds the daily profile ahead of demand", "[elastic][autoscaler]") {
  const Fleet fleet = fleet_from(R"({"pools": [{"name": "od", "kind": "on-demand", "boot_delay_s": 0,
      "elastic": {"min_nodes": 0}}],
    "nodes": [{"group": {"count": 10, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]})");
  JobTable jobs;  // two small jobs keep the run going for a day and a half; the profile does the rest
  test::add_job(jobs, 0, 10, test::req(1000, 0));
  test::add_job(jobs, 1.5 * 86400, 10, test::req(1000, 0));
  std::string profile;
  for (int h = 0; h < 24; ++h) profile += std::string(h ? "," : "") + (h < 8 ? "0" : h < 18 ? "6" : "2");
  const auto events = run_with(fleet, jobs, "autoscaler",
                               {{"daily_profile", profile}, {"lead_s", "0"}, {"tick_s", "600"}, {"idle_grace_s", "60"},
                                {"scale_up_cooldown_s", "0"}, {"scale_down_cooldown_s", "0"}});
  auto held_at = [&](double t_s) {
    std::int32_t held = 0;
    for (const auto& e : events)
      if (e.t <= seconds_to_us(t_s)) held = e.held_after;
    return held;
  };
  CHECK(held_at(7.9 * 3600) == 0);
  CHECK(held_at(8 * 3600) == 6);     // acquired at the 08:00 tick, before any job asks
  CHECK(held_at(17.9 * 3600) == 6);  // kept while the profile wants them, although idle
  CHECK(held_at(18.5 * 3600) == 2);
  CHECK(held_at(24.5 * 3600) == 0);
  CHECK(held_at(32.5 * 3600) == 6);  // the next day
  for (const auto& e : events) CHECK(e.held_after <= 6);
}

TEST_CASE("autoscaler, reclaim: an underused node is drained and released when its jobs leave", "[elastic][autoscaler]") {
  const Fleet fleet = fleet_from(R"({"pools": [{"name": "od", "kind": "on-demand", "boot_delay_s": 0,
      "elastic": {"min_nodes": 0}}],
    "nodes": [{"group": {"count": 2, "cpu_cores": 4, "memory_gib": 16, "gpus": 4, "gpu_model": "T4"}}]})");
  JobTable jobs;
  // Two whole nodes' worth at first; from 1,000 s only one 1-GPU job (25% of a node) keeps node 1 busy until
  // 20,000 s, and node 0 stays empty (a long idle grace keeps it).
  for (int j = 0; j < 7; ++j) test::add_job(jobs, 0, 1000, test::req(1000, 0, 1, 1000));
  test::add_job(jobs, 0, 20000, test::req(1000, 0, 1, 1000));
  const CapacityLog log = run_logged(fleet, jobs, "autoscaler",
                                    {{"reclaim_below", "0.5"}, {"reclaim_after_s", "3000"}, {"tick_s", "600"},
                                     {"idle_grace_s", "100000"}, {"scale_down_cooldown_s", "0"}});
  const auto& events = log.events;
  CHECK(log.drains == 1);
  CHECK(log.notices == 0);  // a drain is not a spot interruption
  // Node 1 is below half from 1,000 s (seen at the 1,200 s tick), is drained at the 4,200 s tick and goes
  // when its long job ends at 20,000 s, not after the idle grace.
  std::vector<NodeEvent> releases;
  for (const auto& e : events)
    if (!e.acquired) releases.push_back(e);
  REQUIRE(releases.size() >= 1);
  CHECK(releases[0].t == 20000'000'000);
}

TEST_CASE("quota book: GPU and vCPU quotas of a cluster, by hand", "[elastic][quota]") {
  // Pool "od" (cluster c): four 4-core 1-T4 nodes; pool "cpu" (cluster c): two VMs of 16 vCPUs, of
  // which pods may request 14 (2 kept by the VM). Quotas: 3 T4; 10 vCPUs over "od"; 40 over all of c.
  const Fleet fleet = fleet_from(R"({
    "clusters": [{"name": "c", "quotas": [{"gpu_model": "T4", "max_gpus": 3}],
                  "vcpu_quotas": [{"pools": ["od"], "max_vcpus": 10}, {"max_vcpus": 40}]}],
    "pools": [{"name": "od", "kind": "on-demand", "cluster": "c", "elastic": {"min_nodes": 0}},
              {"name": "cpu", "kind": "on-demand", "cluster": "c", "elastic": {"min_nodes": 0}}],
    "hosts": [{"name_prefix": "h", "count": 2, "cpu_cores": 32, "memory_gib": 128}],
    "nodes": [{"group": {"count": 4, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4", "pool": "od"}},
              {"group": {"name_prefix": "vm", "count": 2, "cpu_cores": 16, "memory_gib": 64, "pool": "cpu",
                         "vm": {"hosts": "h", "overhead_cpu_cores": 2}}}]})");
  REQUIRE(fleet.size() == 6);
  CHECK(node_vcpu_milli(fleet, 0) == 4000);
  CHECK(node_vcpu_milli(fleet, 4) == 16000);  // 14 for pods + 2 the VM keeps
  QuotaBook book(fleet);
  book.recount([](std::size_t) { return false; });
  CHECK(book.room(0) == 2);  // 10 vCPUs / 4 (the T4 quota would allow 3)
  CHECK(book.room(4) == 2);  // 40 / 16
  book.charge(0, 1);         // 6 of "od"'s vCPUs, 2 T4 and 36 of c's vCPUs left
  CHECK(book.room(1) == 1);
  book.charge(4, 2);         // 4 of c's vCPUs left
  CHECK(book.room(1) == 1);  // 6 / 4 and 4 / 4
  CHECK(book.room(5) == 0);
  CHECK(book.overdrawn().empty());
  book.charge(1, 1);
  CHECK(book.room(2) == 0);
  // Held from the start beyond a quota: the first quota overdrawn is named with both amounts.
  book.recount([](std::size_t n) { return n < 3; });  // 12 vCPUs of "od" held
  CHECK(book.room(3) == 0);
  CHECK(book.overdrawn() == "fleet.clusters[c].vcpu_quotas[0]: 12 vCPUs are held from the start (static pools and "
                            "elastic min_nodes), above the quota of 10");
  book.recount([](std::size_t n) { return n < 4; });  // 4 T4 above 3: the GPU quota comes first
  CHECK(book.overdrawn().rfind("fleet.clusters[c].quotas: 4 T4 GPUs are held", 0) == 0);
}

TEST_CASE("autoscaler, predictive: the profile stays within the cluster's quotas", "[elastic][autoscaler][quota]") {
  // The profile asks for 6 T4 nodes from 08:00; the cluster may hold 5 T4 and 12 vCPUs (3 nodes).
  const Fleet fleet = fleet_from(R"({
    "clusters": [{"name": "c", "quotas": [{"gpu_model": "T4", "max_gpus": 5}], "vcpu_quotas": [{"max_vcpus": 12}]}],
    "pools": [{"name": "od", "kind": "on-demand", "boot_delay_s": 0, "cluster": "c", "elastic": {"min_nodes": 0}}],
    "nodes": [{"group": {"count": 10, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]})");
  JobTable jobs;
  test::add_job(jobs, 0, 10, test::req(1000, 0));
  test::add_job(jobs, 1.5 * 86400, 10, test::req(1000, 0));
  std::string profile;
  for (int h = 0; h < 24; ++h) profile += std::string(h ? "," : "") + (h < 8 ? "0" : "6");
  const auto events = run_with(fleet, jobs, "autoscaler",
                               {{"daily_profile", profile}, {"lead_s", "0"}, {"tick_s", "600"}, {"idle_grace_s", "60"},
                                {"scale_up_cooldown_s", "0"}, {"scale_down_cooldown_s", "0"}});
  std::int32_t most = 0;
  for (const auto& e : events) most = std::max(most, e.held_after);
  CHECK(most == 3);
}
