#pragma once
// The FGD paper's reference simulator, re-implemented from its rules for
// `capsim inflate --protocol fgd-sim`: hkust-adsl/kubernetes-scheduler-simulator
// (Apache-2.0), the simulator of Weng et al., "Beware of Fragmentation:
// Scheduling GPU-Sharing Workloads with Fragmentation Gradient Descent",
// USENIX ATC 2023. Its arrival protocol, its six score plugins (integer
// scores 0..100, ties to the lowest rank in a node permutation drawn once per
// run), its device choice, its fragmentation measure and the per-percent
// aggregation of its analysis scripts. capsim's own policies (policies/) and
// its own inflation protocol (experiments/inflation.h) are not changed by it;
// README "The FGD reference protocol" lists the differences.
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/inflation.h"
#include "sim/model/fragmentation.h"

namespace capsim {

enum class FgdSimPolicy : std::uint8_t { kRandom, kDotProduct, kGpuClustering, kGpuPacking, kBestFit, kFgd };
// random, dot-product, gpu-clustering, gpu-packing, best-fit, fgd.
const std::vector<std::string>& fgd_sim_policy_names();
// InputError naming the six for any other name (or any parameter).
FgdSimPolicy fgd_sim_policy(const std::string& spec);

// One request shape of the target workload and its share.
struct FgdSimClass {
  std::int64_t cpu_milli = 0;
  std::int32_t gpu_milli = 0;  // per GPU
  std::int32_t num_gpu = 0;
  GpuModelMask models = 0;     // 0: any
  double share = 0;
};
// The target workload of the original list: pods grouped by (CPU, per-GPU
// milli, GPU count, model constraint), memory ignored; groups by count
// (descending; ties to larger CPU, milli, count, then model string), kept
// until they cover 95% of the pods, shares renormalised over those kept.
std::vector<FgdSimClass> fgd_sim_target(const JobTable& pods);

// Fragmented idle GPU milli of a node for the target workload.
double fgd_sim_fragmentation(const NodeResources& n, const std::vector<FgdSimClass>& target);

// The arrival order (indices into pods): the list sorted by name and
// shuffled with the seed; then copies drawn uniformly from the name-sorted
// list appended after all originals until the next copy's per-GPU milli
// would push the requested GPU milli past target_share of capacity; a list
// already above it drops uniformly random pods until it is not.
std::vector<std::uint32_t> fgd_sim_arrivals(const JobTable& pods, double capacity_milli, double target_share,
                                            std::uint64_t seed);

// What a score plugin needs besides the node's free resources.
struct FgdSimNode {
  NodeResources free;
  // GPU pods hosted by kind: [0] sharing pods (1 GPU, < 1000 milli), [k] pods of k whole GPUs.
  std::int32_t kinds[kMaxGpusPerNode + 1] = {};
};
// The plugin's integer score (0..100) of the node for the pod, which must
// fit; for fgd, also the device a sharing pod takes (bit mask).
int fgd_sim_score(FgdSimPolicy policy, const FgdSimNode& node, const JobRequest& pod,
                  const std::vector<FgdSimClass>& target, std::uint64_t* fgd_device = nullptr);
// The devices the pod takes on the node under the policy (not random).
std::uint64_t fgd_sim_devices(FgdSimPolicy policy, const FgdSimNode& node, const JobRequest& pod,
                              const std::vector<FgdSimClass>& target);

// The rank of every node in a permutation drawn once per run from the seed.
std::vector<std::uint32_t> fgd_sim_ranks(std::size_t nodes, std::uint64_t seed);
// The node with the highest score (scores < 0: does not fit), ties to the
// lowest rank; -1 when none fits. feasible: how many fit.
std::int32_t fgd_sim_best(const std::vector<std::int16_t>& scores, const std::vector<std::uint32_t>& rank,
                          std::size_t* feasible);

// One run of the protocol. The curve's points are whole percents of arrived
// GPU requests; each value is the mean over the pods whose arrived share
// rounds to that percent (if none, those within one percent), as the
// reference's analysis scripts report. Fragmentation by cause at the end uses
// capsim's model (for the cause table only).
InflationCurve run_fgd_sim(const Fleet& fleet, const JobTable& pods, FgdSimPolicy policy, std::uint64_t seed,
                           double target_share, const FragmentationModel& cause_model);

}  // namespace capsim
