// libFuzzer target: any bytes as an openb pod list, an openb node list and an
// alibaba-spot node list. InputError is the expected answer to bad input;
// anything else (a crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/base/check.h"
#include "sim/io/csv_reader.h"
#include "workloads/node_list_reader.h"
#include "workloads/openb_pod_reader.h"

using namespace capsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool skip : {false, true}) {
    try {
      CsvReader csv("fuzz.csv", text);
      BadRowPolicy bad;
      bad.skip = skip;
      JobTable jobs;
      read_openb_pods(csv, bad, jobs);
      jobs.sort_by_submit();
    } catch (const InputError&) {
    }
    try {
      CsvReader csv("fuzz.csv", text);
      BadRowPolicy bad;
      bad.skip = skip;
      NodeListOptions o;
      o.default_memory_mib = 1024;
      Fleet fleet;
      read_node_list(csv, o, bad, fleet);
    } catch (const InputError&) {
    }
  }
  return 0;
}
