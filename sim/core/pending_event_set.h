#pragma once
// The future-event list: a radix heap on integer time (Ahuja, Mehlhorn,
// Orlin and Tarjan 1990), which a discrete-event simulation may use because
// no event is ever scheduled before the last one popped. Events are ordered
// by event_before (time, kind, insertion sequence), so equal times never
// depend on container internals.
//
// Buckets 1..64 hold events by the highest bit in which their time differs
// from the last popped time; bucket 0 holds the events at exactly that time,
// as a small binary heap on (kind, sequence). A pop that finds bucket 0 empty
// takes the lowest non-empty bucket, finds its earliest time and spreads its
// events over lower buckets: every event moves at most 64 times, and in
// practice a few. Push is O(1); pop is O(1) amortised plus O(log k) for k
// events at one instant. bench/engine_hold measures it against
// std::priority_queue. Memory: 24 bytes per pending event, no allocation once
// the buckets have grown.
//
// Cancellation is not a removal: the owner bumps a generation counter and the
// loop drops stale events when they pop (see Simulation).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "sim/base/check.h"
#include "sim/core/event.h"

namespace capsim {

class PendingEventSet {
 public:
  void reserve(std::size_t n) { now_.reserve(std::min<std::size_t>(n, 1024)); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // The earliest event (the set must not be empty).
  const Event& top() {
    settle();
    return now_.front();
  }

  void push(SimTime time, EventKind kind, std::uint32_t job = 0, std::uint32_t generation = 0) {
    const Event e{time, (static_cast<std::uint64_t>(kind) << 56) | next_seq_++, job, generation};
    const std::uint64_t k = key(time);
    CAPSIM_CHECK(k >= last_, "no event is scheduled before the last one popped");
    ++size_;
    if (k == last_) {
      now_.push_back(e);
      std::push_heap(now_.begin(), now_.end(), later);
      return;
    }
    const int b = bucket_of(k);
    buckets_[b].push_back(e);
    nonempty_ |= std::uint64_t{1} << (b - 1);
  }

  Event pop() {
    settle();
    std::pop_heap(now_.begin(), now_.end(), later);
    const Event e = now_.back();
    now_.pop_back();
    --size_;
    return e;
  }

  void clear() {
    now_.clear();
    for (auto& b : buckets_) b.clear();
    nonempty_ = 0;
    last_ = 0;
    size_ = 0;
    next_seq_ = 0;
  }

 private:
  // Time as an unsigned key with the same order (negative times included).
  static std::uint64_t key(SimTime t) { return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63); }
  int bucket_of(std::uint64_t k) const { return 64 - std::countl_zero(k ^ last_); }
  // Among events at one instant, the later (kind, sequence) is "less" for the max-heap.
  static bool later(const Event& a, const Event& b) { return a.order > b.order; }

  // Makes bucket 0 hold the earliest events.
  void settle() {
    if (!now_.empty()) return;
    const int b = std::countr_zero(nonempty_) + 1;
    std::vector<Event>& from = buckets_[b];
    std::uint64_t m = UINT64_MAX;
    for (const Event& e : from) m = std::min(m, key(e.time));
    last_ = m;
    for (const Event& e : from) {
      const std::uint64_t k = key(e.time);
      if (k == m) {
        now_.push_back(e);
      } else {
        const int to = bucket_of(k);
        buckets_[to].push_back(e);
        nonempty_ |= std::uint64_t{1} << (to - 1);
      }
    }
    from.clear();
    nonempty_ &= ~(std::uint64_t{1} << (b - 1));
    std::make_heap(now_.begin(), now_.end(), later);
  }

  std::vector<Event> now_;                    // bucket 0: events at time last_, a heap on order
  std::array<std::vector<Event>, 65> buckets_; // [1..64]; [0] unused
  std::uint64_t nonempty_ = 0;                // bit b-1: bucket b holds events
  std::uint64_t last_ = 0;                    // key of the last settled time
  std::size_t size_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace capsim
