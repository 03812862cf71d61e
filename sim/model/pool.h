#pragma once
// Instance pools: nodes bought or rented on the same terms. A pool's kind and
// billing rules decide how its node-seconds turn into a bill (sim/metrics/
// cost_ledger.h); an elastic pool's nodes come and go at the capacity
// policy's request, after a boot delay.
#include <cstdint>
#include <string>
#include <vector>

#include <optional>

#include "sim/base/distribution.h"
#include "sim/base/time.h"

namespace capsim {

enum class PoolKind : std::uint8_t { kOwned, kReserved, kOnDemand, kSpot };
enum class Billing : std::uint8_t { kSecond, kHour, kMonth };

inline constexpr double kHoursPerMonth = 730.0;  // the cloud providers' convention
inline constexpr SimTime kUsPerHour = 3'600'000'000;
inline constexpr SimTime kUsPerMonth = 730 * kUsPerHour;

const char* pool_kind_name(PoolKind k);
const char* billing_name(Billing b);

enum class ReclaimOrder : std::uint8_t { kNewest, kOldest, kLowestIndex };

// How a spot pool's nodes are interrupted (only kind kSpot pools have one).
struct SpotSpec {
  double interruptions_per_node_hour = 0;  // Poisson, per held node
  SimTime notice_us = 120'000'000;
  std::vector<SimTime> notices_at_us;      // hand-placed notices, one node each
  ReclaimOrder reclaim = ReclaimOrder::kNewest;
  SimTime replacement_delay_us = 0;        // static pools: the replacement node's delay
  // Capacity over time: from capacity_at_us[i] on, at most capacity_nodes[i] held.
  std::vector<SimTime> capacity_at_us;
  std::vector<std::int32_t> capacity_nodes;
  bool active() const {
    return interruptions_per_node_hour > 0 || !notices_at_us.empty() || !capacity_at_us.empty();
  }
};

// At most max_vcpus vCPUs held by some of a cluster's pools (sim/model/quota_book.h).
struct VcpuQuota {
  std::vector<std::int32_t> pools;  // indices into Fleet::pools; empty: every pool of the cluster
  std::int64_t max_vcpus = 0;
};

// A cluster of one provider in one region and zone (scenario fleet.clusters): capacity policies
// try the pools of higher-priority clusters first, and hold no more GPUs of a model, nor vCPUs,
// than its quotas allow.
struct CloudCluster {
  std::string name, provider, region, zone;
  std::int32_t priority = 0;
  std::vector<std::pair<std::uint8_t, std::int64_t>> gpu_quotas;  // (GPU model id, max GPUs held)
  std::vector<VcpuQuota> vcpu_quotas;
  std::int64_t quota_of(std::uint8_t model) const {
    for (const auto& [m, q] : gpu_quotas)
      if (m == model) return q;
    return -1;  // none
  }
};

struct PoolSpec {
  std::string name = "default";
  std::int32_t cluster = -1;     // index into Fleet::clusters; -1: none
  PoolKind kind = PoolKind::kOwned;
  std::string provider;
  std::string region;
  std::string commitment;        // reserved: the catalog commitment priced
  Billing billing = Billing::kSecond;
  SimTime minimum_billed_us = 0;  // per acquisition of an elastic node
  SimTime boot_delay_us = 0;
  // Each acquisition's boot drawn from this (seconds; stream "boot:" + name) instead; boot_delay_us
  // is then its mean.
  std::optional<DistributionSpec> boot_delay;
  bool elastic = false;
  bool initialized = false;      // images already in the VM: service replicas skip their image pull
  // Windows [from, to) in which the provider cannot provision the pool's nodes (stock-outs).
  std::vector<std::pair<SimTime, SimTime>> stock_outs;
  bool stocked_out(SimTime t) const {
    for (const auto& [from, to] : stock_outs)
      if (t >= from && t < to) return true;
    return false;
  }
  // Each node asked for fails to come with this probability (random stock-outs), in [0, 1].
  double provision_failure_rate = 0;
  bool may_fail_to_provision() const { return !stock_outs.empty() || provision_failure_rate > 0; }
  std::int32_t min_nodes = 0;     // elastic: held from the start
  std::int32_t max_nodes = 0;     // elastic: capacity policies hold at most this many (0: the pool's size)
  SpotSpec spot;
};

// The billed length of one acquisition held for held_us: rounded up to the
// billing unit, and at least the minimum.
inline SimTime billed_duration_us(const PoolSpec& p, SimTime held_us) {
  SimTime unit = 1;
  if (p.billing == Billing::kHour) unit = kUsPerHour;
  if (p.billing == Billing::kMonth) unit = kUsPerMonth;
  SimTime billed = (held_us + unit - 1) / unit * unit;
  return billed < p.minimum_billed_us ? p.minimum_billed_us : billed;
}

}  // namespace capsim
