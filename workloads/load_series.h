#pragma once
// Load curves for online services: requests per second over time, constant
// from each point to the next. From a CSV (a trace's samples, optionally
// summed per time window, as the Alibaba GenAI v2026 qps.csv needs: one row
// per container sample) or from a diurnal generator (daily and weekly
// shape, noise, one-off events such as a promotion), and scalable so one
// curve drives many services. Groundwork for the service model: nothing
// in a run reads these yet (README "Not there yet").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/base/time.h"
#include "sim/model/load_series.h"

namespace capsim {


struct LoadCsvOptions {
  std::string time_column = "timestamp";  // seconds, or a date and time (time_format)
  std::string value_column = "value";     // requests per second
  // "seconds", or "datetime": "YYYY-MM-DD HH:MM:SS[.fraction]" (the Azure LLM traces' TIMESTAMP).
  std::string time_format = "seconds";
  // > 0: the file has no time column; row i stands at i x step_s (whole-datacenter aggregates).
  double step_s = 0;
  // Each row is one request (an arrival trace): a window's load is its row count over the window.
  bool count_rows = false;
  // Divide the curve by its time-weighted mean (then the scale is the mean load): a utilization
  // curve becomes the shape of a load.
  bool normalize = false;
  // > 0: rows are samples summed per window of this many seconds (the
  // window's load); 0: each row is a point of the curve.
  double window_s = 0;
  // The longest step between consecutive rows that is not a gap in the data
  // (an error); 0: windowed series use the window, point series and counted rows no limit.
  double max_gap_s = 0;
  double scale = 1;
};
// Errors (InputError, exit 2) name the file, line and column: unsorted
// times, negative or non-finite values, a bad date, a gap, no rows. Times
// start at 0 at the first row.
LoadSeries read_load_csv(const std::string& path, const LoadCsvOptions& options);
// "YYYY-MM-DD HH:MM:SS[.fraction]" as seconds since 1970-01-01 (no time zone); NaN when malformed.
double parse_datetime_s(std::string_view text);

// The curve tiled until span_us: its period is its last point plus its last step (a one-hour
// arrival trace driving a day).
LoadSeries repeated(const LoadSeries& curve, SimTime span_us);

struct LoadEvent {
  double at_s = 0;
  double duration_s = 0;
  double multiplier = 1;  // the load is multiplied by this while it lasts
};

struct DiurnalLoad {
  double mean_rps = 0;
  double daily_amplitude = 0.5;  // relative: 0.5 swings between 0.5x and 1.5x the mean over a day
  double peak_hour = 20;         // hour of the daily peak (0-24)
  double weekend_factor = 1;     // Saturday and Sunday load relative to weekdays (day 0 is a Monday)
  double noise = 0;              // relative standard deviation per step (normal, clipped at 0)
  double step_s = 60;
  double span_s = 86400;
  std::vector<LoadEvent> events;
};
// Deterministic for a seed (stream "load/diurnal"). InputError for a negative
// mean, an amplitude outside [0, 1], a step that is not positive, ...
LoadSeries diurnal_load(const DiurnalLoad& spec, std::uint64_t seed);

}  // namespace capsim
