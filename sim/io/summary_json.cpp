#include "sim/io/summary_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "sim/io/atomic_file.h"

namespace capsim {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ptr);
}

std::string summary_value_json(const SummaryValue& value) {
  if (auto v = std::get_if<std::int64_t>(&value)) return std::to_string(*v);
  if (auto d = std::get_if<double>(&value)) return json_number(*d);
  return json_quote(std::get<std::string>(value));
}

std::string summary_to_json(const RunResult& r) {
  std::string out = "{\n";
  auto field = [&](const std::string& key, const std::string& value, bool last = false) {
    out += "  " + json_quote(key) + ": " + value + (last ? "\n" : ",\n");
  };
  field("capsim_version", json_quote(r.meta.capsim_version));
  field("policy", json_quote(r.meta.policy));
  field("policy_params", r.meta.policy_params_json.empty() ? "{}" : r.meta.policy_params_json);
  field("seed", std::to_string(r.meta.seed), r.summary.empty());
  for (std::size_t i = 0; i < r.summary.size(); ++i) {
    const auto& [key, value] = r.summary[i];
    field(key, summary_value_json(value), i + 1 == r.summary.size());
  }
  return out + "}\n";
}

void write_summary_json(const std::string& path, const RunResult& r) {
  write_text_atomically(path, summary_to_json(r));
}

}  // namespace capsim
