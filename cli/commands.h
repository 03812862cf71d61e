#pragma once
// What the capsim subcommands share: option parsing, lists, seeds, the progress line; and the
// subcommands that live outside cli/main.cpp.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace capsim::cli {

namespace po = boost::program_options;

// Parses a subcommand's options; false (after printing the help) when --help was asked.
bool parse_command(int argc, char** argv, const po::options_description& visible,
                   const po::positional_options_description& positional, po::variables_map& vm,
                   const char* usage);
// "a,b,,c" -> {a, b, c}.
std::vector<std::string> split_list(const std::string& s);
// A seed: a whole number in [0, 2^64); "-1" is an error, not 2^64 - 1.
std::uint64_t parse_seed(const std::string& s, const std::string& option);

// A progress line on stderr, only when it is a terminal and the work has
// taken over a second; at most four updates a second. Safe from worker threads.
class ProgressLine {
 public:
  template <typename... Args>
  void update(const char* format, Args... args) {
    if (!tty_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (wall < next_) return;
    next_ = wall + 0.25;
    std::fprintf(stderr, "\rcapsim: ");
    std::fprintf(stderr, format, args...);
    std::fprintf(stderr, "  wall %.1f s   ", wall);
    printed_ = true;
  }
  ~ProgressLine() {
    if (printed_) std::fprintf(stderr, "\n");
  }

 private:
  const bool tty_ = ::isatty(2);
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  double next_ = 1.0;
  bool printed_ = false;
  std::mutex mutex_;
};


int cmd_sweep(int argc, char** argv);
int cmd_baseline(int argc, char** argv);
int cmd_regress(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_deadline_spot(int argc, char** argv);

}  // namespace capsim::cli
