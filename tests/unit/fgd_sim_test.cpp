// The FGD reference simulator's rules (experiments/fgd_sim.h), each on a case
// worked out by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "experiments/fgd_sim.h"
#include "sim/base/check.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::req;

namespace {

FgdSimNode gpu_node(std::vector<std::int32_t> idle, std::int64_t cpu_left = 64000) {
  FgdSimNode n;
  n.free.cpu_milli = cpu_left;
  n.free.memory_mib = 1 << 20;
  n.free.gpu_model = *find_gpu_model("T4");
  n.free.gpu_count = static_cast<std::int32_t>(idle.size());
  for (std::size_t g = 0; g < idle.size(); ++g) n.free.gpu_free[g] = idle[g];
  return n;
}

void add_pod(JobTable& t, const std::string& name, const JobRequest& r) {
  JobRow row;
  row.name = name;
  row.request = r;
  row.duration_us = 1;
  row.source_line = static_cast<std::int32_t>(t.size() + 2);
  t.add(row);
}

double total_milli(const JobTable& pods, const std::vector<std::uint32_t>& order) {
  double t = 0;
  for (std::uint32_t j : order) t += static_cast<double>(pods.request(j).gpu_milli_total());
  return t;
}

const std::vector<FgdSimClass> kNoTarget;

}  // namespace

TEST_CASE("fgd-sim dot-product: the smaller dot product of (CPU/128 cores, GPU/8) vectors wins", "[fgd-sim]") {
  // Node (64,000/128,000, 2,500/8,000) = (0.5, 0.3125); pod (8,000, 1 GPU at 500) = (0.0625, 0.0625).
  // d = (0.03125 + 0.01953125) / 2 = 0.025390625; floor(100 x 0.974609375) = 97.
  const FgdSimNode n = gpu_node({1000, 1000, 500, 0});
  CHECK(fgd_sim_score(FgdSimPolicy::kDotProduct, n, req(8000, 1024, 1, 500), kNoTarget) == 97);
}

TEST_CASE("fgd-sim best-fit: half CPU left, half GPU left after the pod, memory ignored", "[fgd-sim]") {
  // s = 0.5 x 56,000/128,000 + 0.5 x 2,000/8,000 = 0.34375; floor(65.625) = 65.
  const FgdSimNode n = gpu_node({1000, 1000, 500, 0});
  CHECK(fgd_sim_score(FgdSimPolicy::kBestFit, n, req(8000, 999999, 1, 500), kNoTarget) == 65);
}

TEST_CASE("fgd-sim gpu-clustering: GPU-used base plus a bonus by the kinds the node hosts", "[fgd-sim]") {
  FgdSimNode n = gpu_node({1000, 1000, 500, 0});  // base floor(25 x 5,500 / 8,000) = 17
  const JobRequest share = req(1000, 1024, 1, 300), whole = req(1000, 1024, 1, 1000);
  n.kinds[0] = 2;  // only sharing pods
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuClustering, n, share, kNoTarget) == 17 + 75);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuClustering, n, whole, kNoTarget) == 17);  // only other kinds
  n.kinds[1] = 1;  // sharing pods and a 1-GPU pod
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuClustering, n, share, kNoTarget) == 17 + 50);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuClustering, n, req(1000, 1024), kNoTarget) == 0);  // CPU-only
  const FgdSimNode empty = gpu_node({1000, 1000, 1000, 1000});  // base floor(25 x 4,000 / 8,000) = 12
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuClustering, empty, share, kNoTarget) == 12 + 25);
}

TEST_CASE("fgd-sim gpu-packing: idle nodes last, whole devices next, partly used devices first", "[fgd-sim]") {
  const JobRequest share300 = req(1000, 1024, 1, 300), share800 = req(1000, 1024, 1, 800), two = req(1000, 1024, 2, 1000);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, gpu_node({1000, 1000, 1000, 1000}), share300, kNoTarget) == 29);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, gpu_node(std::vector<std::int32_t>(8, 1000)), two, kNoTarget) == 25);
  const FgdSimNode used = gpu_node({1000, 1000, 500, 0});
  // Tightest fitting device 500 idle: s = 50, max(100 - 5, 50) = 95.
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, used, share300, kNoTarget) == 95);
  // Only fully idle devices fit: k = 1, max(49, 33) = 49; two of them: 48.
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, used, share800, kNoTarget) == 49);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, used, two, kNoTarget) == 48);
  CHECK(fgd_sim_score(FgdSimPolicy::kGpuPacking, used, req(1000, 1024), kNoTarget) == 0);
}

