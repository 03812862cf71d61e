#include "scenario/service_inputs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "scenario/requests.h"
#include "scenario/run_inputs.h"
#include "sim/base/check.h"
#include "sim/base/random.h"
#include "sim/io/csv_reader.h"
#include "sim/io/scenario_loader.h"
#include "sim/model/load_forecast.h"
#include "workloads/load_series.h"
#include "workloads/service_jobs.h"

namespace capsim {

namespace {

// Replicas that take `rps` at `per_replica` each, in [1, max] (clamped as a double: no overflow).
std::int32_t replicas_for(double rps, double per_replica, std::int32_t max) {
  const double n = std::ceil(rps / per_replica - 1e-9);
  return static_cast<std::int32_t>(std::clamp(std::isfinite(n) ? n : static_cast<double>(max), 1.0,
                                              static_cast<double>(max)));
}

// The promotion calendar, checked against the service's span (its own clock): from the scenario's
// list and the CSV, in time order.
std::vector<ServiceSpec::Promotion> read_promotions(const config::ServiceSource& v, const std::string& field,
                                                    const std::string& base_dir, SimTime span_us, bool hpa,
                                                    bool spills) {
  std::vector<ServiceSpec::Promotion> out;
  // check(at, duration, multiplier, lead, fail): fail(what, message) names the field or the CSV cell.
  auto add = [&](double at, double duration, double multiplier, double lead, auto fail) {
    if (!(at >= 0) || !std::isfinite(at)) fail("at_s", "must be a finite time >= 0 (the service's clock)");
    if (!(duration > 0) || !std::isfinite(duration)) fail("duration_s", "must be above 0");
    if (span_us != kNever && seconds_to_us(at) + seconds_to_us(duration) > span_us)
      fail("at_s", "the promotion ends after the service does (" + std::to_string(us_to_seconds(span_us)) +
                       " s on its clock): outside the horizon");
    if (!(multiplier > 0) || !std::isfinite(multiplier)) fail("multiplier", "must be above 0");
    if (!(lead >= 0) || !std::isfinite(lead)) fail("lead_s", "must be >= 0");
    if (lead > 0 && !hpa && !spills)
      fail("lead_s", "pre-scaling raises an HPA's floor: the service needs an hpa (or spill_to a service with one)");
    out.push_back({seconds_to_us(at), seconds_to_us(duration), seconds_to_us(lead), multiplier, 0, 0});
  };
  for (int i = 0; i < v.promotions_size(); ++i) {
    const auto& p = v.promotions(i);
    const std::string f = "scenario field " + field + ".promotions[" + std::to_string(i) + "].";
    add(p.at_s(), p.duration_s(), p.multiplier(), p.lead_s(),
        [&](const char* name, const std::string& what) { throw InputError(f + name + ": " + what); });
  }
  if (!v.promotions_csv().empty()) {
    CsvReader csv = CsvReader::open(resolve_path(base_dir, v.promotions_csv()));
    const int c_at = csv.column("at_s"), c_d = csv.column("duration_s"), c_m = csv.column("multiplier");
    const int c_l = csv.column("lead_s", false);
    while (csv.next_row()) {
      const int cols[] = {c_at, c_d, c_m, c_l};
      add(csv.get_double(c_at), csv.get_double(c_d), csv.get_double(c_m), c_l >= 0 ? csv.get_double(c_l) : 0.0,
          [&](const char* name, const std::string& what) {
            const std::string n = name;
            csv.fail(n == "at_s" ? cols[0] : n == "duration_s" ? cols[1] : n == "multiplier" ? cols[2] : cols[3], what);
          });
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at_us < b.at_us; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].at_us < out[i - 1].at_us + out[i - 1].duration_us)
      throw InputError("scenario field " + field + ".promotions: two promotions overlap (at " +
                       std::to_string(us_to_seconds(out[i].at_us)) + " s)");
  return out;
}

}  // namespace

JobTable service_jobs(const config::ServiceSource& v, const std::string& field, const std::string& base_dir,
                      SimTime horizon_us, std::uint64_t seed) {
  ServiceSpec spec;
  spec.name = v.name();
  spec.min_replicas = static_cast<std::int32_t>(std::max<std::uint32_t>(1, v.min_replicas()));
  spec.initial_replicas = static_cast<std::int32_t>(v.replicas() > 0 ? v.replicas() : static_cast<std::uint32_t>(spec.min_replicas));
  spec.max_replicas = std::max({static_cast<std::int32_t>(v.max_replicas()), spec.initial_replicas, spec.min_replicas});
  if (v.max_replicas() > 0 && static_cast<std::int32_t>(v.max_replicas()) < spec.min_replicas)
    throw InputError("scenario field " + field + ".max_replicas: below min_replicas");
  if (v.replicas() > 0 && v.max_replicas() > 0 && v.replicas() > v.max_replicas())
    throw InputError("scenario field " + field + ".replicas: above max_replicas");
  spec.slots = spec.max_replicas;
  spec.replica_rps = v.replica_rps();
  // Or from the work per request: a replica's CPU (cores) over CPU-seconds per request, its GPU
  // share over GPU-seconds per request; with both, the scarcer.
  if (v.cpu_seconds_per_request() > 0 || v.gpu_seconds_per_request() > 0) {
    double rps = std::numeric_limits<double>::infinity();
    if (v.cpu_seconds_per_request() > 0) rps = std::min(rps, v.cpu_cores() / v.cpu_seconds_per_request());
    if (v.gpu_seconds_per_request() > 0) {
      const double share = v.gpus() == 1 && v.gpu_milli() > 0 ? v.gpu_milli() / 1000.0 : static_cast<double>(v.gpus());
      rps = std::min(rps, share / v.gpu_seconds_per_request());
    }
    spec.replica_rps = rps;
  }
  if (v.has_time_slicing()) {
    const auto& ts = v.time_slicing();
    if (!(v.gpus() == 1 && v.gpu_milli() > 0 && v.gpu_milli() < 1000))
      throw InputError("scenario field " + field + ".time_slicing: only replicas that share a card (gpus 1, gpu_milli "
                       "below 1000) are time-sliced");
    if (!(ts.throughput_factor() > 0 && ts.throughput_factor() <= 1))
      throw InputError("scenario field " + field + ".time_slicing.throughput_factor: must be in (0, 1]");
    if (!(ts.p99_factor() >= 1 && ts.p99_factor() <= 100))
      throw InputError("scenario field " + field + ".time_slicing.p99_factor: must be in [1, 100]");
    spec.replica_rps *= ts.throughput_factor();
    spec.p99_factor = ts.p99_factor();
  }
  if (v.cpu_limit_cores() != 0) {
    if (!(v.cpu_limit_cores() >= v.cpu_cores()) || !std::isfinite(v.cpu_limit_cores()))
      throw InputError("scenario field " + field + ".cpu_limit_cores: must be at least cpu_cores (" + std::to_string(v.cpu_cores()) + ")");
    if (v.gpus() > 0) throw InputError("scenario field " + field + ".cpu_limit_cores: only CPU-only replicas burst");
    spec.burst_limit = v.cpu_limit_cores() / v.cpu_cores();
  }
  auto knee = [&](bool has, double x, const char* name, double fallback) {
    if (!has) return fallback;
    if (!(x > 0 && x <= 1)) throw InputError("scenario field " + field + "." + name + ": must be in (0, 1], got " + std::to_string(x));
    return x;
  };
  spec.safe_utilization = knee(v.has_safe_utilization(), v.safe_utilization(), "safe_utilization", 1.0);
  spec.isolated_safe_utilization =
      knee(v.has_isolated_safe_utilization(), v.isolated_safe_utilization(), "isolated_safe_utilization", spec.safe_utilization);
  if (v.has_knee_slowdown()) {
    if (!(v.knee_slowdown() > 0 && v.knee_slowdown() <= 100))
      throw InputError("scenario field " + field + ".knee_slowdown: must be in (0, 100], got " + std::to_string(v.knee_slowdown()));
    if (!spec.has_knee())
      throw InputError("scenario field " + field + ".knee_slowdown: needs safe_utilization or isolated_safe_utilization below 1");
    spec.knee_slowdown = v.knee_slowdown();
  }
  spec.queue_per_replica = static_cast<std::int32_t>(v.queue_per_replica());
  if (!(v.retry_delay_s() >= 0 && v.retry_delay_s() <= 86400))
    throw InputError("scenario field " + field + ".retry_delay_s: must be in [0, 86400] seconds");
  if (v.retry_delay_s() > 0 && v.spill_to().empty())
    throw InputError("scenario field " + field + ".retry_delay_s: needs spill_to (where the retry goes)");
  if (!v.spill_to().empty()) {
    if (v.queue_per_replica() == 0)
      throw InputError("scenario field " + field + ".spill_to: needs queue_per_replica (a service without an "
                       "admission limit never rejects, so nothing would spill)");
    if (v.copies() > 1) throw InputError("scenario field " + field + ".spill_to: not with copies (name each service)");
    spec.spill_to_name = v.spill_to();
    spec.spill_field = "scenario field " + field + ".spill_to";
    spec.retry_delay_us = seconds_to_us(v.retry_delay_s());
  }
  if (v.scale_in() == "emptiest-node") spec.scale_in = ScaleIn::kEmptiestNode;
  else if (v.scale_in() == "lowest-priority-pool") spec.scale_in = ScaleIn::kLowestPriorityPool;
  else if (!v.scale_in().empty() && v.scale_in() != "newest")
    throw InputError("scenario field " + field + ".scale_in: \"newest\", \"emptiest-node\" or \"lowest-priority-pool\", got \"" +
                     v.scale_in() + "\"");
  spec.latency_slo_s = v.latency_slo_s();
  spec.start_us = seconds_to_us(v.start_s());
  spec.end_us = v.end_s() > 0 ? seconds_to_us(v.end_s()) : horizon_us;
  if (v.has_hpa()) {
    const auto& h = v.hpa();
    spec.hpa.enabled = true;
    if (h.target_utilization() > 0) spec.hpa.target_utilization = h.target_utilization();
    if (!(h.target_rps_per_replica() >= 0) || !std::isfinite(h.target_rps_per_replica()))
      throw InputError("scenario field " + field + ".hpa.target_rps_per_replica: must be >= 0");
    if (!(h.target_queue_per_replica() >= 0) || !std::isfinite(h.target_queue_per_replica()))
      throw InputError("scenario field " + field + ".hpa.target_queue_per_replica: must be >= 0");
    if (h.target_rps_per_replica() > 0 && h.target_queue_per_replica() > 0)
      throw InputError("scenario field " + field + ".hpa.target_queue_per_replica: one metric per HPA "
                       "(target_rps_per_replica is set too)");
    spec.hpa.target_rps = h.target_rps_per_replica();
    spec.hpa.target_queue = h.target_queue_per_replica();
    if (h.has_tolerance()) spec.hpa.tolerance = h.tolerance();
    if (h.sync_s() > 0) spec.hpa.sync_us = seconds_to_us(h.sync_s());
    if (h.has_scale_down_stabilization_s()) spec.hpa.scale_down_stabilization_us = seconds_to_us(h.scale_down_stabilization_s());
    if (h.has_scale_up_pods()) spec.hpa.scale_up_pods = static_cast<std::int32_t>(h.scale_up_pods());
    if (h.has_scale_up_percent()) spec.hpa.scale_up_percent = h.scale_up_percent();
    if (h.has_scale_down_pods()) spec.hpa.scale_down_pods = static_cast<std::int32_t>(h.scale_down_pods());
    if (h.has_scale_down_percent()) spec.hpa.scale_down_percent = h.scale_down_percent();
    if (!(spec.hpa.scale_up_percent >= 0) || !(spec.hpa.scale_down_percent >= 0) ||
        !std::isfinite(spec.hpa.scale_up_percent) || !std::isfinite(spec.hpa.scale_down_percent))
      throw InputError("scenario field " + field + ".hpa: scale_up_percent and scale_down_percent must be >= 0");
    if (spec.hpa.scale_up_pods == 0 && spec.hpa.scale_up_percent == 0)
      throw InputError("scenario field " + field + ".hpa.scale_up_pods: with scale_up_percent 0 the HPA could never scale up");
    for (int i = 0; i < h.prescale_size(); ++i) {
      const auto& p = h.prescale(i);
      const std::string f = field + ".hpa.prescale[" + std::to_string(i) + "]";
      if (!(p.lead_s() >= 0) || !(p.hold_s() >= 0) || !std::isfinite(p.at_s()) || !std::isfinite(p.lead_s()) ||
          !std::isfinite(p.hold_s()))
        throw InputError("scenario field " + f + ": at_s must be finite, lead_s and hold_s non-negative");
      if (p.min_replicas() == 0 || static_cast<std::int32_t>(p.min_replicas()) > spec.max_replicas)
        throw InputError("scenario field " + f + ".min_replicas: between 1 and the service's max_replicas (" +
                         std::to_string(spec.max_replicas) + ")");
      spec.hpa.prescales.push_back({seconds_to_us(p.at_s()), seconds_to_us(p.lead_s()), seconds_to_us(p.hold_s()),
                                    static_cast<std::int32_t>(p.min_replicas())});
    }
    if (h.has_predictive()) {
      const auto& p = h.predictive();
      const std::string f = field + ".hpa.predictive";
      PredictiveSpec& pr = spec.hpa.predictive;
      pr.enabled = true;
      auto non_negative = [&](double v, const char* name) {
        if (!(v >= 0) || !std::isfinite(v)) throw InputError("scenario field " + f + "." + name + ": must be >= 0");
        return v;
      };
      if (non_negative(p.lead_s(), "lead_s") > 0) pr.lead_us = seconds_to_us(p.lead_s());
      if (non_negative(p.history_days(), "history_days") > 0) pr.history_us = seconds_to_us(p.history_days() * 86400);
      if (p.has_min_history_days()) pr.min_history_us = seconds_to_us(non_negative(p.min_history_days(), "min_history_days") * 86400);
      if (non_negative(p.refit_s(), "refit_s") > 0) pr.refit_us = seconds_to_us(p.refit_s());
      if (non_negative(p.bin_s(), "bin_s") > 0) pr.bin_us = seconds_to_us(p.bin_s());
      if (pr.bin_us < 1'000'000) throw InputError("scenario field " + f + ".bin_s: at least 1 s");
      if (p.has_daily_harmonics()) pr.daily_harmonics = static_cast<int>(p.daily_harmonics());
      if (p.has_weekly_harmonics()) pr.weekly_harmonics = static_cast<int>(p.weekly_harmonics());
      if (pr.daily_harmonics > HarmonicForecast::kMaxHarmonics || pr.weekly_harmonics > HarmonicForecast::kMaxHarmonics)
        throw InputError("scenario field " + f + ": at most " + std::to_string(HarmonicForecast::kMaxHarmonics) +
                         " harmonics of each period");
    }
  }
  if (v.has_usage()) {
    auto curve = [&](const config::UsageCurve& c, const char* name, UsageCurve& out) {
      if (!(c.idle() >= 0 && c.idle() <= 1) || !(c.busy() >= 0 && c.busy() <= 1))
        throw InputError("scenario field " + field + ".usage." + name + ": idle and busy are shares in [0, 1]");
      out = {c.idle(), c.busy()};
    };
    const auto& u = v.usage();
    if (u.has_cpu()) curve(u.cpu(), "cpu", spec.usage.cpu);
    if (u.has_memory()) curve(u.memory(), "memory", spec.usage.memory);
    if (u.has_gpu()) curve(u.gpu(), "gpu", spec.usage.gpu);
    if (u.has_gpu_memory()) curve(u.gpu_memory(), "gpu_memory", spec.usage.gpu_memory);
  }
  // The load curve, in the service's time (0 at start_s).
  const auto& l = v.load();
  const SimTime span_us = spec.end_us == kNever ? kNever : spec.end_us - spec.start_us;
  spec.promotions = read_promotions(v, field, base_dir, span_us, v.has_hpa(), !v.spill_to().empty());
  spec.promotions_field = "scenario field " + field + ".promotions";
  if (!(v.revenue_per_request() >= 0) || !std::isfinite(v.revenue_per_request()))
    throw InputError("scenario field " + field + ".revenue_per_request: must be a finite amount >= 0");
  spec.revenue_per_request = v.revenue_per_request();
  for (const auto& [value, name, out] : {std::tuple{v.image_pull_s(), "image_pull_s", &spec.image_pull_us},
                                         std::tuple{v.model_load_s(), "model_load_s", &spec.model_load_us},
                                         std::tuple{v.warm_up_s(), "warm_up_s", &spec.warm_up_us}}) {
    if (!(value >= 0) || value > 86400)
      throw InputError("scenario field " + field + "." + name + ": must be in [0, 86400] seconds");
    *out = seconds_to_us(value);
  }
  const config::Distribution* phases[] = {&v.image_pull(), &v.model_load(), &v.warm_up()};
  const bool given[] = {v.has_image_pull(), v.has_model_load(), v.has_warm_up()};
  const double scalars[] = {v.image_pull_s(), v.model_load_s(), v.warm_up_s()};
  const char* names[] = {"image_pull", "model_load", "warm_up"};
  for (int k = 0; k < 3; ++k) {
    if (!given[k]) continue;
    const std::string f = "scenario field " + field + "." + names[k];
    if (scalars[k] != 0) throw InputError(f + ": give " + names[k] + "_s or " + names[k] + ", not both");
    if (phases[k]->kind_case() == config::Distribution::KIND_NOT_SET)
      throw InputError(f + ": give constant, exponential, lognormal or empirical");
    BadRowPolicy strict;
    spec.startup_phases[k] = to_distribution(*phases[k], base_dir, strict);
    check_distribution(*spec.startup_phases[k], f);
  }
  const std::uint32_t copies = std::max<std::uint32_t>(1, v.copies());
  if (!(v.scale_jitter() >= 0 && v.scale_jitter() < 1))
    throw InputError("scenario field " + field + ".scale_jitter: a fraction in [0, 1)");
  LoadSeries shared;  // read once for every copy (a CSV, or a constant)
  if (l.has_constant_rps()) {
    shared.t_us = {0};
    shared.rps = {l.constant_rps()};
  } else if (l.has_csv()) {
    LoadCsvOptions o;
    if (!l.csv().time_column().empty()) o.time_column = l.csv().time_column();
    if (!l.csv().value_column().empty()) o.value_column = l.csv().value_column();
    o.window_s = l.csv().window_s();
    o.max_gap_s = l.csv().max_gap_s();
    if (!l.csv().time_format().empty()) o.time_format = l.csv().time_format();
    o.step_s = l.csv().step_s();
    o.count_rows = l.csv().count_rows();
    o.normalize = l.csv().normalize();
    shared = read_load_csv(resolve_path(base_dir, l.csv().path()), o);
    if (l.csv().repeat() && span_us != kNever) shared = repeated(shared, span_us);
  }
  RandomStream jitter(seed, "service/copies/" + spec.name);
  const JobRequest request = request_of(v.cpu_cores(), v.memory_gib(), v.gpus(), v.gpu_milli(), v.gpu_models(), field);
  const std::string team = v.team().empty() ? spec.name : v.team();
  JobTable out;
  for (std::uint32_t c = 0; c < copies; ++c) {
    ServiceSpec copy = spec;
    if (copies > 1) copy.name = spec.name + "-" + std::to_string(c);
    if (l.has_diurnal()) {
      const auto& d = l.diurnal();
      DiurnalLoad g;
      g.mean_rps = d.mean_rps();
      g.daily_amplitude = d.daily_amplitude();
      g.peak_hour = d.peak_hour();
      g.weekend_factor = d.weekend_factor() > 0 ? d.weekend_factor() : 1;
      g.noise = d.noise();
      g.step_s = d.step_s() > 0 ? d.step_s() : 60;
      g.span_s = d.span_s() > 0 ? d.span_s() : us_to_seconds(span_us);
      for (const auto& e : d.events()) g.events.push_back({e.at_s(), e.duration_s(), e.multiplier()});
      try {
        copy.load = diurnal_load(g, seed + 0x9E3779B97F4A7C15ULL * c);  // each copy its own noise
      } catch (const InputError& e) {
        throw InputError("scenario field " + field + ".load." + e.what());
      }
    } else {
      copy.load = shared;
    }
    // Copies differ in level: the scale times a factor uniform in [1 - jitter, 1 + jitter].
    const double factor = v.scale_jitter() > 0 ? 1 + v.scale_jitter() * (2 * jitter.uniform01() - 1) : 1.0;
    copy.load.scale((l.scale() > 0 ? l.scale() : 1.0) * factor);
    for (ServiceSpec::Promotion& p : copy.promotions) {
      // Sized from the expected volume: the multiplied peak of the window at the HPA's target.
      const double expected = p.multiplier * copy.load.peak_in(p.at_us, p.at_us + p.duration_us);
      p.expected_rps = expected;
      copy.load.multiply_window(p.at_us, p.at_us + p.duration_us, p.multiplier);
      if (p.lead_us > 0 && copy.hpa.enabled) {
        p.floor = replicas_for(expected, copy.hpa.rps_at_target(copy.replica_rps), copy.max_replicas);
        copy.hpa.prescales.push_back({p.at_us, p.lead_us, p.duration_us, p.floor});
      }
    }
    out.append(replica_slots(copy, request, team, v.priority_class(), field));
  }
  return out;
}

void resolve_spill_routes(JobTable& jobs) {
  auto& services = jobs.services;
  for (std::size_t s = 0; s < services.size(); ++s) {
    ServiceSpec& spec = services[s];
    if (spec.spill_to_name.empty()) continue;
    std::int32_t to = -1;
    for (std::size_t t = 0; t < services.size(); ++t)
      if (services[t].name == spec.spill_to_name) to = static_cast<std::int32_t>(t);
    if (to < 0) throw InputError(spec.spill_field + ": no service named '" + spec.spill_to_name + "'");
    if (static_cast<std::size_t>(to) == s) throw InputError(spec.spill_field + ": a service cannot spill to itself");
    spec.spill_to = to;
  }
  // A promotion on a service without an HPA that spills (a monthly cluster of fixed size) is the
  // spill target's too: reported there, and with a lead it raises the target's floor by what the
  // service's own replicas cannot serve of the expected peak.
  for (std::size_t s = 0; s < services.size(); ++s) {
    for (const ServiceSpec::Promotion& p : services[s].promotions) {
      if (services[s].hpa.enabled || services[s].spill_to < 0) continue;
      auto& to = services[static_cast<std::size_t>(services[s].spill_to)];
      if (p.lead_us > 0 && !to.hpa.enabled)
        throw InputError(services[s].promotions_field + ": lead_s: neither this service nor '" + to.name +
                         "', which it spills to, has an hpa to pre-scale");
      const double own = services[s].max_replicas * services[s].replica_rps;
      ServiceSpec::Promotion linked = p;
      linked.at_us = services[s].start_us + p.at_us - to.start_us;  // the target's clock
      linked.multiplier = 1;  // its load is what spills, already counted
      linked.floor = p.lead_us == 0 ? 0
                                    : replicas_for(std::max(0.0, p.expected_rps - own),
                                                   to.hpa.rps_at_target(to.replica_rps), to.max_replicas);
      if (linked.at_us < 0 || (to.end_us != kNever && to.start_us + linked.at_us + linked.duration_us > to.end_us))
        throw InputError(services[s].promotions_field + ": the promotion falls outside the span of '" + to.name +
                         "', which it pre-scales");
      // Points at the window's ends, so the target's intervals never straddle them (its per-promotion keys).
      to.load.multiply_window(linked.at_us, linked.at_us + linked.duration_us, 1.0);
      if (linked.floor > 0) to.hpa.prescales.push_back({linked.at_us, linked.lead_us, linked.duration_us, linked.floor});
      to.promotions.push_back(linked);
      std::sort(to.promotions.begin(), to.promotions.end(), [](const auto& a, const auto& b) { return a.at_us < b.at_us; });
      for (std::size_t i = 1; i < to.promotions.size(); ++i)
        if (to.promotions[i].at_us < to.promotions[i - 1].at_us + to.promotions[i - 1].duration_us)
          throw InputError(services[s].promotions_field + ": the promotion pre-scaled on '" + to.name +
                           "' overlaps one of its own");
    }
  }
  for (std::size_t s = 0; s < services.size(); ++s) {
    std::size_t steps = 0;
    std::string path = services[s].name;
    for (std::int32_t t = services[s].spill_to; t >= 0; t = services[static_cast<std::size_t>(t)].spill_to) {
      path += " -> " + services[static_cast<std::size_t>(t)].name;
      if (++steps > services.size())
        throw InputError(services[s].spill_field + ": the spills form a cycle (" + path + ")");
    }
  }
}

}  // namespace capsim
