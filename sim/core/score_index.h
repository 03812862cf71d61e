#pragma once
// Placement without scanning every node: for each request a policy sees, a
// tournament tree over the nodes of (score, node index), nodes that do not
// fit counting as worst. A query replays the nodes that changed since the
// tree last looked (ClusterState's change ring) and reads the root: O(changes
// x log nodes) instead of O(nodes). The answer is min_score_node's exactly
// (the smallest score, ties to the lowest index), as long as the score is a
// pure function of the node's state and the request, which is what a policy
// promises when it uses one.
//
// Trees are kept for the most recently used requests (kMaxTrees); a request
// whose tree was dropped, or that fell further behind than the change ring
// remembers, is rebuilt in O(nodes).
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/model/cluster_state.h"

namespace capsim {

template <typename Score>
class ScoreIndex {
 public:
  static constexpr std::size_t kMaxTrees = 64;

  template <typename ScoreFn>
  std::int32_t best(const JobRequest& r, const ClusterState& c, ScoreFn score) {
    if (c.instance() != instance_) {  // another cluster: nothing known about it
      trees_.clear();
      instance_ = c.instance();
    }
    Tree& t = tree_for(r);
    const std::uint64_t now = c.changes();
    if (t.leaves == 0 || now - t.seen > c.change_ring_size()) {
      build(t, r, c, score);
    } else {
      for (std::uint64_t i = t.seen; i < now; ++i) update(t, static_cast<std::size_t>(c.changed_node(i)), r, c, score);
    }
    t.seen = now;
    return t.nodes[1].node;
  }

 private:
  struct Entry {
    Score score{};
    std::int32_t node = -1;  // -1: does not fit
  };
  struct Tree {
    JobRequest request;
    std::vector<Entry> nodes;  // heap layout: [1] root, leaves at [leaves, 2 leaves)
    std::size_t leaves = 0;
    std::uint64_t seen = 0;
    std::uint64_t used = 0;
  };
  struct Key {
    std::size_t operator()(const JobRequest& r) const { return static_cast<std::size_t>(r.hash()); }
  };

  static const Entry& better(const Entry& a, const Entry& b) {
    if (a.node < 0) return b;
    if (b.node < 0) return a;
    if (b.score < a.score) return b;
    if (a.score < b.score) return a;
    return a.node < b.node ? a : b;
  }

  Tree& tree_for(const JobRequest& r) {
    ++clock_;
    auto it = trees_.find(r);
    if (it == trees_.end()) {
      if (trees_.size() >= kMaxTrees) {  // drop the least recently used
        auto oldest = trees_.begin();
        for (auto i = trees_.begin(); i != trees_.end(); ++i)
          if (i->second.used < oldest->second.used) oldest = i;
        trees_.erase(oldest);
      }
      it = trees_.emplace(r, Tree{}).first;
      it->second.request = r;
    }
    it->second.used = clock_;
    return it->second;
  }

  template <typename ScoreFn>
  static Entry leaf(std::size_t n, const JobRequest& r, const ClusterState& c, ScoreFn& score) {
    if (!c.fits(n, r)) return Entry{};
    return Entry{score(n), static_cast<std::int32_t>(n)};
  }

  template <typename ScoreFn>
  static void build(Tree& t, const JobRequest& r, const ClusterState& c, ScoreFn& score) {
    const std::size_t n = c.fleet().size();
    t.leaves = 1;
    while (t.leaves < std::max<std::size_t>(n, 1)) t.leaves *= 2;
    t.nodes.assign(2 * t.leaves, Entry{});
    for (std::size_t i = 0; i < n; ++i) t.nodes[t.leaves + i] = leaf(i, r, c, score);
    for (std::size_t i = t.leaves - 1; i >= 1; --i) t.nodes[i] = better(t.nodes[2 * i], t.nodes[2 * i + 1]);
  }

  template <typename ScoreFn>
  static void update(Tree& t, std::size_t n, const JobRequest& r, const ClusterState& c, ScoreFn& score) {
    std::size_t i = t.leaves + n;
    t.nodes[i] = leaf(n, r, c, score);
    for (i /= 2; i >= 1; i /= 2) t.nodes[i] = better(t.nodes[2 * i], t.nodes[2 * i + 1]);
  }

  std::unordered_map<JobRequest, Tree, Key> trees_;
  std::uint64_t clock_ = 0;
  std::uint64_t instance_ = 0;
};

}  // namespace capsim
