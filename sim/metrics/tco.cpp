#include "sim/metrics/tco.h"

#include <algorithm>
#include <cmath>

#include "sim/model/pool.h"

namespace capsim {

double breakeven_month_closed_form(double purchase, double opex_per_month, double cloud_per_month) {
  if (!(cloud_per_month > opex_per_month)) return -1;
  return std::ceil(purchase / (cloud_per_month - opex_per_month));
}

void project_tco(const std::vector<CostCenter>& centers, const TcoInputs& in, CostResult& out) {
  const std::size_t C = centers.size();
  const auto M = static_cast<std::size_t>(in.months);
  out.tco_months = in.months;
  out.tco.clear();
  out.tco_by_center.assign((M + 1) * C, 0.0);
  out.breakeven_month = -1;
  if (!(in.run_hours > 0)) return;

  TcoCurve as_run{"as_run", std::vector<double>(M + 1, 0.0)};
  TcoCurve on_demand{"on_demand", std::vector<double>(M + 1, 0.0)};
  TcoCurve owned{"owned", std::vector<double>(M + 1, 0.0)};
  bool od_ok = C > 0, owned_ok = C > 0;
  double od_month = 0, purchase = 0, opex_month = 0;
  for (std::size_t c = 0; c < C; ++c) {
    const double per_month = in.center_bill[c] / in.run_hours * kHoursPerMonth;
    for (std::size_t m = 0; m <= M; ++m) out.tco_by_center[m * C + c] = per_month * static_cast<double>(m);
    od_ok = od_ok && std::isfinite(centers[c].on_demand_net_per_hour);
    owned_ok = owned_ok && std::isfinite(centers[c].owned_purchase);
    if (od_ok) od_month += centers[c].on_demand_net_per_hour * kHoursPerMonth;
    if (owned_ok) {
      purchase += centers[c].owned_purchase;
      opex_month += centers[c].owned_opex_per_month + centers[c].owned_busy_energy_per_month * in.busy_fraction[c];
    }
  }
  for (std::size_t m = 0; m <= M; ++m) {
    double total = 0;
    for (std::size_t c = 0; c < C; ++c) total += out.tco_by_center[m * C + c];
    as_run.cumulative[m] = total;
    on_demand.cumulative[m] = od_month * static_cast<double>(m);
    owned.cumulative[m] = purchase + opex_month * static_cast<double>(m);
  }
  out.tco.push_back(std::move(as_run));
  if (od_ok) out.tco.push_back(on_demand);
  if (owned_ok) out.tco.push_back(owned);
  auto breakeven = [&](const TcoCurve& rent) {
    for (std::size_t m = 0; m <= M; ++m)
      if (owned.cumulative[m] <= rent.cumulative[m] * (1 + 1e-12)) return static_cast<double>(m);
    return -1.0;
  };
  if (od_ok && owned_ok) out.breakeven_month = breakeven(on_demand);
  // Each commitment every center offers: upfront at the start of every term (months 0, term, 2 term, ...;
  // by the end of month m, the terms started before it: at least the first), per_hour for every hour.
  out.breakeven_reserved.clear();
  if (C == 0) return;
  for (const CostCenter::Reserved& first : centers[0].reserved) {
    TcoCurve curve{"reserved_" + first.name, std::vector<double>(M + 1, 0.0)};
    bool everywhere = first.term_months > 0;
    for (std::size_t c = 0; c < C && everywhere; ++c) {
      const auto it = std::find_if(centers[c].reserved.begin(), centers[c].reserved.end(),
                                   [&](const CostCenter::Reserved& r) { return r.name == first.name; });
      if (it == centers[c].reserved.end() || it->term_months <= 0) {
        everywhere = false;
        break;
      }
      for (std::size_t m = 0; m <= M; ++m)
        curve.cumulative[m] += it->upfront * std::max(1.0, std::ceil(static_cast<double>(m) / it->term_months - 1e-12)) +
                               it->per_hour * kHoursPerMonth * static_cast<double>(m);
    }
    if (!everywhere) continue;
    if (owned_ok) out.breakeven_reserved.push_back({first.name, breakeven(curve)});
    out.tco.push_back(std::move(curve));
  }
}

}  // namespace capsim
