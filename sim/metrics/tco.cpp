#include "sim/metrics/tco.h"

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
  if (od_ok && owned_ok)
    for (std::size_t m = 0; m <= M; ++m)
      if (owned.cumulative[m] <= on_demand.cumulative[m] * (1 + 1e-12)) {
        out.breakeven_month = static_cast<double>(m);
        break;
      }
}

}  // namespace capsim
