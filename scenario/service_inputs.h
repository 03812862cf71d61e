#pragma once
// An online service from a scenario (`workloads[i].service`): its spec (the
// load curve read or generated, HPA settings) and its replica slots
// (workloads/service_jobs.h).
#include <cstdint>
#include <string>

#include "scenario.pb.h"
#include "sim/model/job_table.h"

namespace capsim {

// field: "workloads[i].service" for errors; horizon_us: the scenario's (kNever: none).
JobTable service_jobs(const config::ServiceSource& v, const std::string& field, const std::string& base_dir,
                      SimTime horizon_us, std::uint64_t seed);

// Resolves every service's spill_to name to its index once all services are read: an unknown
// name, a service spilling to itself or a cycle of spills is an InputError naming the field.
void resolve_spill_routes(JobTable& jobs);

}  // namespace capsim
