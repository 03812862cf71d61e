#pragma once
// GPU fragmentation of a node against a target workload (Weng et al., "Beware
// of Fragmentation", USENIX ATC 2023).
//
// The target workload is a set of task classes m (distinct request shapes)
// with popularity p_m summing to 1. For node n and class m, F_n(m) is the free
// GPU milli of n that m cannot use:
//   - all of n's free GPU milli when m asks for no GPU, or cannot run on n at
//     all (too little CPU or memory, a GPU model it does not allow, no device
//     or set of devices that fits);
//   - otherwise the free milli of every device whose free share is below m's
//     per-device request (1000 for multi-GPU classes).
// F_n = sum_m p_m F_n(m); the cluster's fragmentation is the sum over nodes.
//
// Computed as F_n = T_n - sum over runnable GPU classes of p_m U_n(d_m), where
// T_n is the node's free milli and U_n(d) the free milli on devices with at
// least d free: one pass over the classes, with U computed once per distinct
// per-device demand.
#include <cstdint>
#include <vector>

#include "sim/model/cluster_state.h"
#include "sim/model/job_table.h"

namespace capsim {

// Why a class cannot use free GPU milli of a node, after the paper's
// quadrants (its Q-I to Q-IV and "X"). Each case of F_n(m) has one cause:
enum class FragmentCause : std::uint8_t {
  kNoGpuTask,       // m asks for no GPU ("X")
  kGpuModel,        // m does not allow the node's GPU model
  kLackCpu,         // the devices would fit m; its CPU does not (Q-IV)
  kLackMemory,      // the devices and CPU would fit m; its memory does not
  kLackGpuAndHost,  // neither the devices nor the CPU/memory fit m (Q-I)
  kLackGpu,         // CPU and memory fit m; no device or set of devices does (Q-II)
  kPartialDevice,   // m runs; devices with less free than m asks of one device
};
inline constexpr std::size_t kFragmentCauses = 7;
// Names for results files, in enum order.
const char* fragment_cause_name(FragmentCause c);

// F_n split by cause, in milli-GPU; sums to F_n.
struct FragmentationByCause {
  double milli[kFragmentCauses] = {};
  double total() const;
  FragmentationByCause& operator+=(const FragmentationByCause& o);
};

struct TaskClass {
  JobRequest request;
  double popularity = 0;
};

// Distinct request shapes of a job table and their shares of its jobs, in
// order of first appearance.
std::vector<TaskClass> task_classes_of(const JobTable& jobs);

// The free resources of one node, as fragmentation sees them.
struct NodeResources {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  GpuModelId gpu_model = 0;
  std::int32_t gpu_count = 0;
  std::int32_t gpu_free[kMaxGpusPerNode] = {};

  static NodeResources of(const ClusterState& c, std::size_t node);
  // The same node after placing r on gpu_mask.
  NodeResources after(const JobRequest& r, std::uint64_t gpu_mask) const;
  std::int64_t free_gpu_milli() const;
};

class FragmentationModel {
 public:
  explicit FragmentationModel(std::vector<TaskClass> classes);

  const std::vector<TaskClass>& classes() const { return classes_; }
  // F_n in milli-GPU.
  double fragmentation(const NodeResources& n) const;
  double fragmentation(const ClusterState& c, std::size_t node) const {
    return fragmentation(NodeResources::of(c, node));
  }
  // F_n(m) straight from the definition (for tests and explanations).
  static double class_fragmentation(const NodeResources& n, const JobRequest& m);
  // The cause of F_n(m) when it is not zero (kPartialDevice when m runs).
  static FragmentCause class_fragment_cause(const NodeResources& n, const JobRequest& m);
  // F_n split by cause, from the definition: O(classes x devices), for
  // reports at a few points, not for scoring.
  FragmentationByCause fragmentation_by_cause(const NodeResources& n) const;
  FragmentationByCause fragmentation_by_cause(const ClusterState& c, std::size_t node) const {
    return fragmentation_by_cause(NodeResources::of(c, node));
  }

 private:
  std::vector<TaskClass> classes_;
  // GPU classes only, with the index of their per-device demand in demands_.
  struct GpuClass {
    JobRequest request;
    double popularity;
    std::size_t demand;
  };
  std::vector<GpuClass> gpu_classes_;
  std::vector<std::int32_t> demands_;  // distinct per-device demands
};

}  // namespace capsim
