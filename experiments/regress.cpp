#include "experiments/regress.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "experiments/runner.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim {
namespace {

namespace pb = google::protobuf;

double number_of(const std::string& json) {
  if (json.empty() || json.front() == '"' || json == "null") return std::nan("");
  double v = 0;
  const auto [p, ec] = std::from_chars(json.data(), json.data() + json.size(), v);
  return ec == std::errc() && p == json.data() + json.size() ? v : std::nan("");
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

TimedResult run_case(const BaselineRun& run, const std::string& base_dir) {
  const LoadedScenario s = load_scenario_file(resolve_path(base_dir, run.scenario));
  PreparedScenario prepared(s.scenario, s.base_dir);
  const RunSpec spec = resolve_run_spec(s.scenario, run.policy, {}, run.seed);
  const RunSetup setup = prepared.setup(spec.seed);
  return run_one(setup, spec);
}

}  // namespace

Tolerance parse_tolerance(const std::string& text, const std::string& field) {
  Tolerance t;
  std::string rest = text;
  auto take = [&](const std::string& prefix) {
    if (rest.rfind(prefix, 0) != 0) return false;
    rest = rest.substr(prefix.size());
    return true;
  };
  if (rest == "exact") return t;
  if (rest == "ignore") {
    t.kind = Tolerance::kIgnore;
    return t;
  }
  if (take("higher-is-worse")) t.worse = 1;
  else if (take("lower-is-worse")) t.worse = -1;
  if (t.worse != 0 && rest.empty()) return t;  // any worsening fails
  if (t.worse != 0 && !take(":"))
    throw InputError(field + ": expected higher-is-worse[:abs:X|:rel:X], got '" + text + "'");
  if (take("abs:")) t.kind = Tolerance::kAbsolute;
  else if (take("rel:")) t.kind = Tolerance::kRelative;
  else throw InputError(field + ": expected exact, ignore, abs:X, rel:X or higher-/lower-is-worse[:abs:X|:rel:X], got '" +
                        text + "'");
  const auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), t.amount);
  if (ec != std::errc() || p != rest.data() + rest.size() || !(t.amount >= 0) || !std::isfinite(t.amount))
    throw InputError(field + ": the allowance must be a non-negative number, got '" + rest + "'");
  return t;
}

Baseline load_baseline(const std::string& path) {
  pb::Struct s;
  const auto status = pb::util::JsonStringToMessage(read_text_file(path, "baseline"), &s);
  if (!status.ok()) throw InputError(path + ": not a baseline (JSON): " + std::string(status.message()));
  Baseline b;
  const auto& f = s.fields();
  if (!f.count("runs") || f.at("runs").kind_case() != pb::Value::kListValue)
    throw InputError(path + ": field runs: a list of runs is required");
  if (f.count("tolerances")) {
    for (const auto& [key, v] : f.at("tolerances").struct_value().fields()) {
      if (v.kind_case() != pb::Value::kStringValue) throw InputError(path + ": field tolerances." + key + ": a string");
      parse_tolerance(v.string_value(), path + ": field tolerances." + key);
      b.tolerances[key] = v.string_value();
    }
  }
  const auto& runs = f.at("runs").list_value().values();
  for (int i = 0; i < runs.size(); ++i) {
    const std::string field = path + ": field runs[" + std::to_string(i) + "]";
    const auto& r = runs[i].struct_value().fields();
    BaselineRun run;
    if (!r.count("scenario") || r.at("scenario").string_value().empty())
      throw InputError(field + ".scenario: required");
    run.scenario = r.at("scenario").string_value();
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (!std::filesystem::exists(resolve_path(dir.empty() ? "." : dir, run.scenario)))
      throw InputError(field + ".scenario: " + run.scenario + " does not exist (relative to the baseline)");
    if (r.count("policy")) run.policy = r.at("policy").string_value();
    if (r.count("seed")) run.seed = static_cast<std::uint64_t>(r.at("seed").number_value());
    if (!r.count("keys") || !r.count("values")) throw InputError(field + ": keys and values (the expected summary) required");
    for (const auto& k : r.at("keys").list_value().values()) run.keys.push_back(k.string_value());
    for (const auto& v : r.at("values").list_value().values()) run.values.push_back(v.string_value());
    if (run.keys.size() != run.values.size()) throw InputError(field + ": keys and values differ in number");
    b.runs.push_back(std::move(run));
  }
  if (b.runs.empty()) throw InputError(path + ": field runs: empty");
  return b;
}

