#pragma once
// Showback (docs/cost.md#showback): a run's bill shown back to business units. Each unit pays what
// its teams' pods were charged (direct); shared costs, the charges of shared platform and system
// pods, the VMs' own overhead and the idle capacity, are allocated to the units by a rule, per cost center as Kubecost
// shares them:
//   proportional  in proportion to the units' direct charges in that center (a center no unit used:
//                 in proportion to their direct charges over the whole bill);
//   even          the same amount to every unit;
//   fixed:FILE    by fixed shares (a CSV "unit,share"; shares of at most 1 in total, the rest stays
//                 with the platform as "(platform)").
// Amounts are rounded to the cent so that the rows add up to the bill's cents exactly (largest
// remainder within each column).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/metrics/cost_result.h"

namespace capsim {

struct ShowbackRule {
  enum Kind { kProportional, kEven, kFixed } kind = kProportional;
  std::vector<std::pair<std::string, double>> fixed;  // unit, share
};

// "proportional", "even" or "fixed:FILE" (FILE read here); throws InputError naming the file and line.
ShowbackRule showback_rule_from(const std::string& text);

struct ShowbackRow {
  std::string unit;      // the unit's path from its root ("consumer/search"), or "(unassigned)", "(platform)"
  std::int64_t direct_cents = 0, platform_cents = 0, overhead_cents = 0, idle_cents = 0;
  std::int64_t total_cents() const { return direct_cents + platform_cents + overhead_cents + idle_cents; }
};

struct Showback {
  std::vector<ShowbackRow> rows;
  std::int64_t bill_cents = 0;
  double platform_held_before = 0;  // shared charges and idle over the bill, before allocation
  double platform_held_after = 0;   // what stays with the platform after it
};

// By the teams' direct units (a team outside every unit: "(unassigned)"). internal: the internal view
// (totals), else net. Throws InputError when the run has no business units.
// Net: over windows [first_window, last_window) (a month of them for --monthly).
Showback showback(const CostResult& cost, const ShowbackRule& rule, bool internal, std::size_t first_window = 0,
                  std::size_t last_window = SIZE_MAX);

}  // namespace capsim
