#include "experiments/sweep.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <hdf5.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "experiments/runner.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/h5_util.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim {
namespace {

namespace pb = google::protobuf;

std::string fnv_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string to_json(const pb::Message& m) {
  std::string out;
  pb::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  if (!pb::util::MessageToJsonString(m, &out, o).ok()) throw InvariantError("a message prints as JSON");
  return out;
}

pb::Value value_of(const std::string& json, const std::string& origin) {
  pb::Value v;
  const auto status = pb::util::JsonStringToMessage(json, &v);
  if (!status.ok()) throw InputError(origin + ": not JSON: " + std::string(status.message()));
  return v;
}

// Sets `value` at a dotted path (name, name[i]) of a JSON tree; objects missing on the way are created.
void set_path(pb::Value& root, const std::string& path, const pb::Value& value, const std::string& field) {
  if (path.empty()) throw InputError(field + ": an empty path");
  pb::Value* at = &root;
  std::string walked;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t dot = path.find('.', pos);
    const std::string token = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    pos = dot == std::string::npos ? path.size() + 1 : dot + 1;
    const bool last = pos > path.size();
    std::string name = token;
    std::vector<std::size_t> indexes;
    const std::size_t bracket = token.find('[');
    if (bracket != std::string::npos) {
      name = token.substr(0, bracket);
      std::size_t b = bracket;
      while (b < token.size()) {
        const std::size_t close = token.find(']', b);
        if (token[b] != '[' || close == std::string::npos || close == b + 1)
          throw InputError(field + ": '" + token + "' is not NAME or NAME[INDEX]");
        std::size_t idx = 0;
        const auto [p, ec] = std::from_chars(token.data() + b + 1, token.data() + close, idx);
        if (ec != std::errc() || p != token.data() + close)
          throw InputError(field + ": '" + token + "': the index is not a number");
        indexes.push_back(idx);
        b = close + 1;
      }
    }
    if (name.empty()) throw InputError(field + ": an empty name in '" + path + "'");
    if (at->kind_case() != pb::Value::kStructValue) {
      if (at->kind_case() == pb::Value::kNullValue || at->kind_case() == pb::Value::KIND_NOT_SET)
        at->mutable_struct_value();
      else
        throw InputError(field + ": '" + walked + "' is not an object, so it has no field '" + name + "'");
    }
    auto& fields = *at->mutable_struct_value()->mutable_fields();
    walked += (walked.empty() ? "" : ".") + name;
    if (last && indexes.empty()) {
      fields[name] = value;
      return;
    }
    at = &fields[name];
    for (std::size_t k = 0; k < indexes.size(); ++k) {
      if (at->kind_case() != pb::Value::kListValue)
        throw InputError(field + ": '" + walked + "' is not a list in the scenario");
      const int size = at->list_value().values_size();
      if (static_cast<int>(indexes[k]) >= size)
        throw InputError(field + ": '" + walked + "' has " + std::to_string(size) + " element(s), no [" +
                         std::to_string(indexes[k]) + "]");
      walked += "[" + std::to_string(indexes[k]) + "]";
      at = at->mutable_list_value()->mutable_values(static_cast<int>(indexes[k]));
    }
    if (last) {
      *at = value;
      return;
    }
  }
}

std::string value_json(const pb::Value& v) {
  std::string out;
  if (!pb::util::MessageToJsonString(v, &out).ok()) throw InvariantError("a value prints as JSON");
  return out;
}

double value_number(const pb::Value& v) {
  if (v.kind_case() == pb::Value::kNumberValue) return v.number_value();
  if (v.kind_case() == pb::Value::kBoolValue) return v.bool_value() ? 1 : 0;
  return std::nan("");
}

struct Condition {
  std::string key;
  bool at_most = true;  // <= (else >=)
  bool strict = false;
  double bound = 0;
  bool holds(double v) const {
    if (std::isnan(v)) return false;
    if (at_most) return strict ? v < bound : v <= bound;
    return strict ? v > bound : v >= bound;
  }
};

