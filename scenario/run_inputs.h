#pragma once
// Turns a scenario's fleet and workload sources into the two tables a run
// needs: the Fleet and one JobTable sorted by submit time. Dispatches on the
// source kind and trace format; checks that every job fits on some node when
// the cluster is empty (an impossible request is an input error naming the
// job's file and line).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario.pb.h"
#include "sim/base/distribution.h"
#include "sim/io/csv_reader.h"
#include "sim/metrics/cost_ledger.h"
#include "sim/model/pricing.h"
#include "sim/model/fleet.h"
#include "sim/model/job_table.h"

namespace capsim {

struct RunInputs {
  Fleet fleet;
  JobTable jobs;
  std::int64_t rows_skipped = 0;    // with skip_bad_rows
  std::int64_t jobs_impossible = 0; // skipped because no node could ever hold them
  std::string first_skip_reason;
  std::vector<std::string> warnings;  // harmless oddities, named (printed by the CLI)
  // Priced runs (scenario cost section): every node's rates, and the ledger's options.
  std::optional<FleetPricing> pricing;
  CostOptions cost;
  // Elastic pools: the capacity policy that grows and shrinks them.
  std::string capacity_policy = "queue-driven";
  std::map<std::string, std::string> capacity_params;
};

// What the inputs are for: a replay in time needs arrival times and jobs that
// fit the fleet; the inflation experiment samples request shapes only, and a
// shape no node can hold simply fails when drawn, as in the paper.
enum class InputUse { kReplay, kInflation };

// jobs, when given, replace the scenario's workloads (a job table built
// elsewhere, such as Python's scenario.with_jobs); everything else is the scenario's.
RunInputs build_run_inputs(const config::Scenario& scenario, const std::string& base_dir,
                           InputUse use = InputUse::kReplay, const JobTable* jobs = nullptr);

// The scenario's fleet alone (its node sources, in order).
Fleet build_fleet(const config::Scenario& scenario, const std::string& base_dir, BadRowPolicy& bad);

// Fails (or, when bad.skip, drops and counts) jobs that fit no empty node,
// and gangs whose workers the empty fleet cannot hold all at once.
void check_jobs_fit_fleet(RunInputs& inputs, bool skip);

// A horizon before the first arrival is an input error (the run would end before it starts).
void check_horizon(const config::Scenario& scenario, const JobTable& jobs);

// A capacity series CSV (columns t_s,nodes; times increasing) appended to spot's capacity points;
// InputError names the file, line and column.
void read_capacity_csv(const std::string& path, SpotSpec& spot);
// The run starts `offset` into the series; field names the scenario field for errors.
void start_capacity_at(SpotSpec& spot, SimTime offset, const std::string& field);

// The seed synthetic workloads are drawn from: workload_seed when set, else the scenario seed.
std::uint64_t workload_seed_of(const config::Scenario& scenario);
// Whether the jobs change with the scenario seed (synthetic sources and no workload_seed).
bool workload_depends_on_seed(const config::Scenario& scenario);

// A scenario distribution (an empirical one may read its values from an openb pod list's run times).
DistributionSpec to_distribution(const config::Distribution& d, const std::string& base_dir, BadRowPolicy& bad);

}  // namespace capsim
