#pragma once
// Regression checks of policy changes, for CI: a baseline is a JSON file of
// runs (scenario, policy spec, seed) with their expected summaries and a
// tolerance per key; `capsim baseline` records one from the current build,
// `capsim regress` reruns every run and compares key by key. Tolerances:
//   "exact"                         the same value (the default for every key)
//   "abs:X" / "rel:X"               |after - before| <= X  /  <= X x max(|before|, tiny)
//   "higher-is-worse[:abs:X|:rel:X]" only an increase beyond the allowance fails
//   "lower-is-worse[:abs:X|:rel:X]"  only a decrease beyond the allowance fails
//   "ignore"                        never compared
// "*" sets the default; a key missing from a new summary fails, a new key is reported.
#include <map>
#include <string>
#include <vector>

namespace capsim {

struct Tolerance {
  enum Kind { kExact, kAbsolute, kRelative, kIgnore } kind = kExact;
  double amount = 0;
  int worse = 0;  // +1: higher is worse, -1: lower is worse, 0: any change beyond the amount fails
};
// InputError naming `field` for a spec that does not parse or a negative amount.
Tolerance parse_tolerance(const std::string& text, const std::string& field);

struct BaselineRun {
  std::string scenario;                 // as written in the baseline (relative to it)
  std::string policy;                   // a policy spec; empty: the scenario's
  std::uint64_t seed = 0;
  std::vector<std::string> keys;        // expected summary, in order
  std::vector<std::string> values;      // JSON text
};

struct Baseline {
  std::map<std::string, std::string> tolerances;  // key (or "*") -> spec text
  std::vector<BaselineRun> runs;
};

Baseline load_baseline(const std::string& path);
// Runs every scenario x policy x seed (empty policies/seeds: the scenario's) and records their summaries.
Baseline record_baseline(const std::vector<std::string>& scenarios, const std::string& base_dir,
                         const std::vector<std::string>& policies, const std::vector<std::uint64_t>& seeds,
                         const std::map<std::string, std::string>& tolerances, int threads);
void write_baseline(const std::string& path, const Baseline& b);

struct RegressFinding {
  std::size_t run = 0;                  // index into Baseline::runs
  std::string key;
  std::string before, after;            // JSON text ("" when absent)
  double delta = 0;                     // after - before (NaN when not numbers)
  std::string verdict;                  // "regression", "improved", "within tolerance", "new key", "missing key"
};

struct RegressReport {
  std::vector<RegressFinding> findings;  // every key whose value changed, and missing or new keys
  std::vector<double> wall_s;            // per run
  bool failed() const;
};

// base_dir: the baseline file's directory (its scenario paths are relative to it).
RegressReport run_regress(const Baseline& b, const std::string& base_dir, int threads);
std::string regress_table(const Baseline& b, const RegressReport& r);
std::string regress_junit(const Baseline& b, const RegressReport& r);
std::string regress_markdown(const Baseline& b, const RegressReport& r);
std::string run_label(const BaselineRun& run);

}  // namespace capsim
