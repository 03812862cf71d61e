#pragma once
// Total cost of ownership over months, from one run taken as a steady
// workload: the run's net bill per hour, extrapolated; the same nodes rented
// on demand; and the same nodes bought (cash view: purchase at month 0, then
// operations, colocation and electricity at the run's measured use). The
// owned-versus-cloud break-even month is the first whole month in which the
// owned cumulative cost is not above the on-demand one; with constant
// monthly costs that is ceil(purchase / (cloud_per_month - opex_per_month)).
#include <vector>

#include "sim/metrics/cost_result.h"
#include "sim/model/pricing.h"

namespace capsim {

struct TcoInputs {
  double run_hours = 0;
  std::int32_t months = 36;
  std::vector<double> center_bill;    // net, over the run
  std::vector<double> busy_fraction;  // per center: mean share of busy units held by jobs
};

// Fills out.tco, out.tco_by_center, out.tco_months and out.breakeven_month.
void project_tco(const std::vector<CostCenter>& centers, const TcoInputs& in, CostResult& out);

// The closed form, for checks: -1 when cloud is not dearer per month.
double breakeven_month_closed_form(double purchase, double opex_per_month, double cloud_per_month);

}  // namespace capsim
