#include "scenario/requests.h"

#include <cmath>

#include "sim/base/check.h"

namespace capsim {

GpuModelId model_or_fail(const std::string& name, const std::string& field) {
  auto id = find_gpu_model(name);
  if (!id) throw InputError("scenario field " + field + ": unknown GPU model '" + name + "' (known: " +
                            gpu_model_names() + ")");
  return *id;
}

JobRequest request_of(double cpu_cores, double memory_gib, std::uint32_t gpus, std::uint32_t gpu_milli,
                      const google::protobuf::RepeatedPtrField<std::string>& models, const std::string& field) {
  JobRequest r;
  r.cpu_milli = std::llround(cpu_cores * 1000);
  r.memory_mib = std::llround(memory_gib * 1024.0);
  r.num_gpu = static_cast<std::int32_t>(gpus);
  r.gpu_milli = gpus == 0 ? 0 : gpus > 1 || gpu_milli == 0 ? kMilliPerGpu : static_cast<std::int32_t>(gpu_milli);
  for (int m = 0; m < models.size(); ++m) r.gpu_models |= GpuModelMask{1} << model_or_fail(models[m], field + ".gpu_models");
  return r;
}

}  // namespace capsim
