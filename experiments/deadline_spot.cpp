#include "experiments/deadline_spot.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "scenario/run_inputs.h"

namespace capsim {

const std::vector<std::string>& deadline_policy_names() {
  static const std::vector<std::string> names{"on-demand", "spot-only", "spot-fallback", "greedy",
                                              "uniform-progress"};
  return names;
}

DeadlinePolicy deadline_policy(const std::string& name) {
  const auto& names = deadline_policy_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<DeadlinePolicy>(i);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  throw InputError("unknown deadline policy '" + name + "' (one of " + all + ")");
}

SpotAvailability spot_availability(const std::vector<SimTime>& at_us, const std::vector<std::int32_t>& nodes,
                                   SimTime period_us, int nodes_needed) {
  SpotAvailability out;
  out.period_us = period_us;
  // Before the first point nothing is known: treated as unavailable.
  out.change_us.push_back(0);
  out.up.push_back(0);
  for (std::size_t i = 0; i < at_us.size(); ++i) {
    const std::uint8_t up = nodes[i] >= nodes_needed;
    if (at_us[i] >= period_us) break;
    if (at_us[i] == out.change_us.back()) {
      out.up.back() = up;
    } else if (up != out.up.back()) {
      out.change_us.push_back(at_us[i]);
      out.up.push_back(up);
    }
  }
  return out;
}

SpotAvailability read_spot_availability(const std::string& capacity_csv, int nodes_needed, SimTime period_us) {
  if (nodes_needed < 1) throw InputError("--nodes: a job needs at least one spot node");
  SpotSpec series;  // the spot pools' own reader (scenario/run_inputs.h)
  read_capacity_csv(capacity_csv, series);
  const std::vector<SimTime>& at = series.capacity_at_us;
  const std::vector<std::int32_t>& nodes = series.capacity_nodes;
  if (period_us == 0) period_us = at.empty() ? 0 : at.back();
  if (period_us <= 0)
    throw InputError(capacity_csv + ": the series' period is its last row's t_s, which must be above 0 (or give "
                     "the period)");
  return spot_availability(at, nodes, period_us, nodes_needed);
}

void check_deadline_job(const DeadlineJob& job) {
  if (job.work_us <= 0) throw InputError("work: must be above 0 hours");
  if (job.overhead_us < 0) throw InputError("overhead: must not be negative");
  if (job.deadline_us < job.work_us + job.overhead_us)
    throw InputError("deadline: below work + overhead, so even on-demand from the start misses it");
  if (!(job.spot_per_hour >= 0) || !(job.on_demand_per_hour >= 0))
    throw InputError("prices: must not be negative");
}

namespace {

enum Where : std::uint8_t { kIdle, kOnSpot, kOnDemandVm };

// Whether spot is up at absolute time `at` and how long until that may change.
std::pair<bool, SimTime> availability_at(const SpotAvailability& s, SimTime at) {
  const SimTime x = at % s.period_us;
  const auto it = std::upper_bound(s.change_us.begin(), s.change_us.end(), x);
  const std::size_t i = static_cast<std::size_t>(it - s.change_us.begin()) - 1;
  const SimTime next = it == s.change_us.end() ? s.period_us : *it;
  return {s.up[i] != 0, next - x};
}

SimTime ceil_div(__int128 a, __int128 b) {  // b > 0
  const __int128 q = a / b;
  return static_cast<SimTime>(q * b < a ? q + 1 : q);
}

}  // namespace

DeadlineRun run_deadline_job(const SpotAvailability& spot, SimTime offset_us, const DeadlineJob& job,
                             DeadlinePolicy policy) {
  const SimTime W = job.work_us, D = job.deadline_us, r = job.overhead_us;
  const SimTime limit = spot.period_us;  // a run that has not finished after one period gives up
  DeadlineRun out;
  out.offset_us = offset_us;
  out.policy = policy;
  Where where = kIdle;
  SimTime t = 0, p = 0, overhead_left = 0;
  while (true) {
    if (p >= W) {
      out.finished = true;
      out.finish_us = t;
      out.met = t <= D;
      break;
    }
    if (t >= limit) break;
    const auto [up, until_change] = availability_at(spot, offset_us + t);
    if (where == kOnSpot && !up) {  // reclaimed: the progress stays, the overhead in flight is lost
      where = kIdle;
      overhead_left = 0;
      ++out.preemptions;
    }
    const SimTime slack = D - t - (W - p);
    Where target = where;
    SimTime wake = kNever;  // when the rule's answer may change without any other event
    switch (policy) {
      case DeadlinePolicy::kOnDemand:
        target = kOnDemandVm;
        break;
      case DeadlinePolicy::kSpotOnly:
        target = up ? kOnSpot : kIdle;
        break;
      case DeadlinePolicy::kSpotFallback:
        if (where == kIdle) target = up ? kOnSpot : kOnDemandVm;
        break;
      case DeadlinePolicy::kGreedy:
        if (where != kIdle) break;  // on spot until reclaimed; on-demand is final
        if (up && slack >= 2 * r) target = kOnSpot;
        else if (slack <= r || up) target = kOnDemandVm;  // a spot start now could strand the job
        else wake = t + (slack - r);
        break;
      case DeadlinePolicy::kUniformProgress: {
        if (where == kOnSpot) break;
        if (where == kOnDemandVm) {
          // Back to spot only once progress is r ahead of the line W t / D: the hysteresis.
          if (!up || overhead_left > 0 || slack < 2 * r) break;
          const __int128 lhs = static_cast<__int128>(p - r) * D, rhs = static_cast<__int128>(W) * t;
          if (lhs >= rhs) target = kOnSpot;
          else if (D > W) wake = ceil_div(static_cast<__int128>(r - p + t) * D, D - W);
          break;
        }
        const bool behind = static_cast<__int128>(p) * D < static_cast<__int128>(W) * t;
        if (up && slack >= 2 * r) target = kOnSpot;
        else if (slack <= r || up || behind) target = kOnDemandVm;
        else wake = std::min(t + (slack - r), static_cast<SimTime>(static_cast<__int128>(p) * D / W) + 1);
        break;
      }
    }
    if (target != where) {
      overhead_left = target == kIdle ? 0 : r;
      if (target != kIdle) ++out.starts;
      if (target == kOnDemandVm && out.first_on_demand_us < 0) out.first_on_demand_us = t;
      where = target;
    }
    SimTime dt = std::min(until_change, limit - t);
    if (where != kIdle) dt = std::min(dt, overhead_left > 0 ? overhead_left : W - p);
    if (wake != kNever && wake > t) dt = std::min(dt, wake - t);
    if (where != kIdle) {
      const SimTime in_overhead = std::min(dt, overhead_left);
      overhead_left -= in_overhead;
      p += dt - in_overhead;
      (where == kOnSpot ? out.spot_us : out.on_demand_us) += dt;
    }
    t += dt;
  }
  out.cost = us_to_seconds(out.spot_us) / 3600.0 * job.spot_per_hour +
             us_to_seconds(out.on_demand_us) / 3600.0 * job.on_demand_per_hour;
  return out;
}

std::vector<SimTime> even_offsets(const SpotAvailability& spot, int n) {
  if (n < 1) throw InputError("--starts: at least one start offset");
  std::vector<SimTime> out;
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<SimTime>(static_cast<__int128>(spot.period_us) * i / n));
  return out;
}