Condition parse_condition(const std::string& text, const std::string& field) {
  Condition c;
  std::size_t op = text.find_first_of("<>");
  if (op == std::string::npos) throw InputError(field + ": expected 'KEY <= NUMBER' or 'KEY >= NUMBER', got '" + text + "'");
  c.at_most = text[op] == '<';
  std::size_t after = op + 1;
  if (after < text.size() && text[after] == '=') ++after;
  else c.strict = true;
  auto trim = [](std::string s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  c.key = trim(text.substr(0, op));
  const std::string number = trim(text.substr(after));
  const auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), c.bound);
  if (c.key.empty() || number.empty() || ec != std::errc() || p != number.data() + number.size())
    throw InputError(field + ": expected 'KEY <= NUMBER' or 'KEY >= NUMBER', got '" + text + "'");
  return c;
}

std::string point_file(const std::string& dir, std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07zu.json", index);
  return dir + "/points/" + buf;
}

std::string quote(const std::string& s) {
  pb::Value v;
  v.set_string_value(s);
  return value_json(v);
}

// A row from a run: the summary's keys and values as JSON text, exactly as summary.json writes them.
SweepRow row_of(const SweepPoint& p, const TimedResult& r) {
  SweepRow row;
  row.index = p.index;
  row.hash = p.hash;
  row.axis_values = p.axis_values;
  row.policy = p.policy;
  row.seed = p.seed;
  row.wall_s = r.wall_s;
  for (const auto& [key, value] : r.result.summary) {
    row.keys.push_back(key);
    row.values.push_back(summary_value_json(value));
  }
  return row;
}

std::string row_file_text(const SweepRow& row, const std::string& plan_hash) {
  std::string out = "{\"plan\": " + quote(plan_hash) + ", \"index\": " + std::to_string(row.index) +
                    ", \"hash\": " + quote(row.hash) + ", \"policy\": " + quote(row.policy) +
                    ", \"seed\": " + std::to_string(row.seed) + ", \"wall_s\": " + json_number(row.wall_s) +
                    ",\n \"axes\": [";
  for (std::size_t k = 0; k < row.axis_values.size(); ++k) out += (k ? ", " : "") + quote(row.axis_values[k]);
  out += "],\n \"keys\": [";
  for (std::size_t k = 0; k < row.keys.size(); ++k) out += (k ? ", " : "") + quote(row.keys[k]);
  out += "],\n \"values\": [";
  // Values as strings holding their JSON text: parsing numbers back would lose digits.
  for (std::size_t k = 0; k < row.values.size(); ++k) out += (k ? ", " : "") + quote(row.values[k]);
  return out + "]}\n";
}

std::optional<SweepRow> read_row_file(const std::string& path, std::string* plan_hash) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  pb::Struct s;
  if (!pb::util::JsonStringToMessage(read_text_file(path, "sweep point"), &s).ok())
    throw InputError(path + ": not a sweep point file (delete it to rerun the point)");
  const auto& f = s.fields();
  for (const char* k : {"plan", "index", "hash", "policy", "seed", "wall_s", "axes", "keys", "values"})
    if (!f.count(k)) throw InputError(path + ": not a sweep point file (no " + k + ")");
  SweepRow row;
  if (plan_hash) *plan_hash = f.at("plan").string_value();
  row.index = static_cast<std::size_t>(f.at("index").number_value());
  row.hash = f.at("hash").string_value();
  row.policy = f.at("policy").string_value();
  row.seed = static_cast<std::uint64_t>(f.at("seed").number_value());
  row.wall_s = f.at("wall_s").number_value();
  for (const auto& v : f.at("axes").list_value().values()) row.axis_values.push_back(v.string_value());
  for (const auto& v : f.at("keys").list_value().values()) row.keys.push_back(v.string_value());
  for (const auto& v : f.at("values").list_value().values()) row.values.push_back(v.string_value());
  if (row.keys.size() != row.values.size()) throw InputError(path + ": keys and values differ in number");
  return row;
}

double row_number(const SweepRow& row, const std::string& key) {
  for (std::size_t k = 0; k < row.keys.size(); ++k)
    if (row.keys[k] == key) return value_number(value_of(row.values[k], "summary value"));
  return std::nan("");
}

bool row_has(const SweepRow& row, const std::string& key) {
  return std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end();
}

}  // namespace

config::SweepSpec load_sweep_spec(const std::string& path) {
  config::SweepSpec spec;
  const std::string text = read_text_file(path, "sweep spec");
  if (is_textproto_path(path))
    parse_textproto_into(spec, text, path);
  else
    parse_json_into(spec, text, path);
  return spec;
}

