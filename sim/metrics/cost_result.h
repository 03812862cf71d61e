#pragma once
// The cost side of one run, in the shape of /cost in results.h5 (README
// "Cost model"). Net money per ledger window and cost center; the internal
// (team-facing) view as totals. A center is one pool's nodes priced by one
// catalog entry with one GPU model; pools, providers and GPU models are sums
// of centers.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace capsim {

struct CostCenterInfo {
  std::string pool;
  std::string pool_kind;
  std::string provider;
  std::string region;
  std::string node_type;
  std::string gpu_model;  // "none" for CPU-only nodes
  std::int64_t nodes = 0;
  // GPU-hours of the center's nodes while held, and allocated to pods (the useful ones).
  double gpu_hours_held = 0, gpu_hours_allocated = 0;
};

struct TcoCurve {
  std::string name;            // "as_run", "on_demand", "owned"
  std::vector<double> cumulative;  // by month 0..months
};

struct CostResult {
  bool present = false;
  std::string currency;
  std::string catalog_source;
  std::string catalog_as_of;
  std::int64_t start_us = 0;
  std::int64_t window_us = 0;
  std::vector<CostCenterInfo> centers;
  std::vector<std::string> teams;
  std::size_t windows = 0;
  // Net view, by window: bill[w*C + c], idle[w*C + c], charge[(w*C + c)*T + t].
  std::vector<double> bill, idle, charge;
  // Internal view, totals over the run: by center, and by center and team.
  std::vector<double> bill_internal, idle_internal, charge_internal;
  // VM fleets: the VMs' own part of the bill (their overhead; part of idle), net by window
  // (overhead[w*C + c]) and internal by center; empty without VMs.
  std::vector<double> overhead, overhead_internal;
  // Net, by center: part of bill from billing rounding and minimums, and from boot time.
  std::vector<double> rounding, boot;
  // Showback: business units (parent -1: a root), each team's unit (-1: none) and whether its pods
  // are shared platform or system pods (docs/cost.md#showback).
  std::vector<std::string> units;
  std::vector<std::int32_t> unit_parent;
  std::vector<std::int32_t> team_unit;
  std::vector<std::uint8_t> team_shared;
  // TCO projection (sim/metrics/tco.h).
  std::int32_t tco_months = 0;
  std::vector<TcoCurve> tco;
  std::vector<double> tco_by_center;  // as_run, [month*C + c]
  double breakeven_month = -1;        // owned vs net on-demand; -1: never within the horizon or not priced
  // Owned vs each commitment every center offers (curve "reserved_NAME"): (name, month or -1).
  std::vector<std::pair<std::string, double>> breakeven_reserved;
  // Unit economics of services with revenue_per_request, by simulated day (day k: [k, k+1) x 86,400 s
  // from time 0): requests served and their revenue; empty otherwise.
  std::vector<double> served_by_day, revenue_by_day;
  // The same by pool (served where the ready replicas were): [day * P + p] over daily_pools.
  std::vector<std::string> daily_pools;
  std::vector<double> served_by_day_pool, revenue_by_day_pool;
  // And by service: [day * S + s] over daily_services; the cost is what its replicas were charged
  // (their share of the nodes they held, idle not included).
  std::vector<std::string> daily_services;
  std::vector<double> cost_by_day_service, served_by_day_service, revenue_by_day_service;
};

}  // namespace capsim
