// The compiled half of the Python package: type translation only. Every
// capability here exists first in C++ (experiments/runner.h) and in the CLI.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <thread>

#include "experiments/cost_report.h"
#include "experiments/inflation_report.h"
#include "experiments/runner.h"
#include "policies/registry.h"
#include "sim/base/check.h"
#include "sim/io/cost_h5.h"
#include "sim/io/results_h5.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"
#include "workloads/node_list_reader.h"
#include "workloads/openb_pod_reader.h"

namespace py = pybind11;
using namespace capsim;

namespace {

// A scenario plus, optionally, a job table given from Python (a DataFrame)
// that replaces the scenario's workloads.
struct PyScenario {
  config::Scenario scenario;
  std::string base_dir = ".";
  std::shared_ptr<JobTable> jobs_override;

  PreparedScenario prepared() const { return PreparedScenario(scenario, base_dir, jobs_override); }
};

// Numeric columns cross as numpy arrays over the C++ vectors: the capsule
// keeps the owning result alive, nothing is copied row by row.
template <typename T>
py::array_t<T> view(const std::vector<T>& v, const std::shared_ptr<RunResult>& owner) {
  auto* keep = new std::shared_ptr<RunResult>(owner);
  py::capsule cap(keep, [](void* p) { delete static_cast<std::shared_ptr<RunResult>*>(p); });
  py::array_t<T> a({static_cast<py::ssize_t>(v.size())}, {static_cast<py::ssize_t>(sizeof(T))}, v.data(), cap);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// An n-dimensional read-only view (row-major) over a vector the owner keeps alive.
template <typename Owner>
py::array_t<double> view_nd(const std::vector<double>& v, std::vector<py::ssize_t> shape,
                            const std::shared_ptr<Owner>& owner) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = sizeof(double);
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  auto* keep = new std::shared_ptr<Owner>(owner);
  py::capsule cap(keep, [](void* p) { delete static_cast<std::shared_ptr<Owner>*>(p); });
  py::array_t<double> a(shape, strides, v.data(), cap);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// A run's ledger (/cost) for Python: arrays over the C++ vectors, and the CLI's tables.
struct PyCost {
  std::shared_ptr<const CostResult> cost;

  py::dict arrays() const {
    const CostResult& c = *cost;
    const auto W = static_cast<py::ssize_t>(c.windows), C = static_cast<py::ssize_t>(c.centers.size()),
               T = static_cast<py::ssize_t>(c.teams.size());
    py::dict d;
    d["currency"] = c.currency;
    d["catalog_source"] = c.catalog_source;
    d["catalog_as_of"] = c.catalog_as_of;
    d["start_us"] = c.start_us;
    d["window_us"] = c.window_us;
    py::dict centers;
    std::vector<std::string> pool, kind, provider, region, type, model;
    std::vector<std::int64_t> nodes;
    for (const auto& x : c.centers) {
      pool.push_back(x.pool), kind.push_back(x.pool_kind), provider.push_back(x.provider);
      region.push_back(x.region), type.push_back(x.node_type), model.push_back(x.gpu_model), nodes.push_back(x.nodes);
    }
    centers["pool"] = pool, centers["pool_kind"] = kind, centers["provider"] = provider;
    centers["region"] = region, centers["node_type"] = type, centers["gpu_model"] = model, centers["nodes"] = nodes;
    d["centers"] = centers;
    d["teams"] = c.teams;
    d["bill"] = view_nd(c.bill, {W, C}, cost);
    d["idle"] = view_nd(c.idle, {W, C}, cost);
    d["charge"] = view_nd(c.charge, {W, C, T}, cost);
    d["bill_internal"] = view_nd(c.bill_internal, {C}, cost);
    d["idle_internal"] = view_nd(c.idle_internal, {C}, cost);
    d["charge_internal"] = view_nd(c.charge_internal, {C, T}, cost);
    d["rounding"] = view_nd(c.rounding, {C}, cost);
    d["boot"] = view_nd(c.boot, {C}, cost);
    py::dict tco;
    for (const auto& curve : c.tco) tco[curve.name.c_str()] = view_nd(curve.cumulative, {c.tco_months + 1}, cost);
    d["tco"] = tco;
    d["breakeven_month"] = c.breakeven_month;
    return d;
  }
  py::list report(const std::string& by, const std::string& view, bool spread_idle, const std::string& shared,
                  bool monthly) const {
    if (view != "net" && view != "internal") throw InputError("view: expected net or internal, got '" + view + "'");
    py::list out;
    for (const auto& row : cost_report(*cost, {by, view == "internal", spread_idle, shared, monthly})) out.append(py::cast(row));
    return out;
  }
};

struct PyResult {
  std::shared_ptr<RunResult> result;
  double wall_s = 0;

  std::string summary_json() const { return summary_to_json(*result); }
  py::dict timeseries() const {
    py::dict d;
    d["t_us"] = view(result->timeseries.t_us, result);
    for (const auto& c : result->timeseries.columns) d[c.name.c_str()] = view(c.values, result);
    return d;
  }
  py::dict jobs() const {
    py::dict d;
    d["name"] = py::cast(result->jobs.name);
    for (const auto& c : result->jobs.columns) d[c.name.c_str()] = view(c.values, result);
    for (const auto& c : result->jobs.real_columns) d[c.name.c_str()] = view(c.values, result);
    d["state_names"] = py::cast(result->jobs.state_names);
    d["team_names"] = py::cast(result->jobs.team_names);
    d["source_names"] = py::cast(result->jobs.source_names);
    return d;
  }
  py::object node_series() const {
    const NodeSeries& ns = result->node_series;
    if (!ns.present()) return py::none();
    py::dict d;
    d["node"] = py::cast(ns.node);
    for (const auto& m : ns.matrices) {
      const auto rows = static_cast<py::ssize_t>(m.values.size() / ns.node.size());
      d[m.name.c_str()] = py::array_t<double>({rows, static_cast<py::ssize_t>(ns.node.size())}, m.values.data());
    }
    return d;
  }
  py::object services() const {
    const ServiceTable& t = result->services;
    if (!t.present()) return py::none();
    py::dict d;
    d["name"] = py::cast(t.name);
    d["team"] = py::cast(t.team);
    for (const auto& c : t.columns) d[c.name.c_str()] = view(c.values, result);
    py::dict h;
    h["service"] = view(t.history_service, result);
    h["t_us"] = view(t.history_t_us, result);
    h["replicas"] = view(t.history_replicas, result);
    d["history"] = h;
    return d;
  }
  py::object cost() const {
    if (!result->cost.present) return py::none();
    return py::cast(PyCost{std::shared_ptr<const CostResult>(result, &result->cost)});
  }
  py::dict meta() const {
    py::dict d;
    d["capsim_version"] = result->meta.capsim_version;
    d["scenario_json"] = result->meta.scenario_json;
    d["policy"] = result->meta.policy;
    d["policy_params_json"] = result->meta.policy_params_json;
    d["seed"] = result->meta.seed;
    return d;
  }
};

// Ctrl-C: the main thread checks for signals (with the GIL) from the run's
// progress hook; every run polls the shared flag and stops.
struct Interrupted {};

std::function<void(SimTime)> interrupt_check(std::atomic<bool>& flag) {
  const auto main_thread = std::this_thread::get_id();
  return [&flag, main_thread](SimTime) {
    if (std::this_thread::get_id() == main_thread) {
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) flag = true;
    }
    if (flag) throw Interrupted{};
  };
}

// The read-only cluster as Python policies see it.
struct PyCluster {
  const ClusterState* state = nullptr;
  SimTime now = 0;

