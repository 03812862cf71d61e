#include "experiments/cost_report.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>

#include "experiments/showback.h"
#include "sim/base/check.h"
#include "sim/model/pool.h"

namespace capsim {
namespace {

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v == 0 ? 0.0 : v);  // no "-0.00"
  return buf;
}

std::string percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole > 0 ? 100 * part / whole : 0.0);
  return buf;
}

}  // namespace

CostTotals cost_totals(const CostResult& c, bool internal, std::size_t first_window, std::size_t last_window) {
  const std::size_t C = c.centers.size(), T = c.teams.size();
  last_window = std::min(last_window, c.windows);
  CostTotals t;
  if (internal) {
    t.bill = c.bill_internal, t.idle = c.idle_internal, t.charge = c.charge_internal;
  } else {
    t.bill.assign(C, 0.0), t.idle.assign(C, 0.0), t.charge.assign(C * T, 0.0);
    for (std::size_t w = first_window; w < last_window; ++w)
      for (std::size_t k = 0; k < C; ++k) {
        t.bill[k] += c.bill[w * C + k];
        t.idle[k] += c.idle[w * C + k];
        for (std::size_t m = 0; m < T; ++m) t.charge[k * T + m] += c.charge[(w * C + k) * T + m];
      }
  }
  t.overhead.assign(C, 0.0);
  if (!c.overhead.empty()) {
    if (internal)
      t.overhead = c.overhead_internal;
    else
      for (std::size_t w = first_window; w < last_window; ++w)
        for (std::size_t k = 0; k < C; ++k) t.overhead[k] += c.overhead[w * C + k];
  }
  t.jobs.assign(C, 0.0);
  for (std::size_t k = 0; k < C; ++k)
    for (std::size_t m = 0; m < T; ++m) t.jobs[k] += t.charge[k * T + m];
  return t;
}

namespace {

std::string center_key(const CostCenterInfo& x, const std::string& by) {
  if (by == "pool") return x.pool;
  if (by == "gpu-model") return x.gpu_model;
  if (by == "provider") return x.provider;
  return x.pool + "/" + x.provider + "/" + x.region + "/" + x.node_type + "/" + x.gpu_model;
}

}  // namespace

