#include "sim/model/gpu_catalog.h"

#include <array>

namespace capsim {
namespace {

// Memory from vendor datasheets. The openb trace hides three models behind
// G1/G2/G3 and the spot trace two behind GPU-series-N: their memory is unknown (0).
constexpr std::array<GpuModelInfo, 20> kModels{{
    {"P100", 16384},
    {"T4", 16384},
    {"V100M16", 16384},
    {"V100M32", 32768},
    {"A10", 24576},
    {"G1", 0},
    {"G2", 0},
    {"G3", 0},
    {"A100-SXM4-80GB", 81920},
    {"A800-SXM4-80GB", 81920},
    {"H800", 81920},
    {"GPU-series-1", 0},
    {"GPU-series-2", 0},
    {"A100", 40960},
    {"H100", 81920},
    {"V100", 16384},
    {"K80", 12288},
    {"A10G", 24576},
    {"L4", 24576},
    {"H200", 144384},
}};

}  // namespace

int gpu_model_count() { return static_cast<int>(kModels.size()); }

const GpuModelInfo& gpu_model_info(GpuModelId id) { return kModels.at(id); }

std::optional<GpuModelId> find_gpu_model(std::string_view name) {
  for (std::size_t i = 0; i < kModels.size(); ++i)
    if (kModels[i].name == name) return static_cast<GpuModelId>(i);
  return std::nullopt;
}

std::string gpu_model_names() {
  std::string out;
  for (const auto& m : kModels) {
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

}  // namespace capsim
