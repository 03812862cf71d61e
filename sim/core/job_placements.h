#pragma once
// Where every running job is: the first worker's placement per job, every
// worker's for gangs, and (when a component or policy asks) the jobs on each
// node, in the order they landed.
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/model/cluster_state.h"

namespace capsim {

class JobPlacements {
 public:
  JobPlacements(std::size_t jobs, std::size_t nodes) : first_(jobs), nodes_(nodes) {}

  // Keep the jobs of each node from now on (call before the run starts).
  void track_jobs_on_nodes() {
    if (jobs_on_node_.empty()) jobs_on_node_.resize(nodes_);
  }
  bool tracks_jobs_on_nodes() const { return !jobs_on_node_.empty(); }
  // Jobs running on the node, one entry per worker, in landing order.
  const std::vector<std::uint32_t>& jobs_on(std::size_t node) const { return jobs_on_node_[node]; }

  const Placement& first(std::uint32_t j) const { return first_[j]; }
  template <typename F>
  void for_each(std::uint32_t j, F f) const {
    if (gang_.empty()) return f(first_[j]);
    const auto it = gang_.find(j);
    if (it == gang_.end()) return f(first_[j]);
    for (const Placement& p : it->second) f(p);
  }

  void set(std::uint32_t j, const Placement* placements, std::int32_t workers) {
    first_[j] = placements[0];
    if (workers > 1) gang_[j].assign(placements, placements + workers);
    if (!jobs_on_node_.empty())
      for (std::int32_t w = 0; w < workers; ++w) jobs_on_node_[static_cast<std::size_t>(placements[w].node)].push_back(j);
  }
  // The job leaves its nodes (its placements stay readable until forget).
  void leave_nodes(std::uint32_t j) {
    if (jobs_on_node_.empty()) return;
    for_each(j, [&](const Placement& q) {
      auto& on = jobs_on_node_[static_cast<std::size_t>(q.node)];
      on.erase(std::find(on.begin(), on.end(), j));
    });
  }
  void forget(std::uint32_t j) {
    if (!gang_.empty()) gang_.erase(j);
  }

 private:
  std::vector<Placement> first_;
  std::unordered_map<std::uint32_t, std::vector<Placement>> gang_;  // every worker of running gangs
  std::size_t nodes_;
  std::vector<std::vector<std::uint32_t>> jobs_on_node_;
};

}  // namespace capsim
