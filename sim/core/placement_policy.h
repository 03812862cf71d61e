#pragma once
// The placement interface. A policy sees the cluster read-only and returns a
// decision; the engine applies it and checks it (an infeasible answer is an
// invariant error, not a corrupted cluster). Policies are built by name from
// policies/registry.cpp.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "sim/base/time.h"
#include "sim/core/score_index.h"
#include "sim/model/cluster_state.h"

namespace capsim {

class Simulation;

// The workers of a gang placed so far, each allocated on the cluster as it
// is added, so the next worker sees what the previous ones took. The engine
// keeps all of them or, when place_gang refuses, gives every one back.
class GangDraft {
 public:
  GangDraft(ClusterState& cluster, const JobRequest& r, std::vector<Placement>& placed)
      : cluster_(&cluster), request_(r), placed_(&placed) {}
  const ClusterState& cluster() const { return *cluster_; }
  // Checked like any allocation: an infeasible worker is an InvariantError. The kubelet's
  // Topology Manager admits it first (ClusterState::admit).
  void add(Placement p) {
    cluster_->admit(request_, p);
    cluster_->allocate(request_, p);
    placed_->push_back(p);
  }
  std::size_t size() const { return placed_->size(); }
  const Placement& operator[](std::size_t w) const { return (*placed_)[w]; }

 private:
  ClusterState* cluster_;
  JobRequest request_;
  std::vector<Placement>* placed_;
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  // A placement that fits (ClusterState::fits), or Placement{} to leave the
  // job pending. Called only while the job is pending; the engine retries a
  // pending job when capacity is freed, not after every arrival.
  virtual Placement place(std::uint32_t job, const JobRequest& request, const ClusterState& cluster,
                          SimTime now) = 0;
  // A gang: every worker at once, in one call, so a policy can keep a gang
  // in one rack or NUMA domain. Add `workers` placements to the draft and
  // return true, or return false to leave the gang pending. Default: worker
  // after worker by place(), on the cluster as it fills.
  virtual bool place_gang(std::uint32_t job, const JobRequest& request, std::int32_t workers, GangDraft& draft,
                          SimTime now);
  // Preemption. A policy that may preempt says so (the engine then keeps the
  // jobs of every node for it) and, when place() has refused a job, may name
  // running jobs to preempt for it. The engine interrupts them (reason
  // kPreempted: work since their last checkpoint is lost, they wait again)
  // and calls place() once more at once.
  virtual bool may_preempt() const { return false; }
  virtual void choose_victims(std::uint32_t /*job*/, const JobRequest& /*request*/, const Simulation& /*sim*/,
                              SimTime /*now*/, std::vector<std::uint32_t>& /*victims*/) {}
  // Whether the policy would ever place the job on a node of this pool (its
  // kind, provider, region, billing). Capacity policies ask before acquiring
  // nodes for a waiting job.
  virtual bool may_use(std::uint32_t /*job*/, const JobRequest& /*request*/, const PoolSpec& /*pool*/) const {
    return true;
  }
  // Whether the policy would place the job on this node now if it were the
  // only one that fits (the rule behind its refusals, for checks of the
  // engine: no job waits while a node it may use has room). Default: may_use
  // of the node's pool.
  virtual bool allows(std::uint32_t job, const JobRequest& request, const ClusterState& cluster, std::size_t node,
                      SimTime /*now*/) const {
    const Fleet& f = cluster.fleet();
    return may_use(job, request, f.pools[static_cast<std::size_t>(f.pool[node])]);
  }
  // The engine groups waiting jobs into classes and, when one job of a class
  // fails to place, skips the rest of the class until capacity is freed. That
  // holds only for jobs the policy cannot tell apart: jobs with the same
  // request (CPU, memory, GPUs, models, workers, resilience record) and the
  // same key. A policy whose answer depends on the job itself returns a key
  // that separates them (static-split: the job's side of the split).
  virtual std::uint64_t job_class_key(std::uint32_t /*job*/) const { return 0; }
  // Asked right after place() refused: true when the policy refused although
  // a node fits, for a reason that can change while no capacity is freed (a
  // decaying interruption rate). The engine then asks again at its next pass
  // instead of waiting for a node to be freed.
  virtual bool refusal_may_change() const { return false; }
  // With refusal_may_change: the first instant at which that refusal gives way by itself if
  // nothing else changes (a spot pool's interruption rate decaying below the job's tolerance); the
  // engine passes again then. kNever: not known (asked again at the next pass only).
  virtual SimTime refusal_changes_at() const { return kNever; }
};

// Which of a node's fitting GPUs to take.
enum class GpuChoice : std::uint8_t {
  kLowestIndex,  // first fit over devices
  kTightest,     // least free milli that still fits: keeps whole devices free
  kLoosest,      // most free milli: spreads shares over devices
};

// GPUs for the request on a node that fits it: one device for a 1-GPU job
// (ties to the lowest index), the lowest-indexed whole free devices for a
// multi-GPU job, none for a CPU-only job.
std::uint64_t choose_gpus(const ClusterState& cluster, std::size_t node, const JobRequest& r,
                          GpuChoice choice);

// How full the node would be after placing r: the weighted mean over CPU,
// memory and GPU milli of the fraction of the node's capacity left free.
// Resources a node lacks (GPU on a CPU-only node) count as fully used.
struct FitWeights {
  double cpu = 1.0;
  double memory = 1.0;
  double gpu = 1.0;
};
double free_fraction_after(const ClusterState& cluster, std::size_t node, const JobRequest& r,
                           const FitWeights& w);

// Clusters with at least this many nodes score them in parallel
// (tbb::parallel_reduce). The answer is the same either way: the reduction
// keeps the smallest (score, node index) pair. Default 2048; a knob for tests
// and benchmarks, not for results.
std::size_t parallel_scoring_min_nodes();
void set_parallel_scoring_min_nodes(std::size_t nodes);

// The node that minimises score(node) among those that fit (ties to the
// lowest index), or -1; min_score_placement adds its GPUs, chosen by gpu_choice. Score is anything
// ordered by operator< (a number, or a tuple for tiers). score may be called
// from several threads at once, for different nodes.
template <typename ScoreFn>
std::int32_t min_score_node(const JobRequest& r, const ClusterState& c, ScoreFn score) {
  using Score = decltype(score(std::size_t{0}));
  struct Best {
    std::int32_t node = -1;
    Score score{};
    void consider(std::int32_t n, const Score& s) {
      if (node < 0 || s < score || (!(score < s) && n < node)) {
        node = n;
        score = s;
      }
    }
  };
  const std::size_t n = c.fleet().size();
  Best best;
  if (n < parallel_scoring_min_nodes()) {
    for (std::size_t node = 0; node < n; ++node)
      if (c.fits(node, r)) best.consider(static_cast<std::int32_t>(node), score(node));
  } else {
    best = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n, 256), Best{},
        [&](const tbb::blocked_range<std::size_t>& range, Best b) {
          for (std::size_t node = range.begin(); node != range.end(); ++node)
            if (c.fits(node, r)) b.consider(static_cast<std::int32_t>(node), score(node));
          return b;
        },
        [](Best a, const Best& b) {
          if (b.node >= 0) a.consider(b.node, b.score);
          return a;
        });
  }
  return best.node;
}

