// Python bindings of sweeps (experiments/sweep.h): the same experiment layer as `capsim sweep`; rows
// travel as dicts, to and from Dask workers.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>

#include "experiments/sweep.h"

namespace py = pybind11;
using namespace capsim;

void bind_sweeps(py::module_& m) {
  auto row_dict = [](const SweepRow& r) {
    py::dict d;
    d["index"] = r.index;
    d["hash"] = r.hash;
    d["axis_values"] = r.axis_values;
    d["policy"] = r.policy;
    d["seed"] = r.seed;
    d["wall_s"] = r.wall_s;
    d["keys"] = r.keys;
    d["values"] = r.values;
    return d;
  };
  auto dict_row = [](const py::dict& d) {
    SweepRow r;
    r.index = d["index"].cast<std::size_t>();
    r.hash = d["hash"].cast<std::string>();
    r.axis_values = d["axis_values"].cast<std::vector<std::string>>();
    r.policy = d["policy"].cast<std::string>();
    r.seed = d["seed"].cast<std::uint64_t>();
    r.wall_s = d["wall_s"].cast<double>();
    r.keys = d["keys"].cast<std::vector<std::string>>();
    r.values = d["values"].cast<std::vector<std::string>>();
    return r;
  };
  auto plan_of = [](const std::string& spec_json, const std::string& base_dir, const std::string& origin) {
    return plan_sweep_from(parse_sweep_spec_json(spec_json, origin), base_dir, origin);
  };
  m.def("sweep_plan", [plan_of](const std::string& spec_json, const std::string& base_dir, const std::string& origin) {
    const SweepPlan plan = plan_of(spec_json, base_dir, origin);
    py::dict d;
    d["points"] = plan.points.size();
    d["axis_names"] = plan.axis_names;
    d["has_goal"] = plan.spec.has_goal();
    return d;
  });
  m.def("sweep_point", [plan_of, row_dict](const std::string& spec_json, const std::string& base_dir,
                                           const std::string& origin, std::size_t index) {
    SweepRow row;
    {
      py::gil_scoped_release release;
      row = run_sweep_point(plan_of(spec_json, base_dir, origin), index);
    }
    return row_dict(row);
  });
  // remote (optional): a Python callable that takes point indices and returns their rows (dicts, in
  // order), e.g. through a Dask client; everything else (resume, shards, the goal) runs here.
  m.def("sweep", [plan_of, row_dict, dict_row](const std::string& spec_json, const std::string& base_dir,
                                               const std::string& origin, const std::string& out, int threads,
                                               std::size_t shard, std::size_t shards, py::object remote) {
    const SweepPlan plan = plan_of(spec_json, base_dir, origin);
    SweepOptions o;
    o.threads = threads;
    o.shard = shard;
    o.shards = shards;
    o.out_dir = out;
    if (!remote.is_none())
      o.remote = [remote, dict_row](const std::vector<std::size_t>& indices) {
        py::gil_scoped_acquire acquire;
        std::vector<SweepRow> rows;
        for (const auto& d : remote(indices).cast<py::list>()) rows.push_back(dict_row(d.cast<py::dict>()));
        return rows;
      };
    std::vector<SweepRow> rows;
    {
      py::gil_scoped_release release;
      rows = run_sweep(plan, o);
    }
    if (!out.empty()) write_sweep_table(out, plan.axis_names, rows);
    py::dict d;
    d["csv"] = sweep_csv(plan.axis_names, rows);
    py::list goal;
    for (const GoalAnswer& a : goal_answers(plan, rows)) goal.append(py::make_tuple(a.group, a.value));
    d["goal"] = goal;
    if (!out.empty() && plan.spec.has_goal()) write_goal_csv(out, plan, goal_answers(plan, rows));
    return d;
  }, py::arg("spec_json"), py::arg("base_dir"), py::arg("origin"), py::arg("out"), py::arg("threads"),
     py::arg("shard"), py::arg("shards"), py::arg("remote") = py::none());
  m.def("sweep_csv", [dict_row](const std::vector<std::string>& axis_names, const py::list& rows) {
    std::vector<SweepRow> r;
    for (const auto& d : rows) r.push_back(dict_row(d.cast<py::dict>()));
    std::sort(r.begin(), r.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
    return sweep_csv(axis_names, r);
  });
}
