#include "scenario/clusters.h"

#include <algorithm>
#include <map>

#include "scenario/requests.h"
#include "sim/base/check.h"
#include "sim/model/gpu_catalog.h"
#include "sim/model/quota_book.h"

namespace capsim {

namespace {

// A pool may repeat its cluster's provider, region or zone, never contradict it.
void inherit(std::string& pool_value, const std::string& cluster_value, const std::string& field, const std::string& what) {
  if (cluster_value.empty()) return;
  if (pool_value.empty()) {
    pool_value = cluster_value;
    return;
  }
  if (pool_value != cluster_value)
    throw InputError("scenario field " + field + ": '" + pool_value + "', but its cluster's " + what + " is '" + cluster_value + "'");
}

}  // namespace

void add_clusters(const config::Fleet& spec, Fleet& fleet) {
  for (int i = 0; i < spec.clusters_size(); ++i) {
    const auto& c = spec.clusters(i);
    const std::string field = "scenario field fleet.clusters[" + std::to_string(i) + "]";
    if (c.name().empty()) throw InputError(field + ".name: required (pools name their cluster by it)");
    for (const CloudCluster& other : fleet.clusters)
      if (other.name == c.name()) throw InputError(field + ".name: '" + c.name() + "' is used twice");
    CloudCluster out;
    out.name = c.name();
    out.provider = c.provider();
    out.region = c.region();
    out.zone = c.zone();
    out.priority = c.priority();
    for (int q = 0; q < c.quotas_size(); ++q) {
      const std::string f = field + ".quotas[" + std::to_string(q) + "]";
      const GpuModelId model = model_or_fail(c.quotas(q).gpu_model(), f + ".gpu_model");
      if (out.quota_of(model) >= 0) throw InputError(f + ".gpu_model: " + c.quotas(q).gpu_model() + " has two quotas");
      out.gpu_quotas.emplace_back(model, static_cast<std::int64_t>(c.quotas(q).max_gpus()));
    }
    fleet.clusters.push_back(std::move(out));
  }
  for (int i = 0; i < spec.pools_size(); ++i) {
    const auto& p = spec.pools(i);
    if (p.cluster().empty()) continue;
    const std::string field = "scenario field fleet.pools[" + p.name() + "]";
    PoolSpec& pool = fleet.pools[static_cast<std::size_t>(i)];
    for (std::size_t c = 0; c < fleet.clusters.size() && pool.cluster < 0; ++c)
      if (fleet.clusters[c].name == p.cluster()) pool.cluster = static_cast<std::int32_t>(c);
    if (pool.cluster < 0) throw InputError(field + ".cluster: no cluster named '" + p.cluster() + "' in fleet.clusters");
    const CloudCluster& c = fleet.clusters[static_cast<std::size_t>(pool.cluster)];
    inherit(pool.provider, c.provider, field.substr(15) + ".provider", "provider");
    inherit(pool.region, c.region, field.substr(15) + ".region", "region");
  }
  // vCPU quotas name pools of their cluster: resolved once every pool knows its cluster.
  for (int i = 0; i < spec.clusters_size(); ++i) {
    const auto& c = spec.clusters(i);
    for (int q = 0; q < c.vcpu_quotas_size(); ++q) {
      const std::string f = "scenario field fleet.clusters[" + std::to_string(i) + "].vcpu_quotas[" + std::to_string(q) + "]";
      VcpuQuota out;
      out.max_vcpus = c.vcpu_quotas(q).max_vcpus();
      for (const std::string& name : c.vcpu_quotas(q).pools()) {
        const std::int32_t p = fleet.find_pool(name);
        if (p < 0) throw InputError(f + ".pools: no pool named '" + name + "' in fleet.pools");
        if (fleet.pools[static_cast<std::size_t>(p)].cluster != i)
          throw InputError(f + ".pools: pool '" + name + "' is not in cluster '" + c.name() + "' (its pools name it)");
        if (std::find(out.pools.begin(), out.pools.end(), p) != out.pools.end())
          throw InputError(f + ".pools: '" + name + "' is named twice");
        out.pools.push_back(p);
      }
      fleet.clusters[static_cast<std::size_t>(i)].vcpu_quotas.push_back(std::move(out));
    }
  }
  fleet.order_pools();
}

std::string default_zone(const Fleet& fleet, std::int32_t pool) {
  const std::int32_t c = pool >= 0 && static_cast<std::size_t>(pool) < fleet.pools.size()
                             ? fleet.pools[static_cast<std::size_t>(pool)].cluster : -1;
  if (c >= 0 && !fleet.clusters[static_cast<std::size_t>(c)].zone.empty()) return fleet.clusters[static_cast<std::size_t>(c)].zone;
  return "zone-a";
}

void check_zone(const Fleet& fleet, std::int32_t pool, const std::string& zone, const std::string& field) {
  std::string own = zone;
  const std::int32_t c = pool >= 0 && static_cast<std::size_t>(pool) < fleet.pools.size()
                             ? fleet.pools[static_cast<std::size_t>(pool)].cluster : -1;
  if (c >= 0) inherit(own, fleet.clusters[static_cast<std::size_t>(c)].zone, field, "zone");
}

void check_cluster_quotas(const Fleet& fleet) {
  // Held from the start: static pools' nodes and the first min_nodes of each elastic pool (the
  // capacity policy holds those from the start).
  std::vector<std::int32_t> min_left(fleet.pools.size());
  for (std::size_t p = 0; p < fleet.pools.size(); ++p) min_left[p] = fleet.pools[p].elastic ? fleet.pools[p].min_nodes : -1;
  std::vector<std::uint8_t> held(fleet.size(), 0);
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const auto p = static_cast<std::size_t>(fleet.pool[n]);
    if (!fleet.pools[p].elastic) {
      held[n] = 1;
    } else if (min_left[p] > 0) {
      --min_left[p];
      held[n] = 1;
    }
  }
  QuotaBook book(fleet);
  book.recount([&](std::size_t n) { return held[n] != 0; });
  const std::string over = book.overdrawn();
  if (!over.empty()) throw InputError("scenario field " + over);
}

}  // namespace capsim
