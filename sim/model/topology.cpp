#include "sim/model/topology.h"

#include "sim/base/check.h"

namespace capsim {

const char* topology_policy_name(TopologyPolicy p) {
  switch (p) {
    case TopologyPolicy::kOff: return "off";
    case TopologyPolicy::kNone: return "none";
    case TopologyPolicy::kBestEffort: return "best-effort";
    case TopologyPolicy::kRestricted: return "restricted";
    case TopologyPolicy::kSingleNumaNode: return "single-numa-node";
  }
  return "?";
}

TopologyPolicy topology_policy_from(const std::string& name, const std::string& field) {
  if (name == "none") return TopologyPolicy::kNone;
  if (name == "best-effort") return TopologyPolicy::kBestEffort;
  if (name == "restricted") return TopologyPolicy::kRestricted;
  if (name == "single-numa-node") return TopologyPolicy::kSingleNumaNode;
  throw InputError(field + ": expected none, best-effort, restricted or single-numa-node, got '" + name + "'");
}

const char* locality_name(Locality l) {
  switch (l) {
    case Locality::kLocal: return "local";
    case Locality::kCrossNuma: return "cross_numa";
    case Locality::kCrossSocket: return "cross_socket";
  }
  return "?";
}

}  // namespace capsim
