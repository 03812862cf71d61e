#include "sim/io/scenario_loader.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "sim/base/check.h"
#include "sim/model/tidal_calendar.h"
#include "sim/model/tiers.h"

namespace capsim {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// protobuf's JSON messages start with the status code; users need the rest.
std::string strip_status(const std::string& m) {
  const std::string prefix = "INVALID_ARGUMENT:";
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
}

class TextErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit TextErrors(std::string origin) : origin_(std::move(origin)) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (first_.empty())
      first_ = origin_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  const std::string& first() const { return first_; }

 private:
  std::string origin_;
  std::string first_;
};

void require(bool ok, const std::string& origin, const std::string& field, const std::string& what) {
  if (!ok) throw InputError(origin + ": field " + field + ": " + what);
}

void validate_distribution(const config::Distribution& d, const std::string& origin, const std::string& f) {
  switch (d.kind_case()) {
    case config::Distribution::kConstant:
      require(d.constant() >= 0, origin, f + ".constant", "must not be negative");
      break;
    case config::Distribution::kExponential:
      require(d.exponential().mean() > 0, origin, f + ".exponential.mean", "must be positive");
      break;
    case config::Distribution::kLognormal:
      require(d.lognormal().median() > 0, origin, f + ".lognormal.median", "must be positive");
      require(d.lognormal().sigma() >= 0, origin, f + ".lognormal.sigma", "must not be negative");
      break;
    case config::Distribution::kEmpirical:
      require(d.empirical().values_size() > 0 || !d.empirical().trace_durations().empty(), origin,
              f + ".empirical", "needs values or trace_durations");
      break;
    case config::Distribution::KIND_NOT_SET:
      require(false, origin, f, "missing: give constant, exponential, lognormal or empirical");
  }
}

}  // namespace

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

config::Scenario with_absolute_paths(config::Scenario s, const std::string& base_dir) {
  auto fix = [&](std::string* path) {
    if (!path->empty()) *path = std::filesystem::absolute(resolve_path(base_dir, *path)).lexically_normal().string();
  };
  for (auto& n : *s.mutable_fleet()->mutable_nodes())
    if (n.has_trace()) fix(n.mutable_trace()->mutable_path());
  for (auto& p : *s.mutable_fleet()->mutable_pools())
    if (p.has_spot()) fix(p.mutable_spot()->mutable_capacity_csv());
  for (auto& w : *s.mutable_workloads()) {
    if (w.has_trace()) fix(w.mutable_trace()->mutable_path());
    if (w.has_service() && w.service().load().has_csv()) fix(w.mutable_service()->mutable_load()->mutable_csv()->mutable_path());
    if (!w.has_synthetic()) continue;
    auto* y = w.mutable_synthetic();
    fix(y->mutable_shapes_from_trace());
    if (y->arrivals().kind_case() == config::Arrivals::kTracePath) fix(y->mutable_arrivals()->mutable_trace_path());
    if (y->duration_s().has_empirical()) fix(y->mutable_duration_s()->mutable_empirical()->mutable_trace_durations());
  }
  if (s.has_cost()) fix(s.mutable_cost()->mutable_catalog());
  return s;
}

void parse_json_into(google::protobuf::Message& m, const std::string& json, const std::string& origin) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &m, options);
  if (!status.ok()) throw InputError(origin + ": " + strip_status(status.ToString()));
}

void parse_textproto_into(google::protobuf::Message& m, const std::string& text, const std::string& origin) {
  google::protobuf::TextFormat::Parser parser;
  TextErrors errors(origin);
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &m))
    throw InputError(errors.first().empty() ? origin + ": cannot parse text proto" : errors.first());
}

bool is_textproto_path(const std::string& path) {
  return ends_with(path, ".textproto") || ends_with(path, ".txtpb") || ends_with(path, ".pbtxt");
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open " + what);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::Scenario parse_scenario_json(const std::string& json, const std::string& origin) {
  config::Scenario s;
  parse_json_into(s, json, origin);
  return s;
}

config::Scenario parse_scenario_textproto(const std::string& text, const std::string& origin) {
  config::Scenario s;
  parse_textproto_into(s, text, origin);
  return s;
}