Baseline record_baseline(const std::vector<std::string>& scenarios, const std::string& base_dir,
                         const std::vector<std::string>& policies, const std::vector<std::uint64_t>& seeds,
                         const std::map<std::string, std::string>& tolerances, int threads) {
  Baseline b;
  for (const auto& [k, v] : tolerances) {
    parse_tolerance(v, "--tolerance " + k);
    b.tolerances[k] = v;
  }
  for (const auto& scenario : scenarios) {
    const LoadedScenario s = load_scenario_file(resolve_path(base_dir, scenario));
    const std::vector<std::string> ps = policies.empty() ? std::vector<std::string>{""} : policies;
    const std::vector<std::uint64_t> ss = seeds.empty() ? std::vector<std::uint64_t>{s.scenario.seed()} : seeds;
    for (const auto& p : ps)
      for (auto seed : ss) b.runs.push_back({scenario, p, seed, {}, {}});
  }
  if (b.runs.empty()) throw InputError("baseline: no scenario given");
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, b.runs.size(), [&](std::size_t i) {
      const TimedResult r = run_case(b.runs[i], base_dir);
      for (const auto& [k, v] : r.result.summary) {
        b.runs[i].keys.push_back(k);
        b.runs[i].values.push_back(summary_value_json(v));
      }
    });
  });
  return b;
}

void write_baseline(const std::string& path, const Baseline& b) {
  std::string out = "{\n  \"tolerances\": {";
  bool first = true;
  for (const auto& [k, v] : b.tolerances) {
    out += std::string(first ? "" : ",") + "\n    " + json_quote(k) + ": " + json_quote(v);
    first = false;
  }
  out += std::string(b.tolerances.empty() ? "" : "\n  ") + "},\n  \"runs\": [";
  for (std::size_t i = 0; i < b.runs.size(); ++i) {
    const BaselineRun& r = b.runs[i];
    out += std::string(i ? "," : "") + "\n    {\"scenario\": " + json_quote(r.scenario) + ", \"policy\": " +
           json_quote(r.policy) + ", \"seed\": " + std::to_string(r.seed) + ",\n     \"keys\": [";
    for (std::size_t k = 0; k < r.keys.size(); ++k) out += (k ? ", " : "") + json_quote(r.keys[k]);
    // Values as strings holding their JSON text: every digit survives.
    out += "],\n     \"values\": [";
    for (std::size_t k = 0; k < r.values.size(); ++k) out += (k ? ", " : "") + json_quote(r.values[k]);
    out += "]}";
  }
  out += "\n  ]\n}\n";
  write_text_atomically(path, out);
}

bool RegressReport::failed() const {
  for (const auto& f : findings)
    if (f.verdict == "regression" || f.verdict == "missing key") return true;
  return false;
}

RegressReport run_regress(const Baseline& b, const std::string& base_dir, int threads) {
  Tolerance fallback;
  if (b.tolerances.count("*")) fallback = parse_tolerance(b.tolerances.at("*"), "tolerances.*");
  std::vector<TimedResult> results(b.runs.size());
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, b.runs.size(), [&](std::size_t i) { results[i] = run_case(b.runs[i], base_dir); });
  });
  RegressReport report;
  for (std::size_t i = 0; i < b.runs.size(); ++i) {
    const BaselineRun& run = b.runs[i];
    report.wall_s.push_back(results[i].wall_s);
    std::map<std::string, std::string> now;
    std::vector<std::string> order;
    for (const auto& [k, v] : results[i].result.summary) {
      now[k] = summary_value_json(v);
      order.push_back(k);
    }
    for (std::size_t k = 0; k < run.keys.size(); ++k) {
      const std::string& key = run.keys[k];
      const Tolerance t = b.tolerances.count(key) ? parse_tolerance(b.tolerances.at(key), "tolerances." + key) : fallback;
      if (t.kind == Tolerance::kIgnore) continue;
      RegressFinding f{i, key, run.values[k], "", std::nan(""), ""};
      const auto it = now.find(key);
      if (it == now.end()) {
        f.verdict = "missing key";
        report.findings.push_back(f);
        continue;
      }
      f.after = it->second;
      if (f.after == f.before) continue;
      const double before = number_of(f.before), after = number_of(f.after);
      f.delta = after - before;
      if (std::isnan(before) || std::isnan(after)) {
        f.verdict = "regression";  // a string (or null) that changed
      } else {
        const double allowance = t.kind == Tolerance::kAbsolute   ? t.amount
                                 : t.kind == Tolerance::kRelative ? t.amount * std::max(std::abs(before), 1e-300)
                                                                  : 0.0;
        const double worse = t.worse == 0 ? std::abs(f.delta) : t.worse * f.delta;
        f.verdict = worse > allowance ? "regression" : (t.worse != 0 && worse < 0 ? "improved" : "within tolerance");
      }
      report.findings.push_back(f);
    }
    for (const auto& key : order)
      if (std::find(run.keys.begin(), run.keys.end(), key) == run.keys.end())
        report.findings.push_back({i, key, "", now[key], std::nan(""), "new key"});
  }
  return report;
}