template <typename ScoreFn>
Placement min_score_placement(const JobRequest& r, const ClusterState& c, GpuChoice gpu_choice, ScoreFn score) {
  const std::int32_t node = min_score_node(r, c, score);
  if (node < 0) return {};
  return {node, choose_gpus(c, static_cast<std::size_t>(node), r, gpu_choice)};
}

// Whether policies answer from their score indexes (sim/core/score_index.h)
// or scan every node. The answer is the same either way (a property test
// runs both); kAuto indexes the scoring policies always and first-fit from
// 4,096 nodes, where a scan from node 0 stops being cheaper. A knob for tests
// and benchmarks, not for results.
enum class ScoreIndexUse : std::uint8_t { kAuto, kAlways, kNever };
ScoreIndexUse score_index_use();
void set_score_index_use(ScoreIndexUse use);

// The same answer as min_score_placement from a ScoreIndex the policy keeps:
// for scores that are a pure function of the node's state and the request.
template <typename Score, typename ScoreFn>
Placement indexed_min_score_placement(ScoreIndex<Score>& index, const JobRequest& r, const ClusterState& c,
                                      GpuChoice gpu_choice, ScoreFn score) {
  if (score_index_use() == ScoreIndexUse::kNever) return min_score_placement(r, c, gpu_choice, score);
  const std::int32_t node = index.best(r, c, score);
  if (node < 0) return {};
  return {node, choose_gpus(c, static_cast<std::size_t>(node), r, gpu_choice)};
}

// What a policy may read besides the cluster: the run's seed, fleet and jobs
// (fgd derives its target workload from the jobs).
struct PolicyContext {
  std::uint64_t seed = 0;
  const Fleet* fleet = nullptr;
  const JobTable* jobs = nullptr;
};

// Parameters of a policy as given in a scenario or on the command line
// (name=value strings), typed on read. Unknown names are rejected by the
// registry before a policy is built.
class PolicyParams {
 public:
  PolicyParams() = default;
  PolicyParams(std::string policy, std::map<std::string, std::string> values)
      : policy_(std::move(policy)), values_(std::move(values)) {}
  double get_double(const std::string& name, double fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  // A comma-separated list of numbers; empty when absent.
  std::vector<double> get_doubles(const std::string& name) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::string policy_;
  std::map<std::string, std::string> values_;
};

// How a policy turns its measure into a choice (parameter "score"):
//   exact: the best value of the measure, ties to the lowest node index;
//   k8s:   as a Kubernetes score plugin, which the FGD paper's simulator is
//          built on: the measure mapped to an integer in [0, 100], and a
//          uniformly random pick among the nodes with the top integer.
// The random pick is a pure function of (seed, placement, node), so the
// answer does not depend on the thread count.
enum class ScoreMode : std::uint8_t { kExact, kKubernetes };
ScoreMode score_mode_from(const std::string& policy, const PolicyParams& params);
std::uint64_t tie_key(std::uint64_t seed, std::uint64_t placement, std::size_t node);

}  // namespace capsim
