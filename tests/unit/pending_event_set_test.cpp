#include <algorithm>
#include <queue>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/core/pending_event_set.h"
#include "sim/base/random.h"

using namespace capsim;

namespace {

// The reference every event list must agree with: std::priority_queue over
// the same key. One test body runs against both (ns-3 style).
struct ReferenceQueue {
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return event_before(b, a); }
  };
  std::priority_queue<Event, std::vector<Event>, Later> q;
  std::uint64_t seq = 0;
  void push(SimTime t, EventKind k, std::uint32_t job = 0, std::uint32_t gen = 0) {
    q.push(Event{t, (static_cast<std::uint64_t>(k) << 56) | seq++, job, gen});
  }
  Event pop() {
    Event e = q.top();
    q.pop();
    return e;
  }
  bool empty() const { return q.empty(); }
};

template <typename Queue>
void check_order_contract() {
  Queue q;
  q.push(10, EventKind::kSample, 1);
  q.push(10, EventKind::kJobFinish, 2);
  q.push(5, EventKind::kSchedulePass, 3);
  q.push(10, EventKind::kJobArrival, 4);
  q.push(10, EventKind::kJobFinish, 5);  // same time and kind as job 2: after it
  q.push(10, EventKind::kSchedulePass, 6);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().job);
  CHECK(order == std::vector<std::uint32_t>{3, 2, 5, 4, 6, 1});
}

}  // namespace

TEST_CASE("event order is (time, kind, insertion sequence)", "[engine]") {
  SECTION("PendingEventSet") { check_order_contract<PendingEventSet>(); }
  SECTION("reference priority_queue") { check_order_contract<ReferenceQueue>(); }
}

TEST_CASE("PendingEventSet pops the same sequence as the reference under random holds", "[engine]") {
  RandomStream rng(7, "test/hold");
  PendingEventSet pes;
  ReferenceQueue ref;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const SimTime t = static_cast<SimTime>(rng.uniform_index(50));  // many ties
    const auto k = static_cast<EventKind>(rng.uniform_index(kEventKindCount));
    pes.push(t, k, i);
    ref.push(t, k, i);
  }
  for (int step = 0; step < 20000; ++step) {
    const Event a = pes.pop();
    const Event b = ref.pop();
    REQUIRE(a.time == b.time);
    REQUIRE(a.order == b.order);
    REQUIRE(a.job == b.job);
    const SimTime t = a.time + static_cast<SimTime>(rng.uniform_index(20));
    const auto k = static_cast<EventKind>(rng.uniform_index(kEventKindCount));
    pes.push(t, k, a.job);
    ref.push(t, k, a.job);
  }
  CHECK(pes.size() == 2000);
}

TEST_CASE("event kind survives packing into the order word", "[engine]") {
  PendingEventSet pes;
  pes.push(1, EventKind::kJobGiveUp, 9, 3);
  const Event e = pes.pop();
  CHECK(e.kind() == EventKind::kJobGiveUp);
  CHECK(e.job == 9);
  CHECK(e.generation == 3);
  CHECK(pes.empty());
}
