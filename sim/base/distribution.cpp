#include "sim/base/distribution.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

double draw(const DistributionSpec& d, RandomStream& rng) {
  switch (d.kind) {
    case DistributionSpec::Kind::kConstant: return d.a;
    case DistributionSpec::Kind::kExponential: return rng.exponential(d.a);
    case DistributionSpec::Kind::kLogNormal: return rng.lognormal(d.a, d.b);
    case DistributionSpec::Kind::kEmpirical: return d.values[rng.uniform_index(d.values.size())];
  }
  return 0;
}

void check_distribution(const DistributionSpec& d, const std::string& field) {
  auto bad = [&](const std::string& what) { throw InputError(field + what); };
  using K = DistributionSpec::Kind;
  if (d.kind == K::kConstant && !(d.a >= 0 && std::isfinite(d.a))) bad(".constant must be finite and not negative");
  if (d.kind == K::kExponential && !(d.a > 0 && std::isfinite(d.a))) bad(".exponential.mean must be positive");
  if (d.kind == K::kLogNormal && (!(d.a > 0 && std::isfinite(d.a)) || !(d.b >= 0 && d.b < 20)))
    bad(".lognormal needs median > 0 and sigma >= 0");
  if (d.kind == K::kEmpirical) {
    if (d.values.empty()) bad(".empirical needs at least one value");
    for (double v : d.values)
      if (!(v >= 0) || !std::isfinite(v)) bad(".empirical values must be finite and not negative");
  }
}

double mean_of(const DistributionSpec& d) {
  switch (d.kind) {
    case DistributionSpec::Kind::kConstant: return d.a;
    case DistributionSpec::Kind::kExponential: return d.a;
    case DistributionSpec::Kind::kLogNormal: return d.a * std::exp(d.b * d.b / 2);
    case DistributionSpec::Kind::kEmpirical: {
      double s = 0;
      for (double v : d.values) s += v;
      return d.values.empty() ? 0 : s / static_cast<double>(d.values.size());
    }
  }
  return 0;
}

}  // namespace capsim