std::string run_label(const BaselineRun& run) {
  return run.scenario + " " + (run.policy.empty() ? "(scenario's policy)" : run.policy) + " seed " +
         std::to_string(run.seed);
}

std::string regress_table(const Baseline& b, const RegressReport& r) {
  std::ostringstream out;
  std::size_t regressions = 0;
  for (const auto& f : r.findings) {
    out << run_label(b.runs[f.run]) << "  " << f.key << ": " << (f.before.empty() ? "-" : f.before) << " -> "
        << (f.after.empty() ? "-" : f.after);
    if (!std::isnan(f.delta)) out << " (" << (f.delta >= 0 ? "+" : "") << json_number(f.delta) << ")";
    out << "  " << f.verdict << "\n";
    regressions += f.verdict == "regression" || f.verdict == "missing key";
  }
  out << b.runs.size() << " runs, " << r.findings.size() << " changed values, " << regressions << " regression(s)\n";
  return out.str();
}

std::string regress_junit(const Baseline& b, const RegressReport& r) {
  std::size_t failures = 0;
  std::vector<std::string> cases;
  for (std::size_t i = 0; i < b.runs.size(); ++i) {
    std::string msg;
    for (const auto& f : r.findings)
      if (f.run == i && (f.verdict == "regression" || f.verdict == "missing key"))
        msg += f.key + ": " + (f.before.empty() ? "-" : f.before) + " -> " + (f.after.empty() ? "-" : f.after) + " (" +
               f.verdict + ")\n";
    std::string c = "  <testcase classname=\"capsim.regress\" name=\"" + xml_escape(run_label(b.runs[i])) +
                    "\" time=\"" + json_number(r.wall_s[i]) + "\"";
    if (msg.empty()) {
      c += "/>\n";
    } else {
      ++failures;
      c += ">\n    <failure message=\"summary keys regressed\">" + xml_escape(msg) + "</failure>\n  </testcase>\n";
    }
    cases.push_back(c);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"capsim regress\" tests=\"" +
                    std::to_string(b.runs.size()) + "\" failures=\"" + std::to_string(failures) + "\">\n";
  for (const auto& c : cases) out += c;
  return out + "</testsuite>\n";
}

std::string regress_markdown(const Baseline& b, const RegressReport& r) {
  std::string out = std::string("## capsim regress: ") + (r.failed() ? "regressions found" : "no regression") + "\n\n";
  if (r.findings.empty()) return out + std::to_string(b.runs.size()) + " runs, every value as in the baseline.\n";
  out += "| run | key | before | after | delta | verdict |\n| --- | --- | ---: | ---: | ---: | --- |\n";
  for (const auto& f : r.findings)
    out += "| " + run_label(b.runs[f.run]) + " | `" + f.key + "` | " + (f.before.empty() ? "-" : f.before) + " | " +
           (f.after.empty() ? "-" : f.after) + " | " + (std::isnan(f.delta) ? "" : json_number(f.delta)) + " | " +
           f.verdict + " |\n";
  return out;
}

}  // namespace capsim
