#include <catch2/catch.hpp>

#include "experiments/runner.h"
#include "policies/fgd.h"
#include "policies/registry.h"
#include "experiments/inflation.h"
#include "sim/model/fragmentation.h"
#include "helpers.h"

using namespace capsim;
using capsim::test::node;
using capsim::test::req;

namespace {

// 4 cores, 8 GiB, two T4s with 300 and 1000 milli free.
NodeResources sample_node() {
  NodeResources n;
  n.cpu_milli = 4000;
  n.memory_mib = 8192;
  n.gpu_model = *find_gpu_model("T4");
  n.gpu_count = 2;
  n.gpu_free[0] = 300;
  n.gpu_free[1] = 1000;
  return n;
}

const GpuModelMask kA10 = GpuModelMask{1} << *find_gpu_model("A10");

// One class for each case of F_n(m) on sample_node().
std::vector<TaskClass> sample_classes() {
  return {
      {req(1000, 1024), 0.1},        {req(1000, 1024, 1, 500), 0.2}, {req(1000, 1024, 1, 200), 0.1},
      {req(1000, 1024, 2), 0.1},     {req(5000, 1024, 1, 100), 0.2}, {req(1000, 1024, 1, 100, kA10), 0.1},
      {req(1000, 1024, 1, 1000), 0.2},
  };
}

}  // namespace

TEST_CASE("F_n(m) for every case of the definition", "[fragmentation]") {
  const NodeResources n = sample_node();
  using F = FragmentationModel;
  CHECK(F::class_fragmentation(n, req(1000, 1024)) == 1300);                 // CPU-only class: all free GPU
  CHECK(F::class_fragmentation(n, req(1000, 1024, 1, 500)) == 300);          // GPU 0 below the request
  CHECK(F::class_fragmentation(n, req(1000, 1024, 1, 200)) == 0);            // both devices usable
  CHECK(F::class_fragmentation(n, req(1000, 1024, 1, 1000)) == 300);         // whole-GPU class
  CHECK(F::class_fragmentation(n, req(1000, 1024, 2)) == 1300);              // no two whole devices: cannot run
  CHECK(F::class_fragmentation(n, req(5000, 1024, 1, 100)) == 1300);         // too little CPU
  CHECK(F::class_fragmentation(n, req(1000, 9000, 1, 100)) == 1300);         // too little memory
  CHECK(F::class_fragmentation(n, req(1000, 1024, 1, 100, kA10)) == 1300);   // model not allowed
  NodeResources cpu_only;
  cpu_only.cpu_milli = 4000;
  CHECK(F::class_fragmentation(cpu_only, req(1000, 1024, 1, 100)) == 0);     // nothing free to strand
}

TEST_CASE("node fragmentation is the popularity-weighted sum", "[fragmentation]") {
  const std::vector<TaskClass> classes = sample_classes();
  const FragmentationModel model(classes);
  // 0.1*1300 + 0.2*300 + 0.1*0 + 0.1*1300 + 0.2*1300 + 0.1*1300 + 0.2*300 = 770
  CHECK(model.fragmentation(sample_node()) == Approx(770));
  // The fast form agrees with the definition on many states.
  NodeResources n = sample_node();
  for (int a = 0; a <= 1000; a += 50)
    for (int b = 0; b <= 1000; b += 125) {
      n.gpu_free[0] = a;
      n.gpu_free[1] = b;
      double by_definition = 0;
      for (const auto& c : classes) by_definition += c.popularity * FragmentationModel::class_fragmentation(n, c.request);
      REQUIRE(model.fragmentation(n) == Approx(by_definition));
    }
}

TEST_CASE("each case of F_n(m) has its cause", "[fragmentation]") {
  const NodeResources n = sample_node();  // 4 cores, 8 GiB, T4s with 300 and 1000 milli free
  using F = FragmentationModel;
  using C = FragmentCause;
  CHECK(F::class_fragment_cause(n, req(1000, 1024)) == C::kNoGpuTask);
  CHECK(F::class_fragment_cause(n, req(1000, 1024, 1, 100, kA10)) == C::kGpuModel);
  CHECK(F::class_fragment_cause(n, req(5000, 1024, 1, 100)) == C::kLackCpu);
  CHECK(F::class_fragment_cause(n, req(5000, 9000, 1, 100)) == C::kLackCpu);           // CPU first
  CHECK(F::class_fragment_cause(n, req(1000, 9000, 1, 100)) == C::kLackMemory);
  CHECK(F::class_fragment_cause(n, req(1000, 1024, 2)) == C::kLackGpu);                 // one whole device free
  CHECK(F::class_fragment_cause(n, req(5000, 1024, 2)) == C::kLackGpuAndHost);
  CHECK(F::class_fragment_cause(n, req(1000, 9000, 2)) == C::kLackGpuAndHost);
  CHECK(F::class_fragment_cause(n, req(1000, 1024, 1, 500)) == C::kPartialDevice);      // runs; GPU 0 too small
  CHECK(std::string(fragment_cause_name(C::kLackGpuAndHost)) == "lack_gpu_and_host");
}

