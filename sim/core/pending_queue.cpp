#include "sim/core/pending_queue.h"

#include <unordered_map>

#include "sim/base/check.h"
#include "sim/core/placement_policy.h"

namespace capsim {
namespace {

// Jobs share a class only when a policy cannot tell them apart: the same
// request and the same resilience record (spot tolerance, priority), and the
// policy gives them the same key.
struct RequestKey {
  JobRequest r;
  std::uint16_t resilience;
  std::int32_t workers;
  std::uint64_t policy_key;
  bool operator==(const RequestKey& o) const = default;
};

struct RequestHash {
  std::size_t operator()(const RequestKey& k) const {
    std::uint64_t h = k.r.hash();
    for (std::uint64_t v : {static_cast<std::uint64_t>(k.resilience), static_cast<std::uint64_t>(k.workers), k.policy_key})
      h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

}  // namespace

PendingQueue::PendingQueue(const JobTable& jobs, const PlacementPolicy& policy) : class_of_(jobs.size()) {
  // Class ids are given in order of first appearance: deterministic.
  std::unordered_map<RequestKey, std::uint32_t, RequestHash> ids;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    auto [it, fresh] = ids.try_emplace(RequestKey{jobs.request(j), jobs.resilience[j], jobs.workers[j], policy.job_class_key(static_cast<std::uint32_t>(j))}, static_cast<std::uint32_t>(ids.size()));
    class_of_[j] = it->second;
  }
  members_.resize(ids.size());
  blocked_at_.assign(ids.size(), kNotBlocked);
  active_pos_.assign(ids.size(), -1);
}

void PendingQueue::push(std::uint32_t job) {
  const std::uint32_t c = class_of_[job];
  if (members_[c].empty()) {
    blocked_at_[c] = kNotBlocked;
    active_pos_[c] = static_cast<std::int32_t>(active_.size());
    active_.push_back(c);
  }
  members_[c].push_back(job);
}

void PendingQueue::pop_head(std::uint32_t c) {
  CAPSIM_CHECK(!members_[c].empty(), "pop from a non-empty request class");
  members_[c].pop_front();
  if (members_[c].empty()) deactivate(c);
}

void PendingQueue::deactivate(std::uint32_t c) {
  const auto pos = static_cast<std::size_t>(active_pos_[c]);
  const std::uint32_t last = active_.back();
  active_[pos] = last;
  active_pos_[last] = static_cast<std::int32_t>(pos);
  active_.pop_back();
  active_pos_[c] = -1;
}

}  // namespace capsim
