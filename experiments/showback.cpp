#include "experiments/showback.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "experiments/cost_report.h"
#include "sim/base/check.h"

namespace capsim {
namespace {

// Splits each row's exact amount into cents so that the column adds up to `target` cents: floors,
// then the missing cents to the largest remainders (or the extra ones from the smallest).
std::vector<std::int64_t> to_cents(const std::vector<double>& amounts, std::int64_t target) {
  std::vector<std::int64_t> out(amounts.size());
  std::vector<std::pair<double, std::size_t>> remainder;
  std::int64_t sum = 0;
  for (std::size_t r = 0; r < amounts.size(); ++r) {
    const double c = amounts[r] * 100;
    out[r] = static_cast<std::int64_t>(std::floor(c));
    sum += out[r];
    remainder.push_back({c - std::floor(c), r});
  }
  if (amounts.empty()) return out;
  // Largest remainder first; ties to the lower row, so the answer is the same on every machine.
  std::sort(remainder.begin(), remainder.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t i = 0; sum < target; ++i, ++sum) ++out[remainder[i % remainder.size()].second];
  for (std::size_t i = 0; sum > target; ++i, --sum) --out[remainder[remainder.size() - 1 - i % remainder.size()].second];
  return out;
}

std::string unit_path(const CostResult& c, std::int32_t u) {
  std::string path = c.units[static_cast<std::size_t>(u)];
  for (std::int32_t p = c.unit_parent[static_cast<std::size_t>(u)]; p >= 0; p = c.unit_parent[static_cast<std::size_t>(p)])
    path = c.units[static_cast<std::size_t>(p)] + "/" + path;
  return path;
}

}  // namespace

ShowbackRule showback_rule_from(const std::string& text) {
  ShowbackRule rule;
  if (text == "proportional") return rule;
  if (text == "even") {
    rule.kind = ShowbackRule::kEven;
    return rule;
  }
  if (text.rfind("fixed:", 0) != 0)
    throw InputError("--shared: expected proportional, even or fixed:FILE, got '" + text + "'");
  rule.kind = ShowbackRule::kFixed;
  const std::string path = text.substr(6);
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the fixed shares (a CSV of unit,share)");
  std::string line;
  double total = 0;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || (n == 1 && line.rfind("unit,", 0) == 0)) continue;
    const auto comma = line.find(',');
    if (comma == std::string::npos)
      throw InputError(path + ":" + std::to_string(n) + ": expected unit,share, got '" + line + "'");
    const std::string unit = line.substr(0, comma), value = line.substr(comma + 1);
    char* end = nullptr;
    const double share = std::strtod(value.c_str(), &end);
    if (unit.empty() || end == value.c_str() || *end != '\0' || !(share >= 0) || !std::isfinite(share))
      throw InputError(path + ":" + std::to_string(n) + ": field share: a number >= 0, got '" + value + "'");
    for (const auto& [u, s] : rule.fixed)
      if (u == unit) throw InputError(path + ":" + std::to_string(n) + ": field unit: '" + unit + "' is given twice");
    rule.fixed.push_back({unit, share});
    total += share;
  }
  if (total > 1 + 1e-9)
    throw InputError(path + ": field share: the shares add up to " + std::to_string(total) + ", more than 1");
  return rule;
}

