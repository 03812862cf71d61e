// The sweep's table: sweep.csv, sweep.h5 and goal.csv.
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
#include "experiments/sweep_detail.h"
#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/h5_util.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim {

using namespace sweep_detail;

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
