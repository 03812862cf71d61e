#include "sim/components/tidal_windows.h"

#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim {

void TidalWindows::attach(Simulation& sim) {
  sim.on_event<TidalWindows, &TidalWindows::on_boundary>(kBoundary, this);
  sim.on_event<TidalWindows, &TidalWindows::on_saved_exit>(kSavedExit, this);
  sim.track_jobs_on_nodes();
  sim.track_progress();
}

void TidalWindows::on_run_start(Simulation& sim, SimTime start) {
  // Whether some time of the day lies outside every window (where any pod may start).
  const SimTime step = seconds_to_us(std::int64_t{60});
  for (SimTime o = 0; o < kDayUs && !has_gap_; o += step) has_gap_ = calendar_.window_at(o) < 0;
  schedule_next(sim, start);
}

void TidalWindows::schedule_next(Simulation& sim, SimTime after) {
  // The next boundary keeps the run going while a pod waits that the calendar refuses now but lets
  // start at some time of the day; a pod that waits for capacity, or that no window lets start,
  // does not keep it going on its own (no run lasts forever for it).
  sim.schedule(calendar_.next_boundary(after), kBoundary);
  held_ = false;
  update_hold(sim, after);
}

void TidalWindows::update_hold(Simulation& sim, SimTime now) {
  if (held_) return;
  const JobTable& jobs = sim.jobs();
  bool hold = false;
  sim.for_each_pending_class([&](std::uint32_t head, std::size_t) {
    if (hold || calendar_.may_start(jobs, head, now)) return;
    for (int w = -1; w < static_cast<int>(calendar_.windows.size()) && !hold; ++w)
      hold = (w >= 0 || has_gap_) && calendar_.may_start_in(jobs, head, w);
  });
  if (hold) sim.hold_run(RunHold::kWhileWaiting, 1);
  held_ = hold;
}

void TidalWindows::on_pass_end(Simulation& sim, SimTime now) { update_hold(sim, now); }

void TidalWindows::on_boundary(Simulation& sim, const Event& e) {
  if (held_) sim.hold_run(RunHold::kWhileWaiting, -1);
  held_ = false;
  const SimTime now = e.time;
  const JobTable& jobs = sim.jobs();
  for (const TidalWindow& w : calendar_.windows) {
    if (!w.exit_at_end) continue;
    const SimTime offset = ((now % kDayUs) + kDayUs) % kDayUs;
    const SimTime end = w.end_us % kDayUs;
    const SimTime notice = ((end - w.exit_lead_us) % kDayUs + kDayUs) % kDayUs;
    const bool at_notice = offset == notice && w.exit_lead_us > 0, at_end = offset == end;
    if (!at_notice && !at_end) continue;
    // The running pods of the tiers that leave (each once: gangs list a job per worker).
    std::vector<std::uint32_t> leaving;
    for (std::size_t n = 0; n < sim.fleet().size(); ++n)
      for (std::uint32_t j : sim.jobs_on_node(n))
        if ((w.exit_at_end >> static_cast<int>(jobs.tier_of(j).tier) & 1) && sim.state(j) == JobState::kRunning &&
            sim.placement(j).node == static_cast<std::int32_t>(n))
          leaving.push_back(j);
    for (std::uint32_t j : leaving) {
      if (sim.state(j) != JobState::kRunning) continue;
      if (at_notice) {
        // Jobs that checkpoint on notice write one now and leave when it is written.
        if (jobs.service[j] >= 0) continue;
        const SimTime exit = sim.save_on_notice(now, j, w.exit_lead_us);
        if (exit != kNever) sim.schedule(exit, kSavedExit, j, sim.invalidate_job_events(j));
      } else {
        sim.interrupt_job(now, j, InterruptReason::kEvicted);
        ++evictions_;
      }
    }
  }
  sim.request_pass(now);
  schedule_next(sim, now);
}

void TidalWindows::on_saved_exit(Simulation& sim, const Event& e) {
  if (e.generation != sim.job_generation(e.job)) {
    sim.note_stale_event();
    return;
  }
  sim.interrupt_job(e.time, e.job, InterruptReason::kSavedOnNotice);
  ++saved_exits_;
}

void TidalWindows::report(const Simulation&, RunResult& result) const {
  result.summary.push_back({"tidal_saved_exits", saved_exits_});
  result.summary.push_back({"tidal_evictions", evictions_});
}

}  // namespace capsim
