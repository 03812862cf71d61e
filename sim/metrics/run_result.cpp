#include "sim/metrics/run_result.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

const SummaryValue* find_summary(const Summary& s, const std::string& key) {
  for (const auto& [k, v] : s)
    if (k == key) return &v;
  return nullptr;
}

double summary_number(const Summary& s, const std::string& key) {
  const SummaryValue* v = find_summary(s, key);
  if (!v) return std::nan("");
  if (auto i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  if (auto d = std::get_if<double>(v)) return *d;
  return std::nan("");
}

const DoubleColumn& real_column(const JobOutcomes& jobs, const std::string& name) {
  for (const DoubleColumn& c : jobs.real_columns)
    if (c.name == name) return c;
  throw InvariantError("no per-job column " + name);
}

}  // namespace capsim
