#pragma once
#include <map>
#include <tuple>
#include <vector>

#include "sim/core/placement_policy.h"
#include "sim/model/fragmentation.h"

namespace capsim {

// Fragmentation Gradient Descent (Weng et al., USENIX ATC 2023): the node and
// GPU whose fragmentation against the target workload grows least when the
// job is placed (sim/model/fragmentation.h). The target workload is the run's
// own job table (its request shapes and their shares). Ties go to the lowest
// node index, then the lowest GPU index.
//
// score=k8s scores as the paper's Kubernetes plugin: floor(100 *
// sigmoid(-delta / 1000)) with delta the growth in milli-GPU, so growths
// within about 40 milli of each other tie near zero and large ones saturate;
// the device is the lowest-indexed one with the top integer, the node a
// seeded random pick among the top (placement_policy.h).
//
// A node's score for a request shape depends only on that node's state, so
// scores are cached per (request shape, node) and recomputed only for nodes
// whose ClusterState::node_version changed: a placement costs one scan of the
// cached scores plus the nodes that changed since the shape was last seen.
class FgdPolicy final : public PlacementPolicy {
 public:
  explicit FgdPolicy(std::vector<TaskClass> target, ScoreMode mode = ScoreMode::kExact, std::uint64_t seed = 0);
  // The integer a Kubernetes score plugin returns for a growth of delta milli-GPU.
  static int kubernetes_score(double delta);
  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override;

  const FragmentationModel& model() const { return model_; }

 private:
  struct Score {
    std::uint32_t version_plus_one = 0;  // 0: not computed
    std::int8_t gpu = -1;                // chosen device for a 1-GPU job
    std::int8_t kubernetes = 0;          // kubernetes_score(delta), set for score=k8s only
    double delta = 0;
  };
  struct NodeFragmentation {
    std::uint32_t version_plus_one = 0;
    double value = 0;
  };
  Score score(const JobRequest& r, const ClusterState& c, std::size_t node);
  double fragmentation_now(const ClusterState& c, std::size_t node);

  bool better(double delta, double than) const;

  FragmentationModel model_;
  ScoreMode mode_;
  std::uint64_t seed_;
  std::uint64_t placements_ = 0;
  std::vector<NodeFragmentation> node_fragmentation_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, std::int32_t, GpuModelMask>, std::size_t> rows_;
  std::vector<std::vector<Score>> cache_;  // [row][node]
  ScoreIndex<double> index_;              // exact mode
  static constexpr std::size_t kMaxCachedShapes = 4096;
};

}  // namespace capsim