config::SweepSpec parse_sweep_spec_json(const std::string& json, const std::string& origin) {
  config::SweepSpec spec;
  parse_json_into(spec, json, origin);
  return spec;
}

SweepRow run_sweep_point(const SweepPlan& plan, std::size_t index) {
  if (index >= plan.points.size()) throw InputError("sweep point " + std::to_string(index) + ": the plan has " +
                                                    std::to_string(plan.points.size()) + " points");
  const SweepPoint& p = plan.points[index];
  PreparedScenario prepared(p.scenario, "");
  const RunSpec spec = resolve_run_spec(p.scenario, p.policy, {}, p.seed);
  const RunSetup setup = prepared.setup(spec.seed);
  return row_of(p, run_one(setup, spec));
}

SweepPlan plan_sweep(const std::string& spec_path) {
  const config::SweepSpec spec = load_sweep_spec(spec_path);
  const std::string dir = std::filesystem::path(spec_path).parent_path().string();
  return plan_sweep_from(spec, dir.empty() ? "." : dir, spec_path);
}

SweepPlan plan_sweep_from(const config::SweepSpec& spec, const std::string& base_dir, const std::string& origin) {
  SweepPlan plan;
  plan.spec = spec;
  plan.origin = origin;
  if (spec.scenario().empty()) throw InputError(origin + ": field scenario: the base scenario's path is required");
  const std::string scenario_path = resolve_path(base_dir, spec.scenario());
  LoadedScenario base;
  try {
    base = load_scenario_file(scenario_path);
  } catch (const InputError& e) {
    throw InputError(origin + ": field scenario: " + e.what());
  }
  const config::Scenario absolute = with_absolute_paths(base.scenario, base.base_dir);
  const pb::Value base_tree = value_of(to_json(absolute), "scenario");
  const std::string mode = spec.mode().empty() ? "grid" : spec.mode();
  if (mode != "grid" && mode != "list") throw InputError(origin + ": field mode: grid or list, not '" + mode + "'");
  if (spec.axes().empty() && spec.policies().empty() && spec.seeds().empty())
    throw InputError(origin + ": nothing to sweep: give axes, policies or seeds");
  std::set<std::string> names;
  for (int a = 0; a < spec.axes_size(); ++a) {
    const auto& axis = spec.axes(a);
    const std::string field = origin + ": field axes[" + std::to_string(a) + "]";
    if (axis.values().empty()) throw InputError(field + ".values: empty (an axis needs at least one value)");
    const std::string name = axis.name().empty() ? axis.path() : axis.name();
    if (!names.insert(name).second) throw InputError(field + ".name: '" + name + "' names two axes");
    plan.axis_names.push_back(name);
    if (mode == "list" && axis.values_size() != spec.axes(0).values_size())
      throw InputError(field + ".values: in list mode every axis has as many values as the first (" +
                       std::to_string(spec.axes(0).values_size()) + ")");
  }
  if (spec.has_goal()) {
    const auto& g = spec.goal();
    if (std::find(plan.axis_names.begin(), plan.axis_names.end(), g.axis()) == plan.axis_names.end())
      throw InputError(origin + ": field goal.axis: '" + g.axis() + "' is not an axis");
    if (mode != "grid") throw InputError(origin + ": field goal: goal-seeking needs mode grid");
    parse_condition(g.condition(), origin + ": field goal.condition");
    const int a = static_cast<int>(std::find(plan.axis_names.begin(), plan.axis_names.end(), g.axis()) -
                                   plan.axis_names.begin());
    for (int v = 0; v < spec.axes(a).values_size(); ++v)
      if (spec.axes(a).values(v).kind_case() != pb::Value::kNumberValue)
        throw InputError(origin + ": field axes[" + std::to_string(a) + "].values[" + std::to_string(v) +
                         "]: the goal's axis takes numbers");
  }
  // Combinations of axis values (grid: the last axis varies fastest).
  std::vector<std::vector<int>> combos;
  const int n_axes = spec.axes_size();
  if (n_axes == 0) {
    combos.push_back({});
  } else if (mode == "list") {
    for (int v = 0; v < spec.axes(0).values_size(); ++v) combos.push_back(std::vector<int>(static_cast<std::size_t>(n_axes), v));
  } else {
    std::vector<int> at(static_cast<std::size_t>(n_axes), 0);
    while (true) {
      combos.push_back(at);
      int a = n_axes - 1;
      while (a >= 0 && ++at[static_cast<std::size_t>(a)] == spec.axes(a).values_size()) at[static_cast<std::size_t>(a--)] = 0;
      if (a < 0) break;
      if (combos.size() > 1'000'000) throw InputError(origin + ": more than 1,000,000 points");
    }
  }
  std::vector<std::string> policies(spec.policies().begin(), spec.policies().end());
  if (policies.empty()) policies.push_back("");
  std::vector<std::uint64_t> seeds(spec.seeds().begin(), spec.seeds().end());
  std::string all_hashes;
  for (const auto& combo : combos) {
    pb::Value tree = base_tree;
    std::vector<std::string> values;
    std::vector<double> numbers;
    for (int a = 0; a < n_axes; ++a) {
      const int v = combo[static_cast<std::size_t>(a)];
      const std::string field = origin + ": field axes[" + std::to_string(a) + "]";
      set_path(tree, spec.axes(a).path(), spec.axes(a).values(v), field + ".path '" + spec.axes(a).path() + "'");
      values.push_back(value_json(spec.axes(a).values(v)));
      numbers.push_back(value_number(spec.axes(a).values(v)));
    }
    config::Scenario s;
    std::string where = "point";
    for (int a = 0; a < n_axes; ++a)
      where += std::string(a ? ", " : " ") + plan.axis_names[static_cast<std::size_t>(a)] + "=" + values[static_cast<std::size_t>(a)];
    try {
      s = parse_scenario_json(value_json(tree), origin + " (" + where + ")");
      validate_scenario(s, origin + " (" + where + ")");
    } catch (const InputError& e) {
      throw InputError(std::string(e.what()));
    }
    const std::string scenario_json = to_json(s);
    for (const auto& policy : policies) {
      const std::vector<std::uint64_t> run_seeds = seeds.empty() ? std::vector<std::uint64_t>{s.seed()} : seeds;
      for (auto seed : run_seeds) {
        SweepPoint p;
        p.index = plan.points.size();
        p.axis_values = values;
        p.axis_numbers = numbers;
        p.policy = policy;
        p.seed = seed;
        p.scenario = s;
        p.hash = fnv_hex(scenario_json + "\n" + policy + "\n" + std::to_string(seed) + "\n" CAPSIM_VERSION);
        p.scenario_hash = fnv_hex(scenario_json);
        all_hashes += p.hash;
        plan.points.push_back(std::move(p));
      }
    }
  }
  plan.plan_hash = fnv_hex(all_hashes);
  return plan;
}

