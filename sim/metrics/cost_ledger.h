#pragma once
// The cost ledger: listens to a run and bills every node-second to its pool,
// charges each job for the CPU, memory and GPU it holds at per-unit rates
// derived from its node's price (OpenCost's method), and books what no job
// holds as idle cost. Money is integrated exactly over piecewise-constant
// rates into fixed windows (no sampling), so for every center and window
//   bill = idle + sum over teams of job charges
// up to floating-point rounding, which the ledger measures and reports
// (cost_conservation_error). Work per job start or end is O(1) plus the
// windows crossed since the touched cells last changed.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/engine_listener.h"
#include "sim/metrics/run_result.h"
#include "sim/model/pricing.h"

namespace capsim {

struct CostOptions {
  SimTime window_us = 3'600'000'000;
  std::int32_t tco_months = 36;
  double revenue_per_job = 0;
  double revenue_per_gpu_hour = 0;
  // Showback: business units (parent index, -1 for a root; no cycles), the unit of each named team,
  // and the teams whose pods are shared (platform, system).
  std::vector<std::string> units;
  std::vector<std::int32_t> unit_parent;
  std::vector<std::pair<std::string, std::int32_t>> team_unit;
  std::vector<std::string> shared_teams;
};

class CostLedger final : public EngineListener {
 public:
  CostLedger(const FleetPricing& pricing, CostOptions options);

  void on_run_start(const Simulation& sim, SimTime start) override;
  void on_job_placed(const Simulation& sim, SimTime t, std::uint32_t job, const Placement& p) override;
  void on_job_finished(const Simulation& sim, SimTime t, std::uint32_t job, const Placement& p) override;
  void on_job_interrupted(const Simulation& sim, SimTime t, std::uint32_t job, const Placement& p,
                          SimTime lost_us, InterruptReason) override;
  void on_node_acquired(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_node_released(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_run_end(const Simulation& sim, SimTime end) override;

  // Fills result.cost, the jobs' cost columns and the cost summary keys.
  void take(const Simulation& sim, RunResult& result);

 private:
  struct Meter {
    double net = 0, internal = 0;  // money per hour
    SimTime last = 0;
  };
  struct JobRate {
    double held_net, held_internal, busy_net, busy_internal;
    double busy_units;
  };
  JobRate job_rate(const Simulation& sim, std::uint32_t job, std::size_t node) const;
  // Integrates m from m.last to now into arr[window * stride + cell] (net) and internal_total.
  void advance(Meter& m, SimTime now, std::size_t cell, std::size_t stride, std::vector<double>& arr,
               double& internal_total);
  void ensure_window(std::size_t w);
  void hold(SimTime t, std::size_t node, double sign);
  // Spot price series: scales the rates of every cell of a center at each change up to t.
  void apply_price_changes(SimTime t);
  double factor_net(std::size_t c) const { return factor_[c]; }
  double factor_internal(std::size_t c) const {
    return pricing_->centers[c].internal_follows_price ? factor_[c] : 1.0;
  }
  void job_change(const Simulation& sim, SimTime t, std::uint32_t job, std::size_t node, double sign);
  // Ends a job's run segment at t: its charge for the segment (every worker) joins its cost.
  void end_segment(const Simulation& sim, SimTime t, std::uint32_t job);

  const FleetPricing* pricing_;
  CostOptions options_;
  std::size_t centers_ = 0, teams_ = 0;
  SimTime start_ = 0, end_ = 0;
  std::size_t windows_ = 0;
  std::vector<Meter> bill_m_, idle_m_, charge_m_;
  std::vector<double> bill_, idle_, charge_;  // net, by window
  std::vector<double> bill_int_, idle_int_, charge_int_;  // internal totals
  std::vector<double> rounding_, boot_, rounding_int_;
  // VM fleets: the VMs' own part of their price (part of idle), net by window, internal totals.
  bool vms_ = false;
  std::vector<Meter> overhead_m_;
  std::vector<double> overhead_, overhead_int_;
  std::vector<Meter> busy_units_m_;  // per center: units held (GPU milli, or CPU milli on CPU-only nodes)
  std::vector<double> busy_units_h_;
  std::vector<Meter> held_gpus_m_;  // per center: GPUs of the nodes held (net), integrated in held_gpu_h_
  std::vector<double> held_gpu_h_;
  const std::vector<std::int32_t>* gpu_count_ = nullptr;  // the fleet's, per node
  Meter gpu_alloc_m_;  // allocated GPU milli, cluster-wide
  double gpu_milli_hours_ = 0;
  std::vector<double> job_cost_net_, job_cost_internal_;
  // Services with revenue: each service's charges by simulated day, [day * services + service].
  bool service_days_ = false;
  std::vector<double> service_cost_by_day_;
  void add_service_days(const Simulation& sim, std::uint32_t j, SimTime from, SimTime to);
  std::vector<SimTime> segment_start_;  // per job: when its current run segment started
  struct PriceChange {
    SimTime t;
    std::size_t center;
    double factor;
  };
  std::vector<PriceChange> price_changes_;  // all centers, by time
  std::size_t next_change_ = 0;
  std::vector<double> factor_;              // per center, now
  std::vector<std::uint8_t> acquired_by_policy_;
};

}  // namespace capsim
