#include "scenario/memory_estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/base/check.h"
#include "sim/io/scenario_loader.h"

namespace capsim {
namespace {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (b >= 1000 && u < 6) b /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

std::string count(double n, const char* what) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f %s", n, what);
  return buf;
}

double file_rows(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0.0 : static_cast<double>(size) / kBytesPerTraceRow;
}

}  // namespace

void MemoryEstimate::add(const std::string& field, double b, const std::string& what) {
  bytes += b;
  if (b > largest_bytes) {
    largest_bytes = b;
    largest_field = field;
    largest_what = what;
  }
}

double memory_limit_bytes(const config::Scenario& s) {
  if (s.max_memory_gib() > 0) return s.max_memory_gib() * 1024.0 * 1024.0 * 1024.0;
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024.0;
  return INFINITY;
}

void check_memory(const MemoryEstimate& e, const config::Scenario& s) {
  const double limit = memory_limit_bytes(s);
  if (e.bytes <= limit) return;
  throw InputError("scenario field " + e.largest_field + ": " + e.largest_what + " need about " +
                   human_bytes(e.largest_bytes) + " (the whole run about " + human_bytes(e.bytes) + "), more than " +
                   (s.max_memory_gib() > 0 ? "the limit of " + human_bytes(limit) + " (max_memory_gib, --max-memory)"
                                           : "the " + human_bytes(limit) + " of memory available on this machine "
                                             "(raise it with --max-memory GIB if you know better)"));
}

MemoryEstimate estimate_inputs(const config::Scenario& s, const std::string& base_dir, bool workloads) {
  MemoryEstimate e;
  for (int i = 0; i < s.fleet().nodes_size(); ++i) {
    const auto& n = s.fleet().nodes(i);
    const std::string field = "fleet.nodes[" + std::to_string(i) + "]";
    if (n.has_group()) {
      const double nodes = n.group().count();
      e.add(field + ".group.count", nodes * (kBytesPerNode + kBytesPerGpu * n.group().gpus()), count(nodes, "nodes"));
    } else if (n.has_trace()) {
      const double rows = file_rows(resolve_path(base_dir, n.trace().path()));
      e.add(field + ".trace.path", rows * (kBytesPerNode + 8 * kBytesPerGpu), count(rows, "node rows at most"));
    }
  }
  for (int i = 0; i < s.workloads_size() && workloads; ++i) {
    const auto& w = s.workloads(i);
    const std::string field = "workloads[" + std::to_string(i) + "]";
    if (w.has_synthetic()) {
      const double jobs = w.synthetic().count();
      // A gang's workers share its job's columns: a job costs the same whatever its workers.
      e.add(field + ".synthetic.count", jobs * kBytesPerJob, count(jobs, "jobs"));
    } else if (w.has_trace()) {
      const double rows = file_rows(resolve_path(base_dir, w.trace().path()));
      e.add(field + ".trace.path", rows * kBytesPerJob, count(rows, "pod rows at most"));
    } else if (w.has_service()) {
      const auto& v = w.service();
      const double copies = std::max(1.0, double(v.copies()));
      const double slots =
          copies * std::max({double(v.max_replicas()), double(v.replicas()), double(v.min_replicas()), 1.0});
      e.add(field + ".service.max_replicas", slots * kBytesPerJob, count(slots, "replica slots"));
      if (v.load().has_diurnal()) {
        const auto& d = v.load().diurnal();
        const double span = d.span_s() > 0 ? d.span_s() : (v.end_s() > 0 ? v.end_s() : s.horizon_s()) - v.start_s();
        const double steps = std::max(1.0, span / (d.step_s() > 0 ? d.step_s() : 60.0));
        e.add(field + ".service.load.diurnal", copies * steps * 16, count(copies * steps, "load steps"));
      }
    }
  }
  return e;
}

MemoryEstimate estimate_results(const config::Scenario& s, const JobTable& jobs, std::size_t cost_centers) {
  MemoryEstimate e;
  if (jobs.size() == 0) return e;
  SimTime last = 0;
  SimTime first = kNever;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (jobs.submit_us[j] != kNever && jobs.duration_us[j] != kNever) {
      last = std::max(last, jobs.submit_us[j] + jobs.duration_us[j]);
      first = std::min(first, jobs.submit_us[j]);
    }
  for (const ServiceSpec& v : jobs.services)
    if (v.end_us != kNever) {
      last = std::max(last, v.end_us);
      first = std::min(first, SimTime{0});
    }
  if (first == kNever) return e;
  double span_s = us_to_seconds(last - first);
  if (s.horizon_s() > 0) span_s = std::min(span_s, std::max(0.0, s.horizon_s() - us_to_seconds(first)));
  const double interval = s.sample_interval_s() > 0 ? s.sample_interval_s() : 3600.0;
  constexpr double kSeriesColumns = 16;
  const double samples = span_s / interval + 2;
  e.add("sample_interval_s", samples * kSeriesColumns * 8, count(samples, "time-series samples"));
  if (s.has_cost()) {
    const double window = s.cost().window_s() > 0 ? s.cost().window_s() : 3600.0;
    const double windows = span_s / window + 2;
    const double cells = windows * static_cast<double>(cost_centers) * static_cast<double>(jobs.team_names.size() + 3);
    e.add("cost.window_s", cells * 8, count(windows, "ledger windows"));
  }
  return e;
}

}  // namespace capsim