TidalCalendar tidal_calendar_of(const config::ColocationSpec& k, const std::string& origin) {
  constexpr double kMaxSeconds = 1e12;
  TidalCalendar calendar;
  for (int w = 0; w < k.windows_size(); ++w) {
    const auto& ws = k.windows(w);
    const std::string wf = "colocation.windows[" + std::to_string(w) + "]";
    const std::string where = (origin.empty() ? "" : origin + ": ") + "scenario field " + wf;
    TidalWindow t;
    t.name = ws.name().empty() ? "window-" + std::to_string(w) : ws.name();
    t.start_us = parse_time_of_day(ws.start(), where + ".start");
    t.end_us = parse_time_of_day(ws.end(), where + ".end");
    auto mask = [&](const auto& names, const std::string& field) {
      std::uint8_t m = 0;
      for (int i = 0; i < names.size(); ++i)
        m |= static_cast<std::uint8_t>(1u << static_cast<int>(
                 parse_tier(names[i], 0, "", where + "." + field + "[" + std::to_string(i) + "]").tier));
      return m;
    };
    t.may_start = mask(ws.may_start(), "may_start");
    t.exit_at_end = mask(ws.exit_at_end(), "exit_at_end");
    require(ws.max_duration_s() >= 0 && ws.max_duration_s() <= kMaxSeconds, origin, wf + ".max_duration_s",
            "must be in [0, 1e12] seconds");
    t.max_duration_us = seconds_to_us(ws.max_duration_s());
    t.max_gpus = static_cast<std::int32_t>(ws.max_gpus());
    const SimTime length = ((t.end_us - t.start_us) % kDayUs + kDayUs - 1) % kDayUs + 1;
    require(!ws.has_exit_lead_s() || (ws.exit_lead_s() >= 0 && seconds_to_us(ws.exit_lead_s()) < length), origin,
            wf + ".exit_lead_s", "must be at least 0 and shorter than the window");
    t.exit_lead_us = seconds_to_us(ws.has_exit_lead_s() ? ws.exit_lead_s() : 600.0);
    calendar.windows.push_back(t);
  }
  calendar.check((origin.empty() ? "" : origin + ": ") + "scenario field colocation.windows");
  return calendar;
}

