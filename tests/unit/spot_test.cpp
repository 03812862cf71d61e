// Spot interruptions against hand-worked timelines and theory: closed-form
// checkpoint progress, a single job under hand-placed interruptions (lost
// work, restarts, completion time), the expected run time under Poisson
// interruptions with periodic checkpoints (exact renewal formula, and the
// first-order waste C/tau + lambda*tau/2 with its optimum sqrt(2C/lambda)),
// fallback rules, and bad input.
#include <catch2/catch.hpp>

#include <cmath>

#include "experiments/runner.h"
#include "helpers.h"
#include "sim/core/job_progress.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;
using Catch::Matchers::Contains;

namespace {

RunResult run_jobs(const std::string& scenario_json, JobTable jobs, const std::string& policy = "spot-fallback",
                   std::uint64_t seed = 1) {
  const config::Scenario s = parse_scenario_json(scenario_json, "test scenario");
  validate_scenario(s, "test scenario");
  RunInputs in;
  BadRowPolicy bad;
  in.fleet = build_fleet(s, "", bad);
  jobs.sort_by_submit();
  in.jobs = std::move(jobs);
  RunSetup setup{&in, sim_config_from(s), ""};
  return run_one(setup, RunSpec{policy, {}, seed}).result;
}

double key(const RunResult& r, const std::string& k) { return summary_number(r.summary, k); }
std::int64_t job_col(const RunResult& r, const std::string& name, std::size_t j) {
  for (const auto& c : r.jobs.columns)
    if (c.name == name) return c.values.at(j);
  FAIL("no job column " << name);
  return 0;
}

Resilience ckpt(double interval_s, double cost_s, double restore_s) {
  Resilience r;
  r.checkpoint_interval_us = seconds_to_us(interval_s);
  r.checkpoint_cost_us = seconds_to_us(cost_s);
  r.restore_us = seconds_to_us(restore_s);
  r.spot_tolerant = true;
  return r;
}

// One 4-core, one-GPU spot node (static pool) with the given spot market.
std::string one_spot_node(const std::string& market, int nodes = 1) {
  return R"({"fleet": {"pools": [{"name": "spot", "kind": "spot", "spot": )" + market + R"(}],
    "nodes": [{"group": {"count": )" + std::to_string(nodes) + R"(, "cpu_cores": 4, "memory_gib": 16, "gpus": 1,
                         "gpu_model": "T4"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                   "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}]})";
}

JobTable one_job(double work_s, const Resilience& r) {
  JobTable t;
  test::add_job(t, 0, work_s, test::req(4000, 0, 1, 1000));
  t.set_resilience(0, 1, r);
  return t;
}

}  // namespace

TEST_CASE("checkpoint progress in closed form", "[spot]") {
  const Resilience r = ckpt(1000, 100, 50);
  const SimTime s = 1'000'000;
  CHECK(checkpoints_in_segment(r, 3600 * s) == 3);
  CHECK(checkpoints_in_segment(r, 3000 * s) == 2);  // no checkpoint after the last piece of work
  CHECK(segment_wall_us(r, 3600 * s, 0) == 3900 * s);
  CHECK(segment_wall_us(r, 3600 * s, 1000 * s) == (50 + 2600 + 200) * s);  // restore first
  auto at = [&](double p0, double elapsed) {
    const auto p = progress_at(r, 3600 * s, static_cast<SimTime>(p0 * 1e6), static_cast<SimTime>(elapsed * 1e6));
    return std::pair<double, double>{us_to_seconds(p.saved_us), us_to_seconds(p.reached_us)};
  };
  CHECK(at(0, 999) == std::pair<double, double>{0, 999});
  CHECK(at(0, 1050) == std::pair<double, double>{0, 1000});     // writing the first checkpoint
  CHECK(at(0, 1100) == std::pair<double, double>{1000, 1000});   // written
  CHECK(at(0, 1560) == std::pair<double, double>{1000, 1460});
  CHECK(at(0, 3899) == std::pair<double, double>{3000, 3599});   // the last piece has no checkpoint
  CHECK(at(1000, 40) == std::pair<double, double>{1000, 1000});  // still restoring
  CHECK(at(1000, 150) == std::pair<double, double>{1000, 1100});
  const Resilience none = ckpt(0, 0, 0);
  CHECK(segment_wall_us(none, 3600 * s, 0) == 3600 * s);
  CHECK(us_to_seconds(progress_at(none, 3600 * s, 0, 1560 * s).saved_us) == 0);
}

TEST_CASE("one job, hand-placed interruptions: lost work, restarts, completion time", "[spot]") {
  // Notice at 1,500 s, reclaim 60 s later, a replacement node 300 s after that.
  const std::string market = R"({"interruptions_at_s": [1500], "notice_s": 60, "replacement_delay_s": 300})";
  SECTION("periodic checkpoints: the work since the last one is lost") {
    const RunResult r = run_jobs(one_spot_node(market), one_job(3600, ckpt(1000, 100, 50)));
    // Reclaimed at 1,560 s: checkpoint 1 (1,000 s of work) was written at 1,100 s; 460 s are lost.
    // Back at 1,860 s: restore 50 s, 2,600 s of work, 2 checkpoints: ends at 1,860 + 2,850 = 4,710 s.
    CHECK(job_col(r, "restarts", 0) == 1);
    CHECK(job_col(r, "lost_us", 0) == 460'000'000);
    CHECK(job_col(r, "end_us", 0) == 4'710'000'000);
    CHECK(job_col(r, "start_us", 0) == 0);
    CHECK(key(r, "lost_gpu_hours") == Approx(460.0 / 3600));
    CHECK(key(r, "node_notices") == 1);
    CHECK(key(r, "job_interruptions") == 1);
    CHECK(key(r, "slowdown_mean") == Approx(4710.0 / 3600));
  }
  SECTION("checkpoint on notice when the notice leaves time to write one") {
    Resilience res = ckpt(1000, 100, 50);
    res.checkpoint_on_notice = true;
    const std::string long_notice = R"({"interruptions_at_s": [1500], "notice_s": 120, "replacement_delay_s": 300})";
    const RunResult r = run_jobs(one_spot_node(long_notice), one_job(3600, res));
    // At the notice the job has done 1,400 s of work and saves it; reclaimed at 1,620 s, back at 1,920 s,
    // then restore 50 s, 2,200 s of work and 2 checkpoints: ends at 4,370 s; nothing lost.
    CHECK(job_col(r, "lost_us", 0) == 0);
    CHECK(job_col(r, "end_us", 0) == 4'370'000'000);
    // With 60 s of notice the 100 s checkpoint does not fit: as without checkpoint on notice.
    const RunResult short_notice = run_jobs(one_spot_node(market), one_job(3600, res));
    CHECK(job_col(short_notice, "lost_us", 0) == 460'000'000);
  }
  SECTION("no checkpoints: restart from zero") {
    const RunResult r = run_jobs(one_spot_node(market), one_job(3600, ckpt(0, 0, 0)));
    CHECK(job_col(r, "lost_us", 0) == 1'560'000'000);
    CHECK(job_col(r, "end_us", 0) == (1860 + 3600) * 1'000'000LL);
  }
  SECTION("retries exhausted: the job fails at the reclaim") {
    Resilience res = ckpt(1000, 100, 50);
    res.max_retries = 0;
    const RunResult r = run_jobs(one_spot_node(market), one_job(3600, res));
    CHECK(key(r, "jobs_failed") == 1);
    CHECK(key(r, "jobs_completed") == 0);
    CHECK(job_col(r, "end_us", 0) == 1'560'000'000);
  }
  SECTION("a node interrupted while idle costs the job nothing") {
    const std::string early = R"({"interruptions_at_s": [1500], "notice_s": 60, "replacement_delay_s": 300})";
    JobTable t;
    test::add_job(t, 0, 100, test::req(4000, 0, 1, 1000));     // done before the interruption
    test::add_job(t, 2000, 100, test::req(4000, 0, 1, 1000));  // arrives after the replacement (1,860 s)
    t.set_resilience(0, 2, ckpt(0, 0, 0));
    const RunResult r = run_jobs(one_spot_node(early), t);
    CHECK(job_col(r, "start_us", 1) == 2000'000'000);
    CHECK(key(r, "node_notices") == 1);
    CHECK(key(r, "job_interruptions") == 0);
  }
  SECTION("a notice after the last job does not extend the run") {
    JobTable t;
    test::add_job(t, 0, 100, test::req(4000, 0, 1, 1000));
    t.set_resilience(0, 1, ckpt(0, 0, 0));
    const RunResult r = run_jobs(one_spot_node(R"({"interruptions_at_s": [5000], "notice_s": 60})"), t);
    CHECK(key(r, "sim_end_s") == 100);
    CHECK(key(r, "node_notices") == 0);
  }
}

namespace {

// Expected wall time of a job of n_segments pieces of tau work, checkpoint
// cost C after each but the last, restore R after an interruption (when there
// is a checkpoint to restore), interruptions Poisson at rate lambda, no
// notice, restart at once. A piece of length a, when an interruption sends the
// job back to it with restore cost R, takes (e^{lambda (R + a)} - 1) / lambda
// from then on; from its clean start it takes (1 - e^{-lambda a}) (1/lambda + that).
double expected_wall(double tau, double C, double R, double lambda, int n_segments) {
  double total = 0;
  for (int i = 0; i < n_segments; ++i) {
    const double a = tau + (i + 1 < n_segments ? C : 0);
    const double restore = i == 0 ? 0 : R;  // before the first checkpoint there is nothing to restore
    const double after_failure = (std::exp(lambda * (restore + a)) - 1) / lambda;
    total += (1 - std::exp(-lambda * a)) * (1 / lambda + after_failure);
  }
  return total;
}

}  // namespace

TEST_CASE("Poisson interruptions with periodic checkpoints: run time and waste against theory",
          "[spot][statistical]") {
  // lambda = 0.5 per node-hour, C = 60 s, R = 30 s: the first-order optimum is
  // tau* = sqrt(2 C / lambda) = 929.5 s. 2,000 jobs of 8 intervals each, one per
  // node, on 2,100 spot nodes that are replaced at once (no queueing).
  const double lambda_h = 0.5, lambda = lambda_h / 3600, C = 60, R = 30;
  const double tau_star = std::sqrt(2 * C / lambda);
  const int jobs_n = 2000, segments = 8;
  const std::string fleet = one_spot_node(
      R"({"interruptions_per_node_hour": 0.5, "notice_s": 0, "notice_given": true, "replacement_delay_s": 0})", 2100);
  std::vector<double> waste;
  for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
    const double tau = std::round(factor * tau_star);
    JobTable t;
    for (int j = 0; j < jobs_n; ++j) test::add_job(t, 0, segments * tau, test::req(4000, 0, 1, 1000));
    t.set_resilience(0, t.size(), ckpt(tau, C, R));
    const RunResult r = run_jobs(fleet, t, "spot-fallback", 7);
    REQUIRE(key(r, "jobs_completed") == jobs_n);
    double sum = 0, sum2 = 0;
    for (int j = 0; j < jobs_n; ++j) {
      const double wall = us_to_seconds(job_col(r, "end_us", j) - job_col(r, "start_us", j));
      sum += wall;
      sum2 += wall * wall;
    }
    const double mean = sum / jobs_n, se = std::sqrt((sum2 / jobs_n - mean * mean) / (jobs_n - 1));
    const double expected = expected_wall(tau, C, R, lambda, segments);
    INFO("tau " << tau << " s: mean wall " << mean << " s, expected " << expected << " s, SE " << se);
    // 2,000 independent jobs: the mean is within 4 standard errors of its expectation (a false alarm 6e-5 of the time).
    CHECK(std::abs(mean - expected) < 4 * se);
    waste.push_back((mean - segments * tau) / mean);
    if (factor == 1.0) {
      // First order (per interval: C/tau + lambda (tau/2 + R)), for 8 intervals of which 7 checkpoint:
      const double first_order = (7 * C / tau + lambda * (tau / 2 + R) * (segments * tau + 7 * C) / tau) /
                                 (segments + (7 * C + lambda * (tau / 2 + R) * (segments * tau + 7 * C)) / tau);
      INFO("waste at tau*: simulated " << waste.back() << ", first order " << first_order);
      CHECK(waste.back() == Approx(first_order).epsilon(0.15));  // second-order terms: lambda (tau + C) = 0.14
    }
  }
  // The simulated optimum is tau*: the waste there is below that at tau*/2 and 2 tau* (25% lower in first order).
  CHECK(waste[2] < waste[1]);
  CHECK(waste[2] < waste[3]);
  CHECK(waste[1] < waste[0]);
  CHECK(waste[3] < waste[4]);
}

TEST_CASE("spot placement: high-priority jobs never go to spot, tolerant ones go first, or fall back", "[spot]") {
  const std::string fleet = R"({"fleet": {"pools": [
      {"name": "spot", "kind": "spot", "spot": {"interruptions_at_s": [10, 20, 30], "notice_s": 1}},
      {"name": "od", "kind": "on-demand"}],
    "nodes": [{"group": {"name_prefix": "s", "count": 2, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4", "pool": "spot"}},
              {"group": {"name_prefix": "o", "count": 1, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4", "pool": "od"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                   "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}]})";
  JobTable t;
  test::add_job(t, 0, 1000, test::req(4000, 0, 1, 1000));   // 0: high priority, takes the on-demand node
  test::add_job(t, 1, 1000, test::req(4000, 0, 1, 1000));   // 1: high priority, must wait for it
  test::add_job(t, 2, 100, test::req(1000, 0));             // 2: tolerant: spot first
  Resilience hp;
  hp.high_priority = true;
  t.set_resilience(0, 2, hp);
  t.set_resilience(2, 3, ckpt(0, 0, 0));
  for (const char* policy : {"spot-fallback", "spot-only", "static-split", "best-fit", "fgd", "random"}) {
    INFO(policy);
    const RunResult r = run_jobs(fleet, t, policy);
    CHECK(job_col(r, "node", 0) == 2);
    CHECK(job_col(r, "start_us", 1) == 1000'000'000);  // waited for the on-demand node, with spot nodes free
    CHECK(job_col(r, "node", 1) == 2);
  }
  const RunResult f = run_jobs(fleet, t, "spot-fallback");
  CHECK(job_col(f, "node", 2) < 2);  // a spot node
  const RunResult od = run_jobs(fleet, t, "on-demand-only");
  CHECK(job_col(od, "node", 2) == 2);  // shares the on-demand node (1 core of 4)

  // Tolerance: three interruptions of a two-node pool in the last minutes make a recent rate of
  // 3 / (2 nodes x 6 h) = 0.25 per node-hour: a job tolerating 0.1 falls back to on-demand, one
  // tolerating 1 (or any rate) stays on spot.
  JobTable late;
  test::add_job(late, 0, 1, test::req(1000, 0));    // starts the run at 0
  test::add_job(late, 100, 10, test::req(1000, 0));
  Resilience picky = ckpt(0, 0, 0);
  picky.max_interruptions_per_node_hour = 0.1;
  late.set_resilience(0, 2, picky);
  CHECK(job_col(run_jobs(fleet, late, "spot-fallback"), "node", 1) == 2);
  late.resilience_classes[1].max_interruptions_per_node_hour = 1;
  CHECK(job_col(run_jobs(fleet, late, "spot-fallback"), "node", 1) < 2);
  late.resilience_classes[1].max_interruptions_per_node_hour = 0;  // any rate
  CHECK(job_col(run_jobs(fleet, late, "spot-fallback"), "node", 1) < 2);
}

TEST_CASE("spot input errors and warnings", "[spot][errors]") {
  auto check = [](const std::string& market, const std::string& extra, const std::string& expected) {
    const std::string text = R"({"fleet": {"pools": [{"name": "p", "kind": "spot", "spot": )" + market + R"(}],
      "nodes": [{"group": {"count": 1, "cpu_cores": 4}}]},
      "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                     "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}])" + extra + "}";
    CHECK_THROWS_WITH(validate_scenario(parse_scenario_json(text, "s.json"), "s.json"), Contains(expected));
  };
  check(R"({"interruptions_per_node_hour": -1})", "", "fleet.pools[0].spot.interruptions_per_node_hour");
  check(R"({"notice_s": 7200})", R"(, "horizon_s": 3600)", "longer than the horizon");
  check(R"({"reclaim_order": "youngest"})", "", "reclaim_order");
  const std::string bad_resilience = R"({"fleet": {"nodes": [{"group": {"count": 1, "cpu_cores": 4}}]},
      "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1}, "duration_s": {"constant": 1},
                     "shapes": [{"cpu_cores": 1}], "resilience": RES}}]})";
  auto res = [&](const std::string& r) {
    std::string text = bad_resilience;
    text.replace(text.find("RES"), 3, r);
    return parse_scenario_json(text, "s.json");
  };
  CHECK_THROWS_WITH(validate_scenario(res(R"({"checkpoint_interval_s": 60, "checkpoint_cost_s": 90})"), "s.json"),
                    Contains("workloads[0].synthetic.resilience.checkpoint_cost_s"));
  CHECK_THROWS_WITH(validate_scenario(res(R"({"priority": "high", "spot_tolerant": true})"), "s.json"),
                    Contains("high-priority jobs never run on spot"));
  const config::Scenario tolerant = res(R"({"spot_tolerant": true})");
  validate_scenario(tolerant, "s.json");
  const RunInputs in = build_run_inputs(tolerant, "");
  REQUIRE(in.warnings.size() == 1);
  CHECK_THAT(in.warnings[0], Contains("no spot pool"));
}

