#include <catch2/catch.hpp>

#include "sim/base/check.h"
#include "sim/io/csv_reader.h"
#include "workloads/node_list_reader.h"
#include "workloads/openb_pod_reader.h"

using namespace capsim;
using Catch::Contains;

namespace {

const char* kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

JobTable pods(const std::string& body, BadRowPolicy* bad = nullptr) {
  CsvReader csv("pods.csv", kPodHeader + body);
  BadRowPolicy local;
  JobTable t;
  read_openb_pods(csv, bad ? *bad : local, t);
  return t;
}

Fleet nodes(const std::string& text, NodeListOptions o = {}) {
  CsvReader csv("nodes.csv", text);
  BadRowPolicy bad;
  Fleet f;
  read_node_list(csv, o, bad, f);
  return f;
}

}  // namespace

TEST_CASE("openb pods: good rows", "[readers]") {
  const JobTable t = pods(
      "p0,12000,16384,1,460,,LS,Running,0,100,0\n"
      "p1,6000,12288,8,1000,V100M16|V100M32,BE,Succeeded,5,65,5\r\n"
      "\n"
      "p2,1000,1024,0,0,,BE,Pending,7.5,9,\n");
  REQUIRE(t.size() == 3);
  CHECK(t.name[0] == "p0");
  CHECK(t.gpu_milli[0] == 460);
  CHECK(t.duration_us[0] == 100'000'000);
  CHECK(t.num_gpu[1] == 8);
  CHECK(t.gpu_models[1] == ((GpuModelMask{1} << *find_gpu_model("V100M16")) |
                            (GpuModelMask{1} << *find_gpu_model("V100M32"))));
  CHECK(t.submit_us[2] == 7'500'000);
  CHECK(t.duration_us[2] == 1'500'000);
  CHECK(t.qos_names[t.qos[1]] == "BE");
  CHECK(t.where(2) == "pods.csv:5");  // blank line counted
}

TEST_CASE("openb pods: malformed rows name file, line and column", "[readers]") {
  using Row = std::pair<std::string, std::string>;
  const Row cases[] = {
      {"p,abc,1,0,0,,LS,R,0,1,0\n", "pods.csv:2: column 'cpu_milli': expected an integer, got 'abc'"},
      {"p,1,-5,0,0,,LS,R,0,1,0\n", "pods.csv:2: column 'memory_mib': must not be negative"},
      {"p,1,1,1,0,,LS,R,0,1,0\n", "column 'gpu_milli': must be in [1, 1000] for a 1-GPU pod"},
      {"p,1,1,1,1001,,LS,R,0,1,0\n", "column 'gpu_milli': must be in [1, 1000]"},
      {"p,1,1,2,500,,LS,R,0,1,0\n", "column 'gpu_milli': multi-GPU pods take whole GPUs"},
      {"p,1,1,0,300,,LS,R,0,1,0\n", "column 'gpu_milli': must be 0 for a pod without GPUs"},
      {"p,1,1,1,500,X900,LS,R,0,1,0\n", "column 'gpu_spec': unknown GPU model 'X900'"},
      {"p,1,1,0,0,,LS,R,10,5,0\n", "pods.csv:2: column 'deletion_time': deletion_time 5 is before creation_time 10"},
      {"p,1,1,0,0,,LS,R,-1,5,0\n", "column 'creation_time': time must not be negative"},
      {"p,1,1,0,0,,LS,R,nan,5,0\n", "column 'creation_time': expected a number, got 'nan'"},
      {"p,1,1,0,0,,LS,R,1e300,1e301,0\n", "column 'creation_time': time too large"},
      {"p,1,1,0,0,,LS\n", "pods.csv:2: expected 11 fields, got 7"},
      {"p,\"1,1,0,0,,LS,R,0,1,0\n", "pods.csv:2: unbalanced quotes"},
      {"p,1,1,99,1000,,LS,R,0,1,0\n", "column 'num_gpu': must be in [0, 64]"},
  };
  for (const auto& [row, message] : cases) {
    CAPTURE(row);
    CHECK_THROWS_WITH(pods(row), Contains(message));
  }
}

TEST_CASE("openb pods: --skip-bad-rows counts and keeps going", "[readers]") {
  BadRowPolicy bad;
  bad.skip = true;
  const JobTable t = pods("a,1,1,0,0,,LS,R,0,1,0\nb,x,1,0,0,,LS,R,0,1,0\nc,1,1,0,0,,LS,R,0,1,0\nd,1,1,0,0,,LS,R,5,1,0\n", &bad);
  CHECK(t.size() == 2);
  CHECK(bad.skipped == 2);
  CHECK_THAT(bad.first_error, Contains("pods.csv:3"));
}

TEST_CASE("openb pods: missing columns are named", "[readers]") {
  CsvReader csv("p.csv", "name,cpu_milli,memory_mib,num_gpu,creation_time,deletion_time\nx,1,1,0,0,1\n");
  BadRowPolicy bad;
  JobTable t;
  CHECK_THROWS_WITH(read_openb_pods(csv, bad, t), Contains("p.csv:1: missing column 'gpu_milli'"));
  CHECK_THROWS_WITH(CsvReader("e.csv", ""), Contains("e.csv: empty file"));
  CHECK_THROWS_WITH(CsvReader::open("/nonexistent/x.csv"), Contains("/nonexistent/x.csv: cannot open file"));
}

