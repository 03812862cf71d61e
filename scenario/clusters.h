#pragma once
// The scenario's fleet.clusters: each pool's cluster (its provider, region and zone filled in or
// checked), the pools' priority order, and GPU quotas checked against what is held from the start.
#include <string>

#include "scenario.pb.h"
#include "sim/model/fleet.h"

namespace capsim {

// After the pools are added, before the nodes: clusters, each pool's cluster, the priority order.
void add_clusters(const config::Fleet& spec, Fleet& fleet);
// The zone a node of pool p takes when its source names none.
std::string default_zone(const Fleet& fleet, std::int32_t pool);
// A node source's explicit zone must be its pool's cluster's, when the cluster names one.
void check_zone(const Fleet& fleet, std::int32_t pool, const std::string& zone, const std::string& field);
// After the nodes: static nodes and elastic minimums must fit the quotas.
void check_cluster_quotas(const Fleet& fleet);

}  // namespace capsim
