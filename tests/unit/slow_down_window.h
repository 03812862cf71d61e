#pragma once
// The example component: a daily-window flavour of what co-location needs.
// From `from` to `to`, every job running at `from` progresses at `rate`
// (its finish moves); at `to`, every running job is back to full speed. It
// owns its two events, in a slot of its own (kind 50: after the capacity
// policy's wake-ups, before samples), and acts only through the kernel's
// mutations. Adding it to a run is one line: sim.add_component(...).
#include <memory>

#include "sim/core/component.h"
#include "sim/core/simulation.h"

namespace capsim::test {

class SlowDownWindow final : public Component {
 public:
  static constexpr EventKind kWindowEdge = static_cast<EventKind>(50);

  SlowDownWindow(SimTime from, SimTime to, double rate) : from_(from), to_(to), rate_(rate) {}
  const char* name() const override { return "slow-down-window"; }
  void attach(Simulation& sim) override {
    sim.track_progress();
    sim.on_event<SlowDownWindow, &SlowDownWindow::on_edge>(kWindowEdge, this);
  }
  void on_run_start(Simulation& sim, SimTime) override {
    sim.schedule(from_, kWindowEdge, 0);
    sim.schedule(to_, kWindowEdge, 1);
  }

 private:
  void on_edge(Simulation& sim, const Event& e) {
    const double rate = e.job == 0 ? rate_ : 1.0;
    for (std::uint32_t j = 0; j < sim.jobs().size(); ++j)
      if (sim.state(j) == JobState::kRunning && sim.progress().rate(j) != rate) sim.set_progress_rate(e.time, j, rate);
  }

  SimTime from_, to_;
  double rate_;
};

}  // namespace capsim::test
