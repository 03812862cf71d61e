#pragma once
// Node lists from public traces into a Fleet:
//  - "openb": Alibaba cluster-trace-gpu-v2023 (sn, cpu_milli, memory_mib, gpu, model);
//  - "alibaba-spot-v2026": Alibaba cluster-trace-v2026-spot-gpu node_info_df.csv
//    (gpu_model, gpu_capacity_num, cpu_num, node_name), which has no memory
//    column: default_memory_mib must be given.
// An empty format is detected from the header.
#include <cstdint>
#include <string>

#include "sim/io/csv_reader.h"
#include "sim/model/fleet.h"

namespace capsim {

struct NodeListOptions {
  std::string format;               // "", "openb" or "alibaba-spot-v2026"
  std::int64_t default_memory_mib = 0;
  std::int32_t sockets_per_node = 1;
  std::int32_t numa_per_socket = 1;
  std::int32_t nodes_per_rack = 32;
  std::string zone = "zone-a";
  std::int32_t pool = 0;            // index into Fleet::pools
  // Selection: nodes of these models only (when any_model is false), then the
  // kept nodes numbered [row_from, row_to).
  bool any_model = true;
  GpuModelMask models = 0;
  bool cpu_only_nodes = false;      // with any_model false: keep nodes without GPUs too
  std::size_t row_from = 0;
  std::size_t row_to = SIZE_MAX;
};

std::string detect_node_list_format(const CsvReader& csv);
// Appends the file's nodes to fleet; returns how many were added.
std::size_t read_node_list(CsvReader& csv, const NodeListOptions& options, BadRowPolicy& bad, Fleet& fleet);
std::size_t read_node_list(const std::string& path, const NodeListOptions& options, BadRowPolicy& bad,
                           Fleet& fleet);

}  // namespace capsim