namespace {

// Runs the given points (in parallel), keeping each in out_dir as it finishes.
std::vector<SweepRow> run_points(const SweepPlan& plan, const std::vector<const SweepPoint*>& points,
                                 const SweepOptions& o, const std::function<void(std::size_t, std::size_t)>& progress,
                                 std::atomic<std::size_t>& done, std::size_t total) {
  std::vector<SweepRow> rows(points.size());
  std::mutex report;
  auto tick = [&] {
    const std::size_t d = ++done;
    if (progress) {
      std::lock_guard<std::mutex> lock(report);
      progress(d, total);
    }
  };
  // Points finished in an earlier run (same hash) are read back, not run again.
  std::vector<std::size_t> to_run;
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::optional<SweepRow> kept;
    if (!o.out_dir.empty()) {
      kept = read_row_file(point_file(o.out_dir, points[i]->index), nullptr);
      if (kept && kept->hash != points[i]->hash) kept.reset();  // another scenario, policy or seed ran there
    }
    if (kept) {
      rows[i] = std::move(*kept);
      tick();
    } else {
      to_run.push_back(i);
    }
  }
  // The rest in chunks: points of one scenario share its inputs (read or generated once per workload
  // seed, in parallel over the chunk's scenarios), then every point runs in parallel.
  struct Shared {
    std::unique_ptr<PreparedScenario> prepared;
    std::vector<std::size_t> members;  // positions in the chunk
  };
  constexpr std::size_t kChunk = 64;
  std::map<std::string, std::shared_ptr<Shared>> cache;
  tbb::task_arena arena(o.threads > 0 ? o.threads : tbb::task_arena::automatic);
  for (std::size_t from = 0; from < to_run.size(); from += kChunk) {
    const std::size_t n = std::min(kChunk, to_run.size() - from);
    std::map<std::string, std::shared_ptr<Shared>> groups;
    for (std::size_t k = 0; k < n; ++k) {
      const SweepPoint& p = *points[to_run[from + k]];
      auto& g = groups[p.scenario_hash];
      if (!g) {
        const auto it = cache.find(p.scenario_hash);
        g = it != cache.end() ? it->second : std::make_shared<Shared>();
        if (!g->prepared) g->prepared = std::make_unique<PreparedScenario>(p.scenario, "");
        g->members.clear();
      }
      g->members.push_back(k);
    }
    std::vector<Shared*> list;
    for (auto& [h, g] : groups) list.push_back(g.get());
    std::vector<RunSetup> setups(n);
    std::vector<RunSpec> specs(n);
    arena.execute([&] {
      // One task per scenario: a PreparedScenario's set-up is called from one thread.
      tbb::parallel_for(std::size_t{0}, list.size(), [&](std::size_t g) {
        for (std::size_t k : list[g]->members) {
          const SweepPoint& p = *points[to_run[from + k]];
          specs[k] = resolve_run_spec(p.scenario, p.policy, {}, p.seed);
          setups[k] = list[g]->prepared->setup(specs[k].seed);
        }
      });
      tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) {
        const std::size_t i = to_run[from + k];
        rows[i] = row_of(*points[i], run_one(setups[k], specs[k]));
        if (!o.out_dir.empty())
          write_text_atomically(point_file(o.out_dir, points[i]->index), row_file_text(rows[i], plan.plan_hash));
        tick();
      });
    });
    cache = std::move(groups);  // the next chunk may continue the same scenarios
  }
  return rows;
}

}  // namespace

