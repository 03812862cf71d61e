#pragma once
// The figures recorded in bench/recorded.txt ("key value" per line: the
// numbers bench/RESULTS.md reports, measured on the machine it names), so a
// benchmark prints each new figure next to its recorded one and flags a
// slowdown of more than 10%. Benchmarks never fail on it: the machine is
// shared and noisy; a flag is a prompt to measure again side by side.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace capsim::bench {

inline const std::map<std::string, double>& recorded_figures() {
  static const std::map<std::string, double> figures = [] {
    std::map<std::string, double> out;
    std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/bench/recorded.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string key;
      double value = 0;
      if (fields >> key >> value) out[key] = value;
    }
    return out;
  }();
  return figures;
}

inline int& slower_count() {
  static int n = 0;
  return n;
}

// "recorded X (ratio)" and a flag; lower_is_better for times, not for rates.
inline std::string versus_recorded(const std::string& key, double now, bool lower_is_better) {
  const auto& f = recorded_figures();
  const auto it = f.find(key);
  if (it == f.end() || it->second <= 0) return "  (no recorded figure: " + key + ")";
  const double slowdown = lower_is_better ? now / it->second : it->second / now;
  char buf[160];
  std::snprintf(buf, sizeof buf, "  recorded %.4g, %.2fx%s", it->second, slowdown,
                slowdown > 1.10 ? "  SLOWER by more than 10%" : "");
  if (slowdown > 1.10) ++slower_count();
  return buf;
}

inline void print_slowdown_summary() {
  if (slower_count() > 0)
    std::printf("%d figure(s) more than 10%% slower than recorded in bench/recorded.txt: measure again side by side\n",
                slower_count());
  else
    std::printf("no figure more than 10%% slower than recorded\n");
}

}  // namespace capsim::bench
