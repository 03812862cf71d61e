#pragma once
// What was bought, and how much of it was used: for fleets of VMs (two-level capacity), the vCPUs
// held over time (each held VM's whole shape: what pods may request plus what the VM keeps), and
// the pods' used CPU as a share of them: the utilization a planner compares between one VM per pod
// and big VMs. Exact between node acquisitions and releases; the peak over samples.
#include <cstdint>

#include "sim/core/engine_listener.h"
#include "sim/metrics/run_result.h"

namespace capsim {

class Fleet;

class HeldCapacityRecorder final : public EngineListener {
 public:
  static bool needed(const Fleet& fleet);
  void on_run_start(const Simulation& sim, SimTime start) override;
  void on_node_acquired(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_node_released(const Simulation& sim, SimTime t, std::int32_t node) override;
  void on_sample(const Simulation& sim, SimTime t) override;
  // The scenario's warm-up: what came before is not measured.
  void on_warmup_end(const Simulation& sim, SimTime t) override;
  // Summary keys: vm_cores_held_mean, vm_cpu_used_mean, vm_cpu_used_peak, vm_overhead_core_hours.
  void take(const Simulation& sim, RunResult& result);

 private:
  void advance(SimTime t);
  double held_milli_ = 0, overhead_milli_ = 0;      // now
  double held_integral_ = 0, overhead_integral_ = 0;  // milli x us
  double peak_share_ = 0;
  SimTime start_ = 0, last_ = 0;
  bool open_ = true;      // measuring (false during a warm-up)
  double used_cut_ = 0;   // the fleet's used CPU integral when measuring began
};

}  // namespace capsim
