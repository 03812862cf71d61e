#include "workloads/node_list_reader.h"

#include "sim/base/check.h"

namespace capsim {

std::string detect_node_list_format(const CsvReader& csv) {
  if (csv.has_column("sn") && csv.has_column("cpu_milli") && csv.has_column("model")) return "openb";
  if (csv.has_column("gpu_model") && csv.has_column("gpu_capacity_num") && csv.has_column("cpu_num"))
    return "alibaba-spot-v2026";
  throw InputError(csv.path() +
                   ":1: unknown node list format: expected the openb header (sn,cpu_milli,memory_mib,gpu,model) "
                   "or the alibaba-spot-v2026 header (gpu_model,gpu_capacity_num,cpu_num,node_name)");
}

namespace {

GpuModelId parse_model(const CsvReader& csv, int col) {
  auto id = find_gpu_model(csv.field(col));
  if (!id) csv.fail(col, "unknown GPU model '" + std::string(csv.field(col)) + "' (known: " + gpu_model_names() + ")");
  return *id;
}

std::int64_t positive(const CsvReader& csv, int col, std::int64_t v) {
  if (v <= 0) csv.fail(col, "must be positive, got " + std::to_string(v));
  return v;
}

}  // namespace

std::size_t read_node_list(CsvReader& csv, const NodeListOptions& o, BadRowPolicy& bad, Fleet& fleet) {
  const std::string format = o.format.empty() ? detect_node_list_format(csv) : o.format;
  const bool openb = format == "openb";
  if (!openb && format != "alibaba-spot-v2026")
    throw InputError(csv.path() + ": unknown node list format '" + format +
                     "' (valid: openb, alibaba-spot-v2026)");
  if (!openb && o.default_memory_mib <= 0)
    throw InputError(csv.path() +
                     ": the alibaba-spot-v2026 node list has no memory column: give a default node memory "
                     "(scenario fleet.nodes[].trace.default_memory_gib, or --node-memory-gib)");
  const int c_name = csv.column(openb ? "sn" : "node_name");
  const int c_cpu = csv.column(openb ? "cpu_milli" : "cpu_num");
  const int c_mem = openb ? csv.column("memory_mib") : -1;
  const int c_gpu = csv.column(openb ? "gpu" : "gpu_capacity_num");
  const int c_model = csv.column(openb ? "model" : "gpu_model");
  std::size_t added = 0, selected = 0;
  while (csv.next_row()) {
    bad.guard([&] {
      NodeSpec s;
      s.name = std::string(csv.field(c_name));
      if (s.name.empty()) csv.fail(c_name, "empty node name");
      s.cpu_milli = positive(csv, c_cpu, csv.get_int(c_cpu));
      if (!openb) {
        if (s.cpu_milli > INT64_MAX / 1000) csv.fail(c_cpu, "too large");
        s.cpu_milli *= 1000;  // vCPUs
      }
      s.memory_mib = openb ? csv.get_int(c_mem) : o.default_memory_mib;
      if (openb && s.memory_mib <= 0) csv.fail(c_mem, "must be positive, got " + std::to_string(s.memory_mib));
      const std::int64_t gpus = csv.get_int(c_gpu);
      if (gpus < 0 || gpus > kMaxGpusPerNode)
        csv.fail(c_gpu, "must be in [0, " + std::to_string(kMaxGpusPerNode) + "], got " + std::to_string(gpus));
      s.gpu_count = static_cast<std::int32_t>(gpus);
      if (gpus > 0) {
        s.gpu_model = parse_model(csv, c_model);
      } else if (!csv.field(c_model).empty()) {
        csv.fail(c_model, "a node without GPUs names a GPU model");
      }
      s.sockets = o.sockets_per_node;
      s.numa_per_socket = o.numa_per_socket;
      s.zone = o.zone;
      s.pool = o.pool;
      s.rack = static_cast<std::int32_t>(fleet.size() / static_cast<std::size_t>(o.nodes_per_rack));
      if (!o.any_model && !(s.gpu_count > 0 ? (o.models >> s.gpu_model & 1) != 0 : o.cpu_only_nodes)) return;
      const std::size_t index = selected++;
      if (index < o.row_from || index >= o.row_to) return;
      fleet.add_node(s);
      ++added;
    });
  }
  return added;
}

std::size_t read_node_list(const std::string& path, const NodeListOptions& o, BadRowPolicy& bad, Fleet& fleet) {
  CsvReader csv = CsvReader::open(path);
  return read_node_list(csv, o, bad, fleet);
}

}  // namespace capsim
