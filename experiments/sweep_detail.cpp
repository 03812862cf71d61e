#include "experiments/sweep_detail.h"

#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "sim/base/check.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/summary_json.h"

namespace capsim::sweep_detail {

std::string fnv_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string to_json(const pb::Message& m) {
  std::string out;
  pb::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  if (!pb::util::MessageToJsonString(m, &out, o).ok()) throw InvariantError("a message prints as JSON");
  return out;
}

pb::Value value_of(const std::string& json, const std::string& origin) {
  pb::Value v;
  const auto status = pb::util::JsonStringToMessage(json, &v);
  if (!status.ok()) throw InputError(origin + ": not JSON: " + std::string(status.message()));
  return v;
}

// Sets `value` at a dotted path (name, name[i]) of a JSON tree; objects missing on the way are created.
void set_path(pb::Value& root, const std::string& path, const pb::Value& value, const std::string& field) {
  if (path.empty()) throw InputError(field + ": an empty path");
  pb::Value* at = &root;
  std::string walked;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t dot = path.find('.', pos);
    const std::string token = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    pos = dot == std::string::npos ? path.size() + 1 : dot + 1;
    const bool last = pos > path.size();
    std::string name = token;
    std::vector<std::size_t> indexes;
    const std::size_t bracket = token.find('[');
    if (bracket != std::string::npos) {
      name = token.substr(0, bracket);
      std::size_t b = bracket;
      while (b < token.size()) {
        const std::size_t close = token.find(']', b);
        if (token[b] != '[' || close == std::string::npos || close == b + 1)
          throw InputError(field + ": '" + token + "' is not NAME or NAME[INDEX]");
        std::size_t idx = 0;
        const auto [p, ec] = std::from_chars(token.data() + b + 1, token.data() + close, idx);
        if (ec != std::errc() || p != token.data() + close)
          throw InputError(field + ": '" + token + "': the index is not a number");
        indexes.push_back(idx);
        b = close + 1;
      }
    }
    if (name.empty()) throw InputError(field + ": an empty name in '" + path + "'");
    if (at->kind_case() != pb::Value::kStructValue) {
      if (at->kind_case() == pb::Value::kNullValue || at->kind_case() == pb::Value::KIND_NOT_SET)
        at->mutable_struct_value();
      else
        throw InputError(field + ": '" + walked + "' is not an object, so it has no field '" + name + "'");
    }
    auto& fields = *at->mutable_struct_value()->mutable_fields();
    walked += (walked.empty() ? "" : ".") + name;
    if (last && indexes.empty()) {
      fields[name] = value;
      return;
    }
    at = &fields[name];
    for (std::size_t k = 0; k < indexes.size(); ++k) {
      if (at->kind_case() != pb::Value::kListValue)
        throw InputError(field + ": '" + walked + "' is not a list in the scenario");
      const int size = at->list_value().values_size();
      if (static_cast<int>(indexes[k]) >= size)
        throw InputError(field + ": '" + walked + "' has " + std::to_string(size) + " element(s), no [" +
                         std::to_string(indexes[k]) + "]");
      walked += "[" + std::to_string(indexes[k]) + "]";
      at = at->mutable_list_value()->mutable_values(static_cast<int>(indexes[k]));
    }
    if (last) {
      *at = value;
      return;
    }
  }
}

std::string value_json(const pb::Value& v) {
  std::string out;
  if (!pb::util::MessageToJsonString(v, &out).ok()) throw InvariantError("a value prints as JSON");
  return out;
}

double value_number(const pb::Value& v) {
  if (v.kind_case() == pb::Value::kNumberValue) return v.number_value();
  if (v.kind_case() == pb::Value::kBoolValue) return v.bool_value() ? 1 : 0;
  return std::nan("");
}

bool Condition::holds(double v) const {
  if (std::isnan(v)) return false;
  if (at_most) return strict ? v < bound : v <= bound;
  return strict ? v > bound : v >= bound;
}

