#pragma once
// The GPU models capsim knows. Trace readers and scenarios must name one of
// these; an unknown model is an input error, never a silent new type.
// A set of models is a 64-bit mask over catalog ids.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

// A GPU in thousandths: 1-GPU jobs ask for a share of one device.
inline constexpr std::int32_t kMilliPerGpu = 1000;

using GpuModelId = std::uint8_t;
using GpuModelMask = std::uint64_t;  // bit i = catalog id i; 0 = any model

struct GpuModelInfo {
  std::string_view name;
  std::int32_t memory_mib;  // 0 where the trace does not disclose the model
};

int gpu_model_count();
const GpuModelInfo& gpu_model_info(GpuModelId id);
std::optional<GpuModelId> find_gpu_model(std::string_view name);
// Comma-separated list of known names, for error messages.
std::string gpu_model_names();

}  // namespace capsim
