#include "sim/components/registry.h"

#include "sim/components/burst.h"
#include "sim/components/colocation.h"
#include "sim/components/elastic_pools.h"
#include "sim/components/gpu_sharing.h"
#include "sim/components/numa_performance.h"
#include "sim/components/services.h"
#include "sim/components/spot_market.h"
#include "sim/components/tidal_windows.h"
#include "sim/core/simulation.h"

namespace capsim {
const std::vector<ComponentEntry>& component_registry() {
  // The order is the order of their hooks at one transition.
  static const std::vector<ComponentEntry> entries = {
      {"spot-market",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!SpotMarket::needed(s.fleet())) return nullptr;
         return std::make_unique<SpotMarket>(s.fleet(), s.config().seed);
       }},
      {"elastic-pools",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!ElasticPools::needed(s.fleet())) return nullptr;
         return std::make_unique<ElasticPools>(s.fleet());
       }},
      {"topology",  // before services: a replica's speed is set when its service hears it started
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!NumaPerformance::needed(s.fleet())) return nullptr;
         return std::make_unique<NumaPerformance>(s.fleet());
       }},
      {"services",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!ServiceFleet::needed(s.jobs())) return nullptr;
         return std::make_unique<ServiceFleet>(s.jobs());
       }},
      {"burst",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!BatchBurst::needed(s.jobs())) return nullptr;
         return std::make_unique<BatchBurst>(s.jobs());
       }},
      {"tidal-windows",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!TidalWindows::needed(s.config().colocation.tidal)) return nullptr;
         return std::make_unique<TidalWindows>(s.config().colocation.tidal);
       }},
      {"colocation",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!Colocation::needed(s.config().colocation)) return nullptr;
         return std::make_unique<Colocation>(s.config().colocation);
       }},
      {"gpu-sharing",
       [](const Simulation& s) -> std::unique_ptr<Component> {
         if (!GpuSharing::needed(s.config().colocation)) return nullptr;
         return std::make_unique<GpuSharing>(s.config().colocation.gpu);
       }},
  };
  return entries;
}

void add_standard_components(Simulation& sim) {
  for (const ComponentEntry& e : component_registry())
    if (auto c = e.make(sim)) sim.add_component(std::move(c));
}

}  // namespace capsim
