#pragma once
// A two-entry price catalog for tests: one cloud box (on-demand, spot, a
// 1-year commitment, 20% on-demand discount) and the same box owned on
// premises. Shared by the cost tests and the whole-run fuzz target.

namespace capsim::test {

inline constexpr const char* kPriceCatalog = R"({
  "currency": "USD", "source": "test", "as_of": "2026-11-22",
  "discounts": [{"provider": "aws", "pool_kind": "on-demand", "fraction": 0.2}],
  "nodes": [
    {"provider": "aws", "region": "r", "node_type": "box", "gpu_model": "T4", "gpus": 1, "cpu_cores": 4,
     "memory_gib": 16, "on_demand_per_hour": 3.6, "spot_per_hour": 1.2,
     "commitments": [{"name": "1y", "term_months": 12, "upfront": 8760, "per_hour": 0.5}]},
    {"provider": "onprem", "region": "dc", "node_type": "box", "gpu_model": "T4", "gpus": 1, "cpu_cores": 4,
     "memory_gib": 16, "on_demand_per_hour": 10,
     "owned": {"purchase": 73000, "depreciation_months": 100, "residual": 0, "power_idle_kw": 1,
               "power_busy_kw": 3, "pue": 1.5, "electricity_per_kwh": 0.2, "ops_per_month": 730}}
  ]})";

}  // namespace capsim::test
