#pragma once
// Internals shared by the sweep's files (experiments/sweep_*.cpp): JSON values through protobuf's
// Struct, the dotted-path editor, the goal's condition, point files. Not an interface.
#include <google/protobuf/struct.pb.h>

#include <optional>
#include <string>

#include "experiments/runner.h"
#include "experiments/sweep.h"

namespace capsim::sweep_detail {

namespace pb = google::protobuf;

std::string fnv_hex(const std::string& text);
std::string to_json(const pb::Message& m);               // field names as in the schema, defaults printed
pb::Value value_of(const std::string& json, const std::string& origin);
std::string value_json(const pb::Value& v);
double value_number(const pb::Value& v);                 // NaN for a non-number
std::string quote(const std::string& s);                 // a JSON string
// Sets `value` at a dotted path (name, name[i]) of a JSON tree; objects missing on the way are created.
void set_path(pb::Value& root, const std::string& path, const pb::Value& value, const std::string& field);

struct Condition {
  std::string key;
  bool at_most = true;  // <= (else >=)
  bool strict = false;
  double bound = 0;
  bool holds(double v) const;
};
Condition parse_condition(const std::string& text, const std::string& field);

// Point files (OUT/points/NNNNNNN.json): a finished point with the hash of what it ran.
std::string point_file(const std::string& dir, std::size_t index);
SweepRow row_of(const SweepPoint& p, const TimedResult& r);
std::string row_file_text(const SweepRow& row, const std::string& plan_hash);
std::optional<SweepRow> read_row_file(const std::string& path, std::string* plan_hash);
double row_number(const SweepRow& row, const std::string& key);
bool row_has(const SweepRow& row, const std::string& key);

}  // namespace capsim::sweep_detail
