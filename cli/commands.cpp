#include "cli/commands.h"

#include <cctype>
#include <iostream>
#include <sstream>

#include "sim/base/check.h"

namespace capsim::cli {

bool parse_command(int argc, char** argv, const po::options_description& visible,
                   const po::positional_options_description& positional, po::variables_map& vm,
                   const char* usage) {
  po::options_description all;
  all.add(visible);
  all.add_options()("help,h", "show this help");
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible << "  -h [ --help ]             show this help\n";
    return false;
  }
  po::notify(vm);
  return true;
}

std::uint64_t parse_seed(const std::string& s, const std::string& option) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (s.empty() || used != s.size() || !std::isdigit(static_cast<unsigned char>(s[0])))
    throw InputError(option + ": '" + s + "' is not a seed (a whole number from 0 to 18446744073709551615)");
  return v;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace capsim::cli