Showback showback(const CostResult& c, const ShowbackRule& rule, bool internal, std::size_t first_window,
                  std::size_t last_window) {
  if (c.units.empty())
    throw InputError("--by department: the run has no business units (give its scenario cost.units)");
  const std::size_t C = c.centers.size(), T = c.teams.size();
  const CostTotals t = cost_totals(c, internal, first_window, last_window);
  // Rows: the direct units of the teams that are not shared, in unit order; then unassigned teams.
  std::vector<std::int32_t> row_of_team(T, -1);
  std::vector<std::string> names;
  std::vector<std::int32_t> unit_row(c.units.size(), -1);
  for (std::size_t u = 0; u < c.units.size(); ++u)
    for (std::size_t m = 0; m < T; ++m)
      if (!c.team_shared[m] && c.team_unit[m] == static_cast<std::int32_t>(u) && unit_row[u] < 0) {
        unit_row[u] = static_cast<std::int32_t>(names.size());
        names.push_back(unit_path(c, static_cast<std::int32_t>(u)));
      }
  std::int32_t unassigned = -1;
  for (std::size_t m = 0; m < T; ++m) {
    if (c.team_shared[m]) continue;
    if (c.team_unit[m] >= 0) {
      row_of_team[m] = unit_row[static_cast<std::size_t>(c.team_unit[m])];
    } else {
      if (unassigned < 0) {
        unassigned = static_cast<std::int32_t>(names.size());
        names.push_back("(unassigned)");
      }
      row_of_team[m] = unassigned;
    }
  }
  const std::size_t R = names.size();
  // Fixed shares by row; the rest stays with the platform.
  std::vector<double> fixed(R, 0.0);
  double fixed_total = 0;
  for (const auto& [unit, share] : rule.fixed) {
    std::size_t r = R;
    for (std::size_t k = 0; k < R; ++k)
      if (names[k] == unit ||
          (names[k].size() > unit.size() && names[k].compare(names[k].size() - unit.size() - 1, std::string::npos, "/" + unit) == 0))
        r = k;
    if (r == R) throw InputError("--shared fixed: no business unit with teams named '" + unit + "' in the run");
    fixed[r] = share;
    fixed_total += share;
  }
  const bool platform_row = rule.kind == ShowbackRule::kFixed ? fixed_total < 1 - 1e-12 : R == 0;

  std::vector<double> direct(R, 0.0), platform(R + 1, 0.0), overhead(R + 1, 0.0), idle(R + 1, 0.0);  // [R]: the platform's
  std::vector<std::vector<double>> direct_by_center(C, std::vector<double>(R, 0.0));
  double bill = 0, shared_total = 0;
  for (std::size_t k = 0; k < C; ++k) {
    bill += t.bill[k];
    for (std::size_t m = 0; m < T; ++m)
      if (row_of_team[m] >= 0) direct_by_center[k][static_cast<std::size_t>(row_of_team[m])] += t.charge[k * T + m];
    for (std::size_t r = 0; r < R; ++r) direct[r] += direct_by_center[k][r];
  }
  const double direct_total = std::accumulate(direct.begin(), direct.end(), 0.0);
  for (std::size_t k = 0; k < C; ++k) {
    double shared_platform = 0;
    for (std::size_t m = 0; m < T; ++m)
      if (c.team_shared[m]) shared_platform += t.charge[k * T + m];
    shared_total += shared_platform + t.idle[k];
    // Weights of the rows for this center's shared costs; what they do not take stays with the platform.
    std::vector<double> w(R, 0.0);
    double rest = 0;
    if (rule.kind == ShowbackRule::kFixed) {
      w = fixed;
      rest = 1 - fixed_total;
    } else if (R == 0) {
      rest = 1;
    } else {
      const double here = std::accumulate(direct_by_center[k].begin(), direct_by_center[k].end(), 0.0);
      for (std::size_t r = 0; r < R; ++r)
        w[r] = rule.kind == ShowbackRule::kEven ? 1.0 / static_cast<double>(R)
               : here > 0                       ? direct_by_center[k][r] / here
               : direct_total > 0               ? direct[r] / direct_total
                                                : 1.0 / static_cast<double>(R);
    }
    // The VMs' overhead is part of the center's idle: shown apart, shared alike.
    const double vm = t.overhead[k], rest_idle = t.idle[k] - vm;
    for (std::size_t r = 0; r < R; ++r) {
      platform[r] += shared_platform * w[r];
      overhead[r] += vm * w[r];
      idle[r] += rest_idle * w[r];
    }
    platform[R] += shared_platform * rest;
    overhead[R] += vm * rest;
    idle[R] += rest_idle * rest;
  }
  if (platform_row) names.push_back("(platform)");
  const std::size_t rows = names.size();
  direct.resize(rows, 0.0);
  platform.resize(rows);
  overhead.resize(rows);
  idle.resize(rows);
  // Column targets in cents: the bill's cents, less the rounded direct and platform columns for idle.
  Showback out;
  out.bill_cents = std::llround(bill * 100);
  const std::int64_t direct_cents = std::llround(direct_total * 100);
  const std::int64_t platform_cents = std::llround(std::accumulate(platform.begin(), platform.end(), 0.0) * 100);
  const std::int64_t overhead_cents = std::llround(std::accumulate(overhead.begin(), overhead.end(), 0.0) * 100);
  const auto d = to_cents(direct, direct_cents);
  const auto p = to_cents(platform, platform_cents);
  const auto v = to_cents(overhead, overhead_cents);
  const auto i = to_cents(idle, out.bill_cents - direct_cents - platform_cents - overhead_cents);
  for (std::size_t r = 0; r < rows; ++r) out.rows.push_back({names[r], d[r], p[r], v[r], i[r]});
  out.platform_held_before = bill != 0 ? shared_total / bill : 0.0;
  out.platform_held_after = platform_row && bill != 0 ? static_cast<double>(out.rows.back().total_cents()) / 100 / bill : 0.0;
  return out;
}

}  // namespace capsim
