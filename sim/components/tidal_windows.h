#pragma once
// The daily tide (colocation.windows, sim/model/tidal_calendar.h): at every
// window boundary a scheduling pass (who may start has changed); at a
// window's end less its lead, running pods of the tiers that must leave are
// told to go: those that checkpoint on notice write one and leave when it is
// written (nothing lost); at the end, the ones still running are evicted
// (work since their last checkpoint lost). Who may start is decided at
// placement (policies/tidal_gate.h).
#include <cstdint>

#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/model/tidal_calendar.h"

namespace capsim {

class TidalWindows final : public Component {
 public:
  static constexpr auto kBoundary = static_cast<EventKind>(41);
  static constexpr auto kSavedExit = static_cast<EventKind>(42);  // job field: job; generation: the job's

  explicit TidalWindows(const TidalCalendar& calendar) : calendar_(calendar) {}
  static bool needed(const TidalCalendar& c) { return !c.empty(); }
  const char* name() const override { return "tidal-windows"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  void report(const Simulation& sim, RunResult& result) const override;
  void on_pass_end(Simulation& sim, SimTime now) override;

 private:
  void on_boundary(Simulation& sim, const Event& e);
  void on_saved_exit(Simulation& sim, const Event& e);
  void schedule_next(Simulation& sim, SimTime after);
  void update_hold(Simulation& sim, SimTime now);

  const TidalCalendar& calendar_;
  bool held_ = false;
  bool has_gap_ = false;
  std::int64_t saved_exits_ = 0, evictions_ = 0;
};

}  // namespace capsim
