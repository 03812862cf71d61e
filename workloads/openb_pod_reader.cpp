#include "workloads/openb_pod_reader.h"

#include <algorithm>

#include "sim/base/check.h"
#include "sim/model/fleet.h"

namespace capsim {
namespace {

// Trace times beyond this (about 31,700 years) would overflow microseconds.
constexpr double kMaxTraceSeconds = 1e12;

double trace_time(const CsvReader& csv, int col) {
  const double v = csv.get_double(col);
  if (v < 0) csv.fail(col, "time must not be negative, got " + std::string(csv.field(col)));
  if (v > kMaxTraceSeconds) csv.fail(col, "time too large: " + std::string(csv.field(col)));
  return v;
}

}  // namespace

GpuModelMask parse_gpu_spec(const CsvReader& csv, int col) {
  std::string_view spec = csv.field(col);
  GpuModelMask mask = 0;
  while (!spec.empty()) {
    const std::size_t bar = spec.find('|');
    const std::string_view name = spec.substr(0, bar);
    auto id = find_gpu_model(name);
    if (!id) csv.fail(col, "unknown GPU model '" + std::string(name) + "' (known: " + gpu_model_names() + ")");
    mask |= GpuModelMask{1} << *id;
    if (bar == std::string_view::npos) break;
    spec.remove_prefix(bar + 1);
  }
  return mask;
}

std::size_t read_openb_pods(CsvReader& csv, BadRowPolicy& bad, JobTable& jobs) {
  const int c_name = csv.column("name", false);
  const int c_cpu = csv.column("cpu_milli");
  const int c_mem = csv.column("memory_mib");
  const int c_num_gpu = csv.column("num_gpu");
  const int c_gpu_milli = csv.column("gpu_milli");
  const int c_spec = csv.column("gpu_spec", false);
  const int c_qos = csv.column("qos", false);
  // Some openb samples (multigpuNN) list request shapes only: no times.
  const bool timed = csv.has_column("creation_time") || csv.has_column("deletion_time");
  const int c_create = timed ? csv.column("creation_time") : -1;
  const int c_delete = timed ? csv.column("deletion_time") : -1;
  if (!timed) jobs.sources_without_times.push_back(csv.path());
  const std::int32_t source = jobs.add_source(csv.path());
  std::size_t added = 0;
  while (csv.next_row()) {
    bad.guard([&] {
      JobRow r;
      r.name = c_name >= 0 ? std::string(csv.field(c_name)) : "pod-" + std::to_string(csv.line());
      r.request.cpu_milli = csv.get_int(c_cpu);
      if (r.request.cpu_milli < 0) csv.fail(c_cpu, "must not be negative");
      r.request.memory_mib = csv.get_int(c_mem);
      if (r.request.memory_mib < 0) csv.fail(c_mem, "must not be negative");
      const std::int64_t num_gpu = csv.get_int(c_num_gpu);
      if (num_gpu < 0 || num_gpu > kMaxGpusPerNode)
        csv.fail(c_num_gpu, "must be in [0, " + std::to_string(kMaxGpusPerNode) + "]");
      const std::int64_t gpu_milli = csv.get_int(c_gpu_milli);
      if (num_gpu == 0 && gpu_milli != 0) csv.fail(c_gpu_milli, "must be 0 for a pod without GPUs");
      if (num_gpu == 1 && (gpu_milli < 1 || gpu_milli > kMilliPerGpu))
        csv.fail(c_gpu_milli, "must be in [1, 1000] for a 1-GPU pod, got " + std::to_string(gpu_milli));
      if (num_gpu > 1 && gpu_milli != kMilliPerGpu)
        csv.fail(c_gpu_milli, "multi-GPU pods take whole GPUs: must be 1000, got " + std::to_string(gpu_milli));
      r.request.num_gpu = static_cast<std::int32_t>(num_gpu);
      r.request.gpu_milli = static_cast<std::int32_t>(gpu_milli);
      if (c_spec >= 0 && num_gpu > 0) r.request.gpu_models = parse_gpu_spec(csv, c_spec);
      if (c_spec >= 0 && num_gpu == 0) (void)parse_gpu_spec(csv, c_spec);  // still reject unknown models
      r.qos = c_qos >= 0 ? std::string(csv.field(c_qos)) : "";
      if (jobs.qos_names.size() >= kMaxQosClasses &&
          std::find(jobs.qos_names.begin(), jobs.qos_names.end(), r.qos) == jobs.qos_names.end())
        csv.fail(c_qos, "more than " + std::to_string(kMaxQosClasses) + " distinct QoS classes");
      const double created = timed ? trace_time(csv, c_create) : 0.0;
      const double deleted = timed ? trace_time(csv, c_delete) : 0.0;
      if (deleted < created)
        csv.fail(c_delete, "deletion_time " + std::string(csv.field(c_delete)) + " is before creation_time " +
                               std::string(csv.field(c_create)));
      r.submit_us = seconds_to_us(created);
      r.duration_us = seconds_to_us(deleted) - r.submit_us;
      r.source = source;
      r.source_line = csv.line();
      jobs.add(r);
      ++added;
    });
  }
  return added;
}

std::size_t read_openb_pods(const std::string& path, BadRowPolicy& bad, JobTable& jobs) {
  CsvReader csv = CsvReader::open(path);
  return read_openb_pods(csv, bad, jobs);
}

}  // namespace capsim
