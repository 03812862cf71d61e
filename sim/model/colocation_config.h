#pragma once
// Settings of co-location (sim/components/colocation.h), with Koordinator's defaults.
#include <cstdint>

#include "sim/base/time.h"
#include "sim/model/tidal_calendar.h"

namespace capsim {

// How the high-priority side of the Batch formula is counted (Koordinator's cpuCalculatePolicy and
// memoryCalculatePolicy): measured use, requests, or the larger of the two per pod.
enum class ReclaimPolicy : std::uint8_t { kUsage, kRequest, kMaxUsageRequest };

// GPU co-location (sim/components/gpu_sharing.h): Batch or Mid pods with GPUs run as guests on
// devices that online replicas hold, served after them.
struct GpuSharingConfig {
  bool enabled = false;
  std::int32_t guests_per_gpu = 1;       // offline instances one device takes at most
  double memory_safety_percent = 10;     // free device memory below this evicts guests
  double guest_memory_percent = 30;      // device memory one guest instance uses
  SimTime back_off_us = seconds_to_us(std::int64_t{600});  // the node takes no guest this long after an eviction
};

struct ColocationConfig {
  bool enabled = false;
  SimTime update_us = seconds_to_us(std::int64_t{300});
  ReclaimPolicy cpu_policy = ReclaimPolicy::kUsage;
  ReclaimPolicy memory_policy = ReclaimPolicy::kUsage;
  double cpu_reclaim_percent = 60;     // cpuReclaimThresholdPercent
  double memory_reclaim_percent = 65;  // memoryReclaimThresholdPercent
  std::int64_t reserved_cpu_milli = 0;  // per node
  std::int64_t reserved_memory_mib = 0;
  // Mid: min(predicted unused Prod allocation + unallocated x mid_unallocated%, capacity x threshold%).
  double mid_cpu_threshold_percent = 100;
  double mid_memory_threshold_percent = 100;
  double mid_unallocated_percent = 0;
  double mid_cpu_percentile = 95;
  double mid_memory_percentile = 98;
  double mid_headroom = 1.1;
  SimTime mid_window_us = seconds_to_us(std::int64_t{86400});
  // Free (capsim's rule; Koordinator defines the band, not its supply): up to a utilization watermark,
  // free = max(0, capacity x watermark% - what every non-Free pod on the node uses).
  double free_cpu_watermark_percent = 80;
  double free_memory_watermark_percent = 80;
  // koordlet's BE CPU suppression and memory eviction.
  bool be_cpu_suppress = true;
  double be_cpu_suppress_percent = 65;
  std::int64_t be_min_cpu_milli = 2000;
  bool be_memory_evict = true;
  double memory_evict_threshold_percent = 70;
  double memory_evict_lower_percent = 68;
  // koordlet's CPU eviction by BE satisfaction (cpuEvictBESatisfactionLower/UpperPercent): at an update,
  // a node whose BE pods get less than lower% of their CPU requests evicts them (lowest priority first,
  // then the largest CPU request) until they would get at least upper%.
  bool be_cpu_evict = false;
  double cpu_evict_satisfaction_lower_percent = 60;
  double cpu_evict_satisfaction_upper_percent = 80;
  bool preemption = false;             // priority preemption between tiered pods
  TidalCalendar tidal;                 // the daily windows (empty: none)
  SimTime eviction_back_off_us = seconds_to_us(std::int64_t{300});  // default: one update
  GpuSharingConfig gpu;
};

}  // namespace capsim