std::vector<std::vector<std::string>> cost_report(const CostResult& c, const CostReportOptions& o) {
  const std::size_t C = c.centers.size(), T = c.teams.size();
  const std::string cur = c.currency;
  std::vector<std::vector<std::string>> rows;
  if (o.by == "window") {
    if (o.internal) throw InputError("--by window: the ledger keeps internal prices as totals only; use --view net");
    rows.push_back({"window_start_s", "bill_" + cur, "jobs_" + cur, "idle_" + cur, "idle_share"});
    for (std::size_t w = 0; w < c.windows; ++w) {
      double b = 0, i = 0;
      for (std::size_t k = 0; k < C; ++k) b += c.bill[w * C + k], i += c.idle[w * C + k];
      char start[32];
      std::snprintf(start, sizeof start, "%.0f", static_cast<double>(c.start_us + static_cast<std::int64_t>(w) * c.window_us) / 1e6);
      rows.push_back({start, money(b), money(b - i), money(i), percent(i, b)});
    }
    return rows;
  }
  const CostTotals t = cost_totals(c, o.internal);
  double bill = 0, idle = 0;
  for (std::size_t k = 0; k < C; ++k) bill += t.bill[k], idle += t.idle[k];
  if (o.by == "team") {
    std::vector<double> charge(T, 0.0), spread(T, 0.0);
    double unspread = 0;
    for (std::size_t k = 0; k < C; ++k) {
      for (std::size_t m = 0; m < T; ++m) charge[m] += t.charge[k * T + m];
      // Idle of a center goes to the teams that used that center, in proportion to their charges there.
      if (t.jobs[k] > 0)
        for (std::size_t m = 0; m < T; ++m) spread[m] += t.idle[k] * t.charge[k * T + m] / t.jobs[k];
      else
        unspread += t.idle[k];
    }
    std::vector<std::string> head{"team", "charge_" + cur, "share_of_jobs"};
    if (o.spread_idle) head.insert(head.end(), {"idle_spread_" + cur, "total_" + cur, "share_of_bill"});
    rows.push_back(head);
    double jobs = 0;
    for (double v : charge) jobs += v;
    for (std::size_t m = 0; m < T; ++m) {
      std::vector<std::string> r{c.teams[m], money(charge[m]), percent(charge[m], jobs)};
      if (o.spread_idle)
        r.insert(r.end(), {money(spread[m]), money(charge[m] + spread[m]), percent(charge[m] + spread[m], bill)});
      rows.push_back(r);
    }
    std::vector<std::string> idle_row{"(idle)", money(o.spread_idle ? unspread : idle), "-"};
    if (o.spread_idle) idle_row.insert(idle_row.end(), {"-", money(unspread), percent(unspread, bill)});
    rows.push_back(idle_row);
    std::vector<std::string> total{"(bill)", money(bill), "-"};
    if (o.spread_idle) total.insert(total.end(), {"-", money(bill), "100.0%"});
    rows.push_back(total);
    return rows;
  }
  if (o.by == "tco") {
    // The TCO view: cumulative cost by month under each purchase option (sim/metrics/tco.h).
    std::vector<std::string> head{"month"};
    for (const TcoCurve& curve : c.tco) head.push_back(curve.name + "_" + cur);
    rows.push_back(head);
    for (std::int32_t m = 0; m <= c.tco_months; ++m) {
      std::vector<std::string> r{std::to_string(m)};
      for (const TcoCurve& curve : c.tco) r.push_back(money(curve.cumulative[static_cast<std::size_t>(m)]));
      rows.push_back(r);
    }
    char be[64];
    std::snprintf(be, sizeof be, "%g", c.breakeven_month);
    rows.push_back({"(owned breaks even with on-demand at month)", be});
    return rows;
  }
  if (o.by == "department" && o.monthly) {
    // The showback month by month (730-hour months of net windows; a window counts in the month it starts in).
    if (o.internal) throw InputError("--monthly: the ledger keeps internal prices as totals only; use --view net");
    const ShowbackRule rule = showback_rule_from(o.shared);
    const double month_us = kHoursPerMonth * 3600e6;
    std::vector<Showback> months;
    for (std::size_t first = 0; first < c.windows;) {
      const auto m = static_cast<std::size_t>(static_cast<double>(first) * static_cast<double>(c.window_us) / month_us);
      std::size_t last = first;
      while (last < c.windows &&
             static_cast<std::size_t>(static_cast<double>(last) * static_cast<double>(c.window_us) / month_us) == m)
        ++last;
      months.push_back(showback(c, rule, false, first, last));
      first = last;
    }
    std::vector<std::string> head{"unit"};
    for (std::size_t m = 0; m < months.size(); ++m) head.push_back("month_" + std::to_string(m) + "_" + cur);
    rows.push_back(head);
    std::vector<std::string> units;
    for (const Showback& sb : months)
      for (const ShowbackRow& r : sb.rows)
        if (std::find(units.begin(), units.end(), r.unit) == units.end()) units.push_back(r.unit);
    units.push_back("(bill)");
    for (const std::string& u : units) {
      std::vector<std::string> r{u};
      for (const Showback& sb : months) {
        std::int64_t v = u == "(bill)" ? sb.bill_cents : 0;
        for (const ShowbackRow& row : sb.rows) v += row.unit == u ? row.total_cents() : 0;
        r.push_back(money(static_cast<double>(v) / 100));
      }
      rows.push_back(r);
    }
    return rows;
  }
  if (o.by == "department") {
    const Showback sb = showback(c, showback_rule_from(o.shared), o.internal);
    auto cents = [](std::int64_t v) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%lld.%02lld", v < 0 ? "-" : "", static_cast<long long>((v < 0 ? -v : v) / 100),
                    static_cast<long long>((v < 0 ? -v : v) % 100));
      return std::string(buf);
    };
    rows.push_back({"unit", "direct_" + cur, "shared_platform_" + cur, "shared_vm_overhead_" + cur, "shared_idle_" + cur,
                    "total_" + cur, "share_of_bill"});
    std::int64_t d = 0, p = 0, v = 0, i = 0;
    for (const ShowbackRow& r : sb.rows) {
      rows.push_back({r.unit, cents(r.direct_cents), cents(r.platform_cents), cents(r.overhead_cents), cents(r.idle_cents),
                      cents(r.total_cents()), percent(static_cast<double>(r.total_cents()), static_cast<double>(sb.bill_cents))});
      d += r.direct_cents, p += r.platform_cents, v += r.overhead_cents, i += r.idle_cents;
    }
    rows.push_back({"(bill)", cents(d), cents(p), cents(v), cents(i), cents(sb.bill_cents), "100.0%"});
    // What the platform holds before it shows shared costs back, and after (fixed shares under 1).
    rows.push_back({"(platform held before)", "-", "-", "-", "-", "-", percent(sb.platform_held_before, 1)});
    rows.push_back({"(platform held after)", "-", "-", "-", "-", "-", percent(sb.platform_held_after, 1)});
    return rows;
  }
  if (o.by == "month") {
    if (o.internal) throw InputError("--by month: the ledger keeps internal prices as totals only; use --view net");
    // Months of 730 hours from the run's start; a window counts in the month it starts in.
    const double month_us = kHoursPerMonth * 3600e6;
    std::vector<std::array<double, 3>> months;
    for (std::size_t w = 0; w < c.windows; ++w) {
      const auto m = static_cast<std::size_t>(static_cast<double>(w) * static_cast<double>(c.window_us) / month_us);
      if (months.size() <= m) months.resize(m + 1, {0.0, 0.0, 0.0});
      for (std::size_t k = 0; k < C; ++k) {
        months[m][0] += c.bill[w * C + k];
        months[m][2] += c.idle[w * C + k];
      }
    }
    rows.push_back({"month", "bill_" + cur, "jobs_" + cur, "idle_" + cur, "idle_share", "cumulative_" + cur});
    double cumulative = 0;
    for (std::size_t m = 0; m < months.size(); ++m) {
      cumulative += months[m][0];
      rows.push_back({std::to_string(m), money(months[m][0]), money(months[m][0] - months[m][2]), money(months[m][2]),
                      percent(months[m][2], months[m][0]), money(cumulative)});
    }
    return rows;
  }
  if (o.by == "provider-day") {
    // The daily margin per cloud: each day's bill of the provider's cost centers against what the
    // requests served on its pools earned (a request counts where the ready replicas were).
    if (o.internal) throw InputError("--by provider-day: the ledger keeps internal prices as totals only; use --view net");
    if (c.served_by_day.empty())
      throw InputError("--by provider-day: the run has no services with revenue_per_request (no served requests by day)");
    if (c.daily_pools.empty())
      throw InputError("--by provider-day: this results file keeps served requests by day only in total; run it again");
    constexpr std::int64_t kDay = 86'400'000'000;
    if (c.window_us <= 0 || kDay % c.window_us != 0 || c.start_us % c.window_us != 0)
      throw InputError("--by provider-day: the run's cost windows (cost.window_s) must divide a day and start on one");
    std::vector<std::string> providers;
    auto provider_index = [&](const std::string& name) {
      const auto it = std::find(providers.begin(), providers.end(), name);
      if (it != providers.end()) return static_cast<std::size_t>(it - providers.begin());
      providers.push_back(name);
      return providers.size() - 1;
    };
    std::vector<std::size_t> center_provider(C), pool_provider(c.daily_pools.size(), SIZE_MAX);
    for (std::size_t k = 0; k < C; ++k) center_provider[k] = provider_index(c.centers[k].provider);
    for (std::size_t p = 0; p < c.daily_pools.size(); ++p)
      for (std::size_t k = 0; k < C; ++k)
        if (c.centers[k].pool == c.daily_pools[p]) pool_provider[p] = center_provider[k];
    const std::size_t V = providers.size(), P = c.daily_pools.size();
    const std::size_t first = static_cast<std::size_t>(c.start_us / kDay);
    std::vector<double> bill, served, revenue;  // [day * V + v]
    auto grow = [&](std::size_t days) {
      if (bill.size() < days * V) {
        bill.resize(days * V, 0.0), served.resize(days * V, 0.0), revenue.resize(days * V, 0.0);
      }
    };
    for (std::size_t w = 0; w < c.windows; ++w) {
      const auto d = static_cast<std::size_t>((c.start_us + static_cast<std::int64_t>(w) * c.window_us) / kDay);
      grow(d + 1);
      for (std::size_t k = 0; k < C; ++k) bill[d * V + center_provider[k]] += c.bill[w * C + k];
    }
    grow(c.served_by_day.size());
    for (std::size_t d = 0; d < c.served_by_day.size(); ++d)
      for (std::size_t p = 0; p < P; ++p)
        if (pool_provider[p] != SIZE_MAX) {
          served[d * V + pool_provider[p]] += c.served_by_day_pool[d * P + p];
          revenue[d * V + pool_provider[p]] += c.revenue_by_day_pool[d * P + p];
        }
    rows.push_back({"day", "provider", "bill_" + cur, "served", "revenue_" + cur, "margin_" + cur, "per_1000_served_" + cur});
    for (std::size_t d = first; d * V < bill.size(); ++d)
      for (std::size_t v = 0; v < V; ++v) {
        const std::size_t i = d * V + v;
        char n[32];
        std::snprintf(n, sizeof n, "%.0f", served[i]);
        rows.push_back({std::to_string(d), providers[v], money(bill[i]), n, money(revenue[i]), money(revenue[i] - bill[i]),
                        served[i] > 0 ? money(1000 * bill[i] / served[i]) : "-"});
      }
    return rows;
  }
  if (o.by == "service-day") {
    // The daily margin per service: what its replicas were charged each day (idle capacity not
    // included: that is the fleet's) against what its served requests earned.
    if (o.internal) throw InputError("--by service-day: the ledger keeps internal prices as totals only; use --view net");
    if (c.served_by_day.empty())
      throw InputError("--by service-day: the run has no services with revenue_per_request (no served requests by day)");
    if (c.daily_services.empty() || c.served_by_day_service.empty())
      throw InputError("--by service-day: this results file keeps served requests by day only in total; run it again");
    const std::size_t S = c.daily_services.size(), D = c.served_by_day_service.size() / S;
    const std::size_t first = static_cast<std::size_t>(c.start_us / 86'400'000'000);
    rows.push_back({"day", "service", "cost_" + cur, "served", "revenue_" + cur, "margin_" + cur, "per_1000_served_" + cur});
    for (std::size_t d = first; d < D; ++d)
      for (std::size_t v = 0; v < S; ++v) {
        const std::size_t i = d * S + v;
        const double cost = c.cost_by_day_service[i], served = c.served_by_day_service[i], r = c.revenue_by_day_service[i];
        char n[32];
        std::snprintf(n, sizeof n, "%.0f", served);
        rows.push_back({std::to_string(d), c.daily_services[v], money(cost), n, money(r), money(r - cost),
                        served > 0 ? money(1000 * cost / served) : "-"});
      }
    return rows;
  }
  if (o.by == "day") {
    // The daily margin: each simulated day's bill (its ledger windows) against what its served
    // requests earned (services' revenue_per_request).
    if (o.internal) throw InputError("--by day: the ledger keeps internal prices as totals only; use --view net");
    constexpr std::int64_t kDay = 86'400'000'000;
    if (c.window_us <= 0 || kDay % c.window_us != 0 || c.start_us % c.window_us != 0)
      throw InputError("--by day: the run's cost windows (cost.window_s) must divide a day and start on one");
    std::vector<double> day_bill;
    for (std::size_t w = 0; w < c.windows; ++w) {
      const auto d = static_cast<std::size_t>((c.start_us + static_cast<std::int64_t>(w) * c.window_us) / kDay);
      if (day_bill.size() <= d) day_bill.resize(d + 1, 0.0);
      for (std::size_t k = 0; k < C; ++k) day_bill[d] += c.bill[w * C + k];
    }
    const bool revenue = !c.served_by_day.empty();
    const std::size_t first = static_cast<std::size_t>(c.start_us / kDay);
    const std::size_t days = std::max(day_bill.size(), c.served_by_day.size());
    rows.push_back({"day", "bill_" + cur, "served", "revenue_" + cur, "margin_" + cur, "per_1000_served_" + cur});
    for (std::size_t d = first; d < days; ++d) {
      const double b = d < day_bill.size() ? day_bill[d] : 0.0;
      const double served = d < c.served_by_day.size() ? c.served_by_day[d] : 0.0;
      const double r = d < c.revenue_by_day.size() ? c.revenue_by_day[d] : 0.0;
      char n[32];
      std::snprintf(n, sizeof n, "%.0f", served);
      rows.push_back({std::to_string(d), money(b), revenue ? n : "-", revenue ? money(r) : "-",
                      revenue ? money(r - b) : "-", revenue && served > 0 ? money(1000 * b / served) : "-"});
    }
    return rows;
  }
  if (o.by == "gpu-pool") {
    // The GPU pool ranking: cloud, region, card and billing type, by what a useful (allocated)
    // GPU-hour cost; pools whose GPUs were never allocated come last.
    std::vector<std::string> order;
    std::map<std::string, std::array<double, 3>> agg;  // bill, GPU-hours held, allocated
    for (std::size_t k = 0; k < C; ++k) {
      const CostCenterInfo& x = c.centers[k];
      if (x.gpu_model == "none") continue;
      const std::string key = x.provider + "\t" + x.region + "\t" + x.gpu_model + "\t" + x.pool_kind;
      auto [it, fresh] = agg.try_emplace(key, std::array<double, 3>{0, 0, 0});
      if (fresh) order.push_back(key);
      it->second[0] += t.bill[k], it->second[1] += x.gpu_hours_held, it->second[2] += x.gpu_hours_allocated;
    }
    auto per_useful = [&](const std::string& key) {
      const auto& v = agg[key];
      return v[2] > 0 ? v[0] / v[2] : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const std::string& a, const std::string& b) { return per_useful(a) < per_useful(b); });
    rows.push_back({"rank", "provider", "region", "gpu_model", "billing", "gpu_hours_held", "gpu_hours_allocated",
                    "allocated_share", "bill_" + cur, "per_held_gpu_hour_" + cur, "per_useful_gpu_hour_" + cur});
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto& v = agg[order[i]];
      std::vector<std::string> row{std::to_string(i + 1)};
      std::size_t from = 0;
      for (int f = 0; f < 4; ++f) {
        const std::size_t tab = order[i].find('\t', from);
        row.push_back(order[i].substr(from, tab == std::string::npos ? std::string::npos : tab - from));
        from = tab + 1;
      }
      char held[32], allocated[32];
      std::snprintf(held, sizeof held, "%.1f", v[1]);
      std::snprintf(allocated, sizeof allocated, "%.1f", v[2]);
      row.insert(row.end(), {held, allocated, percent(v[2], v[1]), money(v[0]), v[1] > 0 ? money(v[0] / v[1]) : "-",
                             v[2] > 0 ? money(v[0] / v[2]) : "-"});
      rows.push_back(row);
    }
    return rows;
  }
  if (o.by != "pool" && o.by != "gpu-model" && o.by != "provider" && o.by != "center")
    throw InputError("--by: expected team, department, pool, gpu-model, gpu-pool, provider, center, window, day, "
                     "provider-day, service-day, month or tco, got '" + o.by + "'");
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> agg;  // bill, jobs, idle, rounding, boot, nodes
  for (std::size_t k = 0; k < C; ++k) {
    const std::string key = center_key(c.centers[k], o.by);
    auto [it, fresh] = agg.try_emplace(key, std::vector<double>(6, 0.0));
    if (fresh) order.push_back(key);
    auto& v = it->second;
    v[0] += t.bill[k], v[1] += t.jobs[k], v[2] += t.idle[k];
    if (!o.internal) v[3] += c.rounding[k], v[4] += c.boot[k];
    v[5] += static_cast<double>(c.centers[k].nodes);
  }
  const std::string name = o.by == "gpu-model" ? "gpu_model" : o.by;
  rows.push_back({name, "nodes", "bill_" + cur, "jobs_" + cur, "idle_" + cur, "idle_share", "rounding_" + cur,
                  "boot_" + cur, "share_of_bill"});
  for (const auto& key : order) {
    const auto& v = agg[key];
    rows.push_back({key, std::to_string(static_cast<long long>(v[5])), money(v[0]), money(v[1]), money(v[2]),
                    percent(v[2], v[0]), o.internal ? "-" : money(v[3]), o.internal ? "-" : money(v[4]),
                    percent(v[0], bill)});
  }
  rows.push_back({"(total)", "-", money(bill), money(bill - idle), money(idle), percent(idle, bill), "-", "-", "100.0%"});
  return rows;
}

}  // namespace capsim