std::vector<DeadlineRun> run_deadline_study(const SpotAvailability& spot, const std::vector<SimTime>& offsets_us,
                                            const DeadlineJob& job, const std::vector<DeadlinePolicy>& policies,
                                            int threads) {
  check_deadline_job(job);
  if (spot.period_us <= 0) throw InputError("spot series: empty");
  if (job.deadline_us > spot.period_us)
    throw InputError("deadline: longer than the spot series (" + std::to_string(us_to_seconds(spot.period_us) / 3600) +
                     " h), which a run would have to repeat");
  for (SimTime o : offsets_us)
    if (o < 0) throw InputError("offsets: must not be negative");
  std::vector<DeadlineRun> runs(offsets_us.size() * policies.size());
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, offsets_us.size(), [&](std::size_t i) {
      for (std::size_t k = 0; k < policies.size(); ++k)
        runs[i * policies.size() + k] = run_deadline_job(spot, offsets_us[i], job, policies[k]);
    });
  });
  return runs;
}

std::vector<DeadlineSummary> summarize_deadline_study(const std::vector<DeadlineRun>& runs, const DeadlineJob& job,
                                                      const std::vector<DeadlinePolicy>& policies) {
  const double on_demand_cost = us_to_seconds(job.work_us + job.overhead_us) / 3600.0 * job.on_demand_per_hour;
  std::vector<DeadlineSummary> out;
  for (DeadlinePolicy policy : policies) {
    DeadlineSummary s;
    s.policy = policy;
    double cost = 0, finish = 0, spot_h = 0, billed_h = 0, preemptions = 0;
    std::int64_t missed = 0, unfinished = 0, finished = 0;
    for (const DeadlineRun& r : runs) {
      if (r.policy != policy) continue;
      ++s.runs;
      cost += r.cost;
      missed += !r.met;
      unfinished += !r.finished;
      if (r.finished) {
        ++finished;
        finish += us_to_seconds(r.finish_us) / 3600.0;
      }
      spot_h += us_to_seconds(r.spot_us) / 3600.0;
      billed_h += us_to_seconds(r.spot_us + r.on_demand_us) / 3600.0;
      preemptions += r.preemptions;
    }
    if (s.runs > 0) {
      const double n = static_cast<double>(s.runs);
      s.mean_cost = cost / n;
      s.cost_vs_on_demand = on_demand_cost > 0 ? s.mean_cost / on_demand_cost : 0;
      s.miss_share = static_cast<double>(missed) / n;
      s.unfinished_share = static_cast<double>(unfinished) / n;
      s.mean_finish_h = finished > 0 ? finish / static_cast<double>(finished) : 0;
      s.spot_share = billed_h > 0 ? spot_h / billed_h : 0;
      s.mean_preemptions = preemptions / n;
    }
    out.push_back(s);
  }
  return out;
}

