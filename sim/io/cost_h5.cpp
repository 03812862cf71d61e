#include "sim/io/cost_h5.h"

#include <algorithm>
#include <cstring>

#include "sim/base/check.h"
#include "sim/io/h5_util.h"

namespace capsim {
namespace {

using namespace h5;

// Reading: every failure is the file's fault (wrong or damaged file), so InputError.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": " + what); }

  std::vector<double> doubles(hid_t loc, const std::string& name, std::size_t expect) const {
    const hid_t id = H5Dopen2(loc, name.c_str(), H5P_DEFAULT);
    if (id < 0) fail("missing dataset /cost/" + name);
    Handle ds(id, H5Dclose, name);
    Handle space(H5Dget_space(ds), H5Sclose, name);
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0 || static_cast<std::size_t>(n) != expect)
      fail("dataset /cost/" + name + " has " + std::to_string(n) + " values, expected " + std::to_string(expect));
    std::vector<double> out(static_cast<std::size_t>(n));
    if (n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) fail("cannot read " + name);
    return out;
  }

  std::vector<std::string> strings(hid_t loc, const std::string& name) const {
    const hid_t id = H5Dopen2(loc, name.c_str(), H5P_DEFAULT);
    if (id < 0) fail("missing dataset /cost/" + name);
    Handle ds(id, H5Dclose, name);
    Handle type(H5Dget_type(ds), H5Tclose, name);
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) fail("/cost/" + name + " is not a string list");
    const std::size_t width = H5Tget_size(type);
    Handle space(H5Dget_space(ds), H5Sclose, name);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::string buffer(n * width, '\0');
    if (n && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) fail("cannot read " + name);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      std::string v = buffer.substr(i * width, width);
      v.resize(std::strlen(v.c_str()));
      out.push_back(v);
    }
    return out;
  }

  std::string string_attr(hid_t obj, const std::string& name) const {
    if (H5Aexists(obj, name.c_str()) <= 0) fail("missing attribute /cost " + name);
    Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, name);
    Handle type(H5Aget_type(attr), H5Tclose, name);
    if (H5Tis_variable_str(type) <= 0) fail("attribute /cost " + name + " is not a string");
    char* data = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, name);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8);
    if (H5Aread(attr, mem, &data) < 0 || !data) fail("cannot read attribute " + name);
    std::string out(data);
    H5free_memory(data);
    return out;
  }

  template <typename T>
  T number_attr(hid_t obj, const std::string& name, hid_t type) const {
    if (H5Aexists(obj, name.c_str()) <= 0) fail("missing attribute /cost " + name);
    Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, name);
    T v{};
    if (H5Aread(attr, type, &v) < 0) fail("cannot read attribute " + name);
    return v;
  }

 private:
  std::string path_;
};

// Name lists kept as one attribute, a name per line (names of pools and services).
std::string join_lines(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "\n") + n;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t nl = std::min(text.find('\n', at), text.size());
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

}  // namespace

