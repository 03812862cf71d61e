#pragma once
// Prices a fleet: each node's pool names price rules; the first rule matching
// the node's GPU model points at a catalog entry of the pool's provider and
// region; the pool's kind picks which of the entry's prices applies. A node
// that no rule prices, an entry that is missing, or an entry without the
// price the pool needs is an InputError naming the pool, node and entry:
// never a silent zero.
#include <string>

#include "price_catalog.pb.h"
#include "scenario.pb.h"
#include "sim/model/fleet.h"
#include "sim/model/pricing.h"

namespace capsim {

// pools are the scenario's fleet.pools, in the order the Fleet holds them.
FleetPricing price_fleet(const Fleet& fleet, const google::protobuf::RepeatedPtrField<config::Pool>& pools,
                         const config::PriceCatalog& catalog, const std::string& catalog_origin);

// The discount the catalog grants a price (most specific match wins).
double discount_fraction(const config::PriceCatalog& catalog, const std::string& provider,
                         const std::string& node_type, const std::string& pool_kind);

}  // namespace capsim