void validate_scenario(const config::Scenario& s, const std::string& origin) {
  constexpr double kMaxSeconds = 1e12;  // about 31,700 years; keeps microseconds far from int64 overflow
  for (const auto& [name, v] : {std::pair{"horizon_s", s.horizon_s()}, std::pair{"sample_interval_s", s.sample_interval_s()},
                                std::pair{"max_wait_s", s.max_wait_s()}, std::pair{"warmup_s", s.warmup_s()}})
    require(v <= kMaxSeconds, origin, name, "must be at most 1e12 seconds");
  require(s.horizon_s() >= 0, origin, "horizon_s", "must not be negative");
  require(s.sample_interval_s() >= 0, origin, "sample_interval_s", "must not be negative");
  require(s.sample_interval_s() == 0 || s.sample_interval_s() >= 1e-6, origin, "sample_interval_s",
          "must be at least one microsecond");
  require(s.max_wait_s() >= 0, origin, "max_wait_s", "must not be negative");
  require(s.warmup_s() >= 0, origin, "warmup_s", "must not be negative");
  if (s.has_colocation()) {
    const auto& k = s.colocation();
    const std::string f = "colocation.";
    for (const auto& [name, v] : {std::pair{"cpu_policy", k.cpu_policy()}, std::pair{"memory_policy", k.memory_policy()}})
      require(v.empty() || v == "usage" || v == "request" || v == "max-usage-request", origin, f + name,
              "must be \"usage\", \"request\" or \"max-usage-request\", got \"" + v + "\"");
    require(k.update_s() >= 0 && k.update_s() <= kMaxSeconds, origin, f + "update_s", "must be in [0, 1e12] seconds");
    require(!k.has_eviction_back_off_s() || (k.eviction_back_off_s() >= 0 && k.eviction_back_off_s() <= kMaxSeconds), origin,
            f + "eviction_back_off_s", "must be in [0, 1e12] seconds");
    require(k.mid_window_s() >= 0 && k.mid_window_s() <= kMaxSeconds, origin, f + "mid_window_s", "must be in [0, 1e12] seconds");
    for (const auto& [name, has, v] :
         {std::tuple{"cpu_reclaim_percent", k.has_cpu_reclaim_percent(), k.cpu_reclaim_percent()},
          std::tuple{"memory_reclaim_percent", k.has_memory_reclaim_percent(), k.memory_reclaim_percent()},
          std::tuple{"mid_cpu_threshold_percent", k.has_mid_cpu_threshold_percent(), k.mid_cpu_threshold_percent()},
          std::tuple{"mid_memory_threshold_percent", k.has_mid_memory_threshold_percent(), k.mid_memory_threshold_percent()},
          std::tuple{"mid_cpu_percentile", k.has_mid_cpu_percentile(), k.mid_cpu_percentile()},
          std::tuple{"mid_memory_percentile", k.has_mid_memory_percentile(), k.mid_memory_percentile()},
          std::tuple{"be_cpu_suppress_percent", k.has_be_cpu_suppress_percent(), k.be_cpu_suppress_percent()},
          std::tuple{"memory_evict_threshold_percent", k.has_memory_evict_threshold_percent(), k.memory_evict_threshold_percent()},
          std::tuple{"memory_evict_lower_percent", k.has_memory_evict_lower_percent(), k.memory_evict_lower_percent()},
          std::tuple{"cpu_evict_satisfaction_lower_percent", k.has_cpu_evict_satisfaction_lower_percent(), k.cpu_evict_satisfaction_lower_percent()},
          std::tuple{"cpu_evict_satisfaction_upper_percent", k.has_cpu_evict_satisfaction_upper_percent(), k.cpu_evict_satisfaction_upper_percent()},
          std::tuple{"free_cpu_watermark_percent", k.has_free_cpu_watermark_percent(), k.free_cpu_watermark_percent()},
          std::tuple{"free_memory_watermark_percent", k.has_free_memory_watermark_percent(), k.free_memory_watermark_percent()}})
      require(!has || (v > 0 && v <= 100), origin, f + name, "must be in (0, 100], got " + std::to_string(v));
    require(k.mid_unallocated_percent() >= 0 && k.mid_unallocated_percent() <= 100, origin, f + "mid_unallocated_percent",
            "must be in [0, 100]");
    require(!k.has_mid_headroom() || (k.mid_headroom() >= 1 && k.mid_headroom() <= 10), origin, f + "mid_headroom",
            "must be in [1, 10]");
    require(k.reserved_cpu_cores() >= 0 && k.reserved_cpu_cores() <= 1e6, origin, f + "reserved_cpu_cores", "must be in [0, 1e6]");
    require(k.reserved_memory_gib() >= 0 && k.reserved_memory_gib() <= 1e9, origin, f + "reserved_memory_gib", "must be in [0, 1e9]");
    require(!k.has_be_min_cpu_cores() || (k.be_min_cpu_cores() > 0 && k.be_min_cpu_cores() <= 1e6), origin,
            f + "be_min_cpu_cores", "must be in (0, 1e6] (a BE pod is slowed, never stopped)");
    if (k.has_gpu_sharing()) {
      const auto& g = k.gpu_sharing();
      const std::string h = f + "gpu_sharing.";
      require(!g.has_guests_per_gpu() || (g.guests_per_gpu() >= 1 && g.guests_per_gpu() <= 64), origin,
              h + "guests_per_gpu", "must be in [1, 64]");
      for (const auto& [name, has, v] :
           {std::tuple{"memory_safety_percent", g.has_memory_safety_percent(), g.memory_safety_percent()},
            std::tuple{"guest_memory_percent", g.has_guest_memory_percent(), g.guest_memory_percent()}})
        require(!has || (v > 0 && v <= 100), origin, h + name, "must be in (0, 100], got " + std::to_string(v));
      require(!g.has_back_off_s() || (g.back_off_s() >= 0 && g.back_off_s() <= kMaxSeconds), origin, h + "back_off_s",
              "must be in [0, 1e12] seconds");
    }
    const double lower = k.has_cpu_evict_satisfaction_lower_percent() ? k.cpu_evict_satisfaction_lower_percent() : 60;
    const double upper = k.has_cpu_evict_satisfaction_upper_percent() ? k.cpu_evict_satisfaction_upper_percent() : 80;
    require(lower < upper, origin, f + "cpu_evict_satisfaction_upper_percent",
            "must be above cpu_evict_satisfaction_lower_percent");
    tidal_calendar_of(k, origin);  // its errors name the window and field
    const double threshold = k.has_memory_evict_threshold_percent() ? k.memory_evict_threshold_percent() : 70;
    require(!k.has_memory_evict_lower_percent() || k.memory_evict_lower_percent() < threshold, origin,
            f + "memory_evict_lower_percent", "must be below memory_evict_threshold_percent");
  }
  require(s.max_memory_gib() >= 0, origin, "max_memory_gib", "must not be negative");
  require(s.queue().empty() || s.queue() == "fifo" || s.queue() == "strict-fifo", origin, "queue",
          "must be \"fifo\" or \"strict-fifo\", got \"" + s.queue() + "\"");
  require(s.fleet().nodes_size() > 0, origin, "fleet.nodes", "at least one node source is needed");
  for (int i = 0; i < s.fleet().pools_size(); ++i) {
    const auto& p = s.fleet().pools(i);
    const std::string f = "fleet.pools[" + std::to_string(i) + "]";
    require(!p.name().empty(), origin, f + ".name", "must not be empty");
    for (int k = 0; k < i; ++k)
      require(s.fleet().pools(k).name() != p.name(), origin, f + ".name", "'" + p.name() + "' is used twice");
    require(p.kind() == "owned" || p.kind() == "reserved" || p.kind() == "on-demand" || p.kind() == "spot", origin,
            f + ".kind", "must be \"owned\", \"reserved\", \"on-demand\" or \"spot\", got \"" + p.kind() + "\"");
    require(p.billing().empty() || p.billing() == "second" || p.billing() == "hour" || p.billing() == "month",
            origin, f + ".billing", "must be \"second\", \"hour\" or \"month\", got \"" + p.billing() + "\"");
    require(p.minimum_billed_s() >= 0 && p.minimum_billed_s() <= kMaxSeconds, origin, f + ".minimum_billed_s",
            "must be in [0, 1e12] seconds");
    require(p.boot_delay_s() >= 0 && p.boot_delay_s() <= kMaxSeconds, origin, f + ".boot_delay_s",
            "must be in [0, 1e12] seconds");
    require(p.kind() != "reserved" || !p.commitment().empty() || !s.has_cost(), origin, f + ".commitment",
            "a reserved pool names the catalog commitment it is priced by");
    if (p.has_spot()) {
      const auto& m = p.spot();
      require(p.kind() == "spot", origin, f + ".spot", "only a pool of kind \"spot\" has a spot market");
      require(std::isfinite(m.interruptions_per_node_hour()) && m.interruptions_per_node_hour() >= 0, origin,
              f + ".spot.interruptions_per_node_hour", "must not be negative");
      require(m.interruptions_per_node_hour() <= 3600, origin, f + ".spot.interruptions_per_node_hour",
              "at most 3600 (one a second)");
      require(m.notice_s() >= 0 && m.notice_s() <= kMaxSeconds, origin, f + ".spot.notice_s", "must be in [0, 1e12] seconds");
      require(s.horizon_s() == 0 || m.notice_s() <= s.horizon_s(), origin, f + ".spot.notice_s",
              "is longer than the horizon (horizon_s)");
      for (int k = 0; k < m.interruptions_at_s_size(); ++k)
        require(m.interruptions_at_s(k) >= 0 && m.interruptions_at_s(k) <= kMaxSeconds, origin,
                f + ".spot.interruptions_at_s[" + std::to_string(k) + "]", "must be in [0, 1e12] seconds");
      require(m.reclaim_order().empty() || m.reclaim_order() == "newest" || m.reclaim_order() == "oldest" ||
                  m.reclaim_order() == "lowest-index",
              origin, f + ".spot.reclaim_order", "must be newest, oldest or lowest-index, got \"" + m.reclaim_order() + "\"");
      require(!m.has_replacement_delay_s() || (m.replacement_delay_s() >= 0 && m.replacement_delay_s() <= kMaxSeconds),
              origin, f + ".spot.replacement_delay_s", "must be in [0, 1e12] seconds");
      require(m.capacity_size() == 0 || m.capacity_csv().empty(), origin, f + ".spot.capacity_csv",
              "give capacity points or a capacity CSV, not both");
      require(m.capacity_offset_s() >= 0 && m.capacity_offset_s() <= kMaxSeconds, origin,
              f + ".spot.capacity_offset_s", "must be in [0, 1e12] seconds");
      require(m.capacity_offset_s() == 0 || m.capacity_size() > 0 || !m.capacity_csv().empty(), origin,
              f + ".spot.capacity_offset_s", "needs a capacity series (capacity or capacity_csv)");
      for (int k = 0; k < m.capacity_size(); ++k) {
        const std::string g = f + ".spot.capacity[" + std::to_string(k) + "].t_s";
        require(m.capacity(k).t_s() >= 0 && m.capacity(k).t_s() <= kMaxSeconds, origin, g, "must be in [0, 1e12] seconds");
        require(k == 0 || m.capacity(k).t_s() > m.capacity(k - 1).t_s(), origin, g, "times must increase");
      }
    }
    for (int k = 0; k < p.prices_size(); ++k) {
      const auto& r = p.prices(k);
      const std::string g = f + ".prices[" + std::to_string(k) + "]";
      require(!r.node_type().empty(), origin, g + ".node_type", "must not be empty");
      require(r.scale().empty() || r.scale() == "node" || r.scale() == "gpu" || r.scale() == "cpu", origin,
              g + ".scale", "must be \"node\", \"gpu\" or \"cpu\", got \"" + r.scale() + "\"");
    }
  }
  if (s.has_cost()) {
    const auto& c = s.cost();
    require(!c.catalog().empty(), origin, "cost.catalog", "must name a price catalog file");
    require(c.window_s() >= 0 && c.window_s() <= kMaxSeconds, origin, "cost.window_s", "must be in [0, 1e12] seconds");
    require(c.window_s() == 0 || c.window_s() >= 1, origin, "cost.window_s", "must be at least one second");
    require(c.tco_months() >= 0 && c.tco_months() <= 1200, origin, "cost.tco_months", "must be in [0, 1200]");
    require(c.revenue_per_job() >= 0, origin, "cost.revenue_per_job", "must not be negative");
    require(c.revenue_per_gpu_hour() >= 0, origin, "cost.revenue_per_gpu_hour", "must not be negative");
    for (int i = 0; i < s.fleet().pools_size(); ++i)
      require(s.fleet().pools(i).prices_size() > 0, origin,
              "fleet.pools[" + std::to_string(i) + "].prices", "a priced run needs at least one price rule per pool");
    require(s.fleet().pools_size() > 0, origin, "fleet.pools", "a priced run names its pools and their prices");
  }
  for (int i = 0; i < s.fleet().nodes_size(); ++i) {
    const auto& n = s.fleet().nodes(i);
    const std::string f = "fleet.nodes[" + std::to_string(i) + "]";
    if (n.has_trace()) {
      require(!n.trace().path().empty(), origin, f + ".trace.path", "must not be empty");
      require(n.trace().default_memory_gib() >= 0, origin, f + ".trace.default_memory_gib", "must not be negative");
    } else if (n.has_group()) {
      const auto& g = n.group();
      require(g.count() > 0, origin, f + ".group.count", "must be positive");
      require(g.cpu_cores() > 0, origin, f + ".group.cpu_cores", "must be positive");
      require(g.memory_gib() >= 0, origin, f + ".group.memory_gib", "must not be negative");
      require(g.gpus() <= 64, origin, f + ".group.gpus", "at most 64 GPUs per node");
      require(g.gpus() == 0 || !g.gpu_model().empty(), origin, f + ".group.gpu_model",
              "required when gpus > 0");
    } else {
      require(false, origin, f, "give either trace or group");
    }
  }
  require(s.workloads_size() > 0, origin, "workloads", "at least one workload source is needed");
  auto check_resilience = [&](const config::Resilience& r, const std::string& f) {
    for (auto [v, name] : {std::pair{r.checkpoint_interval_s(), "checkpoint_interval_s"},
                           std::pair{r.checkpoint_cost_s(), "checkpoint_cost_s"}, std::pair{r.restore_s(), "restore_s"},
                           std::pair{r.deadline_s(), "deadline_s"}})
      require(v >= 0 && v <= kMaxSeconds, origin, f + "." + name, "must be in [0, 1e12] seconds");
    require(r.checkpoint_interval_s() == 0 || r.checkpoint_cost_s() <= r.checkpoint_interval_s(), origin,
            f + ".checkpoint_cost_s", "writing a checkpoint takes longer than the interval between them");
    require(r.priority().empty() || r.priority() == "normal" || r.priority() == "high", origin, f + ".priority",
            "must be \"normal\" or \"high\", got \"" + r.priority() + "\"");
    require(!(r.priority() == "high" && r.spot_tolerant()), origin, f + ".spot_tolerant",
            "high-priority jobs never run on spot");
    require(r.max_interruptions_per_node_hour() >= 0, origin, f + ".max_interruptions_per_node_hour",
            "must not be negative");
  };
  for (int i = 0; i < s.workloads_size(); ++i) {
    const auto& w = s.workloads(i);
    const std::string f = "workloads[" + std::to_string(i) + "]";
    if (w.has_trace() && w.trace().has_resilience()) check_resilience(w.trace().resilience(), f + ".trace.resilience");
    if (w.has_synthetic() && w.synthetic().has_resilience())
      check_resilience(w.synthetic().resilience(), f + ".synthetic.resilience");
    if (w.has_trace()) {
      require(!w.trace().path().empty(), origin, f + ".trace.path", "must not be empty");
      require(w.trace().format().empty() || w.trace().format() == "openb", origin, f + ".trace.format",
              "must be \"openb\"");
    } else if (w.has_synthetic()) {
      const auto& y = w.synthetic();
      require(y.arrivals().kind_case() != config::Arrivals::KIND_NOT_SET, origin, f + ".synthetic.arrivals",
              "give poisson_rate_per_hour or trace_path");
      if (y.arrivals().kind_case() == config::Arrivals::kPoissonRatePerHour) {
        require(y.arrivals().poisson_rate_per_hour() > 0, origin, f + ".synthetic.arrivals.poisson_rate_per_hour",
                "must be positive");
        require(y.count() > 0, origin, f + ".synthetic.count", "must be positive with Poisson arrivals");
      }
      require(y.start_s() >= 0 && y.start_s() <= kMaxSeconds, origin, f + ".synthetic.start_s",
              "must be in [0, 1e12] seconds");
      validate_distribution(y.duration_s(), origin, f + ".synthetic.duration_s");
      require(y.shapes_size() > 0 || !y.shapes_from_trace().empty(), origin, f + ".synthetic.shapes",
              "give shapes or shapes_from_trace");
      for (int k = 0; k < y.shapes_size(); ++k) {
        const auto& sh = y.shapes(k);
        const std::string g = f + ".synthetic.shapes[" + std::to_string(k) + "]";
        require(sh.weight() >= 0, origin, g + ".weight", "must not be negative");
        require(sh.cpu_cores() >= 0, origin, g + ".cpu_cores", "must not be negative");
        require(sh.memory_gib() >= 0, origin, g + ".memory_gib", "must not be negative");
        require(sh.gpus() <= 64, origin, g + ".gpus", "at most 64");
        require(sh.gpu_milli() <= 1000, origin, g + ".gpu_milli", "at most 1000");
        require(sh.gpus() <= 1 || sh.gpu_milli() == 0 || sh.gpu_milli() == 1000, origin, g + ".gpu_milli",
                "multi-GPU jobs take whole GPUs (leave 0 or 1000)");
        require(sh.gpus() > 0 || sh.gpu_milli() == 0, origin, g + ".gpu_milli", "must be 0 when gpus is 0");
        require(sh.workers() <= 100000, origin, g + ".workers", "at most 100,000");
      }
    } else if (w.has_service()) {
      const auto& v = w.service();
      const std::string g = f + ".service";
      require(!v.name().empty(), origin, g + ".name", "must not be empty");
      const bool per_request = v.cpu_seconds_per_request() != 0 || v.gpu_seconds_per_request() != 0;
      require(!per_request || v.replica_rps() == 0, origin, g + ".replica_rps",
              "give replica_rps or cpu/gpu_seconds_per_request, not both");
      require(per_request || (v.replica_rps() > 0 && std::isfinite(v.replica_rps())), origin, g + ".replica_rps",
              "must be positive (or give cpu_seconds_per_request or gpu_seconds_per_request)");
      require(v.cpu_seconds_per_request() >= 0 && std::isfinite(v.cpu_seconds_per_request()) &&
                  (v.cpu_seconds_per_request() == 0 || v.cpu_cores() > 0),
              origin, g + ".cpu_seconds_per_request", "must not be negative, and needs cpu_cores");
      require(v.gpu_seconds_per_request() >= 0 && std::isfinite(v.gpu_seconds_per_request()) &&
                  (v.gpu_seconds_per_request() == 0 || v.gpus() > 0),
              origin, g + ".gpu_seconds_per_request", "must not be negative, and needs gpus");
      require(v.cpu_cores() >= 0 && v.memory_gib() >= 0, origin, g + ".cpu_cores", "requests must not be negative");
      require(v.gpus() <= 64 && v.gpu_milli() <= 1000, origin, g + ".gpus", "at most 64 GPUs and 1000 milli");
      require(v.gpus() <= 1 || v.gpu_milli() == 0 || v.gpu_milli() == 1000, origin, g + ".gpu_milli",
              "multi-GPU replicas take whole GPUs (leave 0 or 1000)");
      require(v.max_replicas() <= 100000 && v.replicas() <= 100000, origin, g + ".max_replicas", "at most 100,000");
      require(v.copies() <= 100000, origin, g + ".copies", "at most 100,000");
      require(v.scale_jitter() >= 0 && v.scale_jitter() < 1, origin, g + ".scale_jitter", "a fraction in [0, 1)");
      require(v.load().kind_case() != config::Load::KIND_NOT_SET, origin, g + ".load",
              "give constant_rps, csv or diurnal");
      require(v.load().scale() >= 0 && std::isfinite(v.load().scale()), origin, g + ".load.scale", "must not be negative");
      if (v.load().has_constant_rps())
        require(v.load().constant_rps() >= 0 && std::isfinite(v.load().constant_rps()), origin,
                g + ".load.constant_rps", "must not be negative");
      if (v.load().has_csv()) require(!v.load().csv().path().empty(), origin, g + ".load.csv.path", "must not be empty");
      require(v.start_s() >= 0 && v.start_s() <= kMaxSeconds, origin, g + ".start_s", "must be in [0, 1e12] seconds");
      require(v.end_s() == 0 || v.end_s() > v.start_s(), origin, g + ".end_s", "must be after start_s");
      require(v.end_s() > 0 || s.horizon_s() > 0, origin, g + ".end_s",
              "a service runs until end_s or the scenario's horizon_s: give one");
      require(v.latency_slo_s() >= 0, origin, g + ".latency_slo_s", "must not be negative");
      if (v.has_hpa()) {
        const auto& h = v.hpa();
        require(h.target_utilization() >= 0 && h.target_utilization() <= 1, origin, g + ".hpa.target_utilization",
                "must be in (0, 1] (0: the default 0.7)");
        require(!h.has_tolerance() || (h.tolerance() >= 0 && h.tolerance() < 1), origin, g + ".hpa.tolerance",
                "must be in [0, 1)");
        require(h.sync_s() >= 0, origin, g + ".hpa.sync_s", "must not be negative");
        require(!h.has_scale_down_stabilization_s() || h.scale_down_stabilization_s() >= 0, origin,
                g + ".hpa.scale_down_stabilization_s", "must not be negative");
      }
    } else {
      require(false, origin, f, "give trace, synthetic or service");
    }
  }
}

LoadedScenario load_scenario_file(const std::string& path) {
  LoadedScenario out;
  out.path = path;
  const auto slash = path.find_last_of('/');
  out.base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string text = read_text_file(path, "scenario file");
  if (is_textproto_path(path))
    out.scenario = parse_scenario_textproto(text, path);
  else
    out.scenario = parse_scenario_json(text, path);
  validate_scenario(out.scenario, path);
  return out;
}

std::string scenario_to_json(const config::Scenario& s) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(s, &out, options);
  return out;
}

}  // namespace capsim
