// libFuzzer target: any bytes as a price catalog in JSON, text format and CSV,
// then validated. InputError is the expected answer to bad input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/base/check.h"
#include "sim/io/price_catalog_loader.h"
#include "sim/io/scenario_loader.h"

using namespace capsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    config::PriceCatalog c;
    parse_json_into(c, text, "fuzz.json");
    validate_price_catalog(c, "fuzz.json");
  } catch (const InputError&) {
  }
  try {
    config::PriceCatalog c;
    parse_textproto_into(c, text, "fuzz.textproto");
    validate_price_catalog(c, "fuzz.textproto");
  } catch (const InputError&) {
  }
  try {
    validate_price_catalog(parse_price_catalog_csv("fuzz.csv", text), "fuzz.csv");
  } catch (const InputError&) {
  }
  return 0;
}
