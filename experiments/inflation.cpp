#include "experiments/inflation.h"

#include <cmath>

#include "sim/base/check.h"
#include "sim/base/random.h"

namespace capsim {

InflationCurve run_inflation(const Fleet& fleet, const JobTable& pods, PlacementPolicy& policy,
                             const FragmentationModel& model, const InflationConfig& config) {
  bool any_gpu = false;
  for (std::size_t j = 0; j < pods.size() && !any_gpu; ++j) any_gpu = pods.num_gpu[j] > 0;
  if (!any_gpu) throw InputError("inflation: the pod list has no GPU pods, so GPU requests never reach the target");
  if (!(config.target_share > 0) || config.target_share > 100)
    throw InputError("inflation: the target share must be in (0, 100] (1.3 = 130%)");
  const double capacity = static_cast<double>(fleet.total_gpus()) * kMilliPerGpu;
  if (capacity <= 0) throw InputError("inflation: the fleet has no GPUs");

  ClusterState cluster(fleet);
  std::vector<double> node_fragmentation(fleet.size());
  double fragmentation = 0;
  for (std::size_t n = 0; n < fleet.size(); ++n) fragmentation += node_fragmentation[n] = model.fragmentation(cluster, n);

  InflationCurve curve;
  const auto points = static_cast<std::int64_t>(std::floor(config.target_share * 100 + 1e-9));
  std::int64_t next_point = 0;
  auto record = [&](std::int64_t point) {
    const double allocated = static_cast<double>(cluster.allocated_gpu_milli());
    const double free = capacity - allocated;
    curve.arrived_share.push_back(static_cast<double>(point) / 100.0);
    curve.gpu_alloc_ratio.push_back(allocated / capacity);
    curve.fragmentation_gpus.push_back(fragmentation / kMilliPerGpu);
    curve.fragmentation_share.push_back(free > 0 ? fragmentation / free : 0.0);
    curve.failed_pods.push_back(curve.pods_failed);
  };
  record(next_point++);

  RandomStream draws(config.seed, "inflation/draw");
  const double target = config.target_share * capacity;
  double arrived = 0;
  while (arrived < target) {
    const auto j = static_cast<std::uint32_t>(draws.uniform_index(pods.size()));
    const JobRequest r = pods.request(j);
    arrived += static_cast<double>(r.gpu_milli_total());
    ++curve.pods_arrived;
    const Placement p = policy.place(j, r, cluster, 0);
    if (p.placed()) {
      cluster.allocate(r, p);
      const auto n = static_cast<std::size_t>(p.node);
      fragmentation -= node_fragmentation[n];
      fragmentation += node_fragmentation[n] = model.fragmentation(cluster, n);
    } else {
      ++curve.pods_failed;
    }
    // Checkpoints at k% are recorded after the pod that crossed them.
    while (next_point <= points && arrived >= static_cast<double>(next_point) / 100.0 * capacity) record(next_point++);
  }
  curve.unallocated_gpus_end = (capacity - static_cast<double>(cluster.allocated_gpu_milli())) / kMilliPerGpu;
  for (std::size_t n = 0; n < fleet.size(); ++n) curve.fragmentation_by_cause_end += model.fragmentation_by_cause(cluster, n);
  return curve;
}

std::vector<std::string> unallocated_cause_names() {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < kFragmentCauses; ++k) names.push_back(fragment_cause_name(static_cast<FragmentCause>(k)));
  names.push_back("usable");
  return names;
}

std::vector<double> unallocated_gpus_by_cause(const InflationCurve& c) {
  std::vector<double> out;
  for (double milli : c.fragmentation_by_cause_end.milli) out.push_back(milli / kMilliPerGpu);
  out.push_back(c.unallocated_gpus_end - c.fragmentation_by_cause_end.total() / kMilliPerGpu);
  return out;
}

}  // namespace capsim
