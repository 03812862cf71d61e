#pragma once
// Synthetic workloads for fleets without a trace: arrivals (Poisson, or the
// arrival times of a trace), durations and request shapes from distributions.
// Every draw comes from a named stream of the scenario seed, so one source's
// draws never shift another's.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/distribution.h"
#include "sim/base/random.h"
#include "sim/model/job_table.h"

namespace capsim {

struct JobShapeSpec {
  double weight = 1;
  JobRequest request;
  std::int32_t workers = 1;  // a gang of this many workers, each with the request
};

struct SyntheticSpec {
  std::string name = "synthetic";   // names jobs and random streams
  std::uint32_t count = 0;
  double poisson_rate_per_hour = 0; // used when trace_arrivals_us is empty
  std::vector<SimTime> trace_arrivals_us;
  DistributionSpec duration_s;
  std::vector<JobShapeSpec> shapes;
  SimTime start_us = 0;
};

// Throws InputError (naming spec.name) for impossible parameters.
JobTable generate_jobs(const SyntheticSpec& spec, std::uint64_t seed);

}  // namespace capsim