TEST_CASE("gangs: all workers placed together or none, one reclaimed node interrupts the gang", "[spot][gang]") {
  const std::string market =
      R"({"interruptions_at_s": [1500], "notice_s": 60, "replacement_delay_s": 300, "reclaim_order": "lowest-index"})";
  JobTable t;
  JobRow row;
  row.name = "gang";
  row.duration_us = seconds_to_us(3600.0);
  row.request = test::req(4000, 0, 1, 1000);  // each worker takes a whole node
  row.workers = 2;
  t.add(row);
  t.set_resilience(0, 1, ckpt(1000, 100, 50));
  const RunResult r = run_jobs(one_spot_node(market, 3), t);
  // Workers on nodes 0 and 1; node 0 is reclaimed at 1,560 s: the gang loses 460 s of work, and restarts at
  // once on nodes 1 and 2 (node 0's replacement is due at 1,860 s): restore, 2,600 s, 2 checkpoints.
  CHECK(job_col(r, "workers", 0) == 2);
  CHECK(job_col(r, "restarts", 0) == 1);
  CHECK(job_col(r, "lost_us", 0) == 460'000'000);
  CHECK(job_col(r, "end_us", 0) == (1560 + 2850) * 1'000'000LL);
  CHECK(key(r, "lost_gpu_hours") == Approx(2 * 460.0 / 3600));
  CHECK(key(r, "alloc_gpu_milli_peak") == Approx(2.0 / 3));  // two of three GPUs

  // A gang that cannot have all its workers at once waits, holding nothing.
  const RunResult small = run_jobs(one_spot_node(R"({"interruptions_per_node_hour": 0})", 1), t);
  CHECK(key(small, "jobs_never_placed") == 1);
  CHECK(key(small, "alloc_gpu_milli_peak") == 0);
}

