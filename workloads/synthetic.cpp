#include "workloads/synthetic.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

namespace {

constexpr double kMaxJobSeconds = 1e12;  // keeps submit + duration in microseconds within int64

void check_spec(const SyntheticSpec& s) {
  auto bad = [&](const std::string& what) { throw InputError(s.name + ": " + what); };
  if (s.count == 0 && s.trace_arrivals_us.empty()) bad("count must be positive");
  if (s.trace_arrivals_us.empty() && !(s.poisson_rate_per_hour > 0))
    bad("arrivals: poisson_rate_per_hour must be positive (or give trace_path)");
  if (!s.trace_arrivals_us.empty() && s.count > s.trace_arrivals_us.size())
    bad("count " + std::to_string(s.count) + " exceeds the " + std::to_string(s.trace_arrivals_us.size()) +
        " arrivals in the trace");
  const auto& d = s.duration_s;
  using K = DistributionSpec::Kind;
  if (d.kind == K::kConstant && !(d.a >= 0)) bad("duration_s.constant must not be negative");
  if (d.kind == K::kExponential && !(d.a > 0)) bad("duration_s.exponential.mean must be positive");
  if (d.kind == K::kLogNormal && (!(d.a > 0) || !(d.b >= 0)))
    bad("duration_s.lognormal needs median > 0 and sigma >= 0");
  if (d.kind == K::kEmpirical) {
    if (d.values.empty()) bad("duration_s.empirical needs at least one value");
    for (double v : d.values)
      if (!(v >= 0) || !std::isfinite(v)) bad("duration_s.empirical values must be finite and not negative");
  }
  if (s.shapes.empty()) bad("at least one job shape is needed (shapes or shapes_from_trace)");
  double total = 0;
  for (const auto& sh : s.shapes) {
    if (!(sh.weight >= 0) || !std::isfinite(sh.weight)) bad("shape weights must be finite and not negative");
    total += sh.weight;
  }
  if (!(total > 0)) bad("shape weights must have a positive sum");
}

}  // namespace

JobTable generate_jobs(const SyntheticSpec& s, std::uint64_t seed) {
  check_spec(s);
  const std::uint32_t count = s.count ? s.count : static_cast<std::uint32_t>(s.trace_arrivals_us.size());
  RandomStream arrivals(seed, s.name + "/arrival");
  RandomStream durations(seed, s.name + "/duration");
  RandomStream shapes(seed, s.name + "/shape");
  std::vector<double> cumulative;
  double total = 0;
  for (const auto& sh : s.shapes) cumulative.push_back(total += sh.weight);

  JobTable jobs;
  const std::int32_t source = jobs.add_source(s.name);
  const double mean_gap_us = s.poisson_rate_per_hour > 0 ? 3600e6 / s.poisson_rate_per_hour : 0;
  double t_us = static_cast<double>(s.start_us);
  for (std::uint32_t i = 0; i < count; ++i) {
    JobRow r;
    r.name = s.name + "-" + std::to_string(i);
    if (s.trace_arrivals_us.empty()) {
      t_us += arrivals.exponential(mean_gap_us);
      if (!(t_us <= kMaxJobSeconds * 1e6))
        throw InputError(s.name + ": arrivals run past 1e12 s: check the arrival rate and count");
      r.submit_us = static_cast<SimTime>(std::llround(t_us));
    } else {
      r.submit_us = s.start_us + s.trace_arrivals_us[i];
    }
    const double duration_s = draw(s.duration_s, durations);
    if (!(duration_s <= kMaxJobSeconds))
      throw InputError(s.name + ": job " + std::to_string(i) + " drew a duration of " + std::to_string(duration_s) +
                       " s, beyond 1e12 s: check duration_s");
    r.duration_us = seconds_to_us(duration_s);
    const double u = shapes.uniform01() * total;
    std::size_t k = 0;
    while (k + 1 < cumulative.size() && !(u < cumulative[k])) ++k;
    r.request = s.shapes[k].request;
    r.workers = s.shapes[k].workers;
    r.source = source;
    r.source_line = static_cast<std::int32_t>(i + 1);
    jobs.add(r);
  }
  return jobs;
}

}  // namespace capsim
