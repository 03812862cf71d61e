// libFuzzer target: any bytes as a scenario in JSON and in text format, then
// validated. InputError is the expected answer to bad input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/base/check.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    validate_scenario(parse_scenario_json(text, "fuzz.json"), "fuzz.json");
  } catch (const InputError&) {
  }
  try {
    validate_scenario(parse_scenario_textproto(text, "fuzz.textproto"), "fuzz.textproto");
  } catch (const InputError&) {
  }
  return 0;
}
