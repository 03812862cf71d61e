#pragma once
// Reads a price catalog (sim/io/price_catalog.proto) from JSON, protobuf text
// format or CSV, and checks it: every error names the file and the entry
// (provider/region/node_type) and field, so a wrong price never turns into a
// silent zero. The CSV form, for long lists of cloud instances, has one row
// per entry with the columns
//   currency, provider, region, node_type, gpu_model, gpus, cpu_cores,
//   memory_gib, on_demand_per_hour [, spot_per_hour, internal_per_hour, source]
// where an empty price cell means "not offered".
#include <string>

#include "price_catalog.pb.h"

namespace capsim {

config::PriceCatalog load_price_catalog(const std::string& path);
config::PriceCatalog parse_price_catalog_csv(const std::string& path, const std::string& content);
void validate_price_catalog(const config::PriceCatalog& c, const std::string& origin);

// "provider/region/node_type": how errors and results name an entry.
std::string catalog_key(const config::NodePrice& n);

// Currencies the catalog accepts (ISO 4217 codes of the providers' bills).
bool known_currency(const std::string& code);

}  // namespace capsim
