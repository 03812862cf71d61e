// Load curves (workloads/load_series.h): a CSV summed per window by hand,
// every bad-input error naming file, line and column, the diurnal
// generator's shape, and the real Alibaba GenAI daily tide.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <filesystem>
#include <fstream>

#include "sim/base/check.h"
#include "sim/model/load_forecast.h"
#include "workloads/load_series.h"

using namespace capsim;
using Catch::Matchers::Contains;

namespace {

std::string write_csv(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("capsim_load_" + name + ".csv");
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("a load CSV summed per window: each window's samples add up", "[load]") {
  const std::string path = write_csv("window", "timestamp,value\n100,1\n110,2\n170,0.5\n200,4\n250,1\n");
  LoadCsvOptions o;
  o.window_s = 60;
  const LoadSeries s = read_load_csv(path, o);
  // Windows from the first row (t = 100): [0, 60): 1 + 2; [60, 120): 0.5 + 4; [120, 180): 1.
  REQUIRE(s.t_us.size() == 3);
  CHECK(s.rps == std::vector<double>{3, 4.5, 1});
  CHECK(s.t_us == std::vector<SimTime>{0, seconds_to_us(60.0), seconds_to_us(120.0)});
  CHECK(s.at(seconds_to_us(90.0)) == 4.5);
  CHECK(s.at(seconds_to_us(150.0)) == 1);
  CHECK(s.at(seconds_to_us(500.0)) == 1);
}

TEST_CASE("load CSV errors name the file, line and column", "[load][errors]") {
  LoadCsvOptions o;
  auto error = [&](const std::string& name, const std::string& text) {
    try {
      read_load_csv(write_csv(name, text), o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error("unsorted", "timestamp,value\n10,1\n5,1\n"), Contains(":3") && Contains("timestamp") && Contains("decrease"));
  CHECK_THAT(error("negative", "timestamp,value\n10,1\n20,-2\n"), Contains(":3") && Contains("value") && Contains("negative"));
  CHECK_THAT(error("nan", "timestamp,value\n10,1\n20,nan\n"), Contains(":3") && Contains("value"));
  CHECK_THAT(error("empty", "timestamp,value\n"), Contains("no load rows"));
  CHECK_THAT(error("column", "t,value\n10,1\n"), Contains("timestamp"));
  o.max_gap_s = 60;
  CHECK_THAT(error("gap", "timestamp,value\n0,1\n30,1\n200,1\n"), Contains(":4") && Contains("gap"));
}

TEST_CASE("the diurnal generator peaks at its hour, keeps its mean, applies events and weekends", "[load]") {
  DiurnalLoad d;
  d.mean_rps = 100;
  d.daily_amplitude = 0.5;
  d.peak_hour = 20;
  d.step_s = 600;
  d.span_s = 7 * 86400;
  d.weekend_factor = 0.5;
  d.events = {{86400 + 12 * 3600, 3600, 3.0}};  // a promotion on day 1 at noon, one hour, 3x
  const LoadSeries s = diurnal_load(d, 1);
  CHECK(s.at(seconds_to_us(20 * 3600.0)) == Approx(150));  // Monday's peak
  CHECK(s.at(seconds_to_us(8 * 3600.0)) == Approx(50));    // its trough
  CHECK(s.at(seconds_to_us(5 * 86400 + 20 * 3600.0)) == Approx(75));  // Saturday's peak, halved
  const double noon = 100 * (1 + 0.5 * std::cos(2 * std::numbers::pi * (12 + 600 / 3600.0 - 20) / 24.0));
  CHECK(s.at(seconds_to_us(86400 + 12 * 3600.0 + 600)) == Approx(3 * noon).epsilon(1e-6));
  DiurnalLoad day = d;
  day.span_s = 86400;
  day.events.clear();
  CHECK(diurnal_load(day, 1).mean() == Approx(100).epsilon(1e-9));  // the cosine averages out over a day
  d.noise = 0.1;
  CHECK(diurnal_load(d, 7).rps == diurnal_load(d, 7).rps);
  CHECK(diurnal_load(d, 7).rps != diurnal_load(d, 8).rps);
  d.daily_amplitude = 1.5;
  CHECK_THROWS_AS(diurnal_load(d, 1), InputError);
}

TEST_CASE("the Alibaba GenAI v2026 qps trace summed per hour is a daily tide", "[load][trace]") {
  LoadCsvOptions o;
  o.time_column = "timestamp_anon";
  o.window_s = 3600;
  o.max_gap_s = 3600;
  LoadSeries s = read_load_csv(std::string(CAPSIM_SOURCE_DIR) + "/traces/alibaba-genai-v2026/qps.csv", o);
  REQUIRE(s.rps.size() >= 20);
  const auto peak = std::max_element(s.rps.begin(), s.rps.end()) - s.rps.begin();
  // It rises from near zero to a peak inside the day and falls back.
  CHECK(s.rps.front() < 0.2 * s.peak());
  CHECK(s.rps.back() < 0.5 * s.peak());
  CHECK(peak > 2);
  CHECK(peak < static_cast<long>(s.rps.size()) - 2);
  const double before = s.peak();
  s.scale(10);
  CHECK(s.peak() == Approx(10 * before));
}

TEST_CASE("the harmonic forecast recovers a daily and weekly curve by least squares", "[load]") {
  // y(t) = 50 + 20 cos(2 pi t / day) - 5 sin(4 pi t / day) + 8 cos(2 pi t / week), sampled at bin middles over
  // 9 days of 5-minute bins (every third bin missing): the fit is exact, so any later time is forecast exactly.
  auto y = [](double t) {
    const double day = 86400, week = 7 * day, pi = std::numbers::pi;
    return 50 + 20 * std::cos(2 * pi * t / day) - 5 * std::sin(4 * pi * t / day) + 8 * std::cos(2 * pi * t / week);
  };
  const SimTime bin = seconds_to_us(300.0);
  std::vector<double> mean, weight;
  for (int b = 0; b < 9 * 288; ++b) {
    mean.push_back(y((b + 0.5) * 300));
    weight.push_back(b % 3 == 2 ? 0.0 : 300.0);
  }
  HarmonicForecast f(3, 1);
  REQUIRE(f.fit(0, bin, mean, weight));
  for (double t : {10.0 * 86400, 11.3 * 86400, 20.7 * 86400}) CHECK(f.at(seconds_to_us(t)) == Approx(y(t)).epsilon(1e-9));
  // Too few bins for the coefficients: no forecast.
  HarmonicForecast g(6, 2);
  CHECK_FALSE(g.fit(0, bin, {1, 2, 3}, {1, 1, 1}));
  CHECK(g.at(0) == 0);
}

TEST_CASE("load CSVs without a time column, arrival traces with dates, normalized curves", "[load]") {
  // Rows at a fixed step (whole-datacenter aggregates): row i at i x 300 s; normalized to mean 1, then scaled.
  LoadCsvOptions step;
  step.step_s = 300;
  step.value_column = "cpu";
  step.normalize = true;
  step.scale = 50;
  const LoadSeries a = read_load_csv(write_csv("step", "cpu,mem\n20,1\n40,1\n60,1\n40,1\n"), step);
  CHECK(a.t_us == std::vector<SimTime>{0, seconds_to_us(300.0), seconds_to_us(600.0), seconds_to_us(900.0)});
  CHECK(a.rps == std::vector<double>{25, 50, 75, 50});
  // An arrival trace (one row per request, dates to 100 ns): counts per 10-s window over the window; an empty
  // window between two with rows reads 0.
  LoadCsvOptions arrivals;
  arrivals.time_column = "TIMESTAMP";
  arrivals.time_format = "datetime";
  arrivals.count_rows = true;
  arrivals.window_s = 10;
  arrivals.max_gap_s = 60;
  const LoadSeries b = read_load_csv(write_csv("arrivals", "TIMESTAMP,ContextTokens\n"
                                                           "2023-11-16 18:17:03.9799600,1\n"
                                                           "2023-11-16 18:17:04.0319600,1\n"
                                                           "2023-11-16 18:17:12.5000000,1\n"
                                                           "2023-11-16 18:17:35.0000000,1\n"),
                                     arrivals);
  CHECK(b.rps == std::vector<double>{0.3, 0, 0, 0.1});  // windows from the first row: 3 rows in [0, 10), the last at 31 s
  CHECK(parse_datetime_s("1970-01-02 00:00:01.5") == Approx(86401.5));
  CHECK(parse_datetime_s("2023-11-16 18:17:03") == Approx(1700158623.0));
  CHECK(std::isnan(parse_datetime_s("2023-13-16 18:17:03")));
  CHECK_THROWS_WITH(read_load_csv(write_csv("baddate", "TIMESTAMP,x\n2023-11-16 18:17:03,1\n2023-11-16 18:17,1\n"), arrivals),
                    Contains(":3") && Contains("TIMESTAMP") && Contains("date"));
  arrivals.window_s = 0;
  CHECK_THROWS_WITH(read_load_csv(write_csv("nowindow", "TIMESTAMP,x\n2023-11-16 18:17:03,1\n"), arrivals),
                    Contains("window"));
}

TEST_CASE("a promotion window multiplies the load between two new points and leaves the rest", "[load]") {
  LoadSeries l;
  l.t_us = {0, 100, 200};
  l.rps = {1.0, 4.0, 2.0};
  CHECK(l.peak_in(50, 150) == 4.0);
  CHECK(l.peak_in(0, 100) == 1.0);  // the point at 100 is the window's end, outside it
  l.multiply_window(50, 150, 3.0);
  CHECK(l.t_us == std::vector<SimTime>{0, 50, 100, 150, 200});
  CHECK(l.rps == std::vector<double>{1.0, 3.0, 12.0, 4.0, 2.0});
  // A window ending on an existing point and starting on another adds no point.
  l.multiply_window(100, 200, 0.5);
  CHECK(l.t_us == std::vector<SimTime>{0, 50, 100, 150, 200});
  CHECK(l.rps == std::vector<double>{1.0, 3.0, 6.0, 2.0, 2.0});
  // Beyond the last point: the last value continues, so the window's end restores it.
  l.multiply_window(300, 400, 2.0);
  CHECK(l.t_us.back() == 400);
  CHECK(l.at(350) == 4.0);
  CHECK(l.at(400) == 2.0);
}
