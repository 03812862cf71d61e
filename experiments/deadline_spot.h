#pragma once
// Deadline-aware spot for one batch job, the model of Wu et al., "Can't Be
// Late: Optimizing Spot Instance Savings under Deadlines", NSDI 2024: a job
// of W seconds of compute must finish D seconds after it starts; at any time
// it runs on a spot instance (when the capacity series allows one), on an
// on-demand instance, or waits. Every start of an instance costs a restart
// overhead r (no progress, billed); a preemption keeps the progress made
// (the paper's checkpointed job) and bills nothing more. Time is continuous
// (integer microseconds, events at the series' changes and at the policies'
// thresholds), not the paper's ticks, so a switch happens at the exact
// instant a rule asks for it.
//
// Policies (docs/deadline_spot.md gives each rule and its guarantee):
// - on-demand: on-demand from the start.
// - spot-only: spot whenever available, wait otherwise (may miss).
// - spot-fallback: capsim's spot-fallback placement as this model sees it:
//   spot when available at a (re)start, else on-demand; a job on on-demand
//   stays there (capsim does not migrate running jobs).
// - greedy (the paper's): on-demand is final; spot whenever available while
//   the slack S = D - t - remaining work is at least 2r (a preemption right
//   after the overhead still leaves r to restart); wait while S > r; switch
//   to on-demand when S falls to r, which finishes exactly at D.
// - uniform-progress (the paper's, with its hysteresis): spot whenever
//   available (S >= 2r); without spot, run on-demand when progress falls
//   behind the line W t / D and stay there until spot is back and progress
//   is r ahead of the line; greedy's safety net at S = r.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/time.h"

namespace capsim {

enum class DeadlinePolicy : std::uint8_t { kOnDemand, kSpotOnly, kSpotFallback, kGreedy, kUniformProgress };
// on-demand, spot-only, spot-fallback, greedy, uniform-progress.
const std::vector<std::string>& deadline_policy_names();
DeadlinePolicy deadline_policy(const std::string& name);  // InputError naming the five otherwise

// Spot availability over the series' period: up from change_us[i] to the
// next change; the series repeats after period_us (a run that starts late
// in the trace wraps round to its beginning).
struct SpotAvailability {
  std::vector<SimTime> change_us;  // starts at 0, increasing
  std::vector<std::uint8_t> up;
  SimTime period_us = 0;
};
// From a capacity CSV (t_s,nodes): available while nodes >= nodes_needed.
// The period is period_us, or when 0 the last row's time (the SkyPilot
// conversion, scripts/skypilot_capacity_csv.py, ends with a row at the
// trace's end); InputError names the file and line.
SpotAvailability read_spot_availability(const std::string& capacity_csv, int nodes_needed, SimTime period_us = 0);
SpotAvailability spot_availability(const std::vector<SimTime>& at_us, const std::vector<std::int32_t>& nodes,
                                   SimTime period_us, int nodes_needed);

struct DeadlineJob {
  SimTime work_us = 0;
  SimTime deadline_us = 0;  // after the start; above work + overhead
  SimTime overhead_us = 0;  // per instance start
  double spot_per_hour = 0;
  double on_demand_per_hour = 0;
};
// InputError naming the field for a job no policy can run.
void check_deadline_job(const DeadlineJob& job);

struct DeadlineRun {
  SimTime offset_us = 0;
  DeadlinePolicy policy = DeadlinePolicy::kOnDemand;
  bool finished = false;       // within one period of the series
  SimTime finish_us = kNever;  // after the start
  bool met = false;            // finished by the deadline
  double cost = 0;
  SimTime spot_us = 0, on_demand_us = 0;  // billed, overheads included
  std::int32_t starts = 0, preemptions = 0;
  SimTime first_on_demand_us = -1;  // when it first went on-demand; -1: never
};
DeadlineRun run_deadline_job(const SpotAvailability& spot, SimTime offset_us, const DeadlineJob& job,
                             DeadlinePolicy policy);

// Every policy from every offset, on TBB; the same rows on any thread count
// (offset-major, policies in the order given).
std::vector<DeadlineRun> run_deadline_study(const SpotAvailability& spot, const std::vector<SimTime>& offsets_us,
                                            const DeadlineJob& job, const std::vector<DeadlinePolicy>& policies,
                                            int threads);
// n start offsets spread evenly over the period: i * period / n.
std::vector<SimTime> even_offsets(const SpotAvailability& spot, int n);

struct DeadlineSummary {
  DeadlinePolicy policy;
  std::int64_t runs = 0;
  double mean_cost = 0;
  double cost_vs_on_demand = 0;  // mean cost / the on-demand-only cost (W + r) x price
  double miss_share = 0;         // not finished by the deadline
  double unfinished_share = 0;   // not finished within the period
  double mean_finish_h = 0;      // over finished runs
  double spot_share = 0;         // of billed hours
  double mean_preemptions = 0;
};
std::vector<DeadlineSummary> summarize_deadline_study(const std::vector<DeadlineRun>& runs, const DeadlineJob& job,
                                                      const std::vector<DeadlinePolicy>& policies);

// deadline_spot.csv (one row per run) and summary.csv in dir, atomically.
void write_deadline_study(const std::string& dir, const std::vector<DeadlineRun>& runs,
                          const std::vector<DeadlineSummary>& summary);

}  // namespace capsim
