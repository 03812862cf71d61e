#pragma once
// A scenario's request fields (cores, GiB, GPUs, milli-GPU, model names) as
// a JobRequest, with errors naming the field: shared by synthetic shapes and
// services.
#include <cstdint>
#include <string>

#include <google/protobuf/repeated_ptr_field.h>

#include "sim/model/job_table.h"

namespace capsim {

GpuModelId model_or_fail(const std::string& name, const std::string& field);

// gpu_milli 0 means a whole GPU; multi-GPU requests take whole GPUs.
JobRequest request_of(double cpu_cores, double memory_gib, std::uint32_t gpus, std::uint32_t gpu_milli,
                      const google::protobuf::RepeatedPtrField<std::string>& models, const std::string& field);

}  // namespace capsim
