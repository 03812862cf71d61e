#pragma once
// An event is a small value: when, what kind, which job, and the job's
// generation when the event was scheduled. Handlers dispatch on the kind with
// a switch; nothing is heap-allocated per event.
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
enum class EventKind : std::uint8_t {
  kJobFinish = 0,
  kJobSavedExit = 1,   // a job finished writing its checkpoint on notice and leaves its node
  kNodeReclaim = 2,    // job field: node; a spot node's notice ran out: its jobs are interrupted
  kNodeReady = 3,      // job field: node; an acquired elastic node finished booting
  kJobArrival = 4,
  kJobGiveUp = 5,
  kNodeNotice = 6,     // job field: node; generation: the node's hold generation (Poisson interruptions)
  kPoolCapacity = 7,   // job field: pool; generation: index into the pool's capacity series
  kPoolNotice = 8,     // job field: pool; a hand-placed interruption picks its node when it fires
  kSchedulePass = 9,
  kNodeIdleCheck = 10, // job field: node; generation: the node's idle generation
  kCapacityTick = 11,  // the capacity policy's clock
  kCapacityWake = 12,  // the capacity policy asked to plan again (a cooldown ended) while jobs wait
  kSample = 13,
};
inline constexpr int kEventKindCount = 14;

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
