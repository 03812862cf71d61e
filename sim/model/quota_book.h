#pragma once
// The clusters' quotas (scenario fleet.clusters[].quotas and vcpu_quotas) as a capacity policy spends
// them within one plan: how many more nodes of a shape it may acquire, and what an acquisition takes.
// GPU quotas count the GPUs of one model held in the cluster; vCPU quotas count the vCPUs held by
// some of its pools (all of them when none are named), the unit of AWS's On-Demand and Spot instance
// quotas (by family group: Standard, G and VT, P, ...) and of GCP's regional CPUS quota. A node holds
// its cpu_cores (plus a VM's own overhead) in vCPUs. A node counts while it is booting, online or
// draining, and while its request hangs (what the provider was asked for).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/model/fleet.h"

namespace capsim {

class QuotaBook {
 public:
  explicit QuotaBook(const Fleet& fleet);

  bool empty() const { return quotas_.empty(); }
  // Every quota back to its limit less what the nodes for which held(node) is true hold.
  void recount(const std::function<bool(std::size_t node)>& held);
  // How many more nodes like `node` the quotas allow (INT64_MAX when none applies to it).
  std::int64_t room(std::size_t node) const;
  // count nodes like `node` are acquired.
  void charge(std::size_t node, std::int64_t count);
  // The first quota spent beyond its limit ("" when none): "fleet.clusters[NAME].quotas: 3 A10G GPUs
  // ... above the quota of 2" style, for the scenario check of what is held from the start.
  std::string overdrawn() const;

 private:
  struct Quota {
    std::int64_t limit = 0, left = 0;  // GPUs, or vCPU milli
    std::string field, unit;           // for messages
    bool vcpu = false;                 // counted in vCPU milli, shown in vCPUs
  };
  std::vector<Quota> quotas_;
  // Per node: the quotas it counts in and how much of each it holds.
  std::vector<std::vector<std::pair<std::uint32_t, std::int64_t>>> charges_;
};

// vCPUs a node holds, in milli: what pods may request plus, for a VM, what the VM keeps itself.
std::int64_t node_vcpu_milli(const Fleet& fleet, std::size_t node);

}  // namespace capsim