void write_deadline_study(const std::string& dir, const std::vector<DeadlineRun>& runs,
                          const std::vector<DeadlineSummary>& summary) {
  const auto& names = deadline_policy_names();
  std::ostringstream a;
  a << "offset_s,policy,finished,finish_h,met,cost_usd,spot_h,on_demand_h,starts,preemptions,first_on_demand_h\n";
  char buf[256];
  for (const DeadlineRun& r : runs) {
    std::snprintf(buf, sizeof buf, "%.6f,%s,%d,%.6f,%d,%.6f,%.6f,%.6f,%d,%d,%.6f\n", us_to_seconds(r.offset_us),
                  names[static_cast<std::size_t>(r.policy)].c_str(), r.finished ? 1 : 0,
                  r.finished ? us_to_seconds(r.finish_us) / 3600.0 : -1.0, r.met ? 1 : 0, r.cost,
                  us_to_seconds(r.spot_us) / 3600.0, us_to_seconds(r.on_demand_us) / 3600.0, r.starts,
                  r.preemptions, r.first_on_demand_us < 0 ? -1.0 : us_to_seconds(r.first_on_demand_us) / 3600.0);
    a << buf;
  }
  std::ostringstream b;
  b << "policy,runs,mean_cost_usd,cost_vs_on_demand,miss_share,unfinished_share,mean_finish_h,spot_share,"
       "mean_preemptions\n";
  for (const DeadlineSummary& s : summary) {
    std::snprintf(buf, sizeof buf, "%s,%lld,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n",
                  names[static_cast<std::size_t>(s.policy)].c_str(), static_cast<long long>(s.runs), s.mean_cost,
                  s.cost_vs_on_demand, s.miss_share, s.unfinished_share, s.mean_finish_h, s.spot_share,
                  s.mean_preemptions);
    b << buf;
  }
  write_text_atomically(dir + "/deadline_spot.csv", a.str());
  write_text_atomically(dir + "/summary.csv", b.str());
}

}  // namespace capsim
