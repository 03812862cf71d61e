#pragma once
// Peak resident set of this process so far (Linux reports ru_maxrss in KiB).
#include <sys/resource.h>

inline double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

inline double peak_rss_mib() { return peak_rss_bytes() / (1024.0 * 1024.0); }
