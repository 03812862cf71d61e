#include "sim/components/gpu_sharing.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim {
namespace {

double per_device_share(const JobTable& jobs, std::uint32_t j) {
  return static_cast<double>(jobs.request(j).gpu_milli_per_device()) / kMilliPerGpu;
}

}  // namespace

std::size_t GpuSharing::device(const Simulation& sim, std::size_t node, int gpu) const {
  return static_cast<std::size_t>(sim.fleet().gpu_offset[node] + gpu);
}

bool GpuSharing::is_guest(const Simulation& sim, std::uint32_t job) const {
  const JobTable& jobs = sim.jobs();
  return jobs.num_gpu[job] > 0 && jobs.request(job).kind != ResourceKind::kNative;
}

void GpuSharing::attach(Simulation& sim) {
  sim.on_event<GpuSharing, &GpuSharing::on_unblock>(kUnblock, this);
  sim.track_progress();
  const JobTable& jobs = sim.jobs();
  replicas_.assign(jobs.services.size(), {});
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (jobs.service[j] >= 0 && jobs.num_gpu[j] > 0)
      replicas_[static_cast<std::size_t>(jobs.service[j])].push_back(static_cast<std::uint32_t>(j));
}

void GpuSharing::on_run_start(Simulation& sim, SimTime start) {
  const Fleet& f = sim.fleet();
  const auto devices = static_cast<std::size_t>(f.total_gpus());
  holders_.assign(devices, {});
  guests_.assign(devices, {});
  busy_.assign(devices, 0);
  offline_native_.assign(devices, 0);
  guest_used_.assign(devices, 0);
  rate_.assign(devices, 1);
  memory_.assign(devices, 0);
  device_node_.assign(devices, 0);
  blocked_until_.assign(f.size(), 0);
  job_rate_.assign(sim.jobs().size(), 1.0);
  for (std::size_t n = 0; n < f.size(); ++n)
    for (int g = 0; g < f.gpu_count[n]; ++g) device_node_[device(sim, n, g)] = static_cast<std::int32_t>(n);
  sim.mutable_usage().enable_job_shares(UsageTable::kGpuShare);
  sim.mutable_usage().enable_job_shares(UsageTable::kGpuMemoryShare);
  start_us_ = last_us_ = start;
  for (std::size_t d = 0; d < devices; ++d) offer(sim, start, d);
}

void GpuSharing::integrate(SimTime now) {
  const auto dt = static_cast<double>(now - last_us_);
  if (dt <= 0) return;
  busy_integral_ += busy_sum_ * dt;
  offline_native_integral_ += offline_native_sum_ * dt;
  guest_integral_ += guest_used_sum_ * dt;
  last_us_ = now;
}

void GpuSharing::on_job_started(Simulation& sim, SimTime now, std::uint32_t job) {
  if (sim.jobs().num_gpu[job] == 0 || sim.state(job) != JobState::kRunning) return;
  std::vector<std::size_t>& devices = job_devices_[job];
  devices.clear();
  const bool guest = is_guest(sim, job);
  sim.for_each_placement(job, [&](const Placement& p) {
    for (std::uint64_t m = p.gpu_mask; m; m &= m - 1) {
      const std::size_t d = device(sim, static_cast<std::size_t>(p.node), std::countr_zero(m));
      (guest ? guests_ : holders_)[d].push_back(job);
      devices.push_back(d);
    }
  });
  if (guest) {
    // Its usage share starts at 1 (UsageTable::job_started); the refresh sets what it gets.
    integrate(now);
    job_rate_[job] = 1.0;
    // Its device memory is its footprint, not the whole device its request names.
    sim.mutable_usage().set_job_share(now, job, UsageTable::kGpuMemoryShare, config_.guest_memory_percent / 100);
    const double share = per_device_share(sim.jobs(), job);
    for (std::size_t d : devices) guest_used_[d] += share;
    guest_used_sum_ += share * static_cast<double>(devices.size());
  }
  refresh(sim, now, devices);
}

void GpuSharing::on_job_stopped(Simulation& sim, SimTime now, std::uint32_t job) {
  const auto it = job_devices_.find(job);
  if (it == job_devices_.end()) return;
  const std::vector<std::size_t> devices = std::move(it->second);
  job_devices_.erase(it);
  const bool guest = is_guest(sim, job);
  integrate(now);
  for (std::size_t d : devices) {
    std::vector<std::uint32_t>& list = (guest ? guests_ : holders_)[d];
    const auto at = std::find(list.begin(), list.end(), job);
    CAPSIM_CHECK(at != list.end(), "a stopping GPU pod is on its devices");
    list.erase(at);
    if (guest) {
      const double used = job_rate_[job] * per_device_share(sim.jobs(), job);
      guest_used_[d] -= used;
      guest_used_sum_ -= used;
      if (guests_[d].empty()) guest_used_[d] = 0;  // no rounding dust on an empty device
    }
  }
  if (guest) job_rate_[job] = 1.0;
  refresh(sim, now, devices);
}