TEST_CASE("fgd-sim fgd: floor(100 sigmoid(dF / 1000)) per fitting device, the node's best, its device", "[fgd-sim]") {
  // Target: one class, 1 GPU at 500. Node [1000, 300]: F = 300 (device 1 cannot host the class).
  const std::vector<FgdSimClass> target = {{1000, 500, 1, 0, 1.0}};
  const FgdSimNode n = gpu_node({1000, 300});
  CHECK(fgd_sim_fragmentation(n.free, target) == 300);
  std::uint64_t device = 0;
  // 200 on device 0: F stays 300 (score 50); on device 1: F = 100, 100 sigmoid(0.2) = 54.98 -> 54.
  CHECK(fgd_sim_score(FgdSimPolicy::kFgd, n, req(1000, 1024, 1, 200), target, &device) == 54);
  CHECK(device == 0b10);
  // 300 on device 1 empties it: F = 0, 100 sigmoid(0.3) = 57.44 -> 57.
  CHECK(fgd_sim_score(FgdSimPolicy::kFgd, n, req(1000, 1024, 1, 300), target, &device) == 57);
  CHECK(device == 0b10);
  CHECK(fgd_sim_devices(FgdSimPolicy::kFgd, n, req(1000, 1024, 1, 300), target) == 0b10);
}

TEST_CASE("fgd-sim fragmentation: all idle milli for classes that cannot run, else devices below the class", "[fgd-sim]") {
  // Node [1000, 300], 4,000 milli-CPU left. X (1 GPU at 500, share 0.5) runs: 300 fragmented.
  // Y (CPU only, 0.25) and Z (2 GPUs but 8,000 CPU, 0.25): all 1,300 idle. F = 150 + 325 + 325.
  const std::vector<FgdSimClass> target = {{1000, 500, 1, 0, 0.5}, {1000, 0, 0, 0, 0.25}, {8000, 1000, 2, 0, 0.25}};
  CHECK(fgd_sim_fragmentation(gpu_node({1000, 300}, 4000).free, target) == Approx(800));
  // A class whose model is not the node's: all idle.
  const std::vector<FgdSimClass> v100 = {{1000, 500, 1, GpuModelMask{1} << *find_gpu_model("V100M16"), 1.0}};
  CHECK(fgd_sim_fragmentation(gpu_node({1000, 300}, 4000).free, v100) == 1300);
}

TEST_CASE("fgd-sim device choice: whole GPUs lowest-indexed idle, sharing pods the tightest fitting device",
          "[fgd-sim]") {
  const FgdSimNode n = gpu_node({1000, 600, 400, 700});
  CHECK(fgd_sim_devices(FgdSimPolicy::kBestFit, n, req(1000, 1024, 1, 400), kNoTarget) == 0b0100);
  CHECK(fgd_sim_devices(FgdSimPolicy::kGpuPacking, n, req(1000, 1024, 1, 650), kNoTarget) == 0b1000);
  CHECK(fgd_sim_devices(FgdSimPolicy::kDotProduct, gpu_node({1000, 600, 1000, 1000}), req(1000, 1024, 2, 1000),
                        kNoTarget) == 0b0101);
}

