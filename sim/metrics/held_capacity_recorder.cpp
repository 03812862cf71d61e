#include "sim/metrics/held_capacity_recorder.h"

#include <algorithm>

#include "sim/core/simulation.h"

namespace capsim {

bool HeldCapacityRecorder::needed(const Fleet& fleet) { return fleet.has_vms(); }

void HeldCapacityRecorder::advance(SimTime t) {
  held_integral_ += held_milli_ * static_cast<double>(t - last_);
  overhead_integral_ += overhead_milli_ * static_cast<double>(t - last_);
  last_ = t;
}

void HeldCapacityRecorder::on_run_start(const Simulation& sim, SimTime start) {
  start_ = last_ = start;
  open_ = sim.config().warmup_us <= 0;
  const Fleet& f = sim.fleet();
  for (std::size_t n = 0; n < f.size(); ++n)
    if (sim.node_state(n) != NodeState::kOffline) {
      held_milli_ += static_cast<double>(f.cpu_milli[n] + f.overhead_cpu_milli[n]);
      overhead_milli_ += static_cast<double>(f.overhead_cpu_milli[n]);
    }
}

void HeldCapacityRecorder::on_node_acquired(const Simulation& sim, SimTime t, std::int32_t node) {
  advance(t);
  const Fleet& f = sim.fleet();
  held_milli_ += static_cast<double>(f.cpu_milli[node] + f.overhead_cpu_milli[node]);
  overhead_milli_ += static_cast<double>(f.overhead_cpu_milli[node]);
}

void HeldCapacityRecorder::on_node_released(const Simulation& sim, SimTime t, std::int32_t node) {
  advance(t);
  const Fleet& f = sim.fleet();
  held_milli_ -= static_cast<double>(f.cpu_milli[node] + f.overhead_cpu_milli[node]);
  overhead_milli_ -= static_cast<double>(f.overhead_cpu_milli[node]);
}

void HeldCapacityRecorder::on_warmup_end(const Simulation& sim, SimTime t) {
  advance(t);
  held_integral_ = overhead_integral_ = 0;
  start_ = t;
  used_cut_ = sim.usage().fleet(t).used_integral[kUsedCpu];
  open_ = true;
}

void HeldCapacityRecorder::on_sample(const Simulation& sim, SimTime t) {
  if (open_ && held_milli_ > 0) peak_share_ = std::max(peak_share_, sim.usage().fleet(t).used[kUsedCpu] / held_milli_);
}

void HeldCapacityRecorder::take(const Simulation& sim, RunResult& result) {
  const SimTime end = sim.stats().end_us;
  advance(end);
  if (!open_) {  // the run ended inside its warm-up: an empty window at its end
    held_integral_ = overhead_integral_ = 0;
    start_ = end;
  }
  const double span = static_cast<double>(end - start_);
  const double used = open_ ? sim.usage().fleet(end).used_integral[kUsedCpu] - used_cut_ : 0.0;
  Summary& s = result.summary;
  s.push_back({"vm_cores_held_mean", span > 0 ? held_integral_ / span / 1000.0 : held_milli_ / 1000.0});
  s.push_back({"vm_cpu_used_mean", held_integral_ > 0 ? used / held_integral_ : 0.0});
  s.push_back({"vm_cpu_used_peak", peak_share_});
  s.push_back({"vm_overhead_core_hours", overhead_integral_ / 1000.0 / 3.6e9});
}

}  // namespace capsim
