#pragma once
// The workload-inflation experiment of Weng et al. (USENIX ATC 2023): pods
// drawn at random, with replacement, from a pod list arrive one after another
// on an initially empty cluster and never leave, until the GPUs they request
// reach a share of the cluster's GPU capacity. A pod that does not fit when
// it arrives fails and is dropped. Curves are recorded at every 1% of
// arrived GPU requests.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/placement_policy.h"
#include "sim/model/fragmentation.h"

namespace capsim {

struct InflationConfig {
  double target_share = 1.30;  // stop when arrived GPU requests reach this share of capacity
  std::uint64_t seed = 1;      // draws come from the "inflation/draw" stream
};

struct InflationCurve {
  std::vector<double> arrived_share;        // 0.00, 0.01, ... up to target_share
  std::vector<double> gpu_alloc_ratio;      // allocated GPU milli over the cluster's
  std::vector<double> fragmentation_gpus;   // cluster fragmentation in GPUs
  std::vector<double> fragmentation_share;  // fragmentation over free GPU capacity (0 when none is free)
  std::vector<std::int64_t> failed_pods;    // pods that could not be placed so far
  std::int64_t pods_arrived = 0;
  std::int64_t pods_failed = 0;
  double unallocated_gpus_end = 0;          // free GPU capacity at the end, in GPUs
  // Fragmentation at the end by cause, in milli-GPU; unallocated_gpus_end is
  // its total plus the free milli the target workload can still use.
  FragmentationByCause fragmentation_by_cause_end;
};

// The GPUs left free at the end of a run by why the target workload cannot
// use them: one value per FragmentCause (in enum order), then "usable", the
// free capacity it still could use; the values sum to unallocated_gpus_end.
std::vector<std::string> unallocated_cause_names();
std::vector<double> unallocated_gpus_by_cause(const InflationCurve& curve);

// pods supplies the request shapes; fragmentation is measured against model.
// Throws InputError when no pod asks for a GPU (the experiment would never end).
InflationCurve run_inflation(const Fleet& fleet, const JobTable& pods, PlacementPolicy& policy,
                             const FragmentationModel& model, const InflationConfig& config);

}  // namespace capsim
