// Deadline-aware spot (experiments/deadline_spot.h): each policy on hand-made
// availability series whose switch times and costs are worked out by hand,
// and the Can't Be Late guarantee (greedy and uniform-progress never miss a
// deadline of at least work + overhead) on the bundled SkyPilot series.
#include <catch2/catch.hpp>

#include "experiments/deadline_spot.h"
#include "sim/base/check.h"

using namespace capsim;

namespace {

constexpr SimTime kHour = 3600 * kMicrosPerSecond;

// Up on [0, 10 h), down on [10 h, down_until), up again to the 100 h period.
SpotAvailability one_outage(SimTime down_until) {
  return spot_availability({0, 10 * kHour, down_until}, {1, 0, 1}, 100 * kHour, 1);
}

// 20 h of work, deadline 30 h, 1 h overhead; spot 1 $/h, on-demand 3 $/h.
DeadlineJob hand_job() {
  DeadlineJob j;
  j.work_us = 20 * kHour;
  j.deadline_us = 30 * kHour;
  j.overhead_us = kHour;
  j.spot_per_hour = 1;
  j.on_demand_per_hour = 3;
  return j;
}

}  // namespace

TEST_CASE("deadline greedy waits out an outage and switches when the slack falls to the overhead", "[deadline_spot]") {
  // Spot 0-10 h: 1 h overhead, 9 h of progress; reclaimed at 10 h with 11 h
  // left, slack 30 - 10 - 11 = 9 h. Waiting spends slack at one hour an hour,
  // so the switch is at t* = D - R - r = 30 - 11 - 1 = 18 h; on-demand then
  // takes 1 h overhead and 11 h of work: finish at exactly 30 h.
  const DeadlineRun r = run_deadline_job(one_outage(30 * kHour), 0, hand_job(), DeadlinePolicy::kGreedy);
  CHECK(r.first_on_demand_us == 18 * kHour);
  CHECK(r.finish_us == 30 * kHour);
  CHECK(r.met);
  CHECK(r.spot_us == 10 * kHour);
  CHECK(r.on_demand_us == 12 * kHour);
  CHECK(r.cost == Approx(10 * 1 + 12 * 3));
  CHECK(r.starts == 2);
  CHECK(r.preemptions == 1);
}

TEST_CASE("deadline uniform progress runs on-demand once behind the line and returns to spot ahead of it",
          "[deadline_spot]") {
  // Reclaimed at 10 h with p = 9 h; the line W t / D = 2t/3 reaches 9 h at
  // 13.5 h, so on-demand starts then (one microsecond after: strictly
  // behind), progress from 14.5 h. Spot is back at 20 h: p = 14.5 h, the line
  // 13.33 h, so 1.17 h ahead (>= r) and slack 30 - 20 - 5.5 = 4.5 h (>= 2r):
  // back to spot, 1 h overhead, 5.5 h of work, finish at 26.5 h.
  const DeadlineRun r = run_deadline_job(one_outage(20 * kHour), 0, hand_job(), DeadlinePolicy::kUniformProgress);
  CHECK(r.first_on_demand_us == 13 * kHour + kHour / 2 + 1);
  CHECK(r.finish_us == 26 * kHour + kHour / 2 + 1);
  CHECK(r.met);
  CHECK(r.spot_us == 10 * kHour + 6 * kHour + kHour / 2 + 1);
  CHECK(r.on_demand_us == 6 * kHour + kHour / 2 - 1);
  CHECK(r.starts == 3);
  // Greedy on the same series switched for good at 18 h: 12 h on-demand.
  const DeadlineRun g = run_deadline_job(one_outage(20 * kHour), 0, hand_job(), DeadlinePolicy::kGreedy);
  CHECK(g.first_on_demand_us == 18 * kHour);
  CHECK(g.on_demand_us == 12 * kHour);
  CHECK(r.cost < g.cost);
}

TEST_CASE("deadline baselines on the hand-made outage", "[deadline_spot]") {
  const SpotAvailability s = one_outage(30 * kHour);
  const DeadlineJob j = hand_job();
  // On-demand from the start: (W + r) on-demand hours.
  const DeadlineRun od = run_deadline_job(s, 0, j, DeadlinePolicy::kOnDemand);
  CHECK(od.finish_us == 21 * kHour);
  CHECK(od.cost == Approx(21 * 3));
  // Spot-fallback: reclaimed at 10 h, on-demand at once (1 h + 11 h): 22 h, and it stays there.
  const DeadlineRun fb = run_deadline_job(s, 0, j, DeadlinePolicy::kSpotFallback);
  CHECK(fb.first_on_demand_us == 10 * kHour);
  CHECK(fb.finish_us == 22 * kHour);
  CHECK(fb.cost == Approx(10 * 1 + 12 * 3));
  // Spot-only: waits until 30 h, then 1 h + 11 h: 42 h, late.
  const DeadlineRun so = run_deadline_job(s, 0, j, DeadlinePolicy::kSpotOnly);
  CHECK(so.finish_us == 42 * kHour);
  CHECK_FALSE(so.met);
  CHECK(so.finished);
  CHECK(so.cost == Approx(22 * 1));
}

TEST_CASE("deadline greedy takes on-demand when a spot start could strand the job", "[deadline_spot]") {
  // Slack 1.5 h < 2r: a reclaim right after the spot overhead would leave
  // 0.5 h, too little for an on-demand start. On-demand at once, done at 21 h.
  DeadlineJob j = hand_job();
  j.deadline_us = 21 * kHour + kHour / 2;
  const DeadlineRun r = run_deadline_job(one_outage(30 * kHour), 0, j, DeadlinePolicy::kGreedy);
  CHECK(r.first_on_demand_us == 0);
  CHECK(r.finish_us == 21 * kHour);
  CHECK(r.met);
}