void GpuSharing::on_service_usage(Simulation& sim, SimTime now, std::size_t service) {
  if (replicas_[service].empty()) return;
  std::vector<std::size_t> devices;
  for (std::uint32_t j : replicas_[service]) {
    const auto it = job_devices_.find(j);
    if (it != job_devices_.end()) devices.insert(devices.end(), it->second.begin(), it->second.end());
  }
  if (!devices.empty()) refresh(sim, now, devices);
}

void GpuSharing::refresh(Simulation& sim, SimTime now, const std::vector<std::size_t>& devices) {
  // Evictions stop guests, whose devices need refreshing in turn: queued, not recursive.
  if (refreshing_) {
    deferred_.insert(deferred_.end(), devices.begin(), devices.end());
    return;
  }
  refreshing_ = true;
  integrate(now);
  std::vector<std::size_t> todo = devices;
  std::vector<std::uint32_t> evict, touched;
  while (!todo.empty()) {
    std::sort(todo.begin(), todo.end());
    todo.erase(std::unique(todo.begin(), todo.end()), todo.end());
    evict.clear();
    evicted_by_native_.clear();
    touched.clear();
    for (std::size_t d : todo) {
      refresh_device(sim, now, d, evict);
      touched.insert(touched.end(), guests_[d].begin(), guests_[d].end());
    }
    std::sort(evict.begin(), evict.end());
    evict.erase(std::unique(evict.begin(), evict.end()), evict.end());
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::uint32_t j : touched)
      if (!std::binary_search(evict.begin(), evict.end(), j)) apply_guest_rate(sim, now, j);
    for (std::uint32_t j : evict) {
      if (sim.state(j) != JobState::kRunning) continue;
      // The guest leaves every device it holds; its nodes take no guest for the back-off.
      for (std::size_t d : job_devices_[j]) {
        const auto node = static_cast<std::size_t>(device_node_[d]);
        if (blocked_until_[node] < now + config_.back_off_us) {
          blocked_until_[node] = now + config_.back_off_us;
          sim.schedule(blocked_until_[node], kUnblock, static_cast<std::uint32_t>(node));
          sim.hold_run(RunHold::kWhileWaiting, 1);
        }
      }
      ++evictions_;
      if (std::find(evicted_by_native_.begin(), evicted_by_native_.end(), j) != evicted_by_native_.end()) ++native_evictions_;
      sim.interrupt_job(now, j, InterruptReason::kEvicted, config_.back_off_us);
    }
    todo.swap(deferred_);
    deferred_.clear();
  }
  refreshing_ = false;
}

void GpuSharing::refresh_device(Simulation& sim, SimTime now, std::size_t d, std::vector<std::uint32_t>& evict) {
  const JobTable& jobs = sim.jobs();
  const UsageTable& usage = sim.usage();
  double busy = 0, native = 0, memory = 0;
  for (std::uint32_t j : holders_[d]) {
    const double share = per_device_share(jobs, j);
    if (jobs.service[j] >= 0) {
      const UsageShare& u = usage.service_share(static_cast<std::size_t>(jobs.service[j]));
      busy += u.gpu * share;
      memory += u.gpu_memory * share;
    } else {
      native += share;
      memory += share;  // native offline work holds its share of the device's memory
    }
  }
  busy_sum_ += busy - busy_[d];
  offline_native_sum_ += native - offline_native_[d];
  busy_[d] = busy;
  offline_native_[d] = native;
  memory_[d] = memory;
  // Memory eviction: the latest started of the lowest priority leaves first.
  const double guest_memory = config_.guest_memory_percent / 100;
  const double safety = config_.memory_safety_percent / 100;
  std::vector<std::uint32_t>& guests = guests_[d];
  double used = memory + guest_memory * static_cast<double>(guests.size());
  if (!guests.empty() && 1 - used < safety - 1e-12) {
    std::vector<std::uint32_t> order = guests;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::int32_t pa = jobs.tier_of(a).priority, pb = jobs.tier_of(b).priority;
      if (pa != pb) return pa < pb;
      if (sim.start_us(a) != sim.start_us(b)) return sim.start_us(a) > sim.start_us(b);
      return a > b;
    });
    for (std::uint32_t j : order) {
      if (1 - used >= safety - 1e-12) break;
      evict.push_back(j);
      if (native > 0) evicted_by_native_.push_back(j);
      used -= guest_memory;
    }
  }
  // Compute preemption: online first, then native offline, guests share the rest.
  double demand = 0;
  for (std::uint32_t j : guests)
    if (std::find(evict.begin(), evict.end(), j) == evict.end()) demand += per_device_share(jobs, j);
  const double left = std::max(0.0, 1.0 - busy - native);
  rate_[d] = demand > left ? left / demand : 1.0;
  offer(sim, now, d);
}

void GpuSharing::offer(Simulation& sim, SimTime now, std::size_t d) {
  const auto node = static_cast<std::size_t>(device_node_[d]);
  const int gpu = static_cast<int>(d - static_cast<std::size_t>(sim.fleet().gpu_offset[node]));
  std::int32_t slots = 0;
  if (blocked_until_[node] <= now && offline_native_[d] == 0) {
    const double room = 1 - config_.memory_safety_percent / 100 - memory_[d];
    const double guest_memory = config_.guest_memory_percent / 100;
    const double k = guest_memory > 0 ? std::floor(room / guest_memory + 1e-9) : config_.guests_per_gpu;
    slots = static_cast<std::int32_t>(std::clamp<double>(k, 0, config_.guests_per_gpu));
  }
  sim.set_gpu_guest_offer(now, node, gpu, slots);
}

