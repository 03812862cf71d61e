#pragma once
// Pod lists of the Alibaba cluster-trace-gpu-v2023 (openb): one job per pod,
// arriving at creation_time and running for deletion_time - creation_time
// once placed. Columns: name, cpu_milli, memory_mib, num_gpu, gpu_milli,
// gpu_spec ('|'-separated allowed models, empty = any), qos, pod_phase,
// creation_time, deletion_time, scheduled_time (seconds). A list with neither
// creation_time nor deletion_time gives request shapes only (arrival 0,
// duration 0) and is recorded in JobTable::sources_without_times.
#include <string>

#include "sim/io/csv_reader.h"
#include "sim/model/job_table.h"

namespace capsim {

// Appends the pods to jobs; returns how many were added.
std::size_t read_openb_pods(CsvReader& csv, BadRowPolicy& bad, JobTable& jobs);
std::size_t read_openb_pods(const std::string& path, BadRowPolicy& bad, JobTable& jobs);

// Parses "A10|T4" into a model mask; an unknown name is an error on that column.
GpuModelMask parse_gpu_spec(const CsvReader& csv, int col);

}  // namespace capsim
