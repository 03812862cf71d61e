#pragma once
// An event is a small value: when, what kind, which job, and the job's
// generation when the event was scheduled. The kernel dispatches on the kind
// through a table of handlers (sim/core/simulation.h); nothing is
// heap-allocated per event.
#include <cstdint>

#include "sim/base/time.h"

namespace capsim {

// The numeric order is the tie-break between events at the same instant: a
// job that finishes as its node is reclaimed has finished; capacity changes
// (reclaims, booted nodes) come before arrivals, arrivals before give-ups,
// a node under notice stops taking jobs before the one coalesced scheduling
// pass; an idle node is released only after that pass had its chance to use
// it; a sample sees the state after all of it. A job that saved its
// checkpoint on notice leaves before its node is reclaimed at the same instant.
// Kinds are slots 0..63 of that order. The built-in ones sit four apart so a
// component can claim a slot between two of them (Simulation::on_event); a
// slot has one handler. Two ride just behind another: a requeue behind the
// arrivals, a retry pass behind the pass it stands in for.
enum class EventKind : std::uint8_t {
  kJobFinish = 0,
  kJobSavedExit = 4,    // a job finished writing its checkpoint on notice and leaves its node
  kNodeReclaim = 8,     // job field: node; a spot node's notice ran out: its jobs are interrupted
  kNodeReady = 12,      // job field: node; an acquired node finished booting
  kJobArrival = 16,
  kJobRequeue = 18,     // an interrupted job's back-off ended: it joins the queue again
  kJobGiveUp = 20,
  kNodeNotice = 24,     // job field: node; generation: the node's hold generation (Poisson interruptions)
  kPoolCapacity = 28,   // job field: pool; generation: index into the pool's capacity series
  kPoolNotice = 32,     // job field: pool; a hand-placed interruption picks its node when it fires
  kSchedulePass = 36,
  kRetryPass = 37,      // a waiting job's refusal changes by itself then (PlacementPolicy::refusal_changes_at)
  kNodeIdleCheck = 40,  // job field: node; generation: the node's idle generation
  kCapacityTick = 44,   // the capacity policy's clock
  kCapacityWake = 48,   // the capacity policy asked to plan again (a cooldown ended) while jobs wait
  kSample = 52,
  kWarmupEnd = 56,      // the summaries' measurement window opens (SimConfig::warmup_us)
};
inline constexpr int kEventKindSlots = 64;
inline constexpr int kEventKindCount = kEventKindSlots;  // any slot is a valid kind for the event set

struct Event {
  SimTime time;
  // (kind << 56) | insertion sequence: one integer compare settles both the
  // class order and first-in-first-out among equals.
  std::uint64_t order;
  std::uint32_t job;         // job index, unused by pass and sample events
  std::uint32_t generation;  // must match the job's current generation or the event is stale

  EventKind kind() const { return static_cast<EventKind>(order >> 56); }
};
static_assert(sizeof(Event) == 24, "events stay small values");

// The ordering key, written down in one place: (time, kind, sequence).
inline bool event_before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

}  // namespace capsim
