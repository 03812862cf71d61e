#include "sim/model/quota_book.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "sim/model/gpu_catalog.h"

namespace capsim {

std::int64_t node_vcpu_milli(const Fleet& fleet, std::size_t node) {
  const bool vm = node < fleet.host.size() && fleet.host[node] >= 0;
  return fleet.cpu_milli[node] + (vm ? fleet.overhead_cpu_milli[node] : 0);
}

QuotaBook::QuotaBook(const Fleet& fleet) : charges_(fleet.size()) {
  for (std::size_t c = 0; c < fleet.clusters.size(); ++c) {
    const CloudCluster& cluster = fleet.clusters[c];
    const std::string field = "fleet.clusters[" + cluster.name + "]";
    for (const auto& [model, max_gpus] : cluster.gpu_quotas) {
      const auto q = static_cast<std::uint32_t>(quotas_.size());
      quotas_.push_back({max_gpus, max_gpus, field + ".quotas", std::string(gpu_model_info(model).name) + " GPUs", false});
      for (std::size_t n = 0; n < fleet.size(); ++n) {
        const std::int32_t p = fleet.pool[n];
        if (fleet.pools[static_cast<std::size_t>(p)].cluster == static_cast<std::int32_t>(c) && fleet.gpu_count[n] > 0 &&
            fleet.gpu_model[n] == model)
          charges_[n].emplace_back(q, fleet.gpu_count[n]);
      }
    }
    for (std::size_t k = 0; k < cluster.vcpu_quotas.size(); ++k) {
      const VcpuQuota& v = cluster.vcpu_quotas[k];
      const auto q = static_cast<std::uint32_t>(quotas_.size());
      quotas_.push_back({v.max_vcpus * 1000, v.max_vcpus * 1000, field + ".vcpu_quotas[" + std::to_string(k) + "]", "vCPUs", true});
      for (std::size_t n = 0; n < fleet.size(); ++n) {
        const std::int32_t p = fleet.pool[n];
        if (fleet.pools[static_cast<std::size_t>(p)].cluster != static_cast<std::int32_t>(c)) continue;
        if (!v.pools.empty() && std::find(v.pools.begin(), v.pools.end(), p) == v.pools.end()) continue;
        charges_[n].emplace_back(q, node_vcpu_milli(fleet, n));
      }
    }
  }
}

void QuotaBook::recount(const std::function<bool(std::size_t node)>& held) {
  if (quotas_.empty()) return;
  for (Quota& q : quotas_) q.left = q.limit;
  for (std::size_t n = 0; n < charges_.size(); ++n) {
    if (charges_[n].empty() || !held(n)) continue;
    for (const auto& [q, units] : charges_[n]) quotas_[q].left -= units;
  }
}

std::int64_t QuotaBook::room(std::size_t node) const {
  std::int64_t room = std::numeric_limits<std::int64_t>::max();
  for (const auto& [q, units] : charges_[node])
    if (units > 0) room = std::min(room, std::max<std::int64_t>(0, quotas_[q].left / units));
  return room;
}

void QuotaBook::charge(std::size_t node, std::int64_t count) {
  for (const auto& [q, units] : charges_[node]) quotas_[q].left -= count * units;
}

std::string QuotaBook::overdrawn() const {
  for (const Quota& q : quotas_) {
    if (q.left >= 0) continue;
    const auto shown = [&](std::int64_t v) {
      std::ostringstream out;
      out << (q.vcpu ? static_cast<double>(v) / 1000.0 : static_cast<double>(v));
      return out.str();
    };
    return q.field + ": " + shown(q.limit - q.left) + " " + q.unit + " are held from the start (static pools and elastic "
           "min_nodes), above the quota of " + shown(q.limit);
  }
  return "";
}

}  // namespace capsim