  void check() const {
    if (!state) throw std::runtime_error("this cluster view is only valid inside place()");
  }
  std::size_t nodes() const { check(); return state->fleet().size(); }
  bool fits(std::size_t node, const JobRequest& r) const { check(); return node < nodes() && state->fits(node, r); }
  py::array_t<std::int64_t> feasible_nodes(const JobRequest& r) const {
    check();
    std::vector<std::int64_t> out;
    for (std::size_t n = 0; n < state->fleet().size(); ++n)
      if (state->fits(n, r)) out.push_back(static_cast<std::int64_t>(n));
    return py::array_t<std::int64_t>(out.size(), out.data());
  }
  double free_fraction_after(std::size_t node, const JobRequest& r, double w_cpu, double w_mem, double w_gpu) const {
    check();
    return capsim::free_fraction_after(*state, node, r, FitWeights{w_cpu, w_mem, w_gpu});
  }
  std::uint64_t choose_gpus(std::size_t node, const JobRequest& r, const std::string& choice) const {
    check();
    if (!state->fits(node, r)) throw py::value_error("choose_gpus: the job does not fit node " + std::to_string(node));
    const GpuChoice c = choice == "tightest" ? GpuChoice::kTightest
                        : choice == "loosest" ? GpuChoice::kLoosest
                        : choice == "lowest"  ? GpuChoice::kLowestIndex
                                              : throw py::value_error("gpu choice must be tightest, loosest or lowest");
    return capsim::choose_gpus(*state, node, r, c);
  }
  py::array_t<std::int64_t> column(const std::vector<std::int64_t>& v) const {
    check();
    return py::array_t<std::int64_t>(v.size(), v.data());
  }
};

// A placement policy written in Python, run by the C++ engine. Errors raised
// in Python come back as the same exception type, with the job and time.
class PythonPolicy final : public PlacementPolicy {
 public:
  PythonPolicy(py::object policy, std::string name, const JobTable* jobs)
      : policy_(std::move(policy)), name_(std::move(name)), jobs_(jobs) {}
  ~PythonPolicy() override {
    py::gil_scoped_acquire gil;
    policy_ = py::object();
  }

