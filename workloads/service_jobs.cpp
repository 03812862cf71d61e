#include "workloads/service_jobs.h"

namespace capsim {

JobTable replica_slots(const ServiceSpec& spec, const JobRequest& request, const std::string& team, const std::string& job_class,
                       const std::string& source) {
  JobTable t;
  t.services.push_back(spec);
  t.add_source(source);
  for (std::int32_t k = 0; k < spec.slots; ++k) {
    JobRow row;
    row.name = spec.name + "/replica-" + std::to_string(k);
    row.submit_us = kNever;    // submitted by the service component
    row.duration_us = kNever;  // runs until the component ends it
    row.request = request;
    row.source = 0;
    row.source_line = k + 1;
    row.team = team;
    row.qos = job_class;
    row.service = 0;
    t.add(row);
  }
  return t;
}

}  // namespace capsim
