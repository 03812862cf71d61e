#include "sim/io/price_catalog_loader.h"

#include <cmath>
#include <set>

#include "sim/base/check.h"
#include "sim/io/csv_reader.h"
#include "sim/io/scenario_loader.h"
#include "sim/model/gpu_catalog.h"

namespace capsim {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class EntryCheck {
 public:
  EntryCheck(std::string origin, std::string entry) : origin_(std::move(origin)), entry_(std::move(entry)) {}
  void require(bool ok, const std::string& field, const std::string& what) const {
    if (!ok) throw InputError(origin_ + ": " + entry_ + ": field " + field + ": " + what);
  }
  void price(double v, const std::string& field) const {
    require(std::isfinite(v), field, "must be a finite number");
    require(v >= 0, field, "must not be negative, got " + std::to_string(v));
  }

 private:
  std::string origin_, entry_;
};

const std::set<std::string>& known_providers() {
  static const std::set<std::string> p{"aws", "gcp", "azure", "alibaba", "oracle", "lambda", "coreweave", "onprem"};
  return p;
}

std::string provider_list() {
  std::string out;
  for (const auto& p : known_providers()) out += (out.empty() ? "" : ", ") + p;
  return out;
}

void validate_entry(const config::NodePrice& n, const std::string& origin, const std::string& where) {
  const EntryCheck c(origin, where + " (" + catalog_key(n) + ")");
  c.require(!n.provider().empty(), "provider", "must not be empty");
  c.require(known_providers().count(n.provider()) > 0, "provider",
            "unknown provider '" + n.provider() + "' (known: " + provider_list() + ")");
  c.require(!n.region().empty(), "region", "must not be empty");
  c.require(!n.node_type().empty(), "node_type", "must not be empty");
  c.require(n.gpu_model().empty() || find_gpu_model(n.gpu_model()).has_value(), "gpu_model",
            "unknown GPU model '" + n.gpu_model() + "' (known: " + gpu_model_names() + ")");
  c.require(n.gpus() == 0 || !n.gpu_model().empty(), "gpu_model", "required when gpus > 0");
  c.require(std::isfinite(n.cpu_cores()) && n.cpu_cores() >= 0, "cpu_cores", "must not be negative");
  c.require(std::isfinite(n.memory_gib()) && n.memory_gib() >= 0, "memory_gib", "must not be negative");
  bool priced = false;
  if (n.has_on_demand_per_hour()) c.price(n.on_demand_per_hour(), "on_demand_per_hour"), priced = true;
  if (n.has_spot_per_hour()) c.price(n.spot_per_hour(), "spot_per_hour"), priced = true;
  if (n.has_internal_per_hour()) c.price(n.internal_per_hour(), "internal_per_hour");
  for (int i = 0; i < n.commitments_size(); ++i) {
    const auto& m = n.commitments(i);
    const std::string f = "commitments[" + std::to_string(i) + "]";
    c.require(!m.name().empty(), f + ".name", "must not be empty");
    for (int k = 0; k < i; ++k) c.require(n.commitments(k).name() != m.name(), f + ".name", "'" + m.name() + "' is used twice");
    c.require(std::isfinite(m.term_months()) && m.term_months() > 0, f + ".term_months", "must be positive");
    c.price(m.upfront(), f + ".upfront");
    c.price(m.per_hour(), f + ".per_hour");
    priced = true;
  }
  double last_t = -1;
  for (int i = 0; i < n.spot_series_size(); ++i) {
    const auto& p = n.spot_series(i);
    const std::string f = "spot_series[" + std::to_string(i) + "]";
    c.require(std::isfinite(p.t_s()) && p.t_s() > last_t, f + ".t_s", "times must increase from 0");
    c.price(p.per_hour(), f + ".per_hour");
    last_t = p.t_s();
    priced = true;
  }
  if (n.has_owned()) {
    const auto& o = n.owned();
    c.price(o.purchase(), "owned.purchase");
    c.require(std::isfinite(o.depreciation_months()) && o.depreciation_months() > 0, "owned.depreciation_months",
              "must be positive");
    c.price(o.residual(), "owned.residual");
    c.require(o.residual() <= o.purchase(), "owned.residual", "must not exceed the purchase price");
    c.price(o.power_idle_kw(), "owned.power_idle_kw");
    c.price(o.power_busy_kw(), "owned.power_busy_kw");
    c.require(o.power_busy_kw() >= o.power_idle_kw(), "owned.power_busy_kw", "must be at least power_idle_kw");
    c.require(std::isfinite(o.pue()) && (o.pue() == 0 || o.pue() >= 1), "owned.pue", "must be at least 1 (0: 1)");
    c.price(o.electricity_per_kwh(), "owned.electricity_per_kwh");
    c.price(o.ops_per_month(), "owned.ops_per_month");
    c.price(o.colo_per_month(), "owned.colo_per_month");
    priced = true;
  }
  c.require(priced, "on_demand_per_hour", "the entry has no price at all (on-demand, spot, commitment or owned)");
}

}  // namespace

std::string catalog_key(const config::NodePrice& n) { return n.provider() + "/" + n.region() + "/" + n.node_type(); }

