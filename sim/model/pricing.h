#pragma once
// What every node of a fleet costs, resolved from a price catalog and the
// pools' price rules (sim/io/fleet_pricing.h): plain numbers the cost ledger
// uses per event without any lookup. Rates are money per hour in the
// catalog's currency. Two views: net (what finance pays, after negotiated
// discounts) and internal (the list or internal unit prices teams are shown).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/time.h"

namespace capsim {

// Nodes of one pool priced by one catalog entry, with one GPU model: the
// finest grain of the ledger. Pool, provider and GPU model views sum centers.
struct CostCenter {
  std::int32_t pool = 0;
  std::string provider;
  std::string region;
  std::string node_type;
  std::string gpu_model;  // "none" for CPU-only nodes
  std::int32_t nodes = 0;
  double gpus = 0;
  // For the TCO projection: the same nodes under other purchase options
  // (sums over the center's nodes; NaN where the catalog has no such price).
  double on_demand_net_per_hour = 0;
  double owned_purchase = 0;        // cash at month 0
  double owned_opex_per_month = 0;  // operations, colocation and idle electricity
  double owned_busy_energy_per_month = 0;  // extra electricity at full use
  // The same nodes under each commitment of the entry (net: the provider's reserved discount).
  struct Reserved {
    std::string name;
    double term_months = 0;
    double upfront = 0;       // per term, paid at its start
    double per_hour = 0;
  };
  std::vector<Reserved> reserved;
  // A spot price series: node rates hold at factor 1 (the series' first
  // price); from price_change_us[i] on, every rate of the center is
  // multiplied by price_factor[i]. Empty: constant prices.
  std::vector<SimTime> price_change_us;
  std::vector<double> price_factor;
  bool internal_follows_price = true;  // false when the entry gives a flat internal_per_hour
  // Integral of the factor over [0, t], in microseconds (t itself without changes).
  double factor_time_us(SimTime t) const;
  double factor_at(SimTime t) const;
};

// Rates of one node. The held part is billed whenever the node is held; it
// is split over CPU, memory and GPU so that a job pays per unit it holds
// (OpenCost's method) and what no job holds is idle cost. The busy part
// (owned hardware's extra electricity under load) exists only while jobs
// hold the node's GPUs (or CPUs on a CPU-only node) and is theirs alone.
struct NodeRates {
  std::int32_t center = 0;
  double net_per_hour = 0, internal_per_hour = 0;
  // Per unit held, per hour: CPU milli-core, memory MiB, GPU milli.
  double cpu_net = 0, mem_net = 0, gpu_net = 0;
  double cpu_internal = 0, mem_internal = 0, gpu_internal = 0;
  // Busy electricity per unit held (GPU milli, or CPU milli-core without GPUs).
  double busy_net = 0, busy_internal = 0;
  bool busy_by_cpu = false;
  // A VM's own part of its price (its overhead: system reserve, daemon pods), per hour while held.
  double overhead_net = 0, overhead_internal = 0;
};

struct FleetPricing {
  std::string currency;
  std::string catalog_source;
  std::string catalog_as_of;
  std::vector<CostCenter> centers;
  std::vector<NodeRates> node;  // by node index
};

}  // namespace capsim
