#pragma once
// Reads a scenario file (JSON, or protobuf text format for .textproto,
// .txtpb and .pbtxt) into the protobuf Scenario, rejecting unknown or
// mistyped fields with the field's path, and checks the values that need no
// other file (negative times, empty paths). Paths inside stay as written;
// base_dir is where relative ones are resolved.
#include <string>

#include "scenario.pb.h"
#include "sim/model/tidal_calendar.h"

namespace capsim {

struct LoadedScenario {
  config::Scenario scenario;
  std::string path;
  std::string base_dir;
};

LoadedScenario load_scenario_file(const std::string& path);
// For tests and bindings: parse from text; origin names it in errors.
config::Scenario parse_scenario_json(const std::string& json, const std::string& origin);
config::Scenario parse_scenario_textproto(const std::string& text, const std::string& origin);
void validate_scenario(const config::Scenario& s, const std::string& origin);
// The daily tide of a colocation section, checked (InputError naming the window and field).
TidalCalendar tidal_calendar_of(const config::ColocationSpec& k, const std::string& origin);

// Canonical JSON of a scenario (for /meta in results): field names as in the schema.
std::string scenario_to_json(const config::Scenario& s);

// Shared with the price catalog: protobuf JSON or text format into a message,
// errors naming origin (and line:column for text format).
void parse_json_into(google::protobuf::Message& m, const std::string& json, const std::string& origin);
void parse_textproto_into(google::protobuf::Message& m, const std::string& text, const std::string& origin);
bool is_textproto_path(const std::string& path);  // .textproto, .txtpb, .pbtxt
std::string read_text_file(const std::string& path, const std::string& what);

// base_dir/path unless path is absolute.
std::string resolve_path(const std::string& base_dir, const std::string& path);

// The scenario with every file path in it (traces, capacity CSVs, price
// catalog) resolved against base_dir and made absolute: it loads the same
// from any directory.
config::Scenario with_absolute_paths(config::Scenario s, const std::string& base_dir);

}  // namespace capsim
