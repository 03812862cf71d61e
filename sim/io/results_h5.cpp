#include "sim/io/results_h5.h"

#include <hdf5.h>

#include <algorithm>
#include <vector>

#include "sim/base/check.h"
#include "sim/io/atomic_file.h"
#include "sim/io/cost_h5.h"
#include "sim/io/h5_util.h"

namespace capsim {
namespace {

using namespace h5;

void matrix_dataset(hid_t group, const CurveMatrix& m);

void write_file(const std::string& path, const RunResult& r) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by the exceptions below
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": cannot create the results file");
  Handle file(id, H5Fclose, path);
  Handle gprops(group_props(), H5Pclose, "group properties");
  {
    Handle meta(H5Gcreate2(file, "meta", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/meta");
    string_attr(meta, "capsim_version", r.meta.capsim_version);
    string_attr(meta, "scenario_json", r.meta.scenario_json);
    string_attr(meta, "policy", r.meta.policy);
    string_attr(meta, "policy_params_json", r.meta.policy_params_json);
    number_attr(meta, "seed", r.meta.seed, H5T_NATIVE_UINT64);
  }
  {
    Handle ts(H5Gcreate2(file, "timeseries", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/timeseries");
    dataset(ts, "t", r.timeseries.t_us, H5T_NATIVE_INT64, "us");
    std::string order;
    for (const auto& c : r.timeseries.columns) {
      dataset(ts, c.name, c.values, H5T_NATIVE_DOUBLE, c.units);
      order += (order.empty() ? "" : ",") + c.name;
    }
    string_attr(ts, "columns", order);  // HDF5 lists members by name; this keeps the writer's order
  }
  {
    Handle jobs(H5Gcreate2(file, "jobs", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/jobs");
    string_dataset(jobs, "name", r.jobs.name);
    std::string order = "name";
    for (const auto& c : r.jobs.columns) {
      dataset(jobs, c.name, c.values, H5T_NATIVE_INT64, c.units);
      order += "," + c.name;
    }
    for (const auto& c : r.jobs.real_columns) {
      dataset(jobs, c.name, c.values, H5T_NATIVE_DOUBLE, c.units);
      order += "," + c.name;
    }
    string_attr(jobs, "columns", order);
    std::string states;
    for (std::size_t i = 0; i < r.jobs.state_names.size(); ++i)
      states += (i ? "," : "") + r.jobs.state_names[i];
    string_attr(jobs, "state_names", states);
  }
  {
    // Names of the team and source codes (strings of any characters: datasets, not a joined attribute).
    Handle labels(H5Gcreate2(file, "jobs_labels", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/jobs_labels");
    string_dataset(labels, "team", r.jobs.team_names);
    string_dataset(labels, "source", r.jobs.source_names);
  }
  {
    // Thousands of keys with many services: dense attribute storage (a B-tree, not a list searched
    // by name for every attribute written, which is quadratic).
    Handle sprops(group_props(), H5Pclose, "summary group properties");
    check(H5Pset_attr_phase_change(sprops, 0, 0), "/summary");
    check(H5Pset_attr_creation_order(sprops, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "/summary");  // keys in order
    Handle sum(H5Gcreate2(file, "summary", H5P_DEFAULT, sprops, H5P_DEFAULT), H5Gclose, "/summary");
    for (const auto& [key, value] : r.summary) {
      if (auto v = std::get_if<std::int64_t>(&value)) number_attr(sum, key, *v, H5T_NATIVE_INT64);
      else if (auto d = std::get_if<double>(&value)) number_attr(sum, key, *d, H5T_NATIVE_DOUBLE);
      else string_attr(sum, key, std::get<std::string>(value));
    }
  }
  if (r.cost.present) write_cost_group(file, r.cost);
  if (r.node_series.present()) {
    const NodeSeries& ns = r.node_series;
    Handle g(H5Gcreate2(file, "timeseries_nodes", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/timeseries_nodes");
    string_dataset(g, "node", ns.node);
    for (const auto& m : ns.matrices) {
      CurveMatrix cm;
      cm.name = m.name;
      cm.rows = ns.node.empty() ? 0 : m.values.size() / ns.node.size();
      cm.cols = ns.node.size();
      cm.values = m.values;
      cm.units = m.units;
      matrix_dataset(g, cm);
    }
  }
  if (r.services.present()) {
    const ServiceTable& t = r.services;
    Handle g(H5Gcreate2(file, "services", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/services");
    string_dataset(g, "name", t.name);
    string_dataset(g, "team", t.team);
    std::string order = "name,team";
    for (const auto& c : t.columns) {
      dataset(g, c.name, c.values, H5T_NATIVE_DOUBLE, c.units);
      order += "," + c.name;
    }
    string_attr(g, "columns", order);
    Handle h(H5Gcreate2(file, "service_replicas", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/service_replicas");
    dataset(h, "service", t.history_service, H5T_NATIVE_INT64, "row of /services");
    dataset(h, "t", t.history_t_us, H5T_NATIVE_INT64, "us");
    dataset(h, "replicas", t.history_replicas, H5T_NATIVE_INT64, "replicas asked for from t on");
  }
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), path);
}

void matrix_dataset(hid_t group, const CurveMatrix& m) {
  const hsize_t dims[2] = {m.rows, m.cols};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, m.name + " space");
  Handle props(dataset_props(), H5Pclose, "dataset properties");
  Handle ds(H5Dcreate2(group, m.name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            m.name);
  if (!m.values.empty()) check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.values.data()), m.name);
  if (!m.units.empty()) string_attr(ds, "units", m.units);
  if (!m.columns.empty()) string_attr(ds, "columns", m.columns);
}

void write_inflation_file(const std::string& path, const InflationTables& t) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": cannot create the results file");
  Handle file(id, H5Fclose, path);
  Handle gprops(group_props(), H5Pclose, "group properties");
  {
    Handle meta(H5Gcreate2(file, "meta", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/meta");
    string_attr(meta, "summary_json", t.summary_json);
  }
  dataset(file, "arrived_share", t.arrived_share, H5T_NATIVE_DOUBLE, "fraction of GPU capacity");
  for (const auto& [policy, curves] : t.policies) {
    Handle g(H5Gcreate2(file, policy.c_str(), H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/" + policy);
    for (const auto& m : curves) matrix_dataset(g, m);
  }
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), path);
}

}  // namespace

void write_inflation_h5(const std::string& path, const InflationTables& t) {
  write_atomically(path, [&](const std::string& tmp) { write_inflation_file(tmp, t); });
}

void write_results_h5(const std::string& path, const RunResult& r) {
  write_atomically(path, [&](const std::string& tmp) { write_file(tmp, r); });
}

}  // namespace capsim
