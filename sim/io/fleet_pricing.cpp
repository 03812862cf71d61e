#include "sim/io/fleet_pricing.h"

#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "sim/base/check.h"
#include "sim/io/price_catalog_loader.h"

namespace capsim {
namespace {

// OpenCost's default prices, used only as weights to split a node's price.
constexpr double kCpuCoreHour = 0.031611, kMemoryGibHour = 0.004237, kGpuHour = 0.95;
constexpr double kMibPerGib = 1024.0;

struct Price {
  double list_per_hour = 0;      // held part
  double busy_per_hour = 0;      // owned: extra electricity at full use
  bool owned = false;
};

[[noreturn]] void fail(const std::string& origin, const std::string& what) { throw InputError(origin + ": " + what); }

Price price_for(const config::NodePrice& e, const PoolSpec& pool, const std::string& origin,
                const std::string& who) {
  const std::string entry = catalog_key(e);
  Price p;
  switch (pool.kind) {
    case PoolKind::kOnDemand:
      if (!e.has_on_demand_per_hour()) fail(origin, who + " is on-demand, but " + entry + " has no on_demand_per_hour");
      p.list_per_hour = e.on_demand_per_hour();
      break;
    case PoolKind::kSpot:
      if (e.spot_series_size() > 0) {  // rates at the first price; the ledger scales them at each change
        if (e.spot_series(0).t_s() != 0 || !(e.spot_series(0).per_hour() > 0))
          fail(origin, who + ": " + entry + ": spot_series must start at t_s 0 with a positive price");
        p.list_per_hour = e.spot_series(0).per_hour();
        break;
      }
      if (!e.has_spot_per_hour()) fail(origin, who + " is a spot pool, but " + entry + " has no spot_per_hour (or spot_series)");
      p.list_per_hour = e.spot_per_hour();
      break;
    case PoolKind::kReserved: {
      const config::Commitment* c = nullptr;
      for (const auto& m : e.commitments())
        if (m.name() == pool.commitment) c = &m;
      if (!c) {
        std::string names;
        for (const auto& m : e.commitments()) names += (names.empty() ? "" : ", ") + m.name();
        fail(origin, who + " is reserved on commitment '" + pool.commitment + "', which " + entry +
                         " does not offer (it offers: " + (names.empty() ? "none" : names) + ")");
      }
      p.list_per_hour = c->upfront() / (c->term_months() * kHoursPerMonth) + c->per_hour();
      break;
    }
    case PoolKind::kOwned: {
      if (!e.has_owned()) fail(origin, who + " is owned, but " + entry + " has no owned block");
      const auto& o = e.owned();
      const double pue = o.pue() > 0 ? o.pue() : 1.0;
      p.list_per_hour = (o.purchase() - o.residual()) / (o.depreciation_months() * kHoursPerMonth) +
                        (o.ops_per_month() + o.colo_per_month()) / kHoursPerMonth +
                        o.power_idle_kw() * pue * o.electricity_per_kwh();
      p.busy_per_hour = (o.power_busy_kw() - o.power_idle_kw()) * pue * o.electricity_per_kwh();
      p.owned = true;
      break;
    }
  }
  return p;
}

const char* kind_key(PoolKind k) { return pool_kind_name(k); }

// A VM priced per node is that instance type: its whole shape (what pods may request plus what the VM
// keeps) must be the catalog entry's, or the bill would be for a different machine than the one simulated.
void check_vm_shape(const Fleet& fleet, std::size_t n, const config::NodePrice& e, const std::string& origin,
                    const std::string& who) {
  const double cores = static_cast<double>(fleet.cpu_milli[n] + fleet.overhead_cpu_milli[n]) / 1000.0;
  const double gib = static_cast<double>(fleet.memory_mib[n] + fleet.overhead_memory_mib[n]) / kMibPerGib;
  auto differs = [](double have, double want) { return want > 0 && std::abs(have - want) > 1e-3 * want + 1e-3; };
  if (differs(cores, e.cpu_cores()) || differs(gib, e.memory_gib()))
    fail(origin, who + ": the VM's shape (cpu_cores " + std::to_string(cores).substr(0, 8) + ", memory_gib " +
                     std::to_string(gib).substr(0, 8) + ", overhead included) is not the catalog's " + catalog_key(e) +
                     " (cpu_cores " + std::to_string(e.cpu_cores()).substr(0, 8) + ", memory_gib " +
                     std::to_string(e.memory_gib()).substr(0, 8) +
                     "): set the node group's cpu_cores and memory_gib to the instance type's, or price it with scale \"cpu\"");
}

}  // namespace

double discount_fraction(const config::PriceCatalog& cat, const std::string& provider, const std::string& node_type,
                         const std::string& pool_kind) {
  int best = -1;
  double fraction = 0;
  for (const auto& d : cat.discounts()) {
    if (d.provider() != provider) continue;
    if (!d.node_type().empty() && d.node_type() != node_type) continue;
    if (!d.pool_kind().empty() && d.pool_kind() != pool_kind) continue;
    const int specificity = (d.node_type().empty() ? 0 : 2) + (d.pool_kind().empty() ? 0 : 1);
    if (specificity > best) best = specificity, fraction = d.fraction();
  }
  return fraction;
}

FleetPricing price_fleet(const Fleet& fleet, const google::protobuf::RepeatedPtrField<config::Pool>& pools,
                         const config::PriceCatalog& cat, const std::string& origin) {
  CAPSIM_CHECK(static_cast<int>(fleet.pools.size()) == pools.size(), "the fleet holds the scenario's pools");
  FleetPricing out;
  out.currency = cat.currency();
  out.catalog_source = cat.source();
  out.catalog_as_of = cat.as_of();
  const double w_cpu = cat.split().cpu_core_hour() > 0 ? cat.split().cpu_core_hour() : kCpuCoreHour;
  const double w_mem = cat.split().memory_gib_hour() > 0 ? cat.split().memory_gib_hour() : kMemoryGibHour;
  const double w_gpu = cat.split().gpu_hour() > 0 ? cat.split().gpu_hour() : kGpuHour;

  std::map<std::string, int> entry_of;
  for (int i = 0; i < cat.nodes_size(); ++i) entry_of[catalog_key(cat.nodes(i))] = i;
  std::map<std::tuple<int, int, int>, std::int32_t> center_of;  // (pool, entry, GPU model or -1)
  out.node.resize(fleet.size());
  for (std::size_t n = 0; n < fleet.size(); ++n) {
    const int pi = fleet.pool[n];
    const PoolSpec& pool = fleet.pools[static_cast<std::size_t>(pi)];
    const config::Pool& cfg = pools.Get(pi);
    const bool has_gpu = fleet.gpu_count[n] > 0;
    const std::string model = has_gpu ? std::string(gpu_model_info(fleet.gpu_model[n]).name) : std::string("none");
    const std::string who = "pool '" + pool.name + "' (node " + fleet.name[n] + ", GPU model " + model + ")";
    const config::PriceRule* rule = nullptr;
    for (const auto& r : cfg.prices())
      if (r.gpu_model().empty() || r.gpu_model() == model) {
        rule = &r;
        break;
      }
    if (!rule) fail(origin, who + ": no price rule of the pool matches GPU model " + model);
    const std::string key = pool.provider + "/" + pool.region + "/" + rule->node_type();
    auto it = entry_of.find(key);
    if (it == entry_of.end()) fail(origin, who + ": the catalog has no entry " + key);
    const config::NodePrice& e = cat.nodes(it->second);
    const Price p = price_for(e, pool, origin, who);
    if (fleet.host[n] >= 0 && (rule->scale().empty() || rule->scale() == "node")) check_vm_shape(fleet, n, e, origin, "scenario field fleet.pools[" + std::to_string(pi) + "].prices, " + who);

    double scale = 1;
    const std::string& how = rule->scale();
    if (how == "gpu") {
      if (e.gpus() == 0) fail(origin, who + ": scale \"gpu\" needs GPUs in " + key);
      if (!has_gpu) fail(origin, who + ": scale \"gpu\" prices a node without GPUs");
      scale = static_cast<double>(fleet.gpu_count[n]) / e.gpus();
    } else if (how == "cpu") {
      if (e.cpu_cores() <= 0) fail(origin, who + ": scale \"cpu\" needs cpu_cores in " + key);
      scale = static_cast<double>(fleet.cpu_milli[n]) / 1000.0 / e.cpu_cores();
    }
    const double discount = discount_fraction(cat, pool.provider, rule->node_type(), kind_key(pool.kind));
    const double list = p.list_per_hour * scale, busy = p.busy_per_hour * scale;
    const double net = list * (1 - discount), busy_net = busy * (1 - discount);
    const bool flat_internal = e.has_internal_per_hour();
    const double internal = flat_internal ? e.internal_per_hour() * scale : list;
    const double busy_internal = flat_internal ? 0.0 : busy;

    const auto ck = std::make_tuple(pi, it->second, has_gpu ? static_cast<int>(fleet.gpu_model[n]) : -1);
    auto [c, fresh] = center_of.try_emplace(ck, static_cast<std::int32_t>(out.centers.size()));
    if (fresh) {
      out.centers.push_back({pi, pool.provider, pool.region, rule->node_type(), model});
      out.centers.back().internal_follows_price = !e.has_internal_per_hour();
      if (pool.kind == PoolKind::kSpot && e.spot_series_size() > 1)
        for (int k = 1; k < e.spot_series_size(); ++k) {
          out.centers.back().price_change_us.push_back(seconds_to_us(e.spot_series(k).t_s()));
          out.centers.back().price_factor.push_back(e.spot_series(k).per_hour() / e.spot_series(0).per_hour());
        }
    }
    CostCenter& center = out.centers[static_cast<std::size_t>(c->second)];
    ++center.nodes;
    center.gpus += fleet.gpu_count[n];
    // Renting the same nodes: at the renting provider's net price (an owned type's cloud-equivalent rent
    // is discounted like that cloud's on-demand and commitments, not at list).
    const std::string& renter = e.rent_provider().empty() ? pool.provider : e.rent_provider();
    center.on_demand_net_per_hour +=
        e.has_on_demand_per_hour()
            ? e.on_demand_per_hour() * scale * (1 - discount_fraction(cat, renter, rule->node_type(), "on-demand"))
            : std::numeric_limits<double>::quiet_NaN();
    if (center.nodes == 1) {
      for (const auto& k : e.commitments())
        center.reserved.push_back({k.name(), k.term_months(), 0.0, 0.0});
    }
    for (auto& r : center.reserved) {
      // A center's nodes share one entry, so every node has the same commitments.
      for (const auto& k : e.commitments())
        if (k.name() == r.name) {
          const double d = 1 - discount_fraction(cat, renter, rule->node_type(), "reserved");
          r.upfront += k.upfront() * scale * d;
          r.per_hour += k.per_hour() * scale * d;
        }
    }
    if (e.has_owned()) {
      const auto& o = e.owned();
      const double pue = o.pue() > 0 ? o.pue() : 1.0;
      center.owned_purchase += o.purchase() * scale;
      center.owned_opex_per_month +=
          (o.ops_per_month() + o.colo_per_month() + o.power_idle_kw() * pue * o.electricity_per_kwh() * kHoursPerMonth) *
          scale;
      center.owned_busy_energy_per_month +=
          (o.power_busy_kw() - o.power_idle_kw()) * pue * o.electricity_per_kwh() * kHoursPerMonth * scale;
    } else {
      center.owned_purchase = center.owned_opex_per_month = std::numeric_limits<double>::quiet_NaN();
    }

    NodeRates& r = out.node[n];
    r.center = c->second;
    r.net_per_hour = net;
    r.internal_per_hour = internal;
    // Split the held price by the node's resources, weighted by unit prices.
    const double cores = static_cast<double>(fleet.cpu_milli[n]) / 1000.0;
    const double gib = static_cast<double>(fleet.memory_mib[n]) / kMibPerGib;
    const double gpus = fleet.gpu_count[n];
    // A VM's price covers its whole shape: what it keeps for itself is its overhead, not a pod's.
    const double wo = static_cast<double>(fleet.overhead_cpu_milli[n]) / 1000.0 * w_cpu +
                      static_cast<double>(fleet.overhead_memory_mib[n]) / kMibPerGib * w_mem;
    const double wc = cores * w_cpu, wm = gib * w_mem, wg = gpus * w_gpu, w = wc + wm + wg + wo;
    if (!(w > 0)) fail(origin, who + ": the catalog's split weights give this node no resource to price");
    const double per_cpu = wc / w / static_cast<double>(fleet.cpu_milli[n]);
    const double per_mem = fleet.memory_mib[n] > 0 ? wm / w / static_cast<double>(fleet.memory_mib[n]) : 0.0;
    const double per_gpu = gpus > 0 ? wg / w / (gpus * 1000.0) : 0.0;
    r.cpu_net = net * per_cpu, r.mem_net = net * per_mem, r.gpu_net = net * per_gpu;
    r.cpu_internal = internal * per_cpu, r.mem_internal = internal * per_mem, r.gpu_internal = internal * per_gpu;
    r.overhead_net = net * wo / w, r.overhead_internal = internal * wo / w;
    r.busy_by_cpu = !has_gpu;
    const double busy_units = has_gpu ? gpus * 1000.0 : static_cast<double>(fleet.cpu_milli[n]);
    r.busy_net = busy_net / busy_units;
    r.busy_internal = busy_internal / busy_units;
  }
  return out;
}

}  // namespace capsim
