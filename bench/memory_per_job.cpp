// Resident memory per job: generates N synthetic jobs on a 200-node fleet,
// runs them with first-fit and the full recorder (time series and job
// outcome table), and reports peak RSS growth per job.
// Usage: memory_per_job [N]

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "experiments/runner.h"
#include "workloads/synthetic.h"

#include "peak_rss.h"

using namespace capsim;

int main(int argc, char** argv) {
  const std::uint32_t n = argc > 1 ? static_cast<std::uint32_t>(std::atol(argv[1])) : 1'000'000;
  const double base = peak_rss_bytes();
  RunInputs in;
  for (int i = 0; i < 200; ++i) {
    NodeSpec s;
    s.name = "n" + std::to_string(i);
    s.cpu_milli = 96000;
    s.memory_mib = 393216;
    s.gpu_count = 8;
    s.gpu_model = *find_gpu_model("A100");
    in.fleet.add_node(s);
  }
  SyntheticSpec spec;
  spec.count = n;
  spec.poisson_rate_per_hour = 3000;
  spec.duration_s = {DistributionSpec::Kind::kExponential, 3600, 0, {}};
  spec.shapes = {{1, {4000, 16384, 1, 500, 0}}, {1, {8000, 32768, 1, 1000, 0}}, {1, {2000, 4096, 0, 0, 0}}};
  const auto t0 = std::chrono::steady_clock::now();
  in.jobs = generate_jobs(spec, 1);
  const double after_input = peak_rss_bytes();
  RunSetup setup{&in, SimConfig{}, ""};
  const TimedResult r = run_one(setup, {"first-fit", {}, 1});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double peak = peak_rss_bytes();
  std::printf("jobs %u, events %.0f, wall %.2f s (generate + simulate + record)\n", n,
              summary_number(r.result.summary, "events_processed"), wall);
  std::printf("job table (input, in memory):   %.0f bytes/job\n", (after_input - base) / n);
  std::printf("simulation + results beyond it: %.0f bytes/job\n", (peak - after_input) / n);
  std::printf("total peak RSS growth:          %.0f bytes/job\n", (peak - base) / n);
  return 0;
}