TEST_CASE("csv quoting", "[readers]") {
  CsvReader csv("q.csv", "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\n");
  REQUIRE(csv.next_row());
  CHECK(csv.field(0) == "x,y");
  CHECK(csv.field(1) == "say \"hi\"");
  CHECK(csv.field(2).empty());
  CsvReader bad("q.csv", "a,b\nx\"y,1\n");
  CHECK_THROWS_WITH(bad.next_row(), Contains("q.csv:2: unbalanced quotes"));
}

TEST_CASE("openb node list", "[readers]") {
  const Fleet f = nodes(
      "sn,cpu_milli,memory_mib,gpu,model\n"
      "a,64000,262144,2,P100\n"
      "b,96000,786432,0,\n");
  REQUIRE(f.size() == 2);
  CHECK(f.gpu_count[0] == 2);
  CHECK(gpu_model_info(f.gpu_model[0]).name == "P100");
  CHECK(f.total_gpus() == 2);
  CHECK(f.memory_mib[1] == 786432);
  CHECK_THROWS_WITH(nodes("sn,cpu_milli,memory_mib,gpu,model\na,64000,1,2,Z9\n"),
                    Contains("nodes.csv:2: column 'model': unknown GPU model 'Z9'"));
  CHECK_THROWS_WITH(nodes("sn,cpu_milli,memory_mib,gpu,model\na,0,1,2,T4\n"),
                    Contains("nodes.csv:2: column 'cpu_milli': must be positive"));
  CHECK_THROWS_WITH(nodes("sn,cpu_milli,memory_mib,gpu,model\na,1000,1,0,T4\n"),
                    Contains("column 'model': a node without GPUs names a GPU model"));
  CHECK_THROWS_WITH(nodes("host,cores\na,1\n"), Contains("nodes.csv:1: unknown node list format"));
}

TEST_CASE("alibaba spot v2026 node list", "[readers]") {
  const std::string text =
      "gpu_model,gpu_capacity_num,cpu_num,node_name\n"
      "A100-SXM4-80GB,8,128,3\n"
      "A10,1,126,4\n";
  CHECK_THROWS_WITH(nodes(text), Contains("has no memory column"));
  NodeListOptions o;
  o.default_memory_mib = 1 << 20;
  o.nodes_per_rack = 1;
  const Fleet f = nodes(text, o);
  REQUIRE(f.size() == 2);
  CHECK(f.cpu_milli[0] == 128000);
  CHECK(f.gpu_count[0] == 8);
  CHECK(gpu_model_info(f.gpu_model[1]).name == "A10");
  CHECK(f.memory_mib[1] == 1 << 20);
  CHECK(f.rack[1] == 1);
  o.format = "slurm";
  CHECK_THROWS_WITH(nodes(text, o), Contains("unknown node list format 'slurm'"));
}

TEST_CASE("bundled traces load whole", "[readers][traces]") {
  const std::string dir = std::string(CAPSIM_SOURCE_DIR) + "/traces/";
  BadRowPolicy bad;
  Fleet gpu_nodes;
  read_node_list(dir + "alibaba-gpu-v2023/openb_node_list_gpu_node.csv", {}, bad, gpu_nodes);
  CHECK(gpu_nodes.size() == 1213);
  CHECK(gpu_nodes.total_gpus() == 6212);
  Fleet all;
  read_node_list(dir + "alibaba-gpu-v2023/openb_node_list_all_node.csv", {}, bad, all);
  CHECK(all.size() == 1523);
  JobTable jobs;
  read_openb_pods(dir + "alibaba-gpu-v2023/openb_pod_list_default.csv", bad, jobs);
  CHECK(jobs.size() == 8152);
  int single = 0, multi = 0, cpu = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) (jobs.num_gpu[j] == 0 ? cpu : jobs.num_gpu[j] == 1 ? single : multi)++;
  CHECK(single == 6989);  // counts stated in the trace's SOURCE.md
  CHECK(multi == 75);
  CHECK(cpu == 1088);
  NodeListOptions o;
  o.default_memory_mib = 1 << 20;
  Fleet spot;
  read_node_list(dir + "alibaba-spot-gpu-v2026/node_info_df.csv", o, bad, spot);
  CHECK(spot.size() == 4278);
  CHECK(spot.total_gpus() == 10412);
  CHECK(bad.skipped == 0);
}

TEST_CASE("a UTF-8 byte-order mark before the header is ignored", "[readers]") {
  CsvReader csv("bom.csv", "\xEF\xBB\xBFsn,cpu_milli,memory_mib,gpu,model\na,1000,1,0,\n");
  CHECK(csv.column("sn") == 0);
}

TEST_CASE("too many QoS classes is an input error, not a wrapped index", "[readers]") {
  std::string body;
  for (int i = 0; i < 300; ++i) body += "p,1,1,0,0,,q" + std::to_string(i) + ",R,0,1,0\n";
  CHECK_THROWS_WITH(pods(body), Contains("pods.csv:257: column 'qos': more than 255 distinct QoS classes"));
}
