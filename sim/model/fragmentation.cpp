#include "sim/model/fragmentation.h"

#include <algorithm>
#include <bit>
#include <map>
#include <tuple>

#include "sim/base/check.h"

namespace capsim {
namespace {

std::int32_t per_gpu_demand(const JobRequest& r) { return r.gpu_milli_per_device(); }

bool model_allowed(const NodeResources& n, const JobRequest& m) {
  return !m.gpu_models || (m.gpu_models >> n.gpu_model & 1);
}

// Whether the node's free devices hold m's GPU request (model aside).
bool devices_fit(const NodeResources& n, const JobRequest& m) {
  const std::int32_t d = per_gpu_demand(m);
  std::int32_t fitting = 0;
  for (std::int32_t g = 0; g < n.gpu_count; ++g) fitting += n.gpu_free[g] >= d;
  return fitting >= m.num_gpu;
}

bool can_run(const NodeResources& n, const JobRequest& m) {
  if (n.cpu_milli < m.cpu_milli || n.memory_mib < m.memory_mib) return false;
  if (m.num_gpu == 0) return true;
  if (n.gpu_count == 0) return false;
  return model_allowed(n, m) && devices_fit(n, m);
}

}  // namespace

std::vector<TaskClass> task_classes_of(const JobTable& jobs) {
  std::map<std::tuple<std::int64_t, std::int64_t, std::int32_t, std::int32_t, GpuModelMask>, std::size_t> index;
  std::vector<TaskClass> out;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const JobRequest r = jobs.request(j);
    auto [it, fresh] = index.try_emplace({r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.gpu_models}, out.size());
    if (fresh) out.push_back({r, 0.0});
    out[it->second].popularity += 1.0;
  }
  for (auto& c : out) c.popularity /= static_cast<double>(jobs.size());
  return out;
}

NodeResources NodeResources::of(const ClusterState& c, std::size_t node) {
  NodeResources n;
  n.cpu_milli = c.free_cpu_milli[node];
  n.memory_mib = c.free_memory_mib[node];
  n.gpu_model = c.fleet().gpu_model[node];
  n.gpu_count = c.fleet().gpu_count[node];
  for (std::int32_t g = 0; g < n.gpu_count; ++g) n.gpu_free[g] = c.gpu_free_milli(node, g);
  return n;
}

NodeResources NodeResources::after(const JobRequest& r, std::uint64_t gpu_mask) const {
  NodeResources n = *this;
  n.cpu_milli -= r.cpu_milli;
  n.memory_mib -= r.memory_mib;
  const std::int32_t d = per_gpu_demand(r);
  for (std::uint64_t m = gpu_mask; m; m &= m - 1) n.gpu_free[std::countr_zero(m)] -= d;
  return n;
}

std::int64_t NodeResources::free_gpu_milli() const {
  std::int64_t t = 0;
  for (std::int32_t g = 0; g < gpu_count; ++g) t += gpu_free[g];
  return t;
}

double FragmentationModel::class_fragmentation(const NodeResources& n, const JobRequest& m) {
  const std::int64_t total = n.free_gpu_milli();
  if (m.num_gpu == 0 || !can_run(n, m)) return static_cast<double>(total);
  const std::int32_t d = per_gpu_demand(m);
  std::int64_t stranded = 0;
  for (std::int32_t g = 0; g < n.gpu_count; ++g)
    if (n.gpu_free[g] < d) stranded += n.gpu_free[g];
  return static_cast<double>(stranded);
}

FragmentCause FragmentationModel::class_fragment_cause(const NodeResources& n, const JobRequest& m) {
  if (m.num_gpu == 0) return FragmentCause::kNoGpuTask;
  if (!model_allowed(n, m)) return FragmentCause::kGpuModel;
  const bool cpu = n.cpu_milli >= m.cpu_milli, memory = n.memory_mib >= m.memory_mib;
  if (!devices_fit(n, m)) return cpu && memory ? FragmentCause::kLackGpu : FragmentCause::kLackGpuAndHost;
  if (!cpu) return FragmentCause::kLackCpu;
  if (!memory) return FragmentCause::kLackMemory;
  return FragmentCause::kPartialDevice;
}

