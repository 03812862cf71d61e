#pragma once
// Every workload source (trace readers, generators) produces one JobTable:
// columns indexed by job, sorted by submit time before a run. Requests follow
// the Alibaba openb convention: a 1-GPU job asks for gpu_milli thousandths of
// one device; a multi-GPU job takes num_gpu whole devices.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/tiers.h"

#include "sim/base/time.h"
#include "sim/model/gpu_catalog.h"
#include "sim/model/service.h"

namespace capsim {

inline constexpr std::size_t kMaxQosClasses = 255;  // qos is a uint8 column

struct JobRequest {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t num_gpu = 0;
  std::int32_t gpu_milli = 0;    // per device: 1..1000 for 1-GPU jobs, 1000 for multi-GPU, 0 for none
  GpuModelMask gpu_models = 0;   // allowed models; 0 = any
  bool spot_ok = false;          // may run on spot nodes (spot-tolerant and not high priority)
  ResourceKind kind = ResourceKind::kNative;  // placed against native or reclaimed (mid, batch) CPU and memory
  std::int16_t pool = -1;        // only on nodes of this pool (a workload source's node pool); -1: any

  // The one GPU-milli rule: what each of its devices gives up (a share of one
  // device for a 1-GPU job, whole devices otherwise), and the total held.
  std::int32_t gpu_milli_per_device() const { return num_gpu == 1 ? gpu_milli : kMilliPerGpu; }
  std::int64_t gpu_milli_total() const { return num_gpu == 1 ? gpu_milli : std::int64_t{num_gpu} * kMilliPerGpu; }

  // The request's identity, for the pending queue's classes and the score indexes' trees.
  bool operator==(const JobRequest&) const = default;
  std::uint64_t hash() const {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (std::uint64_t v : {static_cast<std::uint64_t>(cpu_milli), static_cast<std::uint64_t>(memory_mib),
                            static_cast<std::uint64_t>(num_gpu), static_cast<std::uint64_t>(gpu_milli), gpu_models,
                            static_cast<std::uint64_t>(spot_ok), static_cast<std::uint64_t>(kind),
                            static_cast<std::uint64_t>(pool + 1)})
      h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

// How a job survives interruptions and where it may run (one record per
// workload source; jobs hold an index). Lost work is computed in closed form
// from these (sim/core/job_progress.h).
struct Resilience {
  SimTime checkpoint_interval_us = 0;  // work between checkpoints; 0: none
  SimTime checkpoint_cost_us = 0;      // pause to write one
  SimTime restore_us = 0;              // to resume from one
  bool checkpoint_on_notice = false;
  std::int32_t max_retries = -1;       // -1: unlimited
  bool spot_tolerant = false;
  bool high_priority = false;          // never on spot
  SimTime deadline_after_us = 0;       // 0: none
  double max_interruptions_per_node_hour = 0;  // 0: any rate
  std::int16_t pool = -1;              // runs only on nodes of this pool; -1: any
};

struct JobRow {
  std::string name;
  SimTime submit_us = 0;
  SimTime duration_us = 0;
  JobRequest request;
  std::string qos;
  std::int32_t source = 0;       // index into JobTable::source_names
  std::int32_t source_line = 0;  // line in the source file, or row number for generators
  std::string team;              // who pays; empty: the QoS class, or "default" without one
  std::uint16_t resilience = 0;  // index into JobTable::resilience_classes
  std::int32_t workers = 1;      // a gang: this many workers, each with the request, placed and interrupted together
  std::int32_t service = -1;     // index into JobTable::services for a replica slot; -1: a batch job
  std::uint8_t tier_class = 0;   // index into JobTable::tier_classes
};

class JobTable {
 public:
  void add(const JobRow& row);
  std::size_t size() const { return submit_us.size(); }
  JobRequest request(std::size_t j) const {
    const Resilience& r = resilience_classes[resilience[j]];
    return {cpu_milli[j], memory_mib[j], num_gpu[j], gpu_milli[j], gpu_models[j], r.spot_tolerant && !r.high_priority,
            resource_kind(tier_classes[tier_class[j]]), r.pool};
  }
  const TierClass& tier_of(std::size_t j) const { return tier_classes[tier_class[j]]; }
  // Gives jobs [from, to) a tier (a workload source's tier, priority and QoS).
  void set_tier(std::size_t from, std::size_t to, const TierClass& t);
  // Gives jobs [from, to) a class label (the summary's class.NAME keys; a trace's QoS column otherwise).
  void set_class_label(std::size_t from, std::size_t to, const std::string& label);
  // "file:line" (or "source#row") of job j, for error messages.
  std::string where(std::size_t j) const;
  // Stable sort by submit time; ties keep input order.
  void sort_by_submit();
  void append(const JobTable& other);
  std::int32_t add_source(const std::string& name);
  // Labels jobs [from, to) with one team (a workload source's team label).
  void set_team(std::size_t from, std::size_t to, const std::string& team_name);
  std::uint16_t team_id(const std::string& team_name);
  // Forgets team labels no job carries (labels replaced by set_team), keeping first-use order.
  void drop_unused_teams();
  // Gives jobs [from, to) a resilience record.
  void set_resilience(std::size_t from, std::size_t to, const Resilience& r);
  const Resilience& resilience_of(std::size_t j) const { return resilience_classes[resilience[j]]; }

  std::vector<std::string> name;
  std::vector<SimTime> submit_us;
  std::vector<SimTime> duration_us;
  std::vector<std::int64_t> cpu_milli;
  std::vector<std::int64_t> memory_mib;
  std::vector<std::int32_t> num_gpu;
  std::vector<std::int32_t> gpu_milli;
  std::vector<GpuModelMask> gpu_models;
  std::vector<std::uint8_t> qos;  // index into qos_names
  std::vector<std::int32_t> source;
  std::vector<std::int32_t> source_line;
  std::vector<std::uint16_t> team;  // index into team_names
  std::vector<std::uint16_t> resilience;  // index into resilience_classes
  std::vector<std::int32_t> workers;      // 1, or the size of a gang
  std::vector<std::int32_t> service;      // -1, or the service whose replica slot this job is
  std::vector<ServiceSpec> services;      // online services (their replica slots are jobs above)
  std::vector<std::uint8_t> tier_class;   // index into tier_classes
  std::vector<TierClass> tier_classes{TierClass{}};  // 0: untiered (native requests, high priority)

  std::vector<std::string> qos_names;
  std::vector<std::string> source_names;
  std::vector<std::string> team_names;
  std::vector<Resilience> resilience_classes{Resilience{}};  // 0: no checkpoints, not spot-tolerant
  // Sources without arrival times (pod lists that only give request shapes)
  // can feed the inflation experiment but not a replay in time.
  std::vector<std::string> sources_without_times;
};

}  // namespace capsim