TEST_CASE("spot capacity series: a drop reclaims the excess, a rise brings static nodes back", "[spot][capacity]") {
  const std::string market = R"({"notice_s": 60, "replacement_delay_s": 100, "reclaim_order": "newest",
      "capacity": [{"t_s": 0, "nodes": 4}, {"t_s": 1000, "nodes": 2}, {"t_s": 5000, "nodes": 4}]})";
  JobTable t;
  for (int j = 0; j < 4; ++j) test::add_job(t, 0, 2000, test::req(4000, 0, 1, 1000));
  for (int j = 0; j < 4; ++j) test::add_job(t, 5050, 100, test::req(4000, 0, 1, 1000));
  t.set_resilience(0, 8, ckpt(0, 0, 0));
  const RunResult r = run_jobs(one_spot_node(market, 4), t);
  // At 1,000 s two nodes get notice and go at 1,060 s with their jobs, which start over from zero when the
  // other two finish (2,000 s). Capacity returns at 5,000 s; the two nodes are usable at 5,100 s, so of the
  // four jobs arriving at 5,050 s two start at once and two at 5,100 s.
  CHECK(key(r, "node_notices") == 2);
  CHECK(key(r, "job_interruptions") == 2);
  std::vector<std::int64_t> ends, late_starts;
  for (int j = 0; j < 4; ++j) ends.push_back(job_col(r, "end_us", j));
  for (int j = 4; j < 8; ++j) late_starts.push_back(job_col(r, "start_us", j));
  std::sort(ends.begin(), ends.end());
  std::sort(late_starts.begin(), late_starts.end());
  CHECK(ends == std::vector<std::int64_t>{2000'000'000, 2000'000'000, 4000'000'000, 4000'000'000});
  CHECK(late_starts == std::vector<std::int64_t>{5050'000'000, 5050'000'000, 5100'000'000, 5100'000'000});

  // An elastic spot pool never holds more than its capacity.
  const std::string elastic = R"({"fleet": {"pools": [{"name": "spot", "kind": "spot", "boot_delay_s": 10,
      "elastic": {"min_nodes": 0}, "spot": {"capacity": [{"t_s": 0, "nodes": 1}]}}],
    "nodes": [{"group": {"count": 3, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1}, "duration_s": {"constant": 1},
                   "shapes": [{"cpu_cores": 1}]}}]})";
  JobTable three;
  for (int j = 0; j < 3; ++j) test::add_job(three, 0, 100, test::req(4000, 0, 1, 1000));
  three.set_resilience(0, 3, ckpt(0, 0, 0));
  const RunResult e = run_jobs(elastic, three);
  CHECK(key(e, "jobs_completed") == 3);
  CHECK(key(e, "alloc_gpu_milli_peak") == Approx(1.0 / 3));  // one node at a time
}

