#pragma once
// GPU co-location: online and offline instances on one device, as a large short-video company runs
// it (online and offline containers share a card; the online one gets compute at once and the
// offline one is suspended; when free device memory falls below a safety threshold the offline
// instance is evicted at once, rescheduled on another host and kept from restarting in place).
//
// Guests: Mid or Batch pods that ask for GPUs (tier.priority_class batch or mid, num_gpu > 0). Each
// takes one guest slot on each of its devices (ClusterState::fits_reclaimed), whatever native pods
// hold there, and its CPU and memory from the node's reclaimed offer like any Batch pod.
//
// Per device d, from the native pods on it and the service model's usage shares:
//   online busy  b = sum over online replicas of (GPU compute share x per-device request / 1000)
//   native offline use o = sum over native non-replica pods of per-device request / 1000
//   leftover L = max(0, 1 - b - o); guests' demand D = sum of their per-device requests / 1000
//   guest rate f = min(1, L / D) (compute preemption: online first, guests share what is left)
//   a guest progresses at the smallest f over its devices (and no faster than its CPU allows).
//   memory used = sum over replicas of (GPU memory share x per-device request / 1000)
//                 + native offline per-device requests / 1000 + guests x guest_memory_percent
//   (native offline work that lands on a guest's device, as whole-machine training at night does,
//   therefore evicts the guest: the device is no longer shareable)
// Memory eviction: when free device memory (1 - used) falls below memory_safety_percent, guests are
// evicted (lowest priority first, then the latest started) until it is back above; an evicted guest
// waits back_off_us out of the queue and its node takes no guest for back_off_us.
// Offer: a device takes min(guests_per_gpu, k) guests, k the most guests whose memory leaves the
// safety margin over the replicas' memory now; none while it holds native offline work or its node
// is blocked.
//
// Accounting: every second of every device is online (b), offline (o plus what guests use) or idle,
// exactly once (summary keys gpu_online_hours, gpu_offline_hours, gpu_guest_hours, gpu_idle_hours).
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/core/component.h"
#include "sim/core/event.h"
#include "sim/model/colocation_config.h"

namespace capsim {

class GpuSharing final : public Component {
 public:
  static constexpr auto kUnblock = static_cast<EventKind>(51);  // job field: node; its guest block ended

  explicit GpuSharing(const GpuSharingConfig& config) : config_(config) {}
  static bool needed(const ColocationConfig& c) { return c.enabled && c.gpu.enabled; }

  const char* name() const override { return "gpu-sharing"; }
  void attach(Simulation& sim) override;
  void on_run_start(Simulation& sim, SimTime start) override;
  bool wants_job_signals() const override { return true; }
  void on_job_started(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) override;
  void on_service_usage(Simulation& sim, SimTime now, std::size_t service) override;
  void report(const Simulation& sim, RunResult& result) const override;

  // Per device (node, GPU), after its last change (tests).
  double online_busy(const Simulation& sim, std::size_t node, int gpu) const;
  double guest_rate(const Simulation& sim, std::size_t node, int gpu) const;
  double memory_used(const Simulation& sim, std::size_t node, int gpu) const;
  std::int64_t memory_evictions() const { return evictions_; }
  // Device-hours so far: online, offline (native and guests), guests alone, idle.
  struct Hours {
    double online = 0, offline = 0, guest = 0, idle = 0;
  };
  Hours hours(const Simulation& sim, SimTime now) const;

 private:
  void on_unblock(Simulation& sim, const Event& e);
  void refresh(Simulation& sim, SimTime now, const std::vector<std::size_t>& devices);
  void refresh_device(Simulation& sim, SimTime now, std::size_t d, std::vector<std::uint32_t>& evict);
  void offer(Simulation& sim, SimTime now, std::size_t d);
  void apply_guest_rate(Simulation& sim, SimTime now, std::uint32_t job);
  void integrate(SimTime now);
  std::size_t device(const Simulation& sim, std::size_t node, int gpu) const;
  bool is_guest(const Simulation& sim, std::uint32_t job) const;

  GpuSharingConfig config_;
  // Per flat device.
  std::vector<std::vector<std::uint32_t>> holders_;  // native pods on it
  std::vector<std::vector<std::uint32_t>> guests_;
  std::vector<double> busy_, offline_native_, guest_used_, rate_, memory_;
  std::vector<std::int32_t> device_node_;
  // Per node: guests may not start before this (after a memory eviction).
  std::vector<SimTime> blocked_until_;
  // Per service: its replica rows with GPUs.
  std::vector<std::vector<std::uint32_t>> replicas_;
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> job_devices_;  // running GPU pods' devices
  std::vector<double> job_rate_;  // per guest: the compute share it is counted at on its devices
  // Fleet sums now, and their integrals (device x us).
  double busy_sum_ = 0, offline_native_sum_ = 0, guest_used_sum_ = 0;
  double busy_integral_ = 0, offline_native_integral_ = 0, guest_integral_ = 0;
  SimTime last_us_ = 0, start_us_ = 0;
  std::int64_t evictions_ = 0, native_evictions_ = 0;
  std::vector<std::uint32_t> evicted_by_native_;  // this round's victims whose device native work took
  bool refreshing_ = false;
  std::vector<std::size_t> deferred_;
};

}  // namespace capsim