void GpuSharing::apply_guest_rate(Simulation& sim, SimTime now, std::uint32_t job) {
  if (sim.state(job) != JobState::kRunning) return;
  const auto it = job_devices_.find(job);
  if (it == job_devices_.end()) return;
  double rate = 1.0;
  for (std::size_t d : it->second) rate = std::min(rate, rate_[d]);
  const double before = job_rate_[job];
  if (rate == before && sim.rate_limit(job, Simulation::kGpuRateLimit) == rate) return;
  const double share = per_device_share(sim.jobs(), job);
  for (std::size_t d : it->second) guest_used_[d] += (rate - before) * share;
  guest_used_sum_ += (rate - before) * share * static_cast<double>(it->second.size());
  job_rate_[job] = rate;
  sim.set_rate_limit(now, job, Simulation::kGpuRateLimit, rate);
  sim.mutable_usage().set_job_share(now, job, UsageTable::kGpuShare, rate);
}

void GpuSharing::on_unblock(Simulation& sim, const Event& e) {
  sim.hold_run(RunHold::kWhileWaiting, -1);
  const std::size_t node = e.job;
  if (blocked_until_[node] > e.time) return;  // a later eviction extended the block
  for (int g = 0; g < sim.fleet().gpu_count[node]; ++g) offer(sim, e.time, device(sim, node, g));
}

double GpuSharing::online_busy(const Simulation& sim, std::size_t node, int gpu) const { return busy_[device(sim, node, gpu)]; }
double GpuSharing::guest_rate(const Simulation& sim, std::size_t node, int gpu) const { return rate_[device(sim, node, gpu)]; }
double GpuSharing::memory_used(const Simulation& sim, std::size_t node, int gpu) const {
  const std::size_t d = device(sim, node, gpu);
  return memory_[d] + config_.guest_memory_percent / 100 * static_cast<double>(guests_[d].size());
}

GpuSharing::Hours GpuSharing::hours(const Simulation& sim, SimTime now) const {
  const auto dt = static_cast<double>(now - last_us_);
  Hours h;
  h.online = (busy_integral_ + busy_sum_ * dt) / 3.6e9;
  h.guest = (guest_integral_ + guest_used_sum_ * dt) / 3.6e9;
  h.offline = (offline_native_integral_ + offline_native_sum_ * dt) / 3.6e9 + h.guest;
  h.idle = static_cast<double>(sim.fleet().total_gpus()) * static_cast<double>(now - start_us_) / 3.6e9 - h.online - h.offline;
  return h;
}

void GpuSharing::report(const Simulation& sim, RunResult& result) const {
  const SimTime end = sim.stats().end_us;
  const Hours h = hours(sim, end);
  Summary& s = result.summary;
  s.push_back({"gpu_online_hours", h.online});
  s.push_back({"gpu_offline_hours", h.offline});
  s.push_back({"gpu_guest_hours", h.guest});
  s.push_back({"gpu_idle_hours", h.idle});
  // What guests asked for and did not get: compute the online instances took first (and CPU limits).
  const JobTable& jobs = sim.jobs();
  double preempted = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (is_guest(sim, static_cast<std::uint32_t>(j))) {
      const auto a = sim.usage().job_allocated_integral(static_cast<std::uint32_t>(j), end);
      const auto u = sim.usage().job_used_integral(static_cast<std::uint32_t>(j), end);
      preempted += (a[kUsedGpu] - u[kUsedGpu]) / kMilliPerGpu;
    }
  s.push_back({"gpu_guest_preempted_hours", preempted / 3.6e9});
  // The bill shared by use (idle spread in proportion, as Kubecost shares idle cost): one price per
  // useful device-hour, online or offline; work lost to evictions and exits is not useful.
  auto find = [&](const char* key) -> const double* {
    for (const auto& [k, v] : s)
      if (k == key) return std::get_if<double>(&v);
    return nullptr;
  };
  const double* lost = find("lost_gpu_hours");
  const double useful_offline = h.offline - (lost ? *lost : 0.0);
  s.push_back({"gpu_useful_offline_hours", useful_offline});
  if (const double* bill = find("cost_total"); bill && h.online + useful_offline > 0) {
    const double per_hour = *bill / (h.online + useful_offline);
    s.push_back({"cost_per_useful_gpu_hour", per_hour});
    if (const double* requests = find("requests_total"); requests && *requests > 0)
      s.push_back({"cost_per_1000_online_requests", 1000 * per_hour * h.online / *requests});
  }
  s.push_back({"gpu_memory_evictions", evictions_});
  // Of those, guests whose device native offline work took (whole-machine training placed on it).
  s.push_back({"gpu_memory_evictions_by_native", native_evictions_});
}

}  // namespace capsim
