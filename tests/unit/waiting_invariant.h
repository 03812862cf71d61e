#pragma once
// The engine's promise after every scheduling pass: no job waits while a
// node it may use (per the placement policy and the node's pool) has room
// for it. Under FIFO every waiting job is checked; under strict FIFO only
// the head, which may block the others. A gang needs room for all its
// workers at once. Class skipping, wake-ups and give-ups are what this
// catches when they go wrong.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/simulation.h"

namespace capsim::test {

class WaitingInvariant final : public EngineListener {
 public:
  void on_pass_end(const Simulation& sim, SimTime now) override {
    ++passes;
    last_pass_ = now;
    // A start during the pass can evict pods (co-location's memory eviction) and free capacity the
    // pass had already looked at: another pass is then queued at this instant; check after that one.
    if (sim.pass_pending()) return;
    check_all(sim, now);
  }
  // Between passes too: only capacity freed (which brings a pass) may let a
  // waiting job start. Policy rules that change with time alone (a decaying
  // interruption rate) are read as at the last pass: the engine asks again at
  // its next pass, not continuously.
  void on_settled(const Simulation& sim, SimTime now) override {
    ++settled;
    settled_at_ = now;
    check_all(sim, last_pass_ < 0 ? now : last_pass_);
  }

  std::int64_t passes = 0;
  std::int64_t settled = 0;
  std::int64_t checked = 0;
  std::vector<std::string> violations;

 private:
  void check_all(const Simulation& sim, SimTime now) {
    if (sim.pending_count() == 0) return;
    if (sim.config().queue == QueueDiscipline::kStrictFifo) {
      std::uint32_t head = UINT32_MAX;
      sim.for_each_pending_class([&](std::uint32_t j, std::size_t) { head = std::min(head, j); });
      check(sim, now, head);
      return;
    }
    for (std::size_t j = 0; j < sim.jobs().size(); ++j)
      if (sim.state(j) == JobState::kPending && !sim.backing_off(static_cast<std::uint32_t>(j)))
        check(sim, now, static_cast<std::uint32_t>(j));
  }

  SimTime last_pass_ = -1;
  SimTime settled_at_ = -1;

  // Copies of r the node's free capacity holds now.
  static std::int64_t copies(const ClusterState& c, std::size_t n, const JobRequest& r) {
    std::int64_t k = INT64_MAX;
    if (r.kind != ResourceKind::kNative) {  // Mid and Batch pods: what the node offers of their kind
      const std::int64_t cpu = c.reclaim_cpu_offered(r.kind, n) - c.reclaim_cpu_taken(r.kind, n);
      const std::int64_t mem = c.reclaim_memory_offered(r.kind, n) - c.reclaim_memory_taken(r.kind, n);
      if (r.cpu_milli > 0) k = std::min(k, cpu / r.cpu_milli);
      if (r.memory_mib > 0) k = std::min(k, mem / r.memory_mib);
      return k;
    }
    if (r.cpu_milli > 0) k = std::min(k, c.free_cpu_milli[n] / r.cpu_milli);
    if (r.memory_mib > 0) k = std::min(k, c.free_memory_mib[n] / r.memory_mib);
    if (r.num_gpu == 1) {
      std::int64_t g = 0;
      for (int d = 0; d < c.fleet().gpu_count[n]; ++d) g += c.gpu_free_milli(n, d) / r.gpu_milli;
      k = std::min(k, g);
    }
    if (r.num_gpu > 1) k = std::min<std::int64_t>(k, c.whole_free_gpus[n] / r.num_gpu);
    return k;
  }

  void check(const Simulation& sim, SimTime now, std::uint32_t j) {
    if (j == UINT32_MAX) return;
    ++checked;
    const ClusterState& c = sim.cluster();
    const JobRequest r = sim.jobs().request(j);
    const std::int64_t workers = sim.jobs().workers[j];
    std::int64_t room = 0;
    std::int32_t first = -1;
    for (std::size_t n = 0; n < c.fleet().size() && room < workers; ++n) {
      if (!c.fits(n, r) || !sim.placement_policy().allows(j, r, c, n, now)) continue;
      room += std::min(copies(c, n, r), workers);
      if (first < 0) first = static_cast<std::int32_t>(n);
    }
    if (room < workers || violations.size() >= 10) return;
    std::ostringstream m;
    m << "t=" << us_to_seconds(now) << " s: job " << j << " (" << sim.jobs().name[j] << ", " << workers
      << " worker(s)) waits while node " << first << " and others have room for it (seen at "
      << us_to_seconds(settled_at_) << " s)";
    if (std::getenv("CAPSIM_INVARIANT_HEADS")) {
      sim.for_each_pending_class([&](std::uint32_t h, std::size_t w) {
        const JobRequest hr = sim.jobs().request(h);
        int fits_nodes = 0;
        for (std::size_t n = 0; n < c.fleet().size(); ++n) fits_nodes += c.fits(n, hr) && sim.placement_policy().allows(h, hr, c, n, now);
        m << "\n  class head " << h << " (" << w << " waiting, kind " << int(hr.kind) << ", cpu " << hr.cpu_milli
          << ", state " << int(sim.state(h)) << ", fits " << fits_nodes << " nodes)";
      });
    }
    violations.push_back(m.str());
  }
};

}  // namespace capsim::test
