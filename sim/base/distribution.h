#pragma once
// A distribution of a non-negative quantity drawn from a named random stream: job durations,
// replica startup phases, node boots. check_distribution names the field of a bad one.
#include <string>
#include <vector>

#include "sim/base/random.h"

namespace capsim {

struct DistributionSpec {
  enum class Kind { kConstant, kExponential, kLogNormal, kEmpirical };
  Kind kind = Kind::kConstant;
  double a = 0;                 // constant value, exponential mean, lognormal median
  double b = 0;                 // lognormal sigma
  std::vector<double> values;   // empirical sample, drawn uniformly
};
double draw(const DistributionSpec& d, RandomStream& rng);
// Throws InputError "FIELD.<kind>: ..." for parameters that cannot give finite non-negative values.
void check_distribution(const DistributionSpec& d, const std::string& field);
// The mean, for reports and checks.
double mean_of(const DistributionSpec& d);

}  // namespace capsim
