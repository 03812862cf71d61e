#include "sim/metrics/fragmentation_recorder.h"

#include "sim/core/simulation.h"

namespace capsim {

double FragmentationRecorder::share(const Simulation&) const { return free_total_ > 0 ? total_ / free_total_ : 0.0; }

// Only nodes that take jobs count: an offline, booting or draining node's free
// GPUs are neither usable nor fragmented.
void FragmentationRecorder::measure(const Simulation& sim, std::size_t n) {
  const ClusterState& c = sim.cluster();
  if (!c.online[n]) {
    node_[n] = free_[n] = 0;
    return;
  }
  node_[n] = model_->fragmentation(c, n);
  double free = 0;
  for (int g = 0; g < sim.fleet().gpu_count[n]; ++g) free += c.gpu_free_milli(n, g);
  free_[n] = free;
}

void FragmentationRecorder::on_run_start(const Simulation& sim, SimTime start) {
  node_.assign(sim.fleet().size(), 0.0);
  free_.assign(sim.fleet().size(), 0.0);
  total_ = free_total_ = 0;
  for (std::size_t n = 0; n < node_.size(); ++n) {
    measure(sim, n);
    total_ += node_[n];
    free_total_ += free_[n];
  }
  current_share_ = share(sim);
  start_ = last_change_ = start;
}

void FragmentationRecorder::node_changed(const Simulation& sim, SimTime t, std::size_t node) {
  const double dt = static_cast<double>(t - last_change_);
  integral_ += total_ * dt;
  share_integral_ += current_share_ * dt;
  last_change_ = t;
  total_ -= node_[node];
  free_total_ -= free_[node];
  measure(sim, node);
  total_ += node_[node];
  free_total_ += free_[node];
  current_share_ = share(sim);
}

void FragmentationRecorder::job_changed(const Simulation& sim, SimTime t, std::uint32_t job) {
  sim.for_each_placement(job, [&](const Placement& p) { node_changed(sim, t, static_cast<std::size_t>(p.node)); });
}

void FragmentationRecorder::on_allocation_changed(const Simulation& sim, SimTime t, std::uint32_t j) {
  job_changed(sim, t, j);
}

void FragmentationRecorder::on_node_ready(const Simulation& sim, SimTime t, std::int32_t n) {
  node_changed(sim, t, static_cast<std::size_t>(n));
}

void FragmentationRecorder::on_node_released(const Simulation& sim, SimTime t, std::int32_t n) {
  node_changed(sim, t, static_cast<std::size_t>(n));
}

void FragmentationRecorder::on_node_notice(const Simulation& sim, SimTime t, std::int32_t n) {
  node_changed(sim, t, static_cast<std::size_t>(n));
}

void FragmentationRecorder::on_node_drained(const Simulation& sim, SimTime t, std::int32_t n) {
  node_changed(sim, t, static_cast<std::size_t>(n));
}

void FragmentationRecorder::on_sample(const Simulation&, SimTime) {
  gpus_.values.push_back(total_ / kMilliPerGpu);
  share_.values.push_back(current_share_);
}

void FragmentationRecorder::on_run_end(const Simulation&, SimTime end) {
  const double dt = static_cast<double>(end - last_change_);
  integral_ += total_ * dt;
  share_integral_ += current_share_ * dt;
  last_change_ = end_ = end;
}

void FragmentationRecorder::take(RunResult& r) {
  // The running total drifts by rounding over millions of updates; the final
  // figure is summed afresh, in node order.
  total_ = 0;
  for (double f : node_) total_ += f;
  const double span = static_cast<double>(end_ - start_);
  r.timeseries.columns.push_back(std::move(gpus_));
  r.timeseries.columns.push_back(std::move(share_));
  r.summary.push_back({"fragmentation_gpus_mean", span > 0 ? integral_ / span / kMilliPerGpu : total_ / kMilliPerGpu});
  r.summary.push_back({"fragmentation_share_mean", span > 0 ? share_integral_ / span : current_share_});
  r.summary.push_back({"fragmentation_gpus_end", total_ / kMilliPerGpu});
}

}  // namespace capsim