TEST_CASE("fgd-sim ties: the lowest rank of a per-run node permutation, the same for the whole run", "[fgd-sim]") {
  const std::vector<std::uint32_t> rank = fgd_sim_ranks(50, 42);
  CHECK(std::set<std::uint32_t>(rank.begin(), rank.end()).size() == 50);  // a permutation
  CHECK(rank == fgd_sim_ranks(50, 42));
  CHECK(rank != fgd_sim_ranks(50, 43));
  std::vector<std::int16_t> scores(50, 70);
  scores[3] = -1;  // does not fit
  std::size_t feasible = 0;
  const std::int32_t pick = fgd_sim_best(scores, rank, &feasible);
  CHECK(feasible == 49);
  std::uint32_t lowest = UINT32_MAX;
  for (std::size_t n = 0; n < 50; ++n)
    if (n != 3) lowest = std::min(lowest, rank[n]);
  CHECK(rank[static_cast<std::size_t>(pick)] == lowest);
  scores[10] = 71;  // a higher score wins whatever its rank
  CHECK(fgd_sim_best(scores, rank, nullptr) == 10);
}

TEST_CASE("fgd-sim target workload: request shapes by count, cut at 95% of pods, memory ignored", "[fgd-sim]") {
  JobTable pods;
  int k = 0;
  auto add = [&](int count, const JobRequest& r) {
    for (int i = 0; i < count; ++i) add_pod(pods, "p" + std::to_string(k++), r);
  };
  add(6, req(2000, 1024, 1, 500));
  add(4, req(2000, 9999, 1, 500));  // same shape as the first but memory: one group of 10
  add(6, req(4000, 1024));          // CPU-only, 6
  add(3, req(1000, 1024, 2, 1000)); // 3
  add(1, req(1000, 1024, 1, 200));  // 1: 19 of 20 pods are covered without it
  const std::vector<FgdSimClass> t = fgd_sim_target(pods);
  REQUIRE(t.size() == 3);
  CHECK(t[0].cpu_milli == 2000);
  CHECK(t[0].share == Approx(10.0 / 19));
  CHECK(t[1].num_gpu == 0);
  CHECK(t[2].num_gpu == 2);
  CHECK(t[2].share == Approx(3.0 / 19));
  // Equal counts: the larger CPU first.
  JobTable tie;
  add_pod(tie, "a", req(1000, 1, 1, 500));
  add_pod(tie, "b", req(3000, 1, 1, 500));
  const std::vector<FgdSimClass> u = fgd_sim_target(tie);
  REQUIRE(u.size() == 2);
  CHECK(u[0].cpu_milli == 3000);
}

TEST_CASE("fgd-sim arrivals: shuffled originals, then copies until the next one's milli would pass the target",
          "[fgd-sim]") {
  JobTable pods;
  add_pod(pods, "b", req(1000, 1024, 1, 500));
  add_pod(pods, "a", req(1000, 1024, 1, 1000));
  add_pod(pods, "c", req(1000, 1024));
  // Capacity 2,000 milli, target 130%: 2,600. Originals ask 1,500.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<std::uint32_t> order = fgd_sim_arrivals(pods, 2000, 1.3, seed);
    REQUIRE(order.size() >= 3);
    CHECK(std::set<std::uint32_t>(order.begin(), order.begin() + 3) == std::set<std::uint32_t>{0, 1, 2});
    const double total = total_milli(pods, order);
    CHECK(total <= 2600);
    CHECK(total > 1600);  // it stops only when a copy of at most 1,000 milli would not fit
    CHECK(order == fgd_sim_arrivals(pods, 2000, 1.3, seed));
  }
  // Above the target already: random pods drop until it is not; the rest keep their order.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<std::uint32_t> all = fgd_sim_arrivals(pods, 100000, 1.0, seed);
    const std::vector<std::uint32_t> dropped = fgd_sim_arrivals(pods, 1000, 1.3, seed);
    CHECK(total_milli(pods, dropped) <= 1300);
    CHECK(std::includes(all.begin(), all.begin() + 3, dropped.begin(), dropped.end(),
                        [&](std::uint32_t x, std::uint32_t y) {
                          return std::find(all.begin(), all.end(), x) < std::find(all.begin(), all.end(), y);
                        }));
  }
}

TEST_CASE("fgd-sim policy names: the six, without parameters", "[fgd-sim]") {
  CHECK(fgd_sim_policy("gpu-packing") == FgdSimPolicy::kGpuPacking);
  CHECK_THROWS_AS(fgd_sim_policy("worst-fit"), InputError);
}
