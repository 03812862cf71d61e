#pragma once
// Usage below request: what running jobs use of what they hold. A batch job
// uses its request; a service replica uses a share of it that its service
// sets from its load (sim/components/services.h), the same share for every
// replica of one service. Totals for the fleet, per team and per class
// (the job's QoS or priority-class label) are integrated exactly between
// changes: a change of a service's share is O(1), never O(replicas). Per
// job, the integrals come from the service's cumulative share (the integral
// of its share over time) read at the job's start and stop.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/base/time.h"
#include "sim/model/job_table.h"

namespace capsim {

// Fractions of the request in use, each in [0, 1]; CPU above 1 for a bursting replica (Burstable QoS).
struct UsageShare {
  double cpu = 1, memory = 1, gpu = 1, gpu_memory = 1;
};

enum UsageResource { kUsedCpu, kUsedMemory, kUsedGpu, kUsedGpuMemory, kUsageResources };
// cpu milli, memory MiB, GPU milli (compute), GPU memory (milli of a device's memory)
using ResourceAmounts = std::array<double, kUsageResources>;

// Allocated and used over time: now, the integral (amount x us) and the peak of the used
// (over values that held for some time).
struct UsageTotals {
  ResourceAmounts allocated{}, used{}, allocated_integral{}, used_integral{}, used_peak{};
  SimTime last_us = 0;
  void advance(SimTime now);
};

class UsageTable {
 public:
  void init(const JobTable& jobs, SimTime start);
  // A job's workers start or stop running (every worker holds the job's request).
  void job_started(SimTime now, std::uint32_t j, std::int32_t workers);
  void job_stopped(SimTime now, std::uint32_t j, std::int32_t workers);
  // Measurement starts over for peaks (the warm-up cut): integrals stay cumulative, so the
  // window's means are differences of integrals taken at its ends.
  void start_window(SimTime now);
  // Per-job shares of the CPU (BE CPU suppression), GPU compute (a GPU guest slowed by the online
  // instance on its device) or GPU memory (a guest's footprint) request that batch jobs use: allocated
  // on first use.
  enum JobShare { kCpuShare, kGpuShare, kGpuMemoryShare, kJobShares };
  void enable_job_shares(JobShare which);
  void enable_job_cpu_shares() { enable_job_shares(kCpuShare); }
  // The running (non-service) job uses `share` of its CPU (GPU) request from now, until it stops or the
  // share changes again; 1 when it starts. A CPU share above 1 is a Burstable job's burst.
  void set_job_share(SimTime now, std::uint32_t j, JobShare which, double share);
  void set_job_cpu_share(SimTime now, std::uint32_t j, double share) { set_job_share(now, j, kCpuShare, share); }
  double job_share(std::uint32_t j, JobShare which) const {
    return job_share_[which].empty() ? 1.0 : job_share_[which][j];
  }
  double job_cpu_share(std::uint32_t j) const { return job_share(j, kCpuShare); }
  // Every running and later replica of service s uses `share` of its request from now.
  void set_service_share(SimTime now, std::size_t s, const UsageShare& share);

  const UsageShare& service_share(std::size_t s) const { return service_[s].share; }
  // What one worker of job j uses now.
  ResourceAmounts used_by(std::uint32_t j) const;
  static ResourceAmounts requested(const JobRequest& r);

  // Totals, integrated to `now`.
  UsageTotals fleet(SimTime now) const { return at(fleet_, now); }
  UsageTotals team(std::size_t t, SimTime now) const { return at(team_[t], now); }
  UsageTotals job_class(std::size_t q, SimTime now) const { return at(class_[q], now); }
  std::size_t teams() const { return team_.size(); }
  std::size_t classes() const { return class_.size(); }
  // Per job: allocated and used integrals (amount x us, all workers), its open interval included.
  ResourceAmounts job_allocated_integral(std::uint32_t j, SimTime now) const;
  ResourceAmounts job_used_integral(std::uint32_t j, SimTime now) const;

 private:
  struct Service {
    UsageShare share;
    ResourceAmounts running_request{};    // requests of its running workers
    ResourceAmounts cumulative_share{};   // integral of the share over time (share x us)
    SimTime last_us = 0;
    std::uint16_t team = 0;  // every replica of a service has its team and class
    std::uint8_t job_class = 0;
    void advance(SimTime now);
  };
  static UsageTotals at(const UsageTotals& t, SimTime now);
  void add(std::size_t team, std::size_t job_class, const ResourceAmounts& allocated, const ResourceAmounts& used, SimTime now);

  const JobTable* jobs_ = nullptr;
  UsageTotals fleet_;
  std::vector<UsageTotals> team_, class_;
  std::vector<Service> service_;
  // Per job: worker-us run in closed intervals, and the one open now.
  std::vector<SimTime> run_us_, open_since_us_;
  std::vector<std::int32_t> open_workers_;
  // Per replica row (service jobs only, by slot index): used share-us of closed intervals and the
  // service's cumulative share at the open interval's start.
  std::vector<std::uint32_t> slot_;  // UINT32_MAX for a batch job
  std::vector<ResourceAmounts> slot_used_, slot_cumulative_at_start_;
  // Per batch job (when enabled), per share kind: the share now, since when, and the worker-us of
  // request it did not get (integral of (1 - share)) in closed intervals.
  std::array<std::vector<double>, kJobShares> job_share_, job_lost_us_;
  std::array<std::vector<SimTime>, kJobShares> job_share_since_;
  void close_share(SimTime now, std::uint32_t j, JobShare which);
  static constexpr UsageResource kShareResource[kJobShares] = {kUsedCpu, kUsedGpu, kUsedGpuMemory};
};

}  // namespace capsim