  // place() sees the job index and may answer differently for jobs with the
  // same request: the engine must not skip a job because another one failed.
  std::uint64_t job_class_key(std::uint32_t job) const override { return job; }

  Placement place(std::uint32_t job, const JobRequest& r, const ClusterState& c, SimTime now) override {
    py::gil_scoped_acquire gil;
    auto cluster = std::make_shared<PyCluster>(PyCluster{&c, now});
    try {
      py::object answer = policy_.attr("place")(job, r, cluster);
      cluster->state = nullptr;  // a view kept past the call must not read freed state
      if (answer.is_none()) return {};
      auto pair = answer.cast<std::pair<std::int64_t, std::uint64_t>>();
      return {static_cast<std::int32_t>(pair.first), pair.second};
    } catch (py::error_already_set& e) {
      cluster->state = nullptr;
      const std::string where = "policy " + name_ + " failed on job " + std::to_string(job) + " (" +
                                jobs_->name[job] + ") at t=" + std::to_string(us_to_seconds(now)) + " s: ";
      py::object type = e.type();
      const std::string what = py::str(e.value());
      PyErr_SetString(type.ptr(), (where + what).c_str());
      throw py::error_already_set();
    }
  }

 private:
  py::object policy_;
  std::string name_;
  const JobTable* jobs_;
};

// The same precedence as `capsim run` (resolve_run_spec): policy "" is the
// scenario's own. A Python policy's name is taken as it is.
PyResult run(const PyScenario& s, const std::string& policy, const std::map<std::string, std::string>& params,
             std::optional<std::uint64_t> seed, py::object python_policy) {
  PreparedScenario prepared = s.prepared();
  const RunSpec spec = python_policy.is_none() ? resolve_run_spec(s.scenario, policy, params, seed)
                                               : RunSpec{policy, {}, seed ? *seed : s.scenario.seed()};
  const RunSetup setup = prepared.setup(spec.seed);
  std::atomic<bool> flag{false};
  PyResult out;
  try {
    if (!python_policy.is_none()) {
      PythonPolicy p(python_policy, policy, &setup.inputs->jobs);
      TimedResult r;
      {
        py::gil_scoped_release release;
        r = run_one_with(setup, spec, p, interrupt_check(flag));
      }
      out.result = std::make_shared<RunResult>(std::move(r.result));
      out.wall_s = r.wall_s;
      return out;
    }
    TimedResult r;
    {
      py::gil_scoped_release release;
      r = run_one(setup, spec, interrupt_check(flag));
    }
    out.result = std::make_shared<RunResult>(std::move(r.result));
    out.wall_s = r.wall_s;
  } catch (const Interrupted&) {
    throw py::error_already_set();
  }
  return out;
}

std::vector<PyResult> compare(const PyScenario& s, const std::vector<std::string>& policies,
                              const std::vector<std::uint64_t>& seeds, int threads) {
  PreparedScenario prepared = s.prepared();
  const std::vector<RunSpec> specs = resolve_compare_specs(prepared, policies, seeds);
  std::atomic<bool> flag{false};
  std::vector<TimedResult> results;
  try {
    py::gil_scoped_release release;
    results = run_many(prepared, specs, threads, {}, interrupt_check(flag));
  } catch (const Interrupted&) {
    throw py::error_already_set();
  }
  std::vector<PyResult> out;
  for (auto& r : results) out.push_back({std::make_shared<RunResult>(std::move(r.result)), r.wall_s});
  return out;
}

// The inflation experiment: one dict of curves per (policy, seed), and the
// per-policy summary `capsim inflate` prints (experiments/inflation_report.h).
py::dict inflate(const PyScenario& s, const std::vector<std::string>& policies, int repeats, double target_share,
                 int threads, const std::string& protocol) {
  const InflationProtocol proto = inflation_protocol(protocol);
  if (repeats < 1) throw InputError("inflate: repeats must be at least 1");
  const RunInputs inputs = build_run_inputs(s.scenario, s.base_dir, s.jobs_override ? InputUse::kReplay : InputUse::kInflation,
                                           s.jobs_override.get());
  const std::vector<RunSpec> specs = inflation_specs(policies, s.scenario.seed(), repeats);
  std::vector<InflationRun> runs;
  {
    py::gil_scoped_release release;
    runs = run_inflation_many(inputs, specs, target_share, threads, {}, proto);
  }
  const InflationReport report = summarize_inflation(inputs, policies, runs, target_share, s.scenario.seed(), repeats);
  py::list summary;
  for (const InflationPolicySummary& p : report.policies) {
    py::dict d;
    d["policy"] = p.policy;
    d["seeds"] = p.seeds;
    d["alloc_ratio_at_100_mean"] = p.alloc_at_100_mean;
    d["alloc_ratio_at_100_std"] = p.alloc_at_100_std;
    d["unallocated_gpus_end_mean"] = p.unallocated_end_mean;
    d["unallocated_gpus_end_std"] = p.unallocated_end_std;
    d["fragmentation_share_at_100_mean"] = p.frag_share_at_100_mean;
    d["pods_failed_mean"] = p.pods_failed_mean;
    summary.append(d);
  }
  py::list out;
  const std::vector<std::string> cause_names = unallocated_cause_names();
  for (const auto& r : runs) {
    py::dict d;
    d["policy"] = r.spec.name();
    d["seed"] = r.spec.seed;
    d["arrived_share"] = py::array_t<double>(r.curve.arrived_share.size(), r.curve.arrived_share.data());
    d["gpu_alloc_ratio"] = py::array_t<double>(r.curve.gpu_alloc_ratio.size(), r.curve.gpu_alloc_ratio.data());
    d["fragmentation_gpus"] = py::array_t<double>(r.curve.fragmentation_gpus.size(), r.curve.fragmentation_gpus.data());
    d["fragmentation_share"] = py::array_t<double>(r.curve.fragmentation_share.size(), r.curve.fragmentation_share.data());
    d["failed_pods"] = py::array_t<std::int64_t>(r.curve.failed_pods.size(), r.curve.failed_pods.data());
    d["unallocated_gpus_end"] = r.curve.unallocated_gpus_end;
    py::dict by_cause;
    const std::vector<double> values = unallocated_gpus_by_cause(r.curve);
    for (std::size_t k = 0; k < values.size(); ++k) by_cause[py::str(cause_names[k])] = values[k];
    d["unallocated_gpus_end_by_cause"] = by_cause;
    d["gpus"] = inputs.fleet.total_gpus();
    out.append(d);
  }
  py::dict result;
  result["runs"] = out;
  result["summary"] = summary;
  return result;
}

py::dict job_columns(const JobTable& t) {
  py::dict d;
  d["name"] = py::cast(t.name);
  d["submit_us"] = py::array_t<std::int64_t>(t.size(), t.submit_us.data());
  d["duration_us"] = py::array_t<std::int64_t>(t.size(), t.duration_us.data());
  d["cpu_milli"] = py::array_t<std::int64_t>(t.size(), t.cpu_milli.data());
  d["memory_mib"] = py::array_t<std::int64_t>(t.size(), t.memory_mib.data());
  d["num_gpu"] = py::array_t<std::int32_t>(t.size(), t.num_gpu.data());
  d["gpu_milli"] = py::array_t<std::int32_t>(t.size(), t.gpu_milli.data());
  std::vector<std::string> models(t.size()), qos(t.size());
  for (std::size_t j = 0; j < t.size(); ++j) {
    for (int m = 0; m < gpu_model_count(); ++m)
      if (t.gpu_models[j] >> m & 1) models[j] += (models[j].empty() ? "" : "|") + std::string(gpu_model_info(static_cast<GpuModelId>(m)).name);
    qos[j] = t.qos_names[t.qos[j]];
  }
  d["gpu_spec"] = py::cast(models);
  d["qos"] = py::cast(qos);
  return d;
}

py::dict read_trace(const std::string& path, const std::string& kind, double node_memory_gib, bool skip_bad_rows) {
  BadRowPolicy bad;
  bad.skip = skip_bad_rows;
  if (kind == "pods") {
    JobTable t;
    read_openb_pods(path, bad, t);
    py::dict d = job_columns(t);
    d["rows_skipped"] = bad.skipped;
    return d;
  }
  if (kind == "nodes") {
    NodeListOptions o;
    o.default_memory_mib = static_cast<std::int64_t>(node_memory_gib * 1024);
    Fleet f;
    read_node_list(path, o, bad, f);
    py::dict d;
    d["name"] = py::cast(f.name);
    d["cpu_milli"] = py::array_t<std::int64_t>(f.size(), f.cpu_milli.data());
    d["memory_mib"] = py::array_t<std::int64_t>(f.size(), f.memory_mib.data());
    d["gpu"] = py::array_t<std::int32_t>(f.size(), f.gpu_count.data());
    std::vector<std::string> model(f.size());
    for (std::size_t n = 0; n < f.size(); ++n)
      if (f.gpu_count[n]) model[n] = std::string(gpu_model_info(f.gpu_model[n]).name);
    d["model"] = py::cast(model);
    d["rows_skipped"] = bad.skipped;
    return d;
  }
  throw py::value_error("read_trace: kind must be 'pods' or 'nodes', got '" + kind + "'");
}

// Jobs from columns (a DataFrame's), with the same checks as the trace reader.
std::shared_ptr<JobTable> jobs_from_columns(const std::vector<std::string>& name, const std::vector<double>& submit_s,
                                            const std::vector<double>& duration_s,
                                            const std::vector<std::int64_t>& cpu_milli,
                                            const std::vector<std::int64_t>& memory_mib,
                                            const std::vector<std::int64_t>& num_gpu,
                                            const std::vector<std::int64_t>& gpu_milli,
                                            const std::vector<std::string>& gpu_spec) {
  const std::size_t n = submit_s.size();
  for (std::size_t size : {name.size(), duration_s.size(), cpu_milli.size(), memory_mib.size(), num_gpu.size(),
                           gpu_milli.size(), gpu_spec.size()})
    if (size != n) throw InputError("jobs: every column must have the same length");
  // Reuse the trace reader's checks by writing the rows as an in-memory CSV.
  std::string csv = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n";
  for (std::size_t j = 0; j < n; ++j) {
    if (name[j].find_first_of(",\"\n") != std::string::npos)
      throw InputError("jobs: row " + std::to_string(j) + ": column 'name': commas, quotes and newlines are not allowed");
    csv += name[j] + "," + std::to_string(cpu_milli[j]) + "," + std::to_string(memory_mib[j]) + "," +
           std::to_string(num_gpu[j]) + "," + std::to_string(gpu_milli[j]) + "," + gpu_spec[j] + "," +
           json_number(submit_s[j]) + "," + json_number(submit_s[j] + duration_s[j]) + "\n";
  }
  CsvReader reader("DataFrame", csv);
  BadRowPolicy bad;
  auto t = std::make_shared<JobTable>();
  read_openb_pods(reader, bad, *t);
  return t;
}

}  // namespace

