#pragma once
// summary.json: the headline figures of a run with stable key names, in a
// fixed order, numbers printed in shortest round-trip form: the same run gives
// the same bytes.
#include <string>

#include "sim/metrics/run_result.h"

namespace capsim {

std::string json_quote(const std::string& s);
std::string json_number(double v);  // null for NaN and infinities
// One summary value's JSON text, as summary.json writes it.
std::string summary_value_json(const SummaryValue& v);
std::string summary_to_json(const RunResult& r);
void write_summary_json(const std::string& path, const RunResult& r);

}  // namespace capsim
