#pragma once
// Co-location tiers after Koordinator (koordinator.sh, "Priority" and "QoS"):
// four priority classes with their bands, and QoS levels with the
// combinations Koordinator allows. Prod and untiered pods request native
// resources; Mid, Batch and Free pods request reclaimed ones (mid-cpu/mid-memory,
// batch-cpu/batch-memory, and capsim's free-cpu/free-memory), computed per node
// from what higher tiers leave unused (sim/components/colocation.h).
#include <cstdint>
#include <string>

namespace capsim {

enum class Tier : std::uint8_t { kNone = 0, kProd, kMid, kBatch, kFree };
enum class QosLevel : std::uint8_t { kNone = 0, kLSE, kLSR, kLS, kBE };

// Which resources a request is placed against.
enum class ResourceKind : std::uint8_t { kNative = 0, kMid = 1, kBatch = 2, kFree = 3 };
inline constexpr int kReclaimedKinds = 3;  // mid, batch, free

// A workload source's tier: class, QoS and priority (the band's base plus a sub-priority).
struct TierClass {
  Tier tier = Tier::kNone;
  QosLevel qos = QosLevel::kNone;
  std::int32_t priority = 0;  // Koordinator bands: Prod 9000-9999, Mid 7000-7999, Batch 5000-5999, Free 3000-3999
  bool native = false;        // a Mid or Batch pod on native resources (tidal sharing of whole machines)
  // Burstable QoS of a batch job (docs/topology.md#burst): its CPU limit over its request; 1: Guaranteed.
  double cpu_limit_factor = 1;
  bool operator==(const TierClass&) const = default;
};

inline ResourceKind resource_kind(Tier t) {
  switch (t) {
    case Tier::kMid: return ResourceKind::kMid;
    case Tier::kBatch: return ResourceKind::kBatch;
    case Tier::kFree: return ResourceKind::kFree;
    default: return ResourceKind::kNative;
  }
}
inline ResourceKind resource_kind(const TierClass& t) { return t.native ? ResourceKind::kNative : resource_kind(t.tier); }
// The lowest priority of each band; untiered pods have priority 0 and count as high priority.
std::int32_t band_base(Tier t);
const char* tier_name(Tier t);
const char* qos_name(QosLevel q);

// From a scenario's fields; InputError naming `field` for an unknown class or QoS, a sub-priority
// outside 0..999, or a combination Koordinator does not allow: BE never with Prod, LSE and LSR only
// with Prod, LS not with Batch or Free. An empty QoS defaults to LS for Prod and Mid, BE for Batch and Free.
TierClass parse_tier(const std::string& priority_class, std::uint32_t sub_priority, const std::string& qos,
                     const std::string& field);

}  // namespace capsim