TEST_CASE("deadline series wrap round their period and a start offset shifts into them", "[deadline_spot]") {
  // From 95 h: up to the 100 h period end, then the series starts over (up to
  // 10 h more): 15 h of spot, 14 h progress; down 15 h later... the job
  // (20 h of work) is reclaimed at 15 h with 6 h left and slack 9 h.
  const DeadlineRun r = run_deadline_job(one_outage(30 * kHour), 95 * kHour, hand_job(), DeadlinePolicy::kGreedy);
  CHECK(r.preemptions == 1);
  CHECK(r.spot_us == 15 * kHour);
  // Slack 30 - 15 - 6 = 9 h: waits until 15 + 8 = 23 h, on-demand, done at 30 h.
  CHECK(r.first_on_demand_us == 23 * kHour);
  CHECK(r.finish_us == 30 * kHour);
}

TEST_CASE("deadline spot-only gives up after one period of a series that never has spot", "[deadline_spot]") {
  const SpotAvailability never = spot_availability({0}, {0}, 100 * kHour, 1);
  const DeadlineRun r = run_deadline_job(never, 0, hand_job(), DeadlinePolicy::kSpotOnly);
  CHECK_FALSE(r.finished);
  CHECK_FALSE(r.met);
  CHECK(r.cost == 0);
  const DeadlineRun g = run_deadline_job(never, 0, hand_job(), DeadlinePolicy::kGreedy);
  CHECK(g.first_on_demand_us == 9 * kHour);  // slack 10 h falls to r = 1 h
  CHECK(g.finish_us == 30 * kHour);
}

TEST_CASE("deadline greedy and uniform progress never miss on the bundled SkyPilot series", "[deadline_spot]") {
  const SpotAvailability s = read_spot_availability(
      std::string(CAPSIM_SOURCE_DIR) + "/traces/skypilot-spot-v2023/aws-us-west-2a-p3.2xlarge-16node-capacity.csv", 1);
  const std::vector<DeadlinePolicy> policies{DeadlinePolicy::kGreedy, DeadlinePolicy::kUniformProgress,
                                             DeadlinePolicy::kSpotFallback, DeadlinePolicy::kOnDemand};
  for (double slack_h : {0.2, 0.5, 4.0, 12.0, 48.0}) {
    for (double overhead_h : {0.0, 0.1, 0.2, 1.0}) {
      DeadlineJob j;
      j.work_us = 48 * kHour;
      j.overhead_us = static_cast<SimTime>(overhead_h * kHour);
      j.deadline_us = j.work_us + j.overhead_us + static_cast<SimTime>(slack_h * kHour);
      j.spot_per_hour = 0.9731;
      j.on_demand_per_hour = 3.06;
      const auto runs = run_deadline_study(s, even_offsets(s, 97), j, policies, 0);
      for (const DeadlineRun& r : runs) {
        INFO("slack " << slack_h << " h, overhead " << overhead_h << " h, offset " << r.offset_us);
        // spot-fallback has no such guarantee: a reclaim costs it r more whatever the slack.
        if (r.policy != DeadlinePolicy::kSpotFallback) REQUIRE(r.met);
        // Never more than on-demand from the start: every hour billed is progress or one overhead.
        CHECK(r.cost <= (us_to_seconds(j.work_us) / 3600 + overhead_h * (r.starts)) * 3.06 + 1e-9);
      }
    }
  }
}

TEST_CASE("deadline study rows do not depend on the thread count", "[deadline_spot]") {
  const SpotAvailability s = read_spot_availability(
      std::string(CAPSIM_SOURCE_DIR) + "/traces/skypilot-spot-v2023/aws-us-west-2a-p3.2xlarge-16node-capacity.csv", 1);
  DeadlineJob j = hand_job();
  j.work_us = 48 * kHour;
  j.deadline_us = 60 * kHour;
  j.overhead_us = kHour / 5;
  std::vector<DeadlinePolicy> all;
  for (const auto& n : deadline_policy_names()) all.push_back(deadline_policy(n));
  const auto a = run_deadline_study(s, even_offsets(s, 200), j, all, 1);
  const auto b = run_deadline_study(s, even_offsets(s, 200), j, all, 2);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].finish_us == b[i].finish_us);
    CHECK(a[i].spot_us == b[i].spot_us);
    CHECK(a[i].on_demand_us == b[i].on_demand_us);
  }
}

TEST_CASE("deadline inputs no policy can run are errors naming the field", "[deadline_spot]") {
  DeadlineJob j = hand_job();
  j.deadline_us = 20 * kHour;  // below work + overhead
  CHECK_THROWS_WITH(check_deadline_job(j), Catch::Contains("deadline"));
  j = hand_job();
  j.overhead_us = -1;
  CHECK_THROWS_WITH(check_deadline_job(j), Catch::Contains("overhead"));
  j = hand_job();
  j.deadline_us = 200 * kHour;  // longer than the 100 h series
  CHECK_THROWS_WITH(run_deadline_study(one_outage(30 * kHour), {0}, j, {DeadlinePolicy::kGreedy}, 1),
                    Catch::Contains("longer than the spot series"));
  CHECK_THROWS_WITH(deadline_policy("lazy"), Catch::Contains("uniform-progress"));
}