Condition parse_condition(const std::string& text, const std::string& field) {
  Condition c;
  std::size_t op = text.find_first_of("<>");
  if (op == std::string::npos) throw InputError(field + ": expected 'KEY <= NUMBER' or 'KEY >= NUMBER', got '" + text + "'");
  c.at_most = text[op] == '<';
  std::size_t after = op + 1;
  if (after < text.size() && text[after] == '=') ++after;
  else c.strict = true;
  auto trim = [](std::string s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  c.key = trim(text.substr(0, op));
  const std::string number = trim(text.substr(after));
  const auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), c.bound);
  if (c.key.empty() || number.empty() || ec != std::errc() || p != number.data() + number.size())
    throw InputError(field + ": expected 'KEY <= NUMBER' or 'KEY >= NUMBER', got '" + text + "'");
  return c;
}

std::string quote(const std::string& s) { return json_quote(s); }  // summary.json's own quoting

// A row from a run: the summary's keys and values as JSON text, exactly as summary.json writes them.
std::string point_file(const std::string& dir, std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07zu.json", index);
  return dir + "/points/" + buf;
}

SweepRow row_of(const SweepPoint& p, const TimedResult& r) {
  SweepRow row;
  row.index = p.index;
  row.hash = p.hash;
  row.axis_values = p.axis_values;
  row.policy = p.policy;
  row.seed = p.seed;
  row.wall_s = r.wall_s;
  for (const auto& [key, value] : r.result.summary) {
    row.keys.push_back(key);
    row.values.push_back(summary_value_json(value));
  }
  return row;
}

std::string row_file_text(const SweepRow& row, const std::string& plan_hash) {
  std::string out = "{\"plan\": " + quote(plan_hash) + ", \"index\": " + std::to_string(row.index) +
                    ", \"hash\": " + quote(row.hash) + ", \"policy\": " + quote(row.policy) +
                    ", \"seed\": " + std::to_string(row.seed) + ", \"wall_s\": " + json_number(row.wall_s) +
                    ",\n \"axes\": [";
  for (std::size_t k = 0; k < row.axis_values.size(); ++k) out += (k ? ", " : "") + quote(row.axis_values[k]);
  out += "],\n \"keys\": [";
  for (std::size_t k = 0; k < row.keys.size(); ++k) out += (k ? ", " : "") + quote(row.keys[k]);
  out += "],\n \"values\": [";
  // Values as strings holding their JSON text: parsing numbers back would lose digits.
  for (std::size_t k = 0; k < row.values.size(); ++k) out += (k ? ", " : "") + quote(row.values[k]);
  return out + "]}\n";
}

std::optional<SweepRow> read_row_file(const std::string& path, std::string* plan_hash) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  pb::Struct s;
  if (!pb::util::JsonStringToMessage(read_text_file(path, "sweep point"), &s).ok())
    throw InputError(path + ": not a sweep point file (delete it to rerun the point)");
  const auto& f = s.fields();
  for (const char* k : {"plan", "index", "hash", "policy", "seed", "wall_s", "axes", "keys", "values"})
    if (!f.count(k)) throw InputError(path + ": not a sweep point file (no " + k + ")");
  SweepRow row;
  if (plan_hash) *plan_hash = f.at("plan").string_value();
  row.index = static_cast<std::size_t>(f.at("index").number_value());
  row.hash = f.at("hash").string_value();
  row.policy = f.at("policy").string_value();
  row.seed = static_cast<std::uint64_t>(f.at("seed").number_value());
  row.wall_s = f.at("wall_s").number_value();
  for (const auto& v : f.at("axes").list_value().values()) row.axis_values.push_back(v.string_value());
  for (const auto& v : f.at("keys").list_value().values()) row.keys.push_back(v.string_value());
  for (const auto& v : f.at("values").list_value().values()) row.values.push_back(v.string_value());
  if (row.keys.size() != row.values.size()) throw InputError(path + ": keys and values differ in number");
  return row;
}

double row_number(const SweepRow& row, const std::string& key) {
  for (std::size_t k = 0; k < row.keys.size(); ++k)
    if (row.keys[k] == key) return value_number(value_of(row.values[k], "summary value"));
  return std::nan("");
}

bool row_has(const SweepRow& row, const std::string& key) {
  return std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end();
}

}  // namespace capsim::sweep_detail