void write_cost_group(hid_t file, const CostResult& c) {
  Handle gprops(group_props(), H5Pclose, "group properties");
  Handle g(H5Gcreate2(file, "cost", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost");
  string_attr(g, "currency", c.currency);
  string_attr(g, "catalog_source", c.catalog_source);
  string_attr(g, "catalog_as_of", c.catalog_as_of);
  number_attr(g, "start_us", c.start_us, H5T_NATIVE_INT64);
  number_attr(g, "window_us", c.window_us, H5T_NATIVE_INT64);
  number_attr(g, "tco_months", static_cast<std::int64_t>(c.tco_months), H5T_NATIVE_INT64);
  number_attr(g, "breakeven_month", c.breakeven_month, H5T_NATIVE_DOUBLE);
  const hsize_t W = c.windows, C = c.centers.size(), T = c.teams.size();
  {
    Handle centers(H5Gcreate2(g, "centers", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost/centers");
    std::vector<std::string> pool, kind, provider, region, type, model;
    std::vector<std::int64_t> nodes;
    std::vector<double> held, allocated;
    for (const auto& x : c.centers) {
      pool.push_back(x.pool), kind.push_back(x.pool_kind), provider.push_back(x.provider);
      region.push_back(x.region), type.push_back(x.node_type), model.push_back(x.gpu_model), nodes.push_back(x.nodes);
      held.push_back(x.gpu_hours_held), allocated.push_back(x.gpu_hours_allocated);
    }
    dataset(centers, "gpu_hours_held", held, H5T_NATIVE_DOUBLE, "GPU-hours");
    dataset(centers, "gpu_hours_allocated", allocated, H5T_NATIVE_DOUBLE, "GPU-hours");
    string_dataset(centers, "pool", pool);
    string_dataset(centers, "pool_kind", kind);
    string_dataset(centers, "provider", provider);
    string_dataset(centers, "region", region);
    string_dataset(centers, "node_type", type);
    string_dataset(centers, "gpu_model", model);
    dataset(centers, "nodes", nodes, H5T_NATIVE_INT64, "nodes");
  }
  string_dataset(g, "teams", c.teams);
  if (!c.units.empty() || std::any_of(c.team_shared.begin(), c.team_shared.end(), [](std::uint8_t v) { return v != 0; })) {
    // Showback: the business units, their parents (-1: a root), each team's unit (-1: none) and shared flag.
    Handle u(H5Gcreate2(g, "units", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost/units");
    string_dataset(u, "name", c.units);
    dataset(u, "parent", std::vector<std::int64_t>(c.unit_parent.begin(), c.unit_parent.end()), H5T_NATIVE_INT64, "unit");
    dataset(u, "team_unit", std::vector<std::int64_t>(c.team_unit.begin(), c.team_unit.end()), H5T_NATIVE_INT64, "unit");
    dataset(u, "team_shared", std::vector<std::int64_t>(c.team_shared.begin(), c.team_shared.end()), H5T_NATIVE_INT64, "flag");
  }
  std::vector<std::int64_t> starts(c.windows);
  for (std::size_t w = 0; w < c.windows; ++w) starts[w] = c.start_us + static_cast<std::int64_t>(w) * c.window_us;
  dataset(g, "window_start_us", starts, H5T_NATIVE_INT64, "us");
  array_dataset(g, "bill", c.bill, {W, C}, c.currency);
  array_dataset(g, "idle", c.idle, {W, C}, c.currency);
  array_dataset(g, "charge", c.charge, {W, C, T}, c.currency);
  array_dataset(g, "rounding", c.rounding, {C}, c.currency);
  array_dataset(g, "boot", c.boot, {C}, c.currency);
  if (!c.overhead.empty()) array_dataset(g, "vm_overhead", c.overhead, {W, C}, c.currency);
  {
    Handle in(H5Gcreate2(g, "internal", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost/internal");
    array_dataset(in, "bill", c.bill_internal, {C}, c.currency);
    array_dataset(in, "idle", c.idle_internal, {C}, c.currency);
    array_dataset(in, "charge", c.charge_internal, {C, T}, c.currency);
    if (!c.overhead.empty()) array_dataset(in, "vm_overhead", c.overhead_internal, {C}, c.currency);
  }
  {
    Handle tco(H5Gcreate2(g, "tco", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost/tco");
    const hsize_t M = static_cast<hsize_t>(c.tco_months) + 1;
    std::vector<double> month(M);
    for (hsize_t m = 0; m < M; ++m) month[m] = static_cast<double>(m);
    array_dataset(tco, "month", month, {M}, "months");
    std::string order;
    for (const auto& curve : c.tco) {
      array_dataset(tco, curve.name, curve.cumulative, {M}, c.currency);
      order += (order.empty() ? "" : ",") + curve.name;
    }
    string_attr(tco, "curves", order);
    if (!c.tco_by_center.empty()) array_dataset(tco, "by_center", c.tco_by_center, {M, C}, c.currency);
  }
  if (!c.served_by_day.empty()) {
    Handle daily(H5Gcreate2(g, "daily", H5P_DEFAULT, gprops, H5P_DEFAULT), H5Gclose, "/cost/daily");
    const hsize_t D = c.served_by_day.size();
    array_dataset(daily, "served", c.served_by_day, {D}, "requests");
    array_dataset(daily, "revenue", c.revenue_by_day, {D}, c.currency);
    if (!c.daily_pools.empty()) {
      const hsize_t P = c.daily_pools.size();
      array_dataset(daily, "served_by_pool", c.served_by_day_pool, {D, P}, "requests");
      array_dataset(daily, "revenue_by_pool", c.revenue_by_day_pool, {D, P}, c.currency);
      string_attr(daily, "pools", join_lines(c.daily_pools));
    }
    if (!c.daily_services.empty() && !c.served_by_day_service.empty()) {
      const hsize_t S = c.daily_services.size(), DS = c.served_by_day_service.size() / S;
      array_dataset(daily, "cost_by_service", c.cost_by_day_service, {DS, S}, c.currency);
      array_dataset(daily, "served_by_service", c.served_by_day_service, {DS, S}, "requests");
      array_dataset(daily, "revenue_by_service", c.revenue_by_day_service, {DS, S}, c.currency);
      string_attr(daily, "services", join_lines(c.daily_services));
    }
  }
}

CostResult read_cost_h5(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Reader rd(path);
  const hid_t fid = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (fid < 0) rd.fail("cannot open as an HDF5 results file");
  Handle file(fid, H5Fclose, path);
  if (H5Lexists(file, "cost", H5P_DEFAULT) <= 0)
    rd.fail("has no /cost: the run was not priced (give the scenario a cost section with a price catalog)");
  Handle g(H5Gopen2(file, "cost", H5P_DEFAULT), H5Gclose, "/cost");
  CostResult c;
  c.present = true;
  c.currency = rd.string_attr(g, "currency");
  c.catalog_source = rd.string_attr(g, "catalog_source");
  c.catalog_as_of = rd.string_attr(g, "catalog_as_of");
  c.start_us = rd.number_attr<std::int64_t>(g, "start_us", H5T_NATIVE_INT64);
  c.window_us = rd.number_attr<std::int64_t>(g, "window_us", H5T_NATIVE_INT64);
  c.tco_months = static_cast<std::int32_t>(rd.number_attr<std::int64_t>(g, "tco_months", H5T_NATIVE_INT64));
  c.breakeven_month = rd.number_attr<double>(g, "breakeven_month", H5T_NATIVE_DOUBLE);
  {
    Handle centers(H5Gopen2(g, "centers", H5P_DEFAULT), H5Gclose, "/cost/centers");
    const auto pool = rd.strings(centers, "pool"), kind = rd.strings(centers, "pool_kind");
    const auto provider = rd.strings(centers, "provider"), region = rd.strings(centers, "region");
    const auto type = rd.strings(centers, "node_type"), model = rd.strings(centers, "gpu_model");
    const auto nodes = rd.doubles(centers, "nodes", pool.size());
    // Files from before the GPU-hours columns read as zeros (the ranking then shows none).
    const bool hours = H5Lexists(centers, "gpu_hours_held", H5P_DEFAULT) > 0;
    const auto held = hours ? rd.doubles(centers, "gpu_hours_held", pool.size()) : std::vector<double>(pool.size(), 0.0);
    const auto allocated =
        hours ? rd.doubles(centers, "gpu_hours_allocated", pool.size()) : std::vector<double>(pool.size(), 0.0);
    for (std::size_t i = 0; i < pool.size(); ++i)
      c.centers.push_back({pool[i], kind.at(i), provider.at(i), region.at(i), type.at(i), model.at(i),
                           static_cast<std::int64_t>(nodes[i]), held[i], allocated[i]});
  }
  c.teams = rd.strings(g, "teams");
  const std::size_t C = c.centers.size(), T = c.teams.size();
  c.team_unit.assign(T, -1);
  c.team_shared.assign(T, 0);
  if (H5Lexists(g, "units", H5P_DEFAULT) > 0) {
    Handle u(H5Gopen2(g, "units", H5P_DEFAULT), H5Gclose, "/cost/units");
    c.units = rd.strings(u, "name");
    for (double v : rd.doubles(u, "parent", c.units.size())) c.unit_parent.push_back(static_cast<std::int32_t>(v));
    const auto team_unit = rd.doubles(u, "team_unit", T), shared = rd.doubles(u, "team_shared", T);
    for (std::size_t t = 0; t < T; ++t) {
      c.team_unit[t] = static_cast<std::int32_t>(team_unit[t]);
      c.team_shared[t] = shared[t] != 0;
      if (c.team_unit[t] >= static_cast<std::int32_t>(c.units.size())) rd.fail("/cost/units/team_unit names no unit");
    }
  }
  {
    Handle ds(H5Dopen2(g, "window_start_us", H5P_DEFAULT), H5Dclose, "window_start_us");
    Handle space(H5Dget_space(ds), H5Sclose, "window_start_us");
    c.windows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  }
  c.bill = rd.doubles(g, "bill", c.windows * C);
  c.idle = rd.doubles(g, "idle", c.windows * C);
  c.charge = rd.doubles(g, "charge", c.windows * C * T);
  c.rounding = rd.doubles(g, "rounding", C);
  c.boot = rd.doubles(g, "boot", C);
  Handle in(H5Gopen2(g, "internal", H5P_DEFAULT), H5Gclose, "/cost/internal");
  c.bill_internal = rd.doubles(in, "bill", C);
  c.idle_internal = rd.doubles(in, "idle", C);
  c.charge_internal = rd.doubles(in, "charge", C * T);
  if (H5Lexists(g, "vm_overhead", H5P_DEFAULT) > 0) {
    c.overhead = rd.doubles(g, "vm_overhead", c.windows * C);
    c.overhead_internal = rd.doubles(in, "vm_overhead", C);
  }
  Handle tco(H5Gopen2(g, "tco", H5P_DEFAULT), H5Gclose, "/cost/tco");
  const std::size_t M = static_cast<std::size_t>(c.tco_months) + 1;
  const std::string curves = rd.string_attr(tco, "curves");
  std::size_t at = 0;
  while (at < curves.size()) {
    const std::size_t comma = std::min(curves.find(',', at), curves.size());
    const std::string name = curves.substr(at, comma - at);
    c.tco.push_back({name, rd.doubles(tco, name, M)});
    at = comma + 1;
  }
  if (H5Lexists(tco, "by_center", H5P_DEFAULT) > 0) c.tco_by_center = rd.doubles(tco, "by_center", M * C);
  if (H5Lexists(g, "daily", H5P_DEFAULT) > 0) {
    Handle daily(H5Gopen2(g, "daily", H5P_DEFAULT), H5Gclose, "/cost/daily");
    Handle ds(H5Dopen2(daily, "served", H5P_DEFAULT), H5Dclose, "daily/served");
    Handle space(H5Dget_space(ds), H5Sclose, "daily/served");
    const auto D = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    c.served_by_day = rd.doubles(daily, "served", D);
    c.revenue_by_day = rd.doubles(daily, "revenue", D);
    if (H5Aexists(daily, "pools") > 0) {
      c.daily_pools = split_lines(rd.string_attr(daily, "pools"));
      c.served_by_day_pool = rd.doubles(daily, "served_by_pool", D * c.daily_pools.size());
      c.revenue_by_day_pool = rd.doubles(daily, "revenue_by_pool", D * c.daily_pools.size());
    }
    if (H5Aexists(daily, "services") > 0) {
      c.daily_services = split_lines(rd.string_attr(daily, "services"));
      Handle cs(H5Dopen2(daily, "served_by_service", H5P_DEFAULT), H5Dclose, "daily/served_by_service");
      Handle cspace(H5Dget_space(cs), H5Sclose, "daily/served_by_service");
      const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(cspace));
      c.cost_by_day_service = rd.doubles(daily, "cost_by_service", n);
      c.served_by_day_service = rd.doubles(daily, "served_by_service", n);
      c.revenue_by_day_service = rd.doubles(daily, "revenue_by_service", n);
    }
  }
  return c;
}

}  // namespace capsim