TEST_CASE("the recent interruption rate reaches a tolerance at the instant worked out by hand", "[spot][rate]") {
  // Two spot nodes, three interruptions at 0: the rate is 3 exp(-t / 6 h) / (2 x 6 h) = 0.25 exp(-t / 6 h) per
  // node-hour; it is 0.1 at t = 21,600 ln 2.5 = 19,791.8798085 s (the engine's instant: rounded up to the
  // microsecond, plus one).
  const config::Scenario s = parse_scenario_json(one_spot_node(R"({"interruptions_at_s": []})", 2), "test");
  BadRowPolicy bad;
  const Fleet fleet = build_fleet(s, "", bad);
  ClusterState c(fleet);
  for (int k = 0; k < 3; ++k) c.note_interruption(0, 0);
  CHECK(c.recent_interruptions_per_node_hour(0, 0) == Approx(0.25));
  const SimTime t = c.interruption_rate_at_most_at(0, 0.1, 0);
  CHECK(t == 19'791'879'810);
  CHECK(c.recent_interruptions_per_node_hour(0, t) <= 0.1);
  CHECK(c.recent_interruptions_per_node_hour(0, t - 2) > 0.1);
  CHECK(c.interruption_rate_at_most_at(0, 0.3, 5) == 5);        // already at most: now
  CHECK(c.interruption_rate_at_most_at(0, 0.0, 5) == kNever);   // a positive rate never reaches 0
  CHECK(c.interruption_rate_at_most_at(0, 0.1, t + 7) == t + 7);
}
