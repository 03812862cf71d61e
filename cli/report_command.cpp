// `capsim report`: the HTML report is drawn on the Python side (matplotlib), so this command hands its
// arguments to `python3 -m capsim report` with the capsim package that sits beside this binary.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace capsim::cli {

int cmd_report(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  // The build tree keeps the package in build/python next to build/capsim; CAPSIM_PYTHONPATH overrides.
  std::string package_dir = exe.empty() ? std::string() : (exe.parent_path() / "python").string();
  if (const char* p = std::getenv("CAPSIM_PYTHONPATH")) package_dir = p;
  if (!package_dir.empty() && fs::exists(fs::path(package_dir) / "capsim" / "report.py")) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = package_dir + (old && *old ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
  }
  setenv("MPLBACKEND", "Agg", 0);
  const char* python = std::getenv("CAPSIM_PYTHON");
  const std::string interpreter = python ? python : CAPSIM_PYTHON_EXECUTABLE;
  std::vector<std::string> args = {interpreter, "-m", "capsim", "report"};
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  std::cout.flush();
  execv(interpreter.c_str(), cargs.data());
  std::cerr << "capsim report: error: cannot start " << interpreter
            << " (the report needs Python with the capsim package; set CAPSIM_PYTHON)\n";
  return 2;
}

}  // namespace capsim::cli
