#pragma once
// A job's state in a run, and why a running job may stop before its end.
#include <cstdint>

namespace capsim {

// kRemoved: a component ended the job before it started (a service replica
// scaled in while it waited for a node).
enum class JobState : std::uint8_t { kNotArrived, kPending, kRunning, kCompleted, kGaveUp, kFailed, kRemoved };
const char* job_state_name(JobState s);

enum class InterruptReason : std::uint8_t {
  kNodeReclaimed,  // its node was taken away (spot reclaim)
  kSavedOnNotice,  // it wrote a checkpoint under a reclaim notice and left
  kPreempted,      // a placement named it as a victim
  kEvicted,        // a component evicted it
};
const char* interrupt_reason_name(InterruptReason r);

}  // namespace capsim
