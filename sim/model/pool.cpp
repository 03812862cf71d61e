#include "sim/model/pool.h"

namespace capsim {

const char* pool_kind_name(PoolKind k) {
  switch (k) {
    case PoolKind::kOwned: return "owned";
    case PoolKind::kReserved: return "reserved";
    case PoolKind::kOnDemand: return "on-demand";
    case PoolKind::kSpot: return "spot";
  }
  return "?";
}

const char* billing_name(Billing b) {
  switch (b) {
    case Billing::kSecond: return "second";
    case Billing::kHour: return "hour";
    case Billing::kMonth: return "month";
  }
  return "?";
}

}  // namespace capsim
