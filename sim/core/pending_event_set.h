#pragma once
// The future-event list. A 4-ary min-heap on one vector, ordered by
// event_before (time, kind, insertion sequence), so equal times never depend
// on container internals.
//
// Cost per operation with n pending events: push O(log4 n) with at most one
// compare per level; pop O(4 log4 n) compares but half the levels of a binary
// heap, which is what wins on cache misses (bench/engine_hold measures it
// against std::priority_queue). Memory: 24 bytes per pending event, no
// allocation once the vector has grown to the peak size.
//
// Cancellation is not a removal: the owner bumps a generation counter and the
// loop drops stale events when they pop (see Simulation).
#include <cstdint>
#include <vector>

#include "sim/core/event.h"

namespace capsim {

class PendingEventSet {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  void push(SimTime time, EventKind kind, std::uint32_t job = 0, std::uint32_t generation = 0) {
    Event e{time, (static_cast<std::uint64_t>(kind) << 56) | next_seq_++, job, generation};
    std::size_t hole = heap_.size();
    heap_.push_back(e);
    while (hole > 0) {
      std::size_t parent = (hole - 1) / 4;
      if (!event_before(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }

  Event pop() {
    Event min = heap_.front();
    Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return min;
    std::size_t hole = 0;
    for (;;) {
      std::size_t first = 4 * hole + 1;
      if (first >= n) break;
      std::size_t best = first;
      std::size_t end = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < end; ++c)
        if (event_before(heap_[c], heap_[best])) best = c;
      if (!event_before(heap_[best], last)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    return min;
  }

  void clear() {
    heap_.clear();
    next_seq_ = 0;
  }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace capsim
