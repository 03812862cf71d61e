#include "policies/registry.h"

#include <algorithm>

#include "policies/best_fit.h"
#include "policies/dot_product.h"
#include "policies/fgd.h"
#include "policies/first_fit.h"
#include "policies/gpu_clustering.h"
#include "policies/gpu_packing.h"
#include "policies/queue_driven_capacity.h"
#include "policies/random_fit.h"
#include "policies/spot_placement.h"
#include "sim/base/check.h"

namespace capsim {
namespace {

const std::vector<PolicyParamInfo> kFitWeights{
    {"w_cpu", "double", "1", "weight of the CPU free fraction in the node score"},
    {"w_mem", "double", "1", "weight of the memory free fraction in the node score"},
    {"w_gpu", "double", "1", "weight of the GPU-milli free fraction in the node score"},
};

const PolicyParamInfo kScoreMode{
    "score", "string", "exact",
    "exact: best value, ties to the lowest node; k8s: integer 0-100 as a Kubernetes score plugin, "
    "seeded random pick among the top"};

}  // namespace

const std::vector<PlacementPolicyInfo>& placement_policies() {
  static const std::vector<PlacementPolicyInfo> kPolicies{
      {"first-fit", "lowest-indexed node that fits, lowest-indexed GPU", {},
       [](const PolicyParams&, const PolicyContext&) { return std::make_unique<FirstFitPolicy>(); }},
      {"best-fit", "node left with the least free capacity, tightest GPU",
       {kFitWeights[0], kFitWeights[1], kFitWeights[2], kScoreMode},
       [](const PolicyParams& p, const PolicyContext& c) { return std::make_unique<BestFitPolicy>(p, c.seed); }},
      {"worst-fit", "spread: node left with the most free capacity, loosest GPU", kFitWeights,
       [](const PolicyParams& p, const PolicyContext&) { return std::make_unique<WorstFitPolicy>(p); }},
      {"random", "uniformly random fitting node and GPU (seeded)", {},
       [](const PolicyParams&, const PolicyContext& c) { return std::make_unique<RandomFitPolicy>(c.seed); }},
      {"dot-product", "largest dot product of free and requested resources (Tetris)", {},
       [](const PolicyParams&, const PolicyContext&) { return std::make_unique<DotProductPolicy>(); }},
      {"gpu-packing", "partly used GPUs first, then partly used nodes, then idle nodes", {},
       [](const PolicyParams&, const PolicyContext&) { return std::make_unique<GpuPackingPolicy>(); }},
      {"gpu-clustering", "jobs with the same GPU request on the same nodes", {},
       [](const PolicyParams&, const PolicyContext&) { return std::make_unique<GpuClusteringPolicy>(); }},
      {"fgd", "fragmentation gradient descent: least growth of GPU fragmentation (ATC'23)", {kScoreMode},
       [](const PolicyParams& p, const PolicyContext& c) {
         return std::make_unique<FgdPolicy>(c.jobs ? task_classes_of(*c.jobs) : std::vector<TaskClass>{},
                                            score_mode_from("fgd", p), c.seed);
       }},
      {"spot-fallback", "spot-tolerant jobs on spot first, else on-demand (also when spot's recent interruption rate exceeds the job's tolerance)",
       kFitWeights,
       [](const PolicyParams& p, const PolicyContext& c) {
         return std::make_unique<SpotPlacementPolicy>(SpotMode::kFallback, p, c);
       },
       true},
      {"spot-only", "spot-tolerant jobs wait for spot; the others run off spot", kFitWeights,
       [](const PolicyParams& p, const PolicyContext& c) {
         return std::make_unique<SpotPlacementPolicy>(SpotMode::kSpotOnly, p, c);
       },
       true},
      {"on-demand-only", "nothing runs on spot (baseline)", kFitWeights,
       [](const PolicyParams& p, const PolicyContext& c) {
         return std::make_unique<SpotPlacementPolicy>(SpotMode::kOnDemandOnly, p, c);
       },
       true},
      {"static-split", "a fixed share of spot-tolerant jobs is spot-only, the rest never use spot",
       {kFitWeights[0], kFitWeights[1], kFitWeights[2],
        {"spot_share", "double", "0.5", "share of spot-tolerant jobs sent to spot"}},
       [](const PolicyParams& p, const PolicyContext& c) {
         return std::make_unique<SpotPlacementPolicy>(SpotMode::kStaticSplit, p, c);
       },
       true},
  };
  return kPolicies;
}

std::vector<std::string> placement_policy_names() {
  std::vector<std::string> names;
  for (const auto& p : placement_policies()) names.push_back(p.name);
  return names;
}

std::vector<std::string> placement_policy_names_for(const Fleet& fleet) {
  const bool spot = std::any_of(fleet.pools.begin(), fleet.pools.end(),
                                [](const PoolSpec& p) { return p.kind == PoolKind::kSpot; });
  std::vector<std::string> names;
  for (const auto& p : placement_policies())
    if (spot || !p.spot_only_difference) names.push_back(p.name);
  return names;
}

namespace {

template <typename Info>
const Info& find_checked(const std::vector<Info>& table, const char* kind, const std::string& name,
                         const std::map<std::string, std::string>& params) {
  for (const auto& info : table) {
    if (info.name != name) continue;
    for (const auto& [key, value] : params) {
      bool known = false;
      std::string valid;
      for (const auto& p : info.params) {
        known |= p.name == key;
        valid += (valid.empty() ? "" : ", ") + p.name;
      }
      if (!known)
        throw InputError("policy " + name + ": unknown parameter '" + key + "' (valid: " +
                         (valid.empty() ? "none" : valid) + ")");
    }
    return info;
  }
  std::string valid;
  for (const auto& info : table) valid += (valid.empty() ? "" : ", ") + info.name;
  throw InputError(std::string("unknown ") + kind + " policy '" + name + "' (valid: " + valid + ")");
}

}  // namespace

void validate_placement_policy(const std::string& name, const std::map<std::string, std::string>& params) {
  const auto& info = find_checked(placement_policies(), "placement", name, params);
  (void)info.make(PolicyParams(name, params), PolicyContext{});  // typed parameter checks live in constructors
}

std::unique_ptr<PlacementPolicy> make_placement_policy(const std::string& name,
                                                       const std::map<std::string, std::string>& params,
                                                       const PolicyContext& context) {
  return find_checked(placement_policies(), "placement", name, params).make(PolicyParams(name, params), context);
}

PolicySpec parse_policy_spec(const std::string& text) {
  PolicySpec spec;
  std::size_t at = text.find(':');
  spec.name = text.substr(0, at);
  if (spec.name.empty()) throw InputError("policy '" + text + "': no policy name before the parameters");
  if (text.find('/') != std::string::npos) throw InputError("policy '" + text + "': '/' is not allowed in a policy spec");
  while (at != std::string::npos) {
    const std::size_t next = text.find(':', at + 1);
    const std::string item = text.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("policy '" + text + "': parameter '" + item + "' is not name=value");
    if (!spec.params.emplace(item.substr(0, eq), item.substr(eq + 1)).second)
      throw InputError("policy '" + text + "': parameter '" + item.substr(0, eq) + "' given twice");
    at = next;
  }
  return spec;
}

const std::vector<CapacityPolicyInfo>& capacity_policies() {
  static const std::vector<CapacityPolicyInfo> kPolicies{
      {"queue-driven", "acquire elastic nodes for the waiting jobs, release nodes idle past a grace period",
       {{"idle_grace_s", "double", "600", "seconds an elastic node may stay empty before release"},
        {"expander", "string", "priority", "stock-outs: priority (cluster-autoscaler: wait max_node_provision_time_s, back off) or fallback (Karpenter: skip at once)"},
        {"max_node_provision_time_s", "double", "900", "stock-outs, priority: how long a request hangs before the pool backs off"},
        {"backoff_s", "double", "300", "stock-outs, priority: the first back-off of a pool (doubles per failure)"},
        {"max_backoff_s", "double", "1800", "stock-outs, priority: the longest back-off"},
        {"ice_ttl_s", "double", "180", "stock-outs, fallback: how long a pool is skipped after insufficient capacity"}},
       [](const PolicyParams& p, const Fleet& f) {
         return std::make_unique<QueueDrivenCapacity>(QueueDrivenCapacity::options_from("queue-driven", p, false), f);
       }},
      {"autoscaler", "queue-driven with cooldowns, a step limit, a dead band, and spot released first",
       {{"idle_grace_s", "double", "600", "seconds an elastic node may stay empty before release"},
        {"scale_up_cooldown_s", "double", "120", "minimum seconds between scale-ups of a pool"},
        {"scale_down_cooldown_s", "double", "300", "minimum seconds between releases in a pool"},
        {"max_step", "double", "0", "most nodes one scale-up of a pool adds (0: no limit)"},
        {"target_pending_gpus", "double", "0", "scale up only when more GPUs than this wait (dead band)"},
        {"spot_first", "double", "1", "1: an idle on-demand node waits while an idle spot node could go first"},
        {"daily_profile", "24 numbers", "none", "predictive: GPUs needed by hour of the simulated day, comma-separated"},
        {"profile_pool", "string", "first elastic non-spot pool", "predictive: the pool the profile sizes"},
        {"lead_s", "double", "900", "predictive: how far ahead the profile is read"},
        {"tick_s", "double", "600", "how often the profile and the reclaim rule are applied"},
        {"reclaim_below", "double", "0", "drain a node whose allocated share stays below this (0: never)"},
        {"reclaim_after_s", "double", "1800", "for this long before it is drained"},
        {"expander", "string", "priority", "stock-outs: priority (cluster-autoscaler: wait max_node_provision_time_s, back off) or fallback (Karpenter: skip at once)"},
        {"max_node_provision_time_s", "double", "900", "stock-outs, priority: how long a request hangs before the pool backs off"},
        {"backoff_s", "double", "300", "stock-outs, priority: the first back-off of a pool (doubles per failure)"},
        {"max_backoff_s", "double", "1800", "stock-outs, priority: the longest back-off"},
        {"ice_ttl_s", "double", "180", "stock-outs, fallback: how long a pool is skipped after insufficient capacity"}},
       [](const PolicyParams& p, const Fleet& f) {
         return std::make_unique<QueueDrivenCapacity>(QueueDrivenCapacity::options_from("autoscaler", p, true), f);
       }},
  };
  return kPolicies;
}

std::unique_ptr<CapacityPolicy> make_capacity_policy(const std::string& name,
                                                     const std::map<std::string, std::string>& params,
                                                     const Fleet& fleet) {
  return find_checked(capacity_policies(), "capacity", name, params).make(PolicyParams(name, params), fleet);
}

void validate_capacity_policy(const std::string& name, const std::map<std::string, std::string>& params) {
  const Fleet empty;
  (void)make_capacity_policy(name, params, empty);
}

}  // namespace capsim