TEST_CASE("fragmentation by cause: hand-computed, and sums to F_n", "[fragmentation]") {
  const std::vector<TaskClass> classes = sample_classes();
  const FragmentationModel model(classes);
  const FragmentationByCause b = model.fragmentation_by_cause(sample_node());
  auto at = [&](FragmentCause c) { return b.milli[static_cast<std::size_t>(c)]; };
  CHECK(at(FragmentCause::kNoGpuTask) == Approx(130));       // 0.1 * 1300
  CHECK(at(FragmentCause::kGpuModel) == Approx(130));        // 0.1 * 1300
  CHECK(at(FragmentCause::kLackCpu) == Approx(260));         // 0.2 * 1300
  CHECK(at(FragmentCause::kLackGpu) == Approx(130));         // 0.1 * 1300 (two whole devices)
  CHECK(at(FragmentCause::kPartialDevice) == Approx(120));   // 0.2 * 300 + 0.2 * 300
  CHECK(at(FragmentCause::kLackMemory) == 0);
  CHECK(at(FragmentCause::kLackGpuAndHost) == 0);
  CHECK(b.total() == Approx(770));
  NodeResources n = sample_node();
  for (std::int64_t cpu : {0, 1000, 4000, 6000})
    for (int a = 0; a <= 1000; a += 100)
      for (int c = 0; c <= 1000; c += 250) {
        n.cpu_milli = cpu;
        n.gpu_free[0] = a;
        n.gpu_free[1] = c;
        REQUIRE(model.fragmentation_by_cause(n).total() == Approx(model.fragmentation(n)).margin(1e-9));
      }
}

TEST_CASE("task classes and popularity come from the job table", "[fragmentation]") {
  JobTable jobs;
  test::add_job(jobs, 0, 1, req(1000, 1024, 1, 500));
  test::add_job(jobs, 0, 1, req(1000, 1024));
  test::add_job(jobs, 0, 1, req(1000, 1024, 1, 500));
  test::add_job(jobs, 0, 1, req(1000, 1024, 1, 500));
  const auto classes = task_classes_of(jobs);
  REQUIRE(classes.size() == 2);
  CHECK(classes[0].popularity == 0.75);
  CHECK(classes[1].popularity == 0.25);
}

TEST_CASE("fgd picks the node and GPU that least increase fragmentation", "[fragmentation][policy]") {
  // Target workload: every task asks for half a GPU.
  JobTable target;
  test::add_job(target, 0, 1, req(100, 100, 1, 500));
  Fleet f;
  f.add_node(node("n0", 8000, 8192, 1));
  f.add_node(node("n1", 8000, 8192, 1));
  f.add_node(node("n2", 8000, 8192, 2));
  ClusterState c(f);
  c.allocate(req(100, 100, 1, 400), {1, 1});   // n1: 600 free
  c.allocate(req(100, 100, 1, 400), {2, 1});   // n2: GPU 0 has 600 free, GPU 1 is whole
  auto fgd = make_placement_policy("fgd", {}, PolicyContext{1, &f, &target});
  // A 200-milli pod: on n0 the GPU keeps 800 (still fits a 500 task): +0.
  // On n1 it keeps 400, which no task can use: +400. n2 GPU 0 likewise +400, GPU 1 +0.
  // Ties (n0, n2 GPU 1) go to the lowest node index.
  Placement p = fgd->place(0, req(100, 100, 1, 200), c, 0);
  CHECK(p.node == 0);
  // A 500-milli pod on n2: GPU 0 would strand 100 (+100), GPU 1 keeps 500 usable (+0):
  // fgd takes the whole GPU where best-fit takes the tightest.
  c.allocate(req(7900, 8000), {0, 0});  // n0 keeps 100 milli-cores: a 500 pod there strands its GPU
  c.allocate(req(7900, 100), {1, 0});   // n1: no CPU left at all
  p = fgd->place(0, req(100, 100, 1, 500), c, 0);
  CHECK(p.node == 2);
  CHECK(p.gpu_mask == 0b10);
  CHECK(make_placement_policy("best-fit", {}, 1)->place(0, req(100, 100, 1, 500), c, 0).gpu_mask == 0b01);
  // Cached scores are refreshed when a node changes. With GPU 1 at 500 free,
  // filling it (+0: GPU 0 still takes a 500 task) beats stranding 100 on GPU 0.
  c.allocate(req(100, 100, 1, 500), {2, 0b10});
  p = fgd->place(0, req(100, 100, 1, 500), c, 0);
  CHECK(p.gpu_mask == 0b10);
  c.allocate(req(100, 100, 1, 500), {2, 0b10});
  // Now only GPU 0 fits; a stale cache would still answer GPU 1.
  p = fgd->place(0, req(100, 100, 1, 500), c, 0);
  CHECK(p.node == 2);
  CHECK(p.gpu_mask == 0b01);
}