bool known_currency(const std::string& code) {
  static const std::set<std::string> codes{"USD", "EUR", "GBP", "CNY", "JPY", "CHF", "CAD", "AUD", "INR", "SGD"};
  return codes.count(code) > 0;
}

void validate_price_catalog(const config::PriceCatalog& cat, const std::string& origin) {
  if (!known_currency(cat.currency()))
    throw InputError(origin + ": field currency: unknown currency '" + cat.currency() +
                     "' (give an ISO 4217 code: USD, EUR, GBP, CNY, JPY, CHF, CAD, AUD, INR, SGD)");
  if (cat.nodes_size() == 0) throw InputError(origin + ": field nodes: the catalog prices no node type");
  std::set<std::string> seen;
  for (int i = 0; i < cat.nodes_size(); ++i) {
    const std::string where = "nodes[" + std::to_string(i) + "]";
    validate_entry(cat.nodes(i), origin, where);
    if (!seen.insert(catalog_key(cat.nodes(i))).second)
      throw InputError(origin + ": " + where + ": " + catalog_key(cat.nodes(i)) + " is priced twice");
  }
  for (int i = 0; i < cat.discounts_size(); ++i) {
    const auto& d = cat.discounts(i);
    const EntryCheck c(origin, "discounts[" + std::to_string(i) + "]");
    c.require(known_providers().count(d.provider()) > 0, "provider",
              "unknown provider '" + d.provider() + "' (known: " + provider_list() + ")");
    c.require(d.pool_kind().empty() || d.pool_kind() == "on-demand" || d.pool_kind() == "reserved" ||
                  d.pool_kind() == "spot" || d.pool_kind() == "owned",
              "pool_kind", "must be on-demand, reserved, spot or owned, got '" + d.pool_kind() + "'");
    c.require(std::isfinite(d.fraction()) && d.fraction() >= 0 && d.fraction() < 1, "fraction",
              "must be in [0, 1), got " + std::to_string(d.fraction()));
  }
  const auto& s = cat.split();
  const EntryCheck c(origin, "split");
  for (auto [v, f] : {std::pair{s.cpu_core_hour(), "cpu_core_hour"}, std::pair{s.memory_gib_hour(), "memory_gib_hour"},
                      std::pair{s.gpu_hour(), "gpu_hour"}})
    c.require(std::isfinite(v) && v >= 0, f, "must not be negative");
}

config::PriceCatalog parse_price_catalog_csv(const std::string& path, const std::string& content) {
  CsvReader csv(path, content);
  const int c_cur = csv.column("currency");
  const int c_prov = csv.column("provider"), c_reg = csv.column("region"), c_type = csv.column("node_type");
  const int c_model = csv.column("gpu_model"), c_gpus = csv.column("gpus"), c_cpu = csv.column("cpu_cores");
  const int c_mem = csv.column("memory_gib"), c_od = csv.column("on_demand_per_hour");
  const int c_spot = csv.column("spot_per_hour", false), c_int = csv.column("internal_per_hour", false);
  const int c_src = csv.column("source", false);
  config::PriceCatalog cat;
  while (csv.next_row()) {
    const std::string currency(csv.field(c_cur));
    if (cat.currency().empty()) cat.set_currency(currency);
    if (currency != cat.currency())
      csv.fail(c_cur, "every row must use the same currency (" + cat.currency() + "), got '" + currency + "'");
    auto* n = cat.add_nodes();
    n->set_provider(std::string(csv.field(c_prov)));
    n->set_region(std::string(csv.field(c_reg)));
    n->set_node_type(std::string(csv.field(c_type)));
    n->set_gpu_model(std::string(csv.field(c_model)));
    const std::int64_t gpus = csv.get_int(c_gpus);
    if (gpus < 0 || gpus > 64) csv.fail(c_gpus, "must be in [0, 64]");
    n->set_gpus(static_cast<std::uint32_t>(gpus));
    n->set_cpu_cores(csv.get_double(c_cpu));
    n->set_memory_gib(csv.get_double(c_mem));
    auto price = [&](int col, auto setter) {
      if (col < 0 || csv.field(col).empty()) return;
      const double v = csv.get_double(col);
      if (v < 0) csv.fail(col, "must not be negative");
      (n->*setter)(v);
    };
    price(c_od, &config::NodePrice::set_on_demand_per_hour);
    price(c_spot, &config::NodePrice::set_spot_per_hour);
    price(c_int, &config::NodePrice::set_internal_per_hour);
    if (c_src >= 0) n->set_source(std::string(csv.field(c_src)));
    validate_entry(*n, path + ":" + std::to_string(csv.line()), "row");
  }
  return cat;
}

config::PriceCatalog load_price_catalog(const std::string& path) {
  const std::string text = read_text_file(path, "price catalog");
  config::PriceCatalog cat;
  if (ends_with(path, ".csv"))
    cat = parse_price_catalog_csv(path, text);
  else if (is_textproto_path(path))
    parse_textproto_into(cat, text, path);
  else
    parse_json_into(cat, text, path);
  validate_price_catalog(cat, path);
  return cat;
}

}  // namespace capsim
