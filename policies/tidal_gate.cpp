#include "policies/tidal_gate.h"

namespace capsim {

TidalGate::TidalGate(PlacementPolicy& inner, const TidalCalendar& calendar, const JobTable& jobs)
    : inner_(inner), calendar_(calendar), jobs_(jobs), eligibility_(jobs.size(), 0) {
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (std::size_t w = 0; w < calendar.windows.size() && w < 63; ++w)
      if (calendar.may_start_in(jobs, j, static_cast<int>(w))) eligibility_[j] |= std::uint64_t{1} << w;
}

}  // namespace capsim
