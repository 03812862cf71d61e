#pragma once
// Every placement policy by name: one line each in registry.cpp, with a
// one-line description and typed parameters with defaults. An explicit
// table, not static-constructor registration, so a linker cannot drop one.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/capacity_policy.h"
#include "sim/core/placement_policy.h"
#include "sim/model/fleet.h"

namespace capsim {

struct PolicyParamInfo {
  std::string name;
  std::string type;  // "double"
  std::string default_value;
  std::string description;
};

struct PlacementPolicyInfo {
  std::string name;
  std::string description;
  std::vector<PolicyParamInfo> params;
  std::function<std::unique_ptr<PlacementPolicy>(const PolicyParams&, const PolicyContext&)> make;
  // The policy differs from best-fit only where the fleet has spot pools.
  bool spot_only_difference = false;
};

const std::vector<PlacementPolicyInfo>& placement_policies();
std::vector<std::string> placement_policy_names();
// The policies worth comparing on this fleet: all of them, less the spot
// policies when the fleet has no spot pool (they would repeat best-fit).
std::vector<std::string> placement_policy_names_for(const Fleet& fleet);

// Builds a policy; unknown names or parameters are InputErrors that list the
// valid ones.
std::unique_ptr<PlacementPolicy> make_placement_policy(const std::string& name,
                                                       const std::map<std::string, std::string>& params,
                                                       const PolicyContext& context);
// For policies that need no fleet or jobs (tests, tools).
inline std::unique_ptr<PlacementPolicy> make_placement_policy(const std::string& name,
                                                              const std::map<std::string, std::string>& params,
                                                              std::uint64_t seed) {
  return make_placement_policy(name, params, PolicyContext{seed, nullptr, nullptr});
}

// Checks name and parameters without building anything.
void validate_placement_policy(const std::string& name, const std::map<std::string, std::string>& params);

// A policy with its parameters written as one word, for lists such as
// `--policies best-fit,best-fit:w_cpu=0:w_mem=0,fgd`: the name, then
// ":name=value" per parameter. The text is the variant's label in tables.
struct PolicySpec {
  std::string name;
  std::map<std::string, std::string> params;
};
// Throws InputError on an empty name, an item without '=', or a parameter
// given twice; names and values are checked by validate_placement_policy.
PolicySpec parse_policy_spec(const std::string& text);

// Capacity policies (elastic pools), the same way.
struct CapacityPolicyInfo {
  std::string name;
  std::string description;
  std::vector<PolicyParamInfo> params;
  std::function<std::unique_ptr<CapacityPolicy>(const PolicyParams&, const Fleet&)> make;
};

const std::vector<CapacityPolicyInfo>& capacity_policies();
std::unique_ptr<CapacityPolicy> make_capacity_policy(const std::string& name,
                                                     const std::map<std::string, std::string>& params,
                                                     const Fleet& fleet);
void validate_capacity_policy(const std::string& name, const std::map<std::string, std::string>& params);

}  // namespace capsim
