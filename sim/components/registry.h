#pragma once
// The components a run is built with: one line each in registry.cpp.
#include <memory>
#include <vector>

#include "sim/core/component.h"

namespace capsim {

class Simulation;

struct ComponentEntry {
  const char* name;
  // The component when the run needs it (its fleet, jobs or config), else null.
  std::unique_ptr<Component> (*make)(const Simulation& sim);
};
const std::vector<ComponentEntry>& component_registry();

// Adds, in registry order, every component the run needs. Every run built
// by the experiments layer calls it; so does any test that builds a
// Simulation by hand.
void add_standard_components(Simulation& sim);

}  // namespace capsim
