// The classic hold benchmark for future-event lists: keep n events pending;
// repeatedly pop the earliest and push one at its time plus an exponential
// increment. Compares capsim's PendingEventSet with a std::priority_queue of
// the same events and ordering key in the same run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <queue>
#include <vector>

#include "sim/core/pending_event_set.h"
#include "sim/base/random.h"

#include "recorded.h"

using namespace capsim;

namespace {

struct Later {
  bool operator()(const Event& a, const Event& b) const { return event_before(b, a); }
};

std::vector<SimTime> increments(std::size_t n) {
  RandomStream rng(42, "bench/hold");
  std::vector<SimTime> v(n);
  for (auto& x : v) x = static_cast<SimTime>(rng.exponential(1e6));
  return v;
}

template <typename Push, typename Pop>
double run_hold(std::size_t pending, std::size_t ops, const std::vector<SimTime>& inc, Push push, Pop pop) {
  for (std::size_t i = 0; i < pending; ++i) push(inc[i % inc.size()], static_cast<std::uint32_t>(i));
  const auto t0 = std::chrono::steady_clock::now();
  SimTime checksum = 0;
  for (std::size_t i = 0; i < ops; ++i) {
    const Event e = pop();
    checksum += e.time;
    push(e.time + inc[i % inc.size()], e.job);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (checksum == 42) std::puts("");  // keeps the loop from being optimised away
  return static_cast<double>(ops) / s;
}

}  // namespace

int main() {
  const auto inc = increments(1 << 20);
  std::printf("hold benchmark: events/s (one pop + one push = one event), 24-byte events\n");
  std::printf("%10s %14s %18s %8s\n", "pending", "capsim_radix", "std_priority_queue", "ratio");
  // Best of 3 alternating rounds: the machine is shared, and the best run is
  // the one least disturbed by others.
  for (std::size_t pending : {1000ul, 10000ul, 100000ul, 1000000ul}) {
    const std::size_t ops = 5'000'000;
    double a = 0, b = 0;
    for (int round = 0; round < 3; ++round) {
      PendingEventSet pes;
      pes.reserve(pending + 1);
      a = std::max(a, run_hold(
                          pending, ops, inc,
                          [&](SimTime t, std::uint32_t j) { pes.push(t, EventKind::kJobFinish, j, 0); },
                          [&] { return pes.pop(); }));
      std::priority_queue<Event, std::vector<Event>, Later> pq;
      std::uint64_t seq = 0;
      b = std::max(b, run_hold(
                          pending, ops, inc, [&](SimTime t, std::uint32_t j) { pq.push(Event{t, seq++, j, 0}); },
                          [&] {
                            Event e = pq.top();
                            pq.pop();
                            return e;
                          }));
    }
    std::printf("%10zu %14.3g %18.3g %8.2f%s\n", pending, a, b, a / b,
                bench::versus_recorded("hold/" + std::to_string(pending) + "/events_per_s", a, false).c_str());
  }
  bench::print_slowdown_summary();
  return 0;
}
