#pragma once
// A component is an actor of a run: it owns its state and its events and
// acts on the run through the kernel's mutation interface (Simulation's
// "mutations" section: evict or preempt a job, change a job's progress rate,
// boot, release or reclaim a node, schedule its own events). The spot
// market and the elastic node lifecycle are components (sim/components/);
// so is the example in tests/unit/component_test.cpp.
//
// Adding one: a header+source pair that derives from Component and a line in
// sim/components/registry.cpp (or Simulation::add_component in a test).
// attach() is called once, before the run, to claim event kinds
// (Simulation::on_event) and ask for what it reads (jobs per node, progress
// tracking). The hooks below are called per transition, in the order the
// components were added, never per event of another kind.
#include <cstddef>
#include <cstdint>

#include "sim/base/time.h"

namespace capsim {

class Simulation;
struct RunResult;

class Component {
 public:
  virtual ~Component() = default;
  virtual const char* name() const = 0;
  virtual void attach(Simulation& /*sim*/) {}
  // The run starts at `start` (first arrival): schedule the first events.
  virtual void on_run_start(Simulation&, SimTime /*start*/) {}
  // A node finished booting and is online (after the listeners heard it).
  virtual void on_node_ready(Simulation&, SimTime, std::size_t /*node*/) {}
  // A job just left the node (finished or interrupted) and the node holds no
  // job now. Called once per worker that was on it.
  virtual void on_node_emptied(Simulation&, SimTime, std::size_t /*node*/) {}
  // A scheduling pass ended; pending jobs are those it could not place.
  virtual void on_pass_end(Simulation&, SimTime) {}
  // Per job transition, only for components that ask (wants_job_signals):
  // the job started (its allocation is in the cluster), or stopped running
  // (finished, interrupted or ended; its allocation is released).
  virtual bool wants_job_signals() const { return false; }
  virtual void on_job_started(Simulation&, SimTime, std::uint32_t /*job*/) {}
  virtual void on_job_stopped(Simulation&, SimTime, std::uint32_t /*job*/) {}
  // The replicas of a service use a new share of their requests (its load changed), for the same
  // components: what shares a device with them sees the change at once.
  virtual void on_service_usage(Simulation&, SimTime, std::size_t /*service*/) {}
  // A running job that runs until it is ended (a service replica) had its topology rate limit
  // changed by another component (a neighbour's memory bandwidth): what reads its speed sees it at once.
  virtual void on_replica_speed(Simulation&, SimTime, std::uint32_t /*job*/) {}
  // After the run: add its summary keys and tables to the result.
  virtual void report(const Simulation&, RunResult&) const {}
};

}  // namespace capsim
