#pragma once
// Signals the engine emits. Metrics, cost ledgers and traces of a run listen
// here instead of the loop calling them by name: a new metric is a new
// listener, not an edit of the loop. Calls happen per job transition and per
// sample, never per heap operation.
#include <cstdint>

#include "sim/base/time.h"
#include "sim/core/job_state.h"
#include "sim/model/cluster_state.h"

namespace capsim {

class Simulation;

class EngineListener {
 public:
  virtual ~EngineListener() = default;
  virtual void on_run_start(const Simulation&, SimTime /*start*/) {}
  // The one allocation signal: the job's allocation has just changed, whoever
  // changed it (placed, finished, interrupted, left on notice); the cluster
  // state already shows the change and for_each_placement still visits the
  // job's nodes. Metrics of allocation listen here, so a new way to change
  // an allocation cannot be missed. Called before the job-level signal.
  virtual void on_allocation_changed(const Simulation&, SimTime, std::uint32_t /*job*/) {}
  virtual void on_job_arrived(const Simulation&, SimTime, std::uint32_t /*job*/) {}
  // Called after the cluster state includes the allocation.
  virtual void on_job_placed(const Simulation&, SimTime, std::uint32_t /*job*/, const Placement&) {}
  // Called after the cluster state no longer includes the allocation.
  virtual void on_job_finished(const Simulation&, SimTime, std::uint32_t /*job*/, const Placement&) {}
  virtual void on_job_gave_up(const Simulation&, SimTime, std::uint32_t /*job*/) {}
  // The job stopped before its end (a reclaim, a preemption, an eviction);
  // called after its allocation is released. lost_us: work since its last
  // completed checkpoint, now to be redone.
  virtual void on_job_interrupted(const Simulation&, SimTime, std::uint32_t /*job*/, const Placement&,
                                  SimTime /*lost_us*/, InterruptReason) {}
  virtual void on_sample(const Simulation&, SimTime) {}
  // The warm-up (SimConfig::warmup_us) is over: summaries measure from here. Not called when
  // no warm-up is set or the run ends first.
  virtual void on_warmup_end(const Simulation&, SimTime) {}
  // A scheduling pass (and the capacity planning after it) has ended: every
  // waiting job that could be placed has been.
  virtual void on_pass_end(const Simulation&, SimTime) {}
  // After any event that left no scheduling pass pending: the state the
  // engine promises to be settled (checks in tests). Called only for
  // listeners added with Simulation::add_settled_listener.
  virtual void on_settled(const Simulation&, SimTime) {}
  // Elastic pools: a node is acquired (billing starts), finishes booting, is released.
  virtual void on_node_acquired(const Simulation&, SimTime, std::int32_t /*node*/) {}
  virtual void on_node_ready(const Simulation&, SimTime, std::int32_t /*node*/) {}
  virtual void on_node_released(const Simulation&, SimTime, std::int32_t /*node*/) {}
  // A spot node got its reclaim notice (it takes no new jobs from now).
  virtual void on_node_notice(const Simulation&, SimTime, std::int32_t /*node*/) {}
  // The capacity policy drained an elastic node: no new jobs; released when empty.
  virtual void on_node_drained(const Simulation&, SimTime, std::int32_t /*node*/) {}
  virtual void on_run_end(const Simulation&, SimTime /*end*/) {}
};

}  // namespace capsim