TEST_CASE("inflation on one GPU: the hand-computed curve", "[inflation]") {
  Fleet f;
  f.add_node(node("n0", 8000, 8192, 1));
  JobTable pods;
  test::add_job(pods, 0, 0, req(1000, 1024, 1, 1000));
  auto policy = make_placement_policy("first-fit", {}, 1);
  const FragmentationModel model(task_classes_of(pods));
  const InflationCurve c = run_inflation(f, pods, *policy, model, {1.3, 1});
  // Pod 1 (arrived 100%) fits; pod 2 (arrived 200%) fails and ends the run.
  CHECK(c.pods_arrived == 2);
  CHECK(c.pods_failed == 1);
  REQUIRE(c.arrived_share.size() == 131);
  CHECK(c.gpu_alloc_ratio[0] == 0);
  CHECK(c.gpu_alloc_ratio[1] == 1);
  CHECK(c.gpu_alloc_ratio[130] == 1);
  CHECK(c.failed_pods[100] == 0);
  CHECK(c.failed_pods[101] == 1);
  CHECK(c.unallocated_gpus_end == 0);
  JobTable cpu_only;
  test::add_job(cpu_only, 0, 0, req(1000, 1024));
  CHECK_THROWS_AS(run_inflation(f, cpu_only, *policy, model, {1.3, 1}), InputError);
}

TEST_CASE("inflation on the openb cluster: thread-count independent, fgd ahead", "[inflation][traces]") {
  config::Scenario s;
  s.set_seed(1);
  const std::string dir = std::string(CAPSIM_SOURCE_DIR) + "/traces/alibaba-gpu-v2023/";
  s.mutable_fleet()->add_nodes()->mutable_trace()->set_path(dir + "openb_node_list_gpu_node.csv");
  s.add_workloads()->mutable_trace()->set_path(dir + "openb_pod_list_default.csv");
  const RunInputs in = build_run_inputs(s, "", InputUse::kInflation);
  std::vector<RunSpec> specs;
  for (const char* p : {"best-fit", "fgd", "random"})
    for (std::uint64_t seed : {1, 2}) specs.push_back({p, {}, seed});
  const auto one = run_inflation_many(in, specs, 1.3, 1);
  const auto two = run_inflation_many(in, specs, 1.3, 2);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    CHECK(one[i].curve.gpu_alloc_ratio == two[i].curve.gpu_alloc_ratio);
    CHECK(one[i].curve.fragmentation_gpus == two[i].curve.fragmentation_gpus);
    CHECK(one[i].curve.failed_pods == two[i].curve.failed_pods);
    const auto& a = one[i].curve.gpu_alloc_ratio;
    CHECK(std::is_sorted(a.begin(), a.end()));  // pods never leave
  }
  // The causes account for every unallocated GPU, and the free capacity the
  // target workload could still use is small once pods fail.
  for (const auto& r : one) {
    const double fragmented = r.curve.fragmentation_by_cause_end.total() / kMilliPerGpu;
    CHECK(fragmented <= r.curve.unallocated_gpus_end + 1e-9);
    CHECK(r.curve.unallocated_gpus_end - fragmented < 0.05 * r.curve.unallocated_gpus_end);
    CHECK(fragmented == Approx(r.curve.fragmentation_gpus.back()));
  }
  // The paper's ranking on this trace: fgd leaves fewer GPUs unallocated than
  // best-fit, and best-fit fewer than random, for every seed.
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(one[2 + k].curve.unallocated_gpus_end < one[k].curve.unallocated_gpus_end);
    CHECK(one[k].curve.unallocated_gpus_end < one[4 + k].curve.unallocated_gpus_end);
  }
}