std::vector<SweepRow> run_sweep(const SweepPlan& plan, const SweepOptions& o,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
  if (o.shards == 0 || o.shard >= o.shards) throw InputError("--shard: expected i/N with 0 <= i < N");
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir + "/points");
    write_text_atomically(o.out_dir + "/plan.json", "{\"plan\": \"" + plan.plan_hash + "\", \"points\": " +
                                                        std::to_string(plan.points.size()) + ", \"axes\": [" + [&] {
                                                          std::string s;
                                                          for (std::size_t a = 0; a < plan.axis_names.size(); ++a)
                                                            s += (a ? ", " : "") + quote(plan.axis_names[a]);
                                                          return s;
                                                        }() + "]}\n");
  }
  std::vector<const SweepPoint*> mine;
  for (const auto& p : plan.points)
    if (p.index % o.shards == o.shard) mine.push_back(&p);
  std::atomic<std::size_t> done{0};
  if (!plan.spec.has_goal()) {
    std::vector<SweepRow> rows = run_points(plan, mine, o, progress, done, mine.size());
    return rows;
  }
  // Goal-seeking: groups are the points that differ only in the goal axis; each bisects its sorted values.
  const auto goal_axis = static_cast<std::size_t>(
      std::find(plan.axis_names.begin(), plan.axis_names.end(), plan.spec.goal().axis()) - plan.axis_names.begin());
  const Condition cond = parse_condition(plan.spec.goal().condition(), plan.origin + ": field goal.condition");
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  for (const SweepPoint* p : mine) {
    std::string key = p->policy + "\n" + std::to_string(p->seed);
    for (std::size_t a = 0; a < p->axis_values.size(); ++a)
      if (a != goal_axis) key += "\n" + p->axis_values[a];
    groups[key].push_back(p);
  }
  std::vector<std::vector<const SweepPoint*>> ordered;
  for (auto& [key, members] : groups) {
    std::stable_sort(members.begin(), members.end(), [&](const SweepPoint* a, const SweepPoint* b) {
      return a->axis_numbers[goal_axis] < b->axis_numbers[goal_axis];
    });
    ordered.push_back(members);
  }
  // Bisection rounds: every group evaluates its middle point in parallel with the others.
  std::vector<std::ptrdiff_t> lo(ordered.size(), -1), hi(ordered.size());
  for (std::size_t g = 0; g < ordered.size(); ++g) hi[g] = static_cast<std::ptrdiff_t>(ordered[g].size());
  std::vector<SweepRow> rows;
  std::size_t estimate = 0;
  for (const auto& members : ordered) estimate += static_cast<std::size_t>(std::ceil(std::log2(members.size() + 1.0)));
  while (true) {
    std::vector<const SweepPoint*> round;
    std::vector<std::size_t> owner;
    for (std::size_t g = 0; g < ordered.size(); ++g)
      if (hi[g] - lo[g] > 1) {
        round.push_back(ordered[g][static_cast<std::size_t>((lo[g] + hi[g]) / 2)]);
        owner.push_back(g);
      }
    if (round.empty()) break;
    std::vector<SweepRow> got = run_points(plan, round, o, progress, done, estimate);
    for (std::size_t k = 0; k < got.size(); ++k) {
      const std::size_t g = owner[k];
      if (!row_has(got[k], cond.key))
        throw InputError(plan.origin + ": field goal.condition: the summary has no key '" + cond.key + "'");
      const std::ptrdiff_t mid = (lo[g] + hi[g]) / 2;
      (cond.holds(row_number(got[k], cond.key)) ? hi[g] : lo[g]) = mid;
      rows.push_back(std::move(got[k]));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return rows;
}

std::vector<GoalAnswer> goal_answers(const SweepPlan& plan, const std::vector<SweepRow>& rows) {
  std::vector<GoalAnswer> out;
  if (!plan.spec.has_goal()) return out;
  const auto goal_axis = static_cast<std::size_t>(
      std::find(plan.axis_names.begin(), plan.axis_names.end(), plan.spec.goal().axis()) - plan.axis_names.begin());
  const Condition cond = parse_condition(plan.spec.goal().condition(), plan.origin + ": field goal.condition");
  std::map<std::string, std::pair<GoalAnswer, double>> best;
  std::vector<std::string> order;
  for (const SweepRow& r : rows) {
    GoalAnswer key;
    for (std::size_t a = 0; a < r.axis_values.size(); ++a)
      if (a != goal_axis) key.group.push_back(r.axis_values[a]);
    key.group.push_back(quote(r.policy.empty() ? "(scenario's)" : r.policy));
    key.group.push_back(std::to_string(r.seed));
    std::string k;
    for (const auto& g : key.group) k += g + "\n";
    if (!best.count(k)) {
      best[k] = {key, std::numeric_limits<double>::infinity()};
      order.push_back(k);
    }
    const double x = value_number(value_of(r.axis_values[goal_axis], "axis value"));
    if (cond.holds(row_number(r, cond.key)) && x < best[k].second) {
      best[k].second = x;
      best[k].first.value = r.axis_values[goal_axis];
    }
  }
  for (const auto& k : order) out.push_back(best[k].first);
  return out;
}

std::vector<SweepRow> read_sweep_rows(const std::vector<std::string>& dirs, std::vector<std::string>* axis_names) {
  std::vector<SweepRow> rows;
  std::string plan;
  std::set<std::size_t> seen;
  for (const auto& dir : dirs) {
    const std::string plan_path = dir + "/plan.json";
    if (!std::filesystem::exists(plan_path)) throw InputError(dir + ": not a sweep output (no plan.json)");
    pb::Struct p;
    if (!pb::util::JsonStringToMessage(read_text_file(plan_path, "sweep plan"), &p).ok())
      throw InputError(plan_path + ": not a sweep plan");
    const std::string this_plan = p.fields().at("plan").string_value();
    if (!plan.empty() && this_plan != plan)
      throw InputError(dir + ": a shard of another sweep (plan " + this_plan + ", not " + plan + ")");
    plan = this_plan;
    if (axis_names) {
      axis_names->clear();
      for (const auto& v : p.fields().at("axes").list_value().values()) axis_names->push_back(v.string_value());
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/points"))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string point_plan;
      auto row = read_row_file(f.string(), &point_plan);
      if (!row || point_plan != plan) continue;  // a point of an earlier plan in the same directory
      if (seen.insert(row->index).second) rows.push_back(std::move(*row));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return rows;
}

namespace {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> cells;  // JSON text per row and column ("" when absent)
};

Table table_of(const std::vector<std::string>& axis_names, const std::vector<SweepRow>& rows) {
  Table t;
  t.columns = {"point", "hash"};
  for (const auto& a : axis_names) t.columns.push_back(a);
  for (const char* c : {"policy", "seed", "wall_s"}) t.columns.push_back(c);
  const std::size_t fixed = t.columns.size();
  std::map<std::string, std::size_t> at;
  for (const auto& r : rows)
    for (const auto& k : r.keys)
      if (k != "policy" && k != "seed" && !at.count(k)) {
        at[k] = t.columns.size();
        t.columns.push_back(k);
      }
  for (const auto& r : rows) {
    std::vector<std::string> cells(t.columns.size());
    cells[0] = std::to_string(r.index);
    cells[1] = quote(r.hash);
    for (std::size_t a = 0; a < r.axis_values.size() && a < axis_names.size(); ++a) cells[2 + a] = r.axis_values[a];
    cells[fixed - 3] = quote(r.policy);
    cells[fixed - 2] = std::to_string(r.seed);
    cells[fixed - 1] = json_number(r.wall_s);
    for (std::size_t k = 0; k < r.keys.size(); ++k) {
      const auto it = at.find(r.keys[k]);
      if (it != at.end()) cells[it->second] = r.values[k];
    }
    t.cells.push_back(std::move(cells));
  }
  return t;
}

std::string csv_cell(const std::string& json) {
  if (json.empty() || json == "null") return "";
  if (json.front() != '"') return json;  // a number or bool: as JSON wrote it
  const std::string s = value_of(json, "cell").string_value();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string sweep_csv(const std::vector<std::string>& axis_names, const std::vector<SweepRow>& rows) {
  const Table t = table_of(axis_names, rows);
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + csv_cell(quote(t.columns[c]));
  out += "\n";
  for (const auto& r : t.cells) {
    for (std::size_t c = 0; c < r.size(); ++c) out += (c ? "," : "") + csv_cell(r[c]);
    out += "\n";
  }
  return out;
}

void write_sweep_table(const std::string& out_dir, const std::vector<std::string>& axis_names,
                       const std::vector<SweepRow>& rows) {
  std::filesystem::create_directories(out_dir);
  write_text_atomically(out_dir + "/sweep.csv", sweep_csv(axis_names, rows));
  const Table t = table_of(axis_names, rows);
  write_atomically(out_dir + "/sweep.h5", [&](const std::string& tmp) {
    using namespace h5;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t id = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) throw InputError(out_dir + "/sweep.h5: cannot create the file");
    Handle file(id, H5Fclose, tmp);
    Handle gprops(group_props(), H5Pclose, "group properties");
    Handle g(H5Gcreate2(file, "sweep", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/sweep");
    std::string order;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      // Numbers (and absent cells) as doubles, NaN where absent; anything else as strings.
      bool numeric = true;
      for (const auto& r : t.cells)
        if (!r[c].empty() && (r[c].front() == '"' || r[c].front() == '{' || r[c].front() == '['))
          numeric = false;
      if (numeric) {
        std::vector<double> v;
        for (const auto& r : t.cells) v.push_back(r[c].empty() ? std::nan("") : value_number(value_of(r[c], "cell")));
        dataset(g, t.columns[c], v, H5T_NATIVE_DOUBLE, "");
      } else {
        std::vector<std::string> v;
        for (const auto& r : t.cells)
          v.push_back(r[c].empty() || r[c] == "null" ? ""
                      : r[c].front() == '"' ? value_of(r[c], "cell").string_value()
                                            : r[c]);
        string_dataset(g, t.columns[c], v);
      }
      order += (c ? "," : "") + t.columns[c];
    }
    string_attr(g, "columns", order);
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), tmp);
  });
}

void write_goal_csv(const std::string& out_dir, const SweepPlan& plan, const std::vector<GoalAnswer>& answers) {
  std::string out;
  for (std::size_t a = 0; a < plan.axis_names.size(); ++a)
    if (plan.axis_names[a] != plan.spec.goal().axis()) out += csv_cell(quote(plan.axis_names[a])) + ",";
  out += "policy,seed," + csv_cell(quote("smallest " + plan.spec.goal().axis() + " with " + plan.spec.goal().condition())) + "\n";
  for (const auto& g : answers) {
    for (const auto& v : g.group) out += csv_cell(v) + ",";
    out += (g.value.empty() ? "none" : g.value) + "\n";
  }
  write_text_atomically(out_dir + "/goal.csv", out);
}

}  // namespace capsim