const char* fragment_cause_name(FragmentCause c) {
  switch (c) {
    case FragmentCause::kNoGpuTask: return "no_gpu_task";
    case FragmentCause::kGpuModel: return "gpu_model";
    case FragmentCause::kLackCpu: return "lack_cpu";
    case FragmentCause::kLackMemory: return "lack_memory";
    case FragmentCause::kLackGpuAndHost: return "lack_gpu_and_host";
    case FragmentCause::kLackGpu: return "lack_gpu";
    case FragmentCause::kPartialDevice: return "partial_device";
  }
  return "?";
}

double FragmentationByCause::total() const {
  double t = 0;
  for (double v : milli) t += v;
  return t;
}

FragmentationByCause& FragmentationByCause::operator+=(const FragmentationByCause& o) {
  for (std::size_t k = 0; k < kFragmentCauses; ++k) milli[k] += o.milli[k];
  return *this;
}

FragmentationByCause FragmentationModel::fragmentation_by_cause(const NodeResources& n) const {
  FragmentationByCause out;
  const std::int64_t total = n.free_gpu_milli();
  if (total == 0) return out;
  for (const auto& c : classes_) {
    const FragmentCause cause = class_fragment_cause(n, c.request);
    std::int64_t f = total;
    if (cause == FragmentCause::kPartialDevice) {
      const std::int32_t d = per_gpu_demand(c.request);
      f = 0;
      for (std::int32_t g = 0; g < n.gpu_count; ++g)
        if (n.gpu_free[g] < d) f += n.gpu_free[g];
    }
    out.milli[static_cast<std::size_t>(cause)] += c.popularity * static_cast<double>(f);
  }
  return out;
}

FragmentationModel::FragmentationModel(std::vector<TaskClass> classes) : classes_(std::move(classes)) {
  double total = 0;
  for (const auto& c : classes_) {
    CAPSIM_CHECK(c.popularity >= 0, "task class popularity is not negative");
    total += c.popularity;
    if (c.request.num_gpu == 0) continue;
    const std::int32_t d = per_gpu_demand(c.request);
    auto it = std::find(demands_.begin(), demands_.end(), d);
    if (it == demands_.end()) it = demands_.insert(demands_.end(), d);
    gpu_classes_.push_back({c.request, c.popularity, static_cast<std::size_t>(it - demands_.begin())});
  }
  CAPSIM_CHECK(classes_.empty() || std::abs(total - 1.0) < 1e-9, "task class popularities sum to 1");
}

double FragmentationModel::fragmentation(const NodeResources& n) const {
  const std::int64_t total = n.free_gpu_milli();
  if (total == 0) return 0.0;
  // Usable milli and fitting-device counts for each distinct per-device
  // demand: on the stack for the usual few dozen demands, on the heap beyond.
  constexpr std::size_t kStackLevels = 64;
  const std::size_t levels = demands_.size();
  std::int64_t usable_stack[kStackLevels];
  std::int32_t fitting_stack[kStackLevels];
  std::vector<std::int64_t> usable_heap;
  std::vector<std::int32_t> fitting_heap;
  std::int64_t* usable = usable_stack;
  std::int32_t* fitting = fitting_stack;
  if (levels > kStackLevels) {
    usable_heap.resize(levels);
    fitting_heap.resize(levels);
    usable = usable_heap.data();
    fitting = fitting_heap.data();
  }
  for (std::size_t k = 0; k < levels; ++k) {
    std::int64_t u = 0;
    std::int32_t f = 0;
    for (std::int32_t g = 0; g < n.gpu_count; ++g)
      if (n.gpu_free[g] >= demands_[k]) {
        u += n.gpu_free[g];
        ++f;
      }
    usable[k] = u;
    fitting[k] = f;
  }
  double runnable_usable = 0;
  for (const auto& c : gpu_classes_) {
    const JobRequest& m = c.request;
    if (n.cpu_milli < m.cpu_milli || n.memory_mib < m.memory_mib) continue;
    if (m.gpu_models && !(m.gpu_models >> n.gpu_model & 1)) continue;
    if (fitting[c.demand] < m.num_gpu) continue;
    runnable_usable += c.popularity * static_cast<double>(usable[c.demand]);
  }
  return static_cast<double>(total) - runnable_usable;
}

}  // namespace capsim
