#pragma once
// A service's replica slots: one job row per slot, on request (submit kNever)
// and running until ended (duration kNever); the service component submits
// and ends them (sim/components/services.h). A table of one service.
#include <string>

#include "sim/model/job_table.h"

namespace capsim {

JobTable replica_slots(const ServiceSpec& spec, const JobRequest& request, const std::string& team, const std::string& job_class,
                       const std::string& source);

}  // namespace capsim
