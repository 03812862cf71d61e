#pragma once
// Every run segment of every job, from a placement to its finish or
// interruption, integrated into allocated CPU, memory and GPU milli: an
// independent reconstruction of what the recorder integrates between events.
#include <cmath>
#include <map>
#include <string>

#include "sim/base/check.h"
#include "sim/core/simulation.h"
#include "sim/metrics/run_result.h"

namespace capsim::test {

class SegmentLog final : public EngineListener {
 public:
  void on_job_placed(const Simulation&, SimTime t, std::uint32_t j, const Placement&) override {
    CAPSIM_CHECK(open_.count(j) == 0, "a job is placed only when it is not running");
    open_[j] = t;
  }
  void on_job_finished(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&) override { close(sim, t, j); }
  void on_job_interrupted(const Simulation& sim, SimTime t, std::uint32_t j, const Placement&, SimTime,
                          InterruptReason) override {
    close(sim, t, j);
  }
  void on_run_end(const Simulation& sim, SimTime end) override {
    while (!open_.empty()) close(sim, end, open_.begin()->first);
  }

  // "" when the summary's allocation means match the log (relative 1e-9), else what differs.
  std::string mismatch(const Summary& summary, const Fleet& f) const {
    const double span = (summary_number(summary, "sim_end_s") - summary_number(summary, "sim_start_s")) * 1e6;
    if (!(span > 0)) return "";
    auto check = [&](const char* key, double integral, double capacity) -> std::string {
      const double want = capacity > 0 ? integral / span / capacity : 0.0;
      const double got = summary_number(summary, key);
      if (std::fabs(got - want) <= 1e-9 * std::max(1.0, std::fabs(want)) + 1e-12) return "";
      return std::string(key) + ": recorded " + std::to_string(got) + ", segments give " + std::to_string(want);
    };
    for (auto m : {check("alloc_cpu_mean", cpu_milli_us, static_cast<double>(f.total_cpu_milli())),
                   check("alloc_memory_mean", memory_mib_us, static_cast<double>(f.total_memory_mib())),
                   check("alloc_gpu_milli_mean", gpu_milli_us, f.total_gpus() * 1000.0)})
      if (!m.empty()) return m;
    return "";
  }

  double cpu_milli_us = 0, memory_mib_us = 0, gpu_milli_us = 0;
  std::int64_t segments = 0;

 private:
  void close(const Simulation& sim, SimTime t, std::uint32_t j) {
    const auto it = open_.find(j);
    CAPSIM_CHECK(it != open_.end(), "a job leaves only after it was placed");
    const JobTable& jobs = sim.jobs();
    const double held = static_cast<double>(t - it->second) * jobs.workers[j];
    // Mid and Batch pods hold reclaimed CPU and memory, and GPU guests slots on devices, which the native
    // allocation means leave out.
    const bool native = jobs.request(j).kind == ResourceKind::kNative;
    cpu_milli_us += native ? held * static_cast<double>(jobs.cpu_milli[j]) : 0.0;
    memory_mib_us += native ? held * static_cast<double>(jobs.memory_mib[j]) : 0.0;
    gpu_milli_us += native ? held * static_cast<double>(jobs.request(j).gpu_milli_total()) : 0.0;
    open_.erase(it);
    ++segments;
  }
  std::map<std::uint32_t, SimTime> open_;
};

// Forwards every signal to two listeners (the run has one observer slot).
class BothListeners final : public EngineListener {
 public:
  BothListeners(EngineListener& a, EngineListener& b) : a_(a), b_(b) {}
  void on_run_start(const Simulation& s, SimTime t) override { a_.on_run_start(s, t), b_.on_run_start(s, t); }
  void on_job_arrived(const Simulation& s, SimTime t, std::uint32_t j) override {
    a_.on_job_arrived(s, t, j), b_.on_job_arrived(s, t, j);
  }
  void on_job_placed(const Simulation& s, SimTime t, std::uint32_t j, const Placement& p) override {
    a_.on_job_placed(s, t, j, p), b_.on_job_placed(s, t, j, p);
  }
  void on_job_finished(const Simulation& s, SimTime t, std::uint32_t j, const Placement& p) override {
    a_.on_job_finished(s, t, j, p), b_.on_job_finished(s, t, j, p);
  }
  void on_job_gave_up(const Simulation& s, SimTime t, std::uint32_t j) override {
    a_.on_job_gave_up(s, t, j), b_.on_job_gave_up(s, t, j);
  }
  void on_job_interrupted(const Simulation& s, SimTime t, std::uint32_t j, const Placement& p, SimTime l,
                          InterruptReason why) override {
    a_.on_job_interrupted(s, t, j, p, l, why), b_.on_job_interrupted(s, t, j, p, l, why);
  }
  void on_pass_end(const Simulation& s, SimTime t) override { a_.on_pass_end(s, t), b_.on_pass_end(s, t); }
  void on_settled(const Simulation& s, SimTime t) override { a_.on_settled(s, t), b_.on_settled(s, t); }
  void on_run_end(const Simulation& s, SimTime t) override { a_.on_run_end(s, t), b_.on_run_end(s, t); }

 private:
  EngineListener& a_;
  EngineListener& b_;
};

}  // namespace capsim::test