void bind_sweeps(py::module_& m);  // bindings/sweep.cpp
void bind_deadline_spot(py::module_& m);  // bindings/deadline_spot.cpp

PYBIND11_MODULE(_core, m) {
  m.doc() = "capsim's C++ engine (use the capsim package, not this module)";
  m.attr("__version__") = CAPSIM_VERSION;

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      const std::string what = e.what();
      if (what.find("cannot open") != std::string::npos) PyErr_SetString(PyExc_FileNotFoundError, e.what());
      else if (what.find("unknown placement policy") != std::string::npos) PyErr_SetString(PyExc_KeyError, e.what());
      else PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const InvariantError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<JobRequest>(m, "JobRequest")
      .def_readonly("cpu_milli", &JobRequest::cpu_milli)
      .def_readonly("memory_mib", &JobRequest::memory_mib)
      .def_readonly("num_gpu", &JobRequest::num_gpu)
      .def_readonly("gpu_milli", &JobRequest::gpu_milli)
      .def_readonly("gpu_models", &JobRequest::gpu_models);

  py::class_<PyCluster, std::shared_ptr<PyCluster>>(m, "Cluster")
      .def_property_readonly("nodes", &PyCluster::nodes)
      .def_property_readonly("now_s", [](const PyCluster& c) { return us_to_seconds(c.now); })
      .def("fits", &PyCluster::fits)
      .def("feasible_nodes", &PyCluster::feasible_nodes)
      .def("free_fraction_after", &PyCluster::free_fraction_after, py::arg("node"), py::arg("job"),
           py::arg("w_cpu") = 1.0, py::arg("w_mem") = 1.0, py::arg("w_gpu") = 1.0)
      .def("choose_gpus", &PyCluster::choose_gpus, py::arg("node"), py::arg("job"), py::arg("choice") = "tightest")
      .def_property_readonly("free_cpu_milli", [](const PyCluster& c) { return c.column(c.state->free_cpu_milli); })
      .def_property_readonly("free_memory_mib", [](const PyCluster& c) { return c.column(c.state->free_memory_mib); });

  py::class_<PyScenario>(m, "Scenario")
      // Paths come out absolute, so the JSON loads the same from any directory.
      .def("to_json", [](const PyScenario& s) { return scenario_to_json(with_absolute_paths(s.scenario, s.base_dir)); })
      .def_property_readonly("base_dir", [](const PyScenario& s) { return s.base_dir; })
      .def_property_readonly("seed", [](const PyScenario& s) { return s.scenario.seed(); })
      .def("with_workload_seed", [](const PyScenario& s, std::uint64_t seed) {
        PyScenario out = s;
        out.scenario.set_workload_seed(seed);
        return out;
      })
      .def("with_jobs", [](const PyScenario& s, std::shared_ptr<JobTable> jobs) {
        PyScenario out = s;
        out.jobs_override = std::move(jobs);
        return out;
      });
  py::class_<JobTable, std::shared_ptr<JobTable>>(m, "JobTable").def("__len__", &JobTable::size);

  m.def("load_scenario", [](const std::string& path) {
    LoadedScenario l = load_scenario_file(path);
    return PyScenario{l.scenario, l.base_dir, nullptr};
  });
  m.def("scenario_from_json", [](const std::string& json, const std::string& base_dir) {
    config::Scenario s = parse_scenario_json(json, "scenario");
    validate_scenario(s, "scenario");
    return PyScenario{s, base_dir, nullptr};
  });
  m.def("jobs_from_columns", &jobs_from_columns);

  py::class_<PyResult>(m, "Result")
      .def("summary_json", &PyResult::summary_json)
      .def("timeseries", &PyResult::timeseries)
      .def("jobs", &PyResult::jobs)
      .def("meta", &PyResult::meta)
      .def("cost", &PyResult::cost)
      .def("services", &PyResult::services)
      .def("node_series", &PyResult::node_series)
      .def_readonly("wall_s", &PyResult::wall_s)
      .def("write_h5", [](const PyResult& r, const std::string& path) { write_results_h5(path, *r.result); })
      .def("write_summary", [](const PyResult& r, const std::string& path) { write_summary_json(path, *r.result); });

  m.def("run", &run, py::arg("scenario"), py::arg("policy"), py::arg("params"), py::arg("seed"),
        py::arg("python_policy"));
  m.def("compare", &compare, py::arg("scenario"), py::arg("policies"), py::arg("seeds"), py::arg("threads"));
  m.def("inflate", &inflate, py::arg("scenario"), py::arg("policies"), py::arg("repeats"), py::arg("target_share"),
        py::arg("threads"), py::arg("protocol") = "capsim");
  bind_sweeps(m);
  bind_deadline_spot(m);
  m.def("read_trace", &read_trace, py::arg("path"), py::arg("kind"), py::arg("node_memory_gib") = 0.0,
        py::arg("skip_bad_rows") = false);
  py::class_<PyCost>(m, "Cost").def("arrays", &PyCost::arrays).def("report", &PyCost::report);
  m.def("read_cost", [](const std::string& path) {
    return PyCost{std::make_shared<const CostResult>(read_cost_h5(path))};
  });
  m.def("policies", [] {
    py::list out;
    for (const auto& p : placement_policies()) out.append(py::make_tuple(p.name, p.description));
    return out;
  });
}
