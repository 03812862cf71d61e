#pragma once
// Small builders for tests: fleets and job tables whose right answers are
// known by hand.
#include <string>

#include "sim/model/fleet.h"
#include "sim/model/job_table.h"

namespace capsim::test {

inline NodeSpec node(const std::string& name, std::int64_t cpu_milli, std::int64_t memory_mib, int gpus,
                     const std::string& model = "T4") {
  NodeSpec s;
  s.name = name;
  s.cpu_milli = cpu_milli;
  s.memory_mib = memory_mib;
  s.gpu_count = gpus;
  if (gpus > 0) s.gpu_model = *find_gpu_model(model);
  return s;
}

inline JobRequest req(std::int64_t cpu_milli, std::int64_t memory_mib, int num_gpu = 0, int gpu_milli = 0,
                      GpuModelMask models = 0) {
  return {cpu_milli, memory_mib, num_gpu, num_gpu == 0 ? 0 : (num_gpu > 1 ? 1000 : gpu_milli), models};
}

inline void add_job(JobTable& t, double submit_s, double duration_s, const JobRequest& r) {
  JobRow row;
  row.name = "job-" + std::to_string(t.size());
  row.submit_us = static_cast<SimTime>(submit_s * 1e6);
  row.duration_us = static_cast<SimTime>(duration_s * 1e6);
  row.request = r;
  row.source_line = static_cast<std::int32_t>(t.size() + 1);
  t.add(row);
}

}  // namespace capsim::test
