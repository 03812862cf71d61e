#include "sim/model/pricing.h"

#include <algorithm>

namespace capsim {

double CostCenter::factor_at(SimTime t) const {
  const auto it = std::upper_bound(price_change_us.begin(), price_change_us.end(), t);
  return it == price_change_us.begin() ? 1.0 : price_factor[static_cast<std::size_t>(it - price_change_us.begin() - 1)];
}

double CostCenter::factor_time_us(SimTime t) const {
  double total = 0, factor = 1;
  SimTime from = 0;
  for (std::size_t i = 0; i < price_change_us.size() && price_change_us[i] < t; ++i) {
    total += factor * static_cast<double>(price_change_us[i] - from);
    from = price_change_us[i];
    factor = price_factor[i];
  }
  return total + factor * static_cast<double>(t - from);
}

}  // namespace capsim
